package client

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// DirectSocket is where a libvirt daemon looks for the LXC driver's
// daemon on its own host (virtlxcd's socket) when a URI names none.
const DirectSocket = "/run/libvirt/virtlxcd-sock"

// legacySocket is where virsh's ssh transport reaches libvirtd on the
// remote host when a URI names no socket and virt-ssh-helper is missing.
const legacySocket = "/var/run/libvirt/libvirt-sock"

// OpenURI connects to the libvirt daemon a connection URI names, as
// libvirt's remote driver does, and opens the driver URI on it:
//
//   - lxc:///system?socket=PATH and lxc+unix:///system?socket=PATH: the
//     unix socket PATH (DirectSocket without ?socket=);
//   - lxc+ssh://[user@]host[:port]/system?socket=PATH: ssh, whose remote
//     end is `nc -U PATH` (without ?socket=, virt-ssh-helper, else nc on
//     libvirtd's socket). The URI parameters keyfile, no_verify, no_tty
//     and netcat are honoured as libvirt's ssh transport honours them;
//     ssh runs in batch mode (it has nobody to ask for a password).
//
// What libvirt's ssh transport ignores (known_hosts, known_hosts_verify,
// sshauth: parameters of its libssh transports) is ignored; the command
// parameter (another program to run instead of ssh) and the other
// transports are refused. ctx bounds the connection's setup; the
// connection lives until Close.
func OpenURI(ctx context.Context, uri string, opt Options, log *slog.Logger) (*Conn, error) {
	t, err := parseTarget(uri)
	if err != nil {
		return nil, err
	}
	for _, p := range t.ignored {
		log.Debug("ignoring a parameter of the libvirt ssh transport's libssh variants", "param", p)
	}
	if t.transport != "ssh" {
		return Dial(ctx, t.socket, t.name, opt)
	}
	nc, err := dialSSH(t.sshArgs())
	if err != nil {
		return nil, err
	}
	c, err := newConn(ctx, nc, t.name, opt)
	if err != nil {
		return nil, nc.describe(err)
	}
	return c, nil
}

// target is a parsed connection URI.
type target struct {
	transport string // "unix" or "ssh"
	name      string // the URI opened on the daemon
	socket    string // the daemon's socket ("" for ssh's default)
	host, port, user,
	keyfile, netcat string
	noVerify, noTTY bool
	ignored         []string
}

