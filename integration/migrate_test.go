//go:build integration

package integration

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// sshServer is a private sshd on a loopback port that lets root in with
// one key the test made: virsh reaches the other daemon through it, as
// lxc+ssh:// reaches another host. Nothing of the host's own sshd or
// root's authorized_keys is used or changed.
type sshServer struct {
	port int
	key  string // the client's private key
}

// startSSH runs the private sshd until the test ends.
func startSSH(t *testing.T) *sshServer {
	t.Helper()
	sshd := testenv.RequireTool(t, "sshd", "openssh-server")
	testenv.RequireTool(t, "ssh", "openssh-client")
	// The remote end of lxc+ssh://…?socket= is netcat: nc -U SOCKET.
	testenv.RequireTool(t, "nc", "netcat-openbsd")
	dir := t.TempDir()
	s := &sshServer{key: filepath.Join(dir, "id")}
	for _, argv := range [][]string{
		{"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "lxcvirt-migrate-test", "-f", s.key},
		{"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", filepath.Join(dir, "hostkey")},
		{"cp", s.key + ".pub", filepath.Join(dir, "authorized_keys")},
	} {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", argv, err, out)
		}
	}
	// sshd's privilege separation directory (the package's unit makes it).
	must(t, os.MkdirAll("/run/sshd", 0o755))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	conf := filepath.Join(dir, "sshd_config")
	must(t, os.WriteFile(conf, []byte(fmt.Sprintf(`ListenAddress 127.0.0.1:%d
HostKey %s
AuthorizedKeysFile %s
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile none
`, s.port, filepath.Join(dir, "hostkey"), filepath.Join(dir, "authorized_keys"))), 0o600))
	knownBefore := knownHostsExists()
	cmd := exec.Command(sshd, "-D", "-e", "-f", conf)
	out := &lockedBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	must(t, cmd.Start())
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("sshd log:\n%s", out.String())
		}
		forgetHostKey(t, s.port, knownBefore)
	})
	testenv.Eventually(t, patience, 20*time.Millisecond, "sshd listens", func() (bool, string) {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(s.port))
		if err != nil {
			return false, err.Error() + "\n" + out.String()
		}
		c.Close()
		return true, ""
	})
	return s
}

// knownHosts is root's ssh known_hosts file.
func knownHosts() string {
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".ssh", "known_hosts")
}

func knownHostsExists() bool {
	_, err := os.Stat(knownHosts())
	return err == nil
}

// forgetHostKey takes the test sshd's host key, which no_verify=1 let ssh
// add, out of root's known_hosts again (the file goes if the test made
// it), and leaves the backup ssh-keygen makes (known_hosts.old) as it was.
func forgetHostKey(t *testing.T, port int, existed bool) {
	known := knownHosts()
	if !existed {
		_ = os.Remove(known)
		return
	}
	backup, backupErr := os.ReadFile(known + ".old")
	if out, err := exec.Command("ssh-keygen", "-R", fmt.Sprintf("[127.0.0.1]:%d", port), "-f", known).CombinedOutput(); err != nil {
		t.Errorf("ssh-keygen -R: %v\n%s", err, out)
	}
	if backupErr != nil {
		_ = os.Remove(known + ".old")
	} else {
		_ = os.WriteFile(known+".old", backup, 0o644)
	}
}

// uri is the lxc+ssh URI of the daemon listening on sock.
func (s *sshServer) uri(sock string) string {
	return fmt.Sprintf("lxc+ssh://root@127.0.0.1:%d/system?socket=%s&keyfile=%s&no_verify=1&no_tty=1", s.port, sock, s.key)
}

