package driver

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/lxc"
)

// fakeRuntime stands in for lxc.Runner. Each running "container" is two
// real sleep processes — init and LXC's monitor — so the driver's pidfd
// watches work for real; the /proc and cgroup files the driver reads are
// written under temp roots (the fake's stat file names the monitor as
// init's parent).
type fakeRuntime struct {
	t        *testing.T
	procRoot string
	cgRoot   string
	netRoot  string

	mu      sync.Mutex
	cts     map[string]*fakeCT
	calls   []string
	ignore  map[string]bool       // init ignores halt and reboot requests
	rebootL map[string]bool       // a reboot request makes LXC restart init (a cooperating init)
	hook    func(op, name string) // called at the start of each operation, unlocked
	failOn  map[string]error      // op → error to return
	noPID   bool                  // Start ignores StartOptions.PIDFile (an LXC that does not tell)
	// onExit, when set, hears how each init ended, as LXC's monitor
	// reports it. Called with mu held.
	onExit func(name string, ws unix.WaitStatus)
	// consoles are the attachments to each container's console; like
	// LXC's monitor, the fake drops them when init ends.
	consoles map[string][]*lxc.Console
}

type fakeCT struct {
	init, monitor *exec.Cmd
	cfgPath       string
}

func newFakeRuntime(t *testing.T) *fakeRuntime {
	base := t.TempDir()
	f := &fakeRuntime{
		t: t, procRoot: filepath.Join(base, "proc"), cgRoot: filepath.Join(base, "cgroup"), netRoot: filepath.Join(base, "net"),
		cts: map[string]*fakeCT{}, ignore: map[string]bool{}, rebootL: map[string]bool{}, failOn: map[string]error{},
		consoles: map[string][]*lxc.Console{},
	}
	for _, d := range []string{f.procRoot, f.cgRoot, f.netRoot} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, ct := range f.cts {
			kill(ct.init)
			kill(ct.monitor)
		}
		clear(f.cts)
	})
	return f
}

func kill(c *exec.Cmd) {
	if c != nil && c.Process != nil {
		_ = c.Process.Kill()
	}
}

func spawn(t *testing.T) *exec.Cmd { return spawnThen(t, nil) }

// spawnThen is spawn that calls then(c) once the process has exited.
func spawnThen(t *testing.T, then func(c *exec.Cmd)) *exec.Cmd {
	c := exec.Command("sleep", "3600")
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = c.Wait()
		if then != nil {
			then(c)
		}
	}()
	return c
}

func (f *fakeRuntime) enter(op, name string) error {
	f.mu.Lock()
	f.calls = append(f.calls, op+" "+name)
	hook, err := f.hook, f.failOn[op]
	f.mu.Unlock()
	if hook != nil {
		hook(op, name)
	}
	return err
}

// boot starts a fresh init under monitor (a new monitor when nil) and
// writes its /proc and cgroup files. Caller holds mu.
func (f *fakeRuntime) boot(name string, ct *fakeCT) {
	ct.init = spawnThen(f.t, func(c *exec.Cmd) { f.initGone(name, ct, c) })
	if ct.monitor == nil {
		ct.monitor = spawn(f.t)
	}
	pid, mpid := ct.init.Process.Pid, strconv.Itoa(ct.monitor.Process.Pid)
	dir := filepath.Join(f.procRoot, strconv.Itoa(pid))
	must(f.t, os.MkdirAll(dir, 0o755))
	task := filepath.Join(f.procRoot, mpid, "task", mpid)
	must(f.t, os.MkdirAll(task, 0o755))
	must(f.t, os.WriteFile(filepath.Join(task, "children"), fmt.Appendf(nil, "%d ", pid), 0o644))
	must(f.t, os.WriteFile(filepath.Join(dir, "stat"),
		fmt.Appendf(nil, "%d (sleep) S %d %d 0 0\n", pid, ct.monitor.Process.Pid, pid), 0o644))
	cg := "/lxc.payload." + name
	must(f.t, os.WriteFile(filepath.Join(dir, "cgroup"),
		fmt.Appendf(nil, "6:freezer:%s\n4:memory:%s\n2:cpu,cpuacct:%s\n0::%s\n", cg, cg, cg, cg), 0o644))
	f.writeCgroup(name, "freezer", "freezer.state", "THAWED")
	f.writeCgroup(name, "memory", "memory.usage_in_bytes", "10485760")
	f.writeCgroup(name, "cpu,cpuacct", "cpuacct.usage", "3000000000")
	f.writeCgroup(name, "cpu,cpuacct", "cpuacct.usage_user", "2000000000")
	f.writeCgroup(name, "cpu,cpuacct", "cpuacct.usage_sys", "1000000000")
	f.writeCgroup(name, "cpu,cpuacct", "cpuacct.usage_percpu", "1000000000 2000000000 ")
}