// parseTarget reads uri; what it cannot reach is refused with
// VIR_ERR_ARGUMENT_UNSUPPORTED, a malformed one with VIR_ERR_INVALID_ARG.
func parseTarget(uri string) (target, error) {
	var t target
	u, err := url.Parse(uri)
	if err != nil {
		return t, virterror.New(libvirt.ErrInvalidArg, "cannot parse the destination URI '%s': %v", uri, err)
	}
	driver, transport, _ := strings.Cut(u.Scheme, "+")
	if driver != "lxc" {
		return t, virterror.New(libvirt.ErrArgumentUnsupported, "destination URI '%s' does not name the LXC driver", uri)
	}
	switch transport {
	case "", "unix":
		if u.Host != "" && transport == "" {
			return t, virterror.New(libvirt.ErrArgumentUnsupported, "transport of destination URI '%s' is not supported: use lxc+ssh:// or a local socket", uri)
		}
		t.transport = "unix"
	case "ssh":
		t.transport = "ssh"
		if t.host = u.Hostname(); t.host == "" {
			t.host = "localhost"
		}
		t.port = u.Port()
		t.user = u.User.Username()
	default:
		return t, virterror.New(libvirt.ErrArgumentUnsupported, "transport '%s' of destination URI '%s' is not supported: use lxc+ssh:// or a local socket", transport, uri)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return t, virterror.New(libvirt.ErrInvalidArg, "cannot parse the query of destination URI '%s': %v", uri, err)
	}
	rest := url.Values{}
	for k, vs := range q {
		v := vs[len(vs)-1]
		switch strings.ToLower(k) {
		case "name":
			t.name = v
		case "socket":
			t.socket = v
		case "keyfile":
			t.keyfile = v
		case "netcat":
			t.netcat = v
		case "no_verify":
			t.noVerify = v != "" && v != "0"
		case "no_tty":
			t.noTTY = v != "" && v != "0"
		case "known_hosts", "known_hosts_verify", "sshauth", "authfile", "no_sanity", "pkipath", "tls_priority":
			t.ignored = append(t.ignored, k)
		case "command", "mode", "proxy", "auth":
			return t, virterror.New(libvirt.ErrArgumentUnsupported, "parameter '%s' of destination URI '%s' is not supported", k, uri)
		default:
			rest[k] = vs
		}
	}
	if t.name == "" {
		t.name = (&url.URL{Scheme: "lxc", Path: u.Path, RawQuery: rest.Encode()}).String()
		if !strings.HasPrefix(t.name, "lxc://") {
			t.name = "lxc://" + strings.TrimPrefix(t.name, "lxc:")
		}
	}
	if t.transport == "unix" && t.socket == "" {
		t.socket = DirectSocket
	}
	return t, nil
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// sshArgs is the ssh command line libvirt's ssh transport runs
// (virNetSocketNewConnectSSH, virNetClientSSHHelperCommand).
func (t target) sshArgs() []string {
	args := []string{"ssh"}
	if t.port != "" {
		args = append(args, "-p", t.port)
	}
	if t.user != "" {
		args = append(args, "-l", t.user)
	}
	if t.keyfile != "" {
		args = append(args, "-i", t.keyfile)
	}
	args = append(args, "-T", "-e", "none", "-o", "BatchMode=yes")
	if t.noVerify {
		args = append(args, "-o", "StrictHostKeyChecking=no")
	}
	netcat := "nc"
	if t.netcat != "" {
		netcat = t.netcat
	}
	sock := t.socket
	if sock == "" {
		sock = legacySocket
	}
	nc := fmt.Sprintf(`if %[1]s -q 2>&1 | grep "requires an argument" >/dev/null 2>&1; then ARG=-q0;else ARG=;fi;%[1]s $ARG -U %[2]s`, shellQuote(netcat), shellQuote(sock))
	cmd := nc
	if t.socket == "" && t.netcat == "" {
		cmd = fmt.Sprintf("which virt-ssh-helper 1>/dev/null 2>&1; if test $? = 0; then virt-ssh-helper %s; else %s; fi", shellQuote(t.name), nc)
	}
	return append(args, "--", t.host, "sh -c "+shellQuote(cmd))
}

// stderrLimit bounds how much of ssh's stderr is kept for errors.
const stderrLimit = 4096

// cmdConn is one end of a socket pair whose other end is a process's
// stdin and stdout; Close ends the process.
type cmdConn struct {
	net.Conn
	cmd    *exec.Cmd
	stderr *tailBuffer
	once   sync.Once
	waited chan struct{}
}

// dialSSH starts argv with a socket pair as its stdin and stdout, in a
// session of its own (no terminal to prompt on).
func dialSSH(argv []string) (*cmdConn, error) {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "socketpair: %v", err)
	}
	mine, theirs := os.NewFile(uintptr(fds[0]), "ssh"), os.NewFile(uintptr(fds[1]), "ssh")
	defer theirs.Close()
	nc, err := net.FileConn(mine)
	mine.Close()
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "socketpair: %v", err)
	}
	c := &cmdConn{Conn: nc, cmd: exec.Command(argv[0], argv[1:]...), stderr: &tailBuffer{max: stderrLimit}, waited: make(chan struct{})}
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = theirs, theirs, c.stderr
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := c.cmd.Start(); err != nil {
		nc.Close()
		return nil, virterror.New(libvirt.ErrSystemError, "cannot run %s: %v", argv[0], err)
	}
	go func() {
		_ = c.cmd.Wait()
		close(c.waited)
	}()
	return c, nil
}

// Close closes the socket, which ends ssh, and kills it if it has not
// ended a few seconds later.
func (c *cmdConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		select {
		case <-c.waited:
		case <-time.After(3 * time.Second):
			_ = c.cmd.Process.Kill()
			<-c.waited
		}
	})
	return err
}

// describe adds what ssh said to err, which ended the connection's setup.
func (c *cmdConn) describe(err error) error {
	select {
	case <-c.waited:
	case <-time.After(time.Second):
	}
	msg := strings.TrimSpace(c.stderr.String())
	if msg == "" {
		return err
	}
	return virterror.New(libvirt.ErrSystemError, "cannot reach the destination through ssh: %v: %s", err, msg)
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf bytes.Buffer
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf.Write(p)
	if over := b.buf.Len() - b.max; over > 0 {
		b.buf.Next(over)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
