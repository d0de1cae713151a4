package lxc

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// fakeConsole is an lxc-console stand-in: it records its arguments, then
// acts as the container name says.
const fakeConsole = `#!/bin/sh
echo "$@" > "$0.args"
case "$4" in
busy)
	echo "lxc-console: busy: ../src/lxc/commands.c: lxc_cmd_get_tty_fd: 1200 Bad file descriptor - Denied access to tty" >&2
	exit 1 ;;
stopped)
	echo "lxc-console: stopped: ../src/lxc/tools/lxc_console.c: main: 129 stopped is not running" >&2
	exit 1 ;;
silent)
	exit 0 ;;
hang)
	exec sleep 100 ;;
linger)
	printf '\nConnected to tty 0\n' >&2
	cat
	echo eof > "$0.linger"
	exec sleep 100 ;;
esac
printf '\nConnected to tty %s\nType <Ctrl+a q> to exit the console, <Ctrl+a Ctrl+a> to enter Ctrl+a itself\n' "$6" >&2
exec cat
`

func fakeConsoleRunner(t *testing.T) (*Runner, string) {
	t.Helper()
	bin := t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "lxc-console"), []byte(fakeConsole), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := New("/var/lib/lxcvirt-test")
	if err != nil {
		t.Fatal(err)
	}
	r.binDir = bin
	return r, filepath.Join(bin, "lxc-console.args")
}

// collector reads a Console in the background.
type collector struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	err  error
	done chan struct{}
}

func collect(r io.Reader) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		b := make([]byte, 4096)
		for {
			n, err := r.Read(b)
			c.mu.Lock()
			c.buf.Write(b[:n])
			if err != nil {
				c.err = err
			}
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c
}

func (c *collector) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// waitFor waits until the output contains want.
func (c *collector) waitFor(t *testing.T, want string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !strings.Contains(c.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in console output after %v: %q", want, timeout, c.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConsoleRelaysAndEscapes(t *testing.T) {
	r, argsFile := fakeConsoleRunner(t)
	c, err := r.Console(t.Context(), "ct1", 2)
	if err != nil {
		t.Fatal(err)
	}
	args, _ := os.ReadFile(argsFile)
	if got, want := strings.TrimSpace(string(args)), "-P /var/lib/lxcvirt-test -n ct1 -t 2 -e ^a"; got != want {
		t.Errorf("argv %q, want %q", got, want)
	}
	if c.TTY() != 2 {
		t.Errorf("TTY %d", c.TTY())
	}
	out := collect(c)
	if n, err := c.Write([]byte("a\x01b\x01\x01c")); err != nil || n != 6 {
		t.Fatalf("Write = %d, %v", n, err)
	}
	// What lxc-console receives: every escape prefix doubled.
	out.waitFor(t, "a\x01\x01b\x01\x01\x01\x01c", 5*time.Second)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-out.done:
	case <-time.After(5 * time.Second):
		t.Fatal("Read did not end after Close")
	}
	if !errors.Is(out.err, io.EOF) {
		t.Errorf("Read after Close: %v, want EOF", out.err)
	}
	select {
	case <-c.Done():
	default:
		t.Error("Done not closed after Close")
	}
	if _, err := c.Write([]byte("x")); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Write after Close: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestConsoleFailures(t *testing.T) {
	r, _ := fakeConsoleRunner(t)
	for name, want := range map[string]error{"busy": ErrConsoleBusy, "stopped": ErrNotRunning} {
		_, err := r.Console(t.Context(), name, 0)
		var ce *CommandError
		if !errors.Is(err, want) || !errors.As(err, &ce) || ce.ExitCode != 1 {
			t.Errorf("%s: %v, want %v", name, err, want)
		}
	}
	_, err := r.Console(t.Context(), "silent", 0)
	var ce *CommandError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "ended before it attached") {
		t.Errorf("silent: %v", err)
	}
	for _, bad := range []string{"", "-n", "a/b"} {
		if _, err := r.Console(t.Context(), bad, 0); !errors.Is(err, ErrInvalidName) {
			t.Errorf("name %q: %v", bad, err)
		}
	}
	if _, err := r.Console(t.Context(), "ct1", -1); err == nil {
		t.Error("tty -1 accepted")
	}
}

func TestConsoleStartHonoursContext(t *testing.T) {
	r, _ := fakeConsoleRunner(t)
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	// "hang" never attaches and sleeps for 100 s.
	done := make(chan error, 1)
	go func() {
		_, err := r.Console(ctx, "hang", 0)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("hang: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Console still waits for an lxc-console that never attaches, 30s after its context ended")
	}
	if _, err := r.Console(ctx, "ct1", 0); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ended ctx: %v", err)
	}
}

// An lxc-console that stays after its stdin closed is sent SIGTERM, once
// Close has waited for it to leave on its own; SIGTERM ends it, so no
// SIGKILL follows.
func TestConsoleCloseEndsLingeringClient(t *testing.T) {
	r, argsFile := fakeConsoleRunner(t)
	c, err := r.Console(t.Context(), "linger", 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < consoleCloseWait {
		t.Errorf("Close signalled lxc-console after %v, before its wait of %v", d, consoleCloseWait)
	}
	// The client saw its stdin end before the signal came.
	if b, err := os.ReadFile(strings.TrimSuffix(argsFile, ".args") + ".linger"); err != nil || string(b) != "eof\n" {
		t.Errorf("lxc-console did not see its stdin end before it was signalled: %q, %v", b, err)
	}
	ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() || ws.Signal() != syscall.SIGTERM {
		t.Errorf("lxc-console ended with %v; want killed by SIGTERM", c.cmd.ProcessState)
	}
}

func TestEscapeConsole(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "abc", "\x01": "\x01\x01", "x\x01\x01y": "x\x01\x01\x01\x01y"} {
		if got := string(escapeConsole([]byte(in))); got != want {
			t.Errorf("escapeConsole(%q) = %q, want %q", in, got, want)
		}
	}
}
