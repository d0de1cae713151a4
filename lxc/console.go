package lxc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Console attachment.
//
// A container's console belongs to LXC's monitor (the "[lxc monitor]"
// process lxc-start -d leaves behind): it holds the master of the console
// pty and relays it. A client attaches through the monitor's command socket,
// and the monitor hands it a fresh host pty (the proxy) joined to the
// console for as long as the client's socket stays open. lxc-console is the
// upstream client of that protocol; Console runs it with plain pipes, so no
// terminal of ours is involved and no terminal output is interpreted:
// bytes are relayed verbatim.
//
// Because LXC owns the console, an attachment is disposable: when its
// lxc-console ends — closed, killed, or orphaned by a crashed caller (its
// stdin then reaches EOF and it exits) — the monitor frees the console for
// the next client, and the container never notices.
//
// lxc-console's escape prefix cannot be switched off, so Write doubles each
// prefix byte (Ctrl+a), which lxc-console documents as "enter Ctrl+a
// itself"; the stream reaching the container is exactly what was written.

// ErrConsoleBusy is returned when someone else is attached to the console
// or tty.
var ErrConsoleBusy = errors.New("console busy")

const (
	// consoleEscape is lxc-console's escape prefix (-e ^a): Ctrl+a.
	consoleEscape = 0x01
	// consoleBanner is what lxc-console prints on stderr once attached.
	consoleBanner = "Connected to tty "
	// consoleCloseWait bounds how long Close waits for lxc-console to
	// leave after its stdin closed, and then after SIGTERM, before SIGKILL.
	consoleCloseWait = 2 * time.Second
	// consoleStderrMax caps the stderr a Console keeps for its error.
	consoleStderrMax = 16 << 10
)

// Console is one attachment to a container's console (tty 0) or to one of
// its ttys. Read returns what the container writes, Write sends input, and
// Close detaches. Read and Write may be called concurrently with each other
// and with Close.
type Console struct {
	argv   []string
	tty    int
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	done   chan struct{} // closed once lxc-console has exited and been reaped

	wmu     sync.Mutex
	closing sync.Once
	smu     sync.Mutex
	stderr  bytes.Buffer
}

// Console attaches to tty of a running container with lxc-console: 0 is the
// console (/dev/console), n > 0 is /dev/ttyN. ctx bounds the attachment
// only; the Console lives until Close or until lxc-console ends (the
// container stopped). A container that is not running gives ErrNotRunning,
// a console someone else is attached to ErrConsoleBusy, both wrapped in a
// *CommandError.
func (r *Runner) Console(ctx context.Context, name string, tty int) (*Console, error) {
	if err := ValidateName(name); err != nil {
		return nil, fmt.Errorf("lxc-console: %w", err)
	}
	if tty < 0 {
		return nil, fmt.Errorf("console %s: invalid tty %d", name, tty)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("console %s: not started: %w", name, err)
	}
	argv := r.argv("lxc-console", name, []string{"-t", strconv.Itoa(tty), "-e", "^a"})
	start := time.Now()
	c, err := startConsole(ctx, argv, tty)
	r.log.Debug("exec", "argv", argv, "duration", time.Since(start), "err", err)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// startConsole runs argv with pipes for its standard streams and waits for
// its banner (attached) or its exit (failed).
func startConsole(ctx context.Context, argv []string, tty int) (c *Console, err error) {
	var files []*os.File
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	pipe := func() (r, w *os.File) {
		if err == nil {
			if r, w, err = os.Pipe(); err == nil {
				files = append(files, r, w)
			}
		}
		return r, w
	}
	inR, inW := pipe()
	outR, outW := pipe()
	errR, errW := pipe()
	if err != nil {
		closeAll()
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: err}
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, errW
	// Its own process group: a signal meant for the caller's group must
	// not detach the console behind the caller's back.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		closeAll()
		return nil, &CommandError{Argv: argv, ExitCode: -1, Err: err}
	}
	// The child has its copies; ours would hide its EOFs.
	inR.Close()
	outW.Close()
	errW.Close()

	c = &Console{argv: argv, tty: tty, cmd: cmd, stdin: inW, stdout: outR, done: make(chan struct{})}
	attached := make(chan struct{})
	go func() {
		c.readStderr(errR, attached) // all of stderr is in before the exit is reported
		_ = cmd.Wait()
		close(c.done)
	}()

	select {
	case <-attached:
		return c, nil
	case <-c.done:
		select {
		case <-attached:
			return c, nil // attached, then ended at once: its Read ends with EOF
		default:
		}
		c.stdin.Close()
		c.stdout.Close()
		return nil, c.exitError(nil)
	case <-ctx.Done():
		c.kill()
		<-c.done
		c.stdin.Close()
		c.stdout.Close()
		return nil, c.exitError(fmt.Errorf("killed: %w", ctx.Err()))
	}
}

