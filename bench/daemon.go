package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// daemon is a libvirt-protocol server the bench started: lxcvirtd or
// libvirtd, each on a private socket.
type daemon struct {
	name string // "lxcvirtd" or "libvirtd"
	sock string
	log  string // its log file, quoted when it fails
	cmd  *exec.Cmd
	done chan struct{} // closed when the process has exited

	mu    sync.Mutex
	conns []net.Conn // every client connection, closed on interrupt
}

// uri is the URI virsh gets: the socket travels in the query and the
// server sees plain lxc:///system.
func (d *daemon) uri() string { return "lxc:///system?socket=" + d.sock }

func (d *daemon) pid() int { return d.cmd.Process.Pid }

// launch starts cmd in its own process group (a Ctrl-C on the terminal
// reaches the bench, which then stops the daemon in order) and makes it
// die with the bench if the bench is killed outright.
func launch(name, sock, logPath string, cmd *exec.Cmd) (*daemon, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
	d := &daemon{name: name, sock: sock, log: logPath, cmd: cmd, done: make(chan struct{})}
	// The kernel sends Pdeathsig when the thread that forked the child
	// exits, not the process: the goroutine that starts the daemon keeps
	// its thread until the daemon is gone, so that no thread the runtime
	// retires meanwhile stops the daemon in the middle of a run.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			runtime.UnlockOSThread()
			started <- err
			return
		}
		started <- nil
		_ = cmd.Wait()
		close(d.done)
	}()
	if err := <-started; err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	return d, nil
}

// waitReady waits until the daemon accepts a libvirt connection.
func (d *daemon) waitReady(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := d.dial(ctx)
		if err == nil {
			d.disconnect(c)
			return nil
		}
		select {
		case <-d.done:
			return fmt.Errorf("%s exited during startup (%v); log:\n%s", d.name, d.cmd.ProcessState, tail(d.log, 15))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready after %s: %w; log:\n%s", d.name, timeout, err, tail(d.log, 15))
		}
	}
}

// dial opens a connected client, the way virt-manager or Nova hold one.
// The connection is closed when ctx ends, which unblocks any call in flight.
func (d *daemon) dial(ctx context.Context) (*libvirt.Libvirt, error) {
	nc, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "unix", d.sock)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	d.conns = append(d.conns, nc)
	d.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	l := libvirt.New(nc)
	if err := l.ConnectToURI("lxc:///system"); err != nil {
		stop()
		nc.Close()
		return nil, fmt.Errorf("connect to %s: %w", d.name, err)
	}
	return l, nil
}

// disconnect closes a client politely.
func (d *daemon) disconnect(l *libvirt.Libvirt) {
	if l != nil {
		_ = l.Disconnect()
	}
}

// closeConns drops every client connection at once.
func (d *daemon) closeConns() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
	d.conns = nil
}

// memory is the daemon's memory and that of its helper children (the
// driver plugin), in KiB.
type memory struct {
	daemon   memUse
	children memUse
	names    []string
}

func (m memory) total() memUse { return m.daemon.plus(m.children) }

func (d *daemon) memory(ignore func(childProc) bool) (memory, error) {
	self, err := smapsRollup(d.pid())
	if err != nil {
		return memory{}, fmt.Errorf("%s memory: %w", d.name, err)
	}
	m := memory{daemon: self}
	for _, c := range children(d.pid()) {
		if ignore != nil && ignore(c) {
			continue
		}
		if u, err := smapsRollup(c.PID); err == nil {
			m.children = m.children.plus(u)
			m.names = append(m.names, c.Name)
		}
	}
	return m, nil
}

// cpuNs is the CPU time used so far by the daemon and its long-lived
// children (the plugin), in nanoseconds.
func (d *daemon) cpuNs() (int64, error) {
	total, err := cpuNs(d.pid())
	if err != nil {
		return 0, err
	}
	for _, c := range children(d.pid()) {
		if isLXCTool(c) {
			continue
		}
		if ns, err := cpuNs(c.PID); err == nil {
			total += ns
		}
	}
	return total, nil
}

// stop sends SIGTERM, waits, and kills the process group if it lingers.
func (d *daemon) stop(ctx context.Context) error {
	d.closeConns()
	select {
	case <-d.done:
		return nil
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
		return nil
	case <-time.After(15 * time.Second):
	case <-ctx.Done():
	}
	_ = syscall.Kill(-d.pid(), syscall.SIGKILL)
	<-d.done
	return fmt.Errorf("%s ignored SIGTERM; killed", d.name)
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// startLxcvirtd runs bin/lxcvirtd on a private socket, state dir and
// lxcpath under dir, and waits until it serves.
func startLxcvirtd(ctx context.Context, bin, dir string) (*daemon, error) {
	d, err := launchLxcvirtd(ctx, bin, dir)
	if err != nil {
		return nil, err
	}
	if err := d.waitReady(ctx, 20*time.Second); err != nil {
		_ = d.stop(context.WithoutCancel(ctx))
		return nil, err
	}
	return d, nil
}

// launchLxcvirtd starts bin/lxcvirtd as startLxcvirtd does, without
// waiting for it (a restart the caller times itself).
func launchLxcvirtd(ctx context.Context, bin, dir string) (*daemon, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("lxcvirtd binary: %w (run make build)", err)
	}
	sock := filepath.Join(dir, "sock")
	state, lxcpath, run := filepath.Join(dir, "state"), filepath.Join(dir, "lxc"), filepath.Join(dir, "run")
	for _, p := range []string{state, lxcpath, run} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
	}
	args := []string{"--socket", sock, "--state-dir", state, "--lxcpath", lxcpath, "--log-level", "warn"}
	// Newer daemons keep per-boot state in a run dir; keep it private too.
	if help, _ := exec.CommandContext(ctx, bin, "--help").CombinedOutput(); strings.Contains(string(help), "-run-dir") {
		args = append(args, "--run-dir", run)
	}
	return launch("lxcvirtd", sock, filepath.Join(dir, "lxcvirtd.log"), exec.Command(bin, args...))
}

// kill sends SIGKILL to the daemon alone (its plugin dies with it, by
// Pdeathsig) and waits until it has been reaped.
func (d *daemon) kill(ctx context.Context) error {
	d.closeConns()
	if err := d.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	select {
	case <-d.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errNoSupport reports whether a libvirt call failed with VIR_ERR_NO_SUPPORT.
func errNoSupport(err error) bool {
	var le libvirt.Error
	return errors.As(err, &le) && le.Code == uint32(libvirt.ErrNoSupport)
}