// lockedBuffer is a bytes.Buffer a process writes while the test reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestMigrateOffline moves a shut-off container's definition between two
// daemons (their own state dirs, lxcpaths and sockets) with stock virsh
// over ssh: virsh migrate --offline --persistent --undefinesource.
func TestMigrateOffline(t *testing.T) {
	srcHost, dstHost := newHost(t), newHost(t)
	src, dst := startDaemon(t, srcHost), startDaemon(t, dstHost)
	ssh := startSSH(t)
	target := ssh.uri(dst.sock)
	// The root filesystem is on a path both daemons see.
	rootfs := srcHost.rootfs(testenv.InitShell)

	name := srcHost.name("migr")
	src.ok("define", writeXML(t, smallXML(name, rootfs, "")))
	want := src.ok("dumpxml", "--inactive", name)
	src.ok("migrate", "--offline", "--persistent", "--undefinesource", name, target)

	if got := dst.ok("dumpxml", "--inactive", name); got != want {
		t.Errorf("target's definition differs from the source's:\n%s\nwant:\n%s", got, want)
	}
	if got := dst.ok("domstate", name); got != "shut off" {
		t.Errorf("target state %q", got)
	}
	if got := dst.ok("dominfo", name); !strings.Contains(got, "Persistent:     yes") {
		t.Errorf("target dominfo:\n%s", got)
	}
	if msg := src.failsOn(src.sock, "domstate", name); !strings.Contains(msg, "failed to get domain '"+name+"'") {
		t.Errorf("source still has the domain: %s", msg)
	}
	// It starts there.
	dst.ok("start", name)
	dstHost.mu.Lock()
	dstHost.names = append(dstHost.names, name)
	dstHost.mu.Unlock()
	if got := dst.ok("domstate", name); got != "running" {
		t.Errorf("target state after start %q", got)
	}
	dst.ok("destroy", name)

	// A target that refuses (another domain has the name there) leaves the
	// source as it was.
	name2 := srcHost.name("migr")
	src.ok("define", writeXML(t, smallXML(name2, rootfs, "")))
	want2 := src.ok("dumpxml", "--inactive", name2)
	dst.ok("define", writeXML(t, smallXML(name2, rootfs, "")))
	otherUUID := dst.ok("domuuid", name2)
	msg := src.failsOn(src.sock, "migrate", "--offline", "--persistent", "--undefinesource", name2, target)
	if wantMsg := "operation failed: domain '" + name2 + "' is already defined with uuid " + otherUUID; !strings.Contains(msg, wantMsg) {
		t.Errorf("refused migration: %q, want %q", msg, wantMsg)
	}
	if got := src.ok("dumpxml", "--inactive", name2); got != want2 {
		t.Errorf("source changed by a refused migration:\n%s", got)
	}
	if got := dst.ok("domuuid", name2); got != otherUUID {
		t.Errorf("target's own domain changed: uuid %s", got)
	}

	// A daemon is not its own target: the domain would end up undefined.
	msg = src.failsOn(src.sock, "migrate", "--offline", "--persistent", "--undefinesource", name2, ssh.uri(src.sock))
	if !strings.Contains(msg, "Attempt to migrate guest to the same host") {
		t.Errorf("migration to the source itself: %q", msg)
	}
	if got := src.ok("dumpxml", "--inactive", name2); got != want2 {
		t.Errorf("source changed by a migration to itself:\n%s", got)
	}

	// A live migration the target refuses (it has the name under another
	// UUID) leaves the source running.
	src.ok("start", name2)
	msg = src.failsOn(src.sock, "migrate", "--live", name2, target)
	if !strings.Contains(msg, "is already defined with uuid "+otherUUID) {
		t.Errorf("live migration: %q", msg)
	}
	if got := src.ok("domstate", name2); got != "running" {
		t.Errorf("source after a refused live migration: %q", got)
	}

	// Offline migration of a running domain copies its definition; the
	// source keeps running and keeps it, as in libvirt's QEMU driver.
	dst.ok("undefine", name2)
	src.ok("migrate", "--offline", "--persistent", "--undefinesource", name2, target)
	if got := dst.ok("dumpxml", "--inactive", name2); got != want2 {
		t.Errorf("target's definition of a running source:\n%s\nwant:\n%s", got, want2)
	}
	if got := src.ok("domstate", name2); got != "running" {
		t.Errorf("source after an offline migration of it running: %q", got)
	}
	if got := src.ok("dominfo", name2); !strings.Contains(got, "Persistent:     yes") {
		t.Errorf("source lost its definition:\n%s", got)
	}
	src.ok("destroy", name2)
}

// TestMigrateOfflineP2P moves a shut-off container's definition with
// virsh migrate --p2p --offline: the source daemon reaches the target
// over ssh itself.
func TestMigrateOfflineP2P(t *testing.T) {
	srcHost, dstHost := newHost(t), newHost(t)
	src, dst := startDaemon(t, srcHost), startDaemon(t, dstHost)
	ssh := startSSH(t)
	rootfs := srcHost.rootfs(testenv.InitShell)
	name := srcHost.name("p2p-off")
	src.ok("define", writeXML(t, smallXML(name, rootfs, "")))
	want := src.ok("dumpxml", "--inactive", name)
	src.ok("migrate", "--p2p", "--offline", "--persistent", "--undefinesource", name, ssh.uri(dst.sock))
	if got := dst.ok("dumpxml", "--inactive", name); got != want {
		t.Errorf("target's definition differs from the source's:\n%s\nwant:\n%s", got, want)
	}
	if msg := src.failsOn(src.sock, "domstate", name); !strings.Contains(msg, "failed to get domain '"+name+"'") {
		t.Errorf("source still has the domain: %s", msg)
	}
	// Migrating it back to itself through its own socket is refused.
	msg := dst.failsOn(dst.sock, "migrate", "--p2p", "--offline", "--persistent", "--undefinesource", name, ssh.uri(dst.sock))
	if !strings.Contains(msg, "Attempt to migrate guest to the same host") {
		t.Errorf("migration to itself: %q", msg)
	}
	if got := dst.ok("dumpxml", "--inactive", name); got != want {
		t.Errorf("target changed by a migration to itself:\n%s", got)
	}
	dst.ok("undefine", name)
}