// readStderr keeps lxc-console's stderr (capped) and reports the banner,
// until lxc-console closes it. Its few lines need no more than a small
// buffer (longer ones are read in parts), held as long as the console.
func (c *Console) readStderr(r *os.File, attached chan struct{}) {
	defer r.Close()
	seen := false
	br := bufio.NewReaderSize(r, 256)
	for {
		line, err := br.ReadString('\n')
		c.smu.Lock()
		if c.stderr.Len() < consoleStderrMax {
			c.stderr.WriteString(line)
		}
		c.smu.Unlock()
		if !seen && strings.HasPrefix(strings.TrimSpace(line), consoleBanner) {
			seen = true
			close(attached)
		}
		if err != nil {
			return
		}
	}
}

// exitError describes how lxc-console failed; cause is set when it was
// killed rather than left on its own. Call after done.
func (c *Console) exitError(cause error) error {
	c.smu.Lock()
	stderr := c.stderr.String()
	c.smu.Unlock()
	e := &CommandError{Argv: c.argv, ExitCode: c.cmd.ProcessState.ExitCode(), Stderr: stderr, Err: cause}
	if cause == nil && e.ExitCode == 0 {
		// Ended without attaching or complaining: treat as a failure all
		// the same, the caller has no console.
		e.ExitCode = -1
		e.Err = errors.New("lxc-console ended before it attached")
	}
	return e
}

// TTY is the container tty the Console is attached to (0 = console).
func (c *Console) TTY() int { return c.tty }

// Done is closed once lxc-console has exited: after Close, or when the
// container stopped.
func (c *Console) Done() <-chan struct{} { return c.done }

// Read reads what the container wrote to the console. It returns io.EOF
// once the attachment has ended and everything was read.
func (c *Console) Read(p []byte) (int, error) {
	n, err := c.stdout.Read(p)
	if errors.Is(err, fs.ErrClosed) {
		err = io.EOF
	}
	return n, err
}

// Write sends p to the console as keyboard input.
func (c *Console) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := c.stdin.Write(escapeConsole(p)); err != nil {
		if errors.Is(err, fs.ErrClosed) || errors.Is(err, syscall.EPIPE) {
			err = io.ErrClosedPipe
		}
		return 0, err
	}
	return len(p), nil
}

// escapeConsole doubles lxc-console's escape prefix so it reaches the
// container as typed.
func escapeConsole(p []byte) []byte {
	n := bytes.Count(p, []byte{consoleEscape})
	if n == 0 {
		return p
	}
	out := make([]byte, 0, len(p)+n)
	for _, b := range p {
		out = append(out, b)
		if b == consoleEscape {
			out = append(out, b)
		}
	}
	return out
}

// Close detaches: lxc-console sees EOF on its input and leaves, which frees
// the console in LXC's monitor; one that lingers is terminated. Close
// returns once lxc-console has exited, so the console can be attached again
// right away. It is safe to call more than once.
func (c *Console) Close() error {
	c.closing.Do(func() {
		c.wmu.Lock()
		c.stdin.Close()
		c.wmu.Unlock()
		for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
			select {
			case <-c.done:
			case <-time.After(consoleCloseWait):
				_ = c.cmd.Process.Signal(sig)
			}
		}
		<-c.done
		c.stdout.Close()
	})
	return nil
}

// kill ends lxc-console at once (an attachment abandoned while starting).
func (c *Console) kill() { _ = c.cmd.Process.Kill() }