// initGone is LXC's monitor seeing an init die that the fake did not stop
// itself (a SIGKILL from the driver through its pidfd): it reports the exit
// and, after its cleanup, exits.
func (f *fakeRuntime) initGone(name string, ct *fakeCT, c *exec.Cmd) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cts[name] != ct || ct.init != c {
		return // stopped or rebooted by the fake
	}
	f.halt(name, unix.WaitStatus(c.ProcessState.Sys().(syscall.WaitStatus)))
}

func (f *fakeRuntime) writeCgroup(name, ctrl, file, value string) {
	dir := filepath.Join(f.cgRoot, ctrl, "lxc.payload."+name)
	must(f.t, os.MkdirAll(dir, 0o755))
	must(f.t, os.WriteFile(filepath.Join(dir, file), []byte(value+"\n"), 0o644))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fakeRuntime) Start(_ context.Context, name string, o lxc.StartOptions) error {
	if err := f.enter("start", name); err != nil {
		return err
	}
	if _, err := os.Stat(o.ConfigFile); err != nil {
		return fmt.Errorf("start %s: %w", name, lxc.ErrNotFound)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cts[name] != nil {
		return lxc.ErrAlreadyRunning
	}
	ct := &fakeCT{cfgPath: o.ConfigFile}
	f.boot(name, ct)
	f.cts[name] = ct
	if o.PIDFile != "" && !f.noPID {
		must(f.t, os.WriteFile(o.PIDFile, fmt.Appendf(nil, "%d", ct.monitor.Process.Pid), 0o644))
	}
	return nil
}

// Wait statuses of an init: exited 0, killed by SIGKILL, and ended by
// reboot(2) (SIGHUP) inside its PID namespace.
const (
	wsExit0  = unix.WaitStatus(0)
	wsKilled = unix.WaitStatus(unix.SIGKILL)
	wsReboot = unix.WaitStatus(unix.SIGHUP)
)

// endInit ends name's init, which LXC's monitor then reports with ws.
// Caller holds mu.
func (f *fakeRuntime) endInit(name string, ct *fakeCT, ws unix.WaitStatus) {
	// Like LXC's monitor, drop the console clients once init is gone.
	cons := f.consoles[name]
	delete(f.consoles, name)
	pidfd, err := unix.PidfdOpen(ct.init.Process.Pid, 0)
	kill(ct.init)
	go func() {
		if err == nil {
			for {
				if _, err := unix.Poll([]unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}, -1); err != unix.EINTR {
					break
				}
			}
			unix.Close(pidfd)
		}
		for _, c := range cons {
			c.Close()
		}
	}()
	if f.onExit != nil {
		f.onExit(name, ws)
	}
}

// halt ends init (with ws) then, like LXC's monitor after its cleanup, the
// monitor. Caller holds mu.
func (f *fakeRuntime) halt(name string, ws unix.WaitStatus) {
	ct := f.cts[name]
	delete(f.cts, name)
	f.endInit(name, ct, ws)
	time.AfterFunc(5*time.Millisecond, func() { kill(ct.monitor) })
}

func (f *fakeRuntime) Stop(_ context.Context, name string, o lxc.StopOptions) error {
	if err := f.enter("stop", name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	switch {
	case ct == nil:
		return lxc.ErrNotRunning
	case o.Kill:
		f.halt(name, wsKilled)
	case f.ignore[name]:
	case o.Reboot && f.rebootL[name]:
		// A cooperating init reboots: LXC's monitor stays and starts a new init.
		f.endInit(name, ct, wsReboot)
		f.boot(name, ct)
	default:
		f.halt(name, wsExit0)
	}
	return nil
}

func (f *fakeRuntime) State(_ context.Context, name string) (lxc.State, int, error) {
	if err := f.enter("state", name); err != nil {
		return "", 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	if ct == nil {
		return lxc.Stopped, 0, nil
	}
	return lxc.Running, ct.init.Process.Pid, nil
}

func (f *fakeRuntime) freeze(op, name, state string) error {
	if err := f.enter(op, name); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.cts[name] == nil {
		return lxc.ErrNotRunning
	}
	f.writeCgroup(name, "freezer", "freezer.state", state)
	return nil
}

func (f *fakeRuntime) Freeze(_ context.Context, name string) error {
	return f.freeze("freeze", name, "FROZEN")
}

func (f *fakeRuntime) Unfreeze(_ context.Context, name string) error {
	return f.freeze("unfreeze", name, "THAWED")
}

// exitInit makes name's init exit on its own with ws (0: a guest poweroff).
func (f *fakeRuntime) exitInit(name string, ws unix.WaitStatus) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.halt(name, ws)
}

// guestReboot makes the guest reboot itself: LXC starts a new init.
func (f *fakeRuntime) guestReboot(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	ct := f.cts[name]
	f.endInit(name, ct, wsReboot)
	f.boot(name, ct)
}

func (f *fakeRuntime) pid(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ct := f.cts[name]; ct != nil {
		return ct.init.Process.Pid
	}
	return 0
}

func (f *fakeRuntime) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		if c == call {
			n++
		}
	}
	return n
}
