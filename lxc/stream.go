package lxc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"
)

// Streamer starts a long-running argv whose standard output is read while
// it runs (lxc-monitor). An Execer that can stream implements it too;
// OSExecer does.
type Streamer interface {
	Stream(ctx context.Context, argv []string) (*Proc, error)
}

// Proc is a process started by a Streamer. Read Stdout to its end, then
// call Wait. When ctx ends the process group is killed, which ends Stdout.
type Proc struct {
	Stdout io.Reader
	// Wait waits for the process to exit. Result carries the exit code and
	// the tail of stderr (Stdout stays empty); the error is non-nil only
	// when the process was killed because ctx ended (it wraps ctx.Err())
	// or could not be waited for.
	Wait func() (Result, error)
}

// stderrTail bounds the stderr a streamed process keeps.
const stderrTail = 4096

// Stream implements Streamer: like Run, never a shell, its own process
// group, killed with it when ctx ends, and killed by the kernel when the
// calling process dies first.
func (OSExecer) Stream(ctx context.Context, argv []string) (*Proc, error) {
	if len(argv) == 0 {
		return nil, errors.New("empty argv")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("not started: %w", err)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &tailBuffer{max: stderrTail}
	cmd.Stderr = stderr
	// A long-running helper must not outlive its caller: if the caller
	// dies without cancelling (kill -9), the kernel kills the process.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.WaitDelay = waitDelay
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	killed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		close(killed)
	})
	wait := func() (Result, error) {
		err := cmd.Wait()
		stop()
		res := Result{Stderr: stderr.Bytes(), ExitCode: cmd.ProcessState.ExitCode()}
		select {
		case <-killed:
			return res, fmt.Errorf("killed: %w", ctx.Err())
		default:
		}
		var exitErr *exec.ExitError
		if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
			return res, err
		}
		return res, nil
	}
	return &Proc{Stdout: stdout, Wait: sync.OnceValues(wait)}, nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = b.buf[over:]
	}
	return len(p), nil
}

func (b *tailBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf)
}
