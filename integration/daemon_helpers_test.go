//go:build integration

package integration

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"

	"github.com/lxcvirt/lxcvirt/plugin/plugintest"
)

// daemon is a real lxcvirtd process serving one test's host directories.
type daemon struct {
	t      testing.TB
	h      *host
	sock   string // read-write socket
	ro     string // read-only socket
	cmd    *exec.Cmd
	mu     sync.Mutex
	output bytes.Buffer
}

// socketDir makes a directory for a daemon's sockets (short: unix socket
// paths are limited).
func socketDir(t testing.TB) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "lxcvirtd-sock-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// startDaemon runs lxcvirtd on h's directories with sockets in a temp
// dir, with extra flags after the test's own. When the test ends the
// daemon gets SIGTERM and must exit 0.
func startDaemon(t testing.TB, h *host, extra ...string) *daemon {
	t.Helper()
	return runDaemon(t, h, plugintest.Daemon(t), socketDir(t), extra...)
}

// runDaemon starts the daemon binary bin with its sockets in dir, so a
// test can start another daemon on the same sockets and state. The daemon
// serves its own networks (--network-driver none) unless extra says
// otherwise: a libvirtd that another test runs must not change what its
// networks are.
func runDaemon(t testing.TB, h *host, bin, dir string, extra ...string) *daemon {
	t.Helper()
	d := &daemon{t: t, h: h, sock: filepath.Join(dir, "sock"), ro: filepath.Join(dir, "sock-ro")}
	d.cmd = exec.Command(bin, append([]string{"--socket", d.sock, "--state-dir", h.stateDir, "--lxcpath", h.lxcPath,
		"--run-dir", h.runDir, "--shutdown-grace", "10s", "--log-level", "debug", "--network-driver", "none"}, extra...)...)
	d.start()
	return d
}

// start runs d.cmd, stops it when the test ends and waits until it
// listens on d.sock.
func (d *daemon) start() {
	d.t.Helper()
	d.cmd.Stdout = &lockedWriter{mu: &d.mu, w: &d.output}
	d.cmd.Stderr = d.cmd.Stdout
	if err := d.cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(d.stop)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("unix", d.sock)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("lxcvirtd did not listen on %s: %v\n%s", d.sock, err, d.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (d *daemon) log() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.output.String()
}

func (d *daemon) stop() {
	if d.cmd.ProcessState != nil {
		return
	}
	_ = d.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- d.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			d.t.Errorf("lxcvirtd exit after SIGTERM: %v\n%s", err, d.log())
		}
	case <-time.After(60 * time.Second):
		_ = d.cmd.Process.Kill()
		<-done
		d.t.Errorf("lxcvirtd did not stop within a minute of SIGTERM\n%s", d.log())
	}
	// The daemon and its plugin are built with -race; the plugin's stderr
	// comes out in the daemon's log.
	if strings.Contains(d.log(), "WARNING: DATA RACE") {
		d.t.Errorf("the race detector reported a data race in lxcvirtd or its plugin")
	}
	if d.t.Failed() {
		d.t.Logf("lxcvirtd log:\n%s", d.log())
	}
}

// dialGo connects go-libvirt to sock for the test's life, as a client
// such as virt-manager or Nova holds its connection.
func dialGo(t testing.TB, sock string) *libvirt.Libvirt {
	t.Helper()
	nc, err := net.Dial("unix", sock)
	must(t, err)
	c := libvirt.NewWithDialer(dialers.NewAlreadyConnected(nc))
	must(t, c.ConnectToURI("lxc:///system"))
	t.Cleanup(func() { _ = c.Disconnect() })
	return c
}

// uri is the connection URI of one of the daemon's sockets.
func uri(sock string) string { return "lxc:///system?socket=" + sock }

// virshResult is what one virsh run printed.
type virshResult struct {
	args   []string
	stdout string
	stderr string
	code   int
	pid    int // virsh's process, as the daemon's log names its client
}

// runVirsh runs the real virsh against sock; the error is set only when
// virsh could not run or was killed (ctx ended), not for an exit status.
func runVirsh(ctx context.Context, sock string, args ...string) (virshResult, error) {
	return runVirshURI(ctx, uri(sock), args...)
}

// runVirshURI is runVirsh on any connection URI.
func runVirshURI(ctx context.Context, connURI string, args ...string) (virshResult, error) {
	cmd := exec.CommandContext(ctx, "virsh", append([]string{"-c", connURI}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LIBVIRT_DEFAULT_URI=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := virshResult{args: args, stdout: out.String(), stderr: errb.String()}
	if cmd.Process != nil {
		r.pid = cmd.Process.Pid
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() {
		r.code, err = ee.ExitCode(), nil
	}
	if err != nil {
		return r, fmt.Errorf("virsh %s: %w", strings.Join(args, " "), err)
	}
	return r, nil
}

// virshOn runs the real virsh against sock and logs what it printed.
func (d *daemon) virshOn(sock string, args ...string) virshResult {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := runVirsh(ctx, sock, args...)
	if err != nil {
		d.t.Fatal(err)
	}
	d.t.Logf("$ virsh %s\n%s%s[exit %d]", strings.Join(args, " "), r.stdout, r.stderr, r.code)
	return r
}

func (d *daemon) virsh(args ...string) virshResult {
	d.t.Helper()
	return d.virshOn(d.sock, args...)
}

// ok runs virsh and fails the test unless it succeeds; it returns stdout
// with surrounding blank lines trimmed.
func (d *daemon) ok(args ...string) string {
	d.t.Helper()
	r := d.virsh(args...)
	if r.code != 0 {
		d.t.Fatalf("virsh %s failed (%d): %s", strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// fails runs virsh, expects it to fail and returns its stderr.
func (d *daemon) failsOn(sock string, args ...string) string {
	d.t.Helper()
	r := d.virshOn(sock, args...)
	if r.code == 0 {
		d.t.Fatalf("virsh %s succeeded: %s", strings.Join(args, " "), r.stdout)
	}
	return strings.TrimSpace(r.stderr)
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
