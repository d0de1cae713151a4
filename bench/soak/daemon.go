package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// daemon is the lxcvirtd under test, on a private socket, state dir, run
// dir and lxcpath.
type daemon struct {
	sock, lxcpath, log string
	cmd                *exec.Cmd
	done               chan struct{} // closed when it has exited
}

// startDaemon runs bin with everything it keeps under dir and waits until
// it accepts a connection.
func startDaemon(ctx context.Context, bin, dir string) (*daemon, error) {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("lxcvirtd binary: %w (run make build)", err)
	}
	d := &daemon{sock: filepath.Join(dir, "sock"), lxcpath: filepath.Join(dir, "lxc"), log: filepath.Join(dir, "lxcvirtd.log"), done: make(chan struct{})}
	state, run := filepath.Join(dir, "state"), filepath.Join(dir, "run")
	for _, p := range []string{state, run, d.lxcpath} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
	}
	logf, err := os.Create(d.log)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	d.cmd = exec.Command(abs, "--socket", d.sock, "--state-dir", state, "--run-dir", run,
		"--lxcpath", d.lxcpath, "--log-level", "info")
	d.cmd.Stdout, d.cmd.Stderr = logf, logf
	d.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := d.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start lxcvirtd: %w", err)
	}
	go func() {
		_ = d.cmd.Wait()
		close(d.done)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		l, err := d.dial(ctx)
		if err == nil {
			_ = l.Disconnect()
			return d, nil
		}
		select {
		case <-d.done:
			return nil, fmt.Errorf("lxcvirtd exited during startup (%v); log:\n%s", d.cmd.ProcessState, tail(d.log, 15))
		case <-ctx.Done():
			d.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.stop()
			return nil, fmt.Errorf("lxcvirtd not ready after 30s: %w; log:\n%s", err, tail(d.log, 15))
		}
	}
}

func (d *daemon) pid() int { return d.cmd.Process.Pid }

// dial opens a connection to lxc:///system; ctx ending closes it.
func (d *daemon) dial(ctx context.Context) (*libvirt.Libvirt, error) {
	nc, err := (&net.Dialer{Timeout: 10 * time.Second}).DialContext(ctx, "unix", d.sock)
	if err != nil {
		return nil, err
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	l := libvirt.New(nc)
	if err := l.ConnectToURI("lxc:///system"); err != nil {
		stop()
		nc.Close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return l, nil
}

// stop sends SIGTERM and kills the process group if it lingers.
func (d *daemon) stop() {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(15 * time.Second):
		_ = syscall.Kill(-d.pid(), syscall.SIGKILL)
		<-d.done
	}
}

// exited reports whether the daemon is gone.
func (d *daemon) exited() bool {
	select {
	case <-d.done:
		return true
	default:
		return false
	}
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
