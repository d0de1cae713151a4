package lxc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Execer runs one argv. Run returns an error only when the program could not
// be run or ctx ended (then the process group has been killed and the error
// wraps ctx.Err()); a non-zero exit is reported in Result.ExitCode.
type Execer interface {
	Run(ctx context.Context, argv []string, stdin []byte) (Result, error)
}

// waitDelay bounds how long Run waits for the output pipes after the process
// exited or was killed: a daemon that inherited them must not hang the caller.
const waitDelay = 2 * time.Second

// OSExecer is the default Execer: os/exec, never a shell. Each process gets
// its own process group so that cancelling kills its children too, and it is
// always waited for, so no zombie stays behind.
type OSExecer struct{}

// Run implements Execer.
func (OSExecer) Run(ctx context.Context, argv []string, stdin []byte) (Result, error) {
	if len(argv) == 0 {
		return Result{ExitCode: -1}, errors.New("empty argv")
	}
	if err := ctx.Err(); err != nil {
		return Result{ExitCode: -1}, fmt.Errorf("not started: %w", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = waitDelay
	if err := cmd.Start(); err != nil {
		return Result{ExitCode: -1}, err
	}

	done := make(chan struct{})
	killed := make(chan bool, 1)
	go func() {
		select {
		case <-ctx.Done():
			// Negative pid: the whole process group.
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			killed <- true
		case <-done:
			killed <- false
		}
	}()
	err := cmd.Wait()
	close(done)

	res := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), ExitCode: cmd.ProcessState.ExitCode()}
	// Wait for the watcher's verdict: the kill it sent may have ended the
	// process before it could say so.
	if <-killed {
		// A process that finished just before ctx ended keeps its result.
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signaled() {
			return res, fmt.Errorf("killed: %w", ctx.Err())
		}
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) && !errors.Is(err, exec.ErrWaitDelay) {
		return res, err
	}
	return res, nil
}
