package plugin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"syscall"

	"github.com/hashicorp/go-plugin/runner"
)

// process runs the plugin binary for go-plugin (a runner.Runner). Unlike
// go-plugin's own runner it reaps the child the moment it exits and closes
// done, so the supervisor learns of a crash at once, whether or not
// something still holds the child's stdio pipes. The pipes are plain
// os.Pipe files, so reaping never cuts off log lines still being read.
type process struct {
	mu             sync.Mutex // orders Start against Kill and pid
	cmd            *exec.Cmd
	stdout, stderr *os.File // read ends
	done           chan struct{}
	waitErr        error // valid once done is closed
}

var _ runner.Runner = (*process)(nil)

func newProcess(cmd *exec.Cmd) *process {
	// Its own process group: a terminal's Ctrl-C aimed at the daemon
	// reaches neither the plugin nor the lxc-* commands it runs.
	// Pdeathsig: when the daemon dies without stopping the plugin
	// (kill -9), the kernel kills the plugin at once, so the plugin of a
	// restarted daemon never shares the state directory with an orphan.
	// (The plugin's own check of its parent remains as a fallback.)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	return &process{cmd: cmd, done: make(chan struct{})}
}

func (p *process) Start(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("start %s: %w", p.cmd.Path, err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(outR, outW)
		return fmt.Errorf("start %s: %w", p.cmd.Path, err)
	}
	p.cmd.Stdout, p.cmd.Stderr = outW, errW
	started := make(chan error, 1)
	go func() {
		// The kernel sends Pdeathsig when the thread that forked the
		// child exits, not the process; Go ends a thread only when a
		// goroutine exits locked to it. So fork from a locked thread and
		// keep it until the plugin is reaped.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := p.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		closeAll(outR, outW, errR, errW)
		return fmt.Errorf("start %s: %w", p.cmd.Path, err)
	}
	closeAll(outW, errW) // the child holds the write ends now
	p.stdout, p.stderr = outR, errR
	return nil
}

func closeAll(files ...io.Closer) {
	for _, f := range files {
		_ = f.Close()
	}
}

// Wait blocks until the plugin has exited and been reaped.
func (p *process) Wait(context.Context) error {
	<-p.done
	return p.waitErr
}

// Kill sends SIGKILL to the plugin (only the plugin: the containers it
// started belong to LXC's monitors, not to the plugin's process tree).
func (p *process) Kill(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd.Process == nil {
		return nil
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// release closes the host's ends of the stdio pipes once go-plugin has
// stopped reading them (after Client.Kill).
func (p *process) release() {
	if p.stdout != nil {
		closeAll(p.stdout, p.stderr)
	}
}

func (p *process) Stdout() io.ReadCloser { return p.stdout }
func (p *process) Stderr() io.ReadCloser { return p.stderr }
func (p *process) Name() string          { return p.cmd.Path }

func (p *process) ID() string {
	if pid := p.pid(); pid != 0 {
		return strconv.Itoa(pid)
	}
	return ""
}

// pid is the plugin's process id, 0 before it started.
func (p *process) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *process) Diagnose(context.Context) string {
	return fmt.Sprintf("the plugin %s did not complete the go-plugin handshake; run the daemon with debug logging to see its output", p.cmd.Path)
}

func (p *process) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (p *process) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
