package lxc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Runtime runs the containers of one lxcpath and hands out a Container
// handle per running init: the lxc-* tools (Runner), LXC's monitor and
// state stream, pidfds, cgroups, /proc and the console ptys, behind one
// type. It is safe for concurrent use.
type Runtime struct {
	r   *Runner
	sys *system
	log *slog.Logger
	// nsexec, set for an unprivileged runtime, runs a command as root of
	// the user namespace of RuntimeConfig.UserNS (userNSExec).
	nsexec []string

	streams atomic.Int32 // state streams running (StateStream)

	mu   sync.Mutex
	live map[string]*Container // each running container's current handle, for exit reports
}

// RuntimeConfig configures a Runtime.
type RuntimeConfig struct {
	// LXCPath is the containers' lxcpath (absolute, clean).
	LXCPath string
	// CgroupRoot is where the cgroup hierarchies are mounted; the layout
	// is detected there.
	CgroupRoot string
	// Logger receives the runtime's logs (required).
	Logger *slog.Logger
	// Timeout bounds each lxc-* call (see WithTimeout); 0: none.
	Timeout time.Duration
	// DelegatedCgroup, set for an unprivileged runtime, is the cgroup the
	// host delegated to the user (DelegatedCgroup): the process joins it
	// on every hierarchy that has it, and logs the ones that do not.
	DelegatedCgroup string
	// ContainerRoot, when not 0, is the host uid of an unprivileged
	// runtime's containers' root: it is granted search of the lxcpath
	// (grantSearch), which lxc-start checks from inside the container's
	// user namespace.
	ContainerRoot int
	// UserNS, set for an unprivileged runtime, are the user's subordinate
	// ids: the snapshot copies, and the container directories that hold
	// them, are then made, restored and removed in a user namespace that
	// maps them (see userNSExec).
	UserNS *xmlmap.UserNS

	procRoot string // /proc; tests point it elsewhere
	netRoot  string // /sys/class/net
}

// NewRuntime detects the host's cgroup layout, creates cfg's lxcpath if
// need be and returns the Runtime for it.
func NewRuntime(cfg RuntimeConfig) (*Runtime, error) {
	if cfg.procRoot == "" {
		cfg.procRoot = "/proc"
	}
	if cfg.netRoot == "" {
		cfg.netRoot = "/sys/class/net"
	}
	sys, err := detectSystem(cfg.CgroupRoot, cfg.procRoot, cfg.netRoot)
	if err != nil {
		return nil, fmt.Errorf("lxc: %w", err)
	}
	r, err := New(cfg.LXCPath, WithLogger(cfg.Logger), WithTimeout(cfg.Timeout))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.LXCPath, 0o755); err != nil {
		return nil, fmt.Errorf("lxc: %w", err)
	}
	if cfg.ContainerRoot > 0 {
		if err := grantSearch(cfg.LXCPath, cfg.ContainerRoot); err != nil {
			return nil, fmt.Errorf("lxc: %w", err)
		}
	}
	var nsexec []string
	if cfg.UserNS != nil {
		if nsexec, err = userNSExec(r.bin("lxc-usernsexec"), cfg.UserNS, os.Getuid(), os.Getgid()); err != nil {
			return nil, fmt.Errorf("lxc: %w", err)
		}
	}
	if cfg.DelegatedCgroup != "" {
		missing, err := joinDelegatedCgroup(sys, cfg.DelegatedCgroup)
		if err != nil {
			return nil, fmt.Errorf("lxc: %w", err)
		}
		if len(missing) > 0 {
			cfg.Logger.Warn("cgroups not delegated to the user: LXC skips these hierarchies, so limits there fail", "missing", missing)
		}
	}
	return &Runtime{r: r, sys: sys, log: cfg.Logger, nsexec: nsexec, live: map[string]*Container{}}, nil
}

// CgroupLayout is the host's cgroup layout, which the LXC config follows.
func (rt *Runtime) CgroupLayout() xmlmap.CgroupLayout { return rt.sys.layout }

// ErrStoppedAtStart is returned by Start when the container stopped before
// its init could be found.
var ErrStoppedAtStart = errors.New("container stopped right after it started")

// ErrSetup marks a Start that failed before lxc-start: the container's
// directory or config could not be written.
var ErrSetup = errors.New("container setup failed")

// setupError is a failure to write a container's files; it unwraps to
// ErrSetup and the cause.
type setupError struct {
	what string
	err  error
}

func (e *setupError) Error() string   { return e.what + ": " + e.err.Error() }
func (e *setupError) Unwrap() []error { return []error{ErrSetup, e.err} }

// startCleanupWait bounds the kill of a half-started container.
const startCleanupWait = 30 * time.Second

// dir is the container's directory, <lxcpath>/<name>.
func (rt *Runtime) dir(name string) string { return filepath.Join(rt.r.lxcpath, name) }

// Defined reports whether name has a config under the lxcpath, as LXC
// itself decides whether a container is defined.
func (rt *Runtime) Defined(name string) bool {
	if ValidateName(name) != nil {
		return false
	}
	_, err := os.Stat(filepath.Join(rt.dir(name), "config"))
	return err == nil
}

// Remove deletes name's directory under the lxcpath: its config, LXC's log
// and pid file, and the snapshot copies (the rootfs is the user's and
// lives elsewhere).
func (rt *Runtime) Remove(ctx context.Context, name string) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	return rt.removeTree(ctx, rt.dir(name))
}

// Start writes config as name's LXC config, <lxcpath>/<name>/config — anew
// before every start and not synced to disk: it is derived from the
// domain's definition, so losing it with the host loses nothing — and runs
// lxc-start -d with LXC's log and pid file in the same directory. It
// returns the handle of the container's init. A start that fails leaves no
// container running and removes the directory it created; its error
// carries the last error lines of LXC's log, and unwraps to ErrSetup when
// nothing could be written.
func (rt *Runtime) Start(ctx context.Context, name string, config []byte) (c *Container, err error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	dir := rt.dir(name)
	created, started := false, false
	defer func() {
		if err == nil {
			return
		}
		if started {
			rt.killQuietly(name)
			rt.sys.removeLeftCgroups(name)
		}
		if created {
			_ = os.RemoveAll(dir)
		}
	}()
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, &setupError{"cannot create container directory for '" + name + "'", err}
		}
		created = true
	}
	cfgPath := filepath.Join(dir, "config")
	if err := writeFileAtomic(cfgPath, config, 0o600); err != nil {
		return nil, &setupError{"cannot write LXC config for '" + name + "'", err}
	}
	logPath := filepath.Join(dir, "lxc.log")
	var logStart int64 // LXC appends: this start's lines come after it
	if fi, err := os.Stat(logPath); err == nil {
		logStart = fi.Size()
	}
	started = true
	c, err = rt.startInit(ctx, name, StartOptions{ConfigFile: cfgPath, LogFile: logPath, PIDFile: filepath.Join(dir, "monitor.pid")})
	if err != nil {
		return nil, withLogTail(err, logPath, logStart)
	}
	return c, nil
}

// killQuietly kills name's container, ignoring errors: the cleanup after a
// failed start.
func (rt *Runtime) killQuietly(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), startCleanupWait)
	defer cancel()
	if err := rt.r.Stop(ctx, name, StopOptions{Kill: true}); err != nil &&
		!errors.Is(err, ErrNotRunning) && !errors.Is(err, ErrNotFound) {
		rt.log.Warn("cleanup kill failed", "domain", name, "err", err)
	}
}

// startInit runs lxc-start -d and returns the handle of the container's
// init. LXC 5 returns once the container runs; its init is then the only
// child of LXC's monitor, whose PID lxc-start wrote to o.PIDFile — asking
// lxc-info instead costs a process, about 6 ms of CPU — and lxc-info is
// asked only when that does not tell (the container already stopped, an
// older LXC).
func (rt *Runtime) startInit(ctx context.Context, name string, o StartOptions) (*Container, error) {
	if err := rt.r.Start(ctx, name, o); err != nil {
		return nil, err
	}
	pid := rt.initOfMonitor(o.PIDFile)
	if pid <= 0 {
		st, p, err := rt.r.State(ctx, name)
		if err != nil {
			return nil, err
		}
		if p <= 0 || st == Stopped {
			return nil, fmt.Errorf("%w (state %s)", ErrStoppedAtStart, st)
		}
		pid = p
	}
	return rt.Adopt(name, pid), nil
}

// logTailError is a failed start with its cause from LXC's log.
type logTailError struct {
	err   error
	lines []string
}

func (e *logTailError) Error() string {
	return "LXC: " + strings.Join(e.lines, "; ") + " (" + e.err.Error() + ")"
}

func (e *logTailError) Unwrap() error { return e.err }

// logBoilerplate are the LXC functions whose error lines only say that a
// start failed, not why.
var logBoilerplate = []string{":main:", ":sync_wait:", ":wait_on_daemonized_start:"}

// logFallback are the functions whose errors usually only repeat that the
// start failed ("Failed to spawn container"); they say why only when
// nothing else did (e.g. "Permission denied - Failed to record inherited
// namespaces").
var logFallback = []string{":__lxc_start:"}

// withLogTail puts the cause of a failed start, as LXC wrote it to the
// container's log from offset on (this start's lines), before the error,
// which otherwise only says that the container was ABORTING: the first
// three error messages that say why, e.g. `No such file or directory -
// Failed to mount "/srv/data" onto …`.
func withLogTail(err error, logPath string, offset int64) error {
	b, rerr := os.ReadFile(logPath)
	if rerr != nil || offset > int64(len(b)) {
		return err
	}
	var lines, fallback []string
	for line := range bytes.Lines(b[offset:]) {
		// NAME TIMESTAMP ERROR    module - file:func:line - message
		_, rest, ok := bytes.Cut(line, []byte(" ERROR "))
		if !ok {
			continue
		}
		parts := strings.SplitN(strings.TrimSpace(string(rest)), " - ", 3)
		if len(parts) != 3 || slices.ContainsFunc(logBoilerplate, func(f string) bool { return strings.Contains(parts[1], f) }) {
			continue
		}
		msg := parts[2]
		if slices.ContainsFunc(logFallback, func(f string) bool { return strings.Contains(parts[1], f) }) {
			if len(fallback) < 3 && !slices.Contains(fallback, msg) {
				fallback = append(fallback, msg)
			}
			continue
		}
		if !slices.Contains(lines, msg) {
			lines = append(lines, msg)
		}
		if len(lines) == 3 {
			break
		}
	}
	if len(lines) == 0 {
		lines = fallback
	}
	if len(lines) == 0 {
		return err
	}
	return &logTailError{err: err, lines: lines}
}

// writeFileAtomic replaces path with data: a temp file in the same
// directory, renamed over path.
func writeFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// initOfMonitor returns the only child of the process whose PID is in
// pidPath, or 0.
func (rt *Runtime) initOfMonitor(pidPath string) int {
	if pidPath == "" {
		return 0
	}
	s, err := readString(pidPath)
	if err != nil {
		return 0
	}
	monitor, err := strconv.Atoi(s)
	if err != nil || monitor <= 1 {
		return 0
	}
	return rt.initChild(monitor)
}

// initChild is monitor's only child when that is the init of a PID
// namespace, else 0: a child LXC's monitor forks for a moment (or a
// container restarting) is no container's init.
func (rt *Runtime) initChild(monitor int) int {
	c := rt.sys.onlyChild(monitor)
	if c <= 0 || !rt.sys.nsInit(c) {
		return 0
	}
	return c
}

// RunningInit finds the init of name's running container without a tool
// (lxc-info costs a process, about 6 ms of CPU, per container when a new
// driver re-adopts them all): the process whose PID lxc-start wrote to the
// container's monitor.pid, when it is still LXC's monitor of this very
// container (its title "[lxc monitor] LXCPATH NAME": a stale file's PID
// reused by another process does not pass), and that monitor's only
// child. 0 when this does not tell — no such file or monitor, or no
// single child (the container is starting or stopping) — and the caller
// asks lxc-info.
func (rt *Runtime) RunningInit(name string) int {
	if ValidateName(name) != nil {
		return 0
	}
	s, err := readString(filepath.Join(rt.dir(name), "monitor.pid"))
	if err != nil {
		return 0
	}
	monitor, err := strconv.Atoi(s)
	if err != nil || monitor <= 1 {
		return 0
	}
	if !rt.sys.isMonitorOf(monitor, rt.r.lxcpath, name) {
		return 0
	}
	return rt.initChild(monitor)
}

// NetCounters reads the counters of every host network device at once,
// in the guest's view (see Container.Interface): for stats of many
// containers, one file read instead of eight per interface.
func (rt *Runtime) NetCounters() (map[string]Interface, error) { return rt.sys.allNetStats() }

// State runs lxc-info: the container's state and init's host PID (0 when
// not running).
func (rt *Runtime) State(ctx context.Context, name string) (State, int, error) {
	return rt.r.State(ctx, name)
}

// StateIn runs lxc-info for container name of another lxcpath (one LXC's
// own tools use, such as /var/lib/lxc): its state, Stopped when it does
// not exist.
func (rt *Runtime) StateIn(ctx context.Context, lxcpath, name string) (State, error) {
	r, err := rt.r.In(lxcpath)
	if err != nil {
		return "", err
	}
	st, _, err := r.State(ctx, name)
	if errors.Is(err, ErrNotFound) {
		return Stopped, nil
	}
	return st, err
}

// Stop runs lxc-stop for name, whatever init runs it (the cleanup of a
// half-started container).
func (rt *Runtime) Stop(ctx context.Context, name string, o StopOptions) error {
	return rt.r.Stop(ctx, name, o)
}

// Adopt returns the handle of name's running init pid: after a start, a
// reboot LXC did in place, or when a new driver reconnects to containers
// that still run. It watches init and LXC's monitor (init's parent) through
// pidfds and finds the container's cgroups; a cgroup that cannot be read is
// logged, and the handle then has no counters and no freezer state.
func (rt *Runtime) Adopt(name string, pid int) *Container {
	c := &Container{rt: rt, name: name, pid: pid, init: watchProc(pid), reported: make(chan struct{})}
	if ppid, err := rt.sys.parentPID(pid); err == nil && ppid > 1 {
		c.monitor = watchProc(ppid)
	}
	cg, err := rt.sys.cgroupsOf(pid)
	if err != nil {
		rt.log.Warn("cannot read the container's cgroups; stats and freezer state unavailable", "domain", name, "err", err)
	}
	c.cg = cg
	rt.mu.Lock()
	rt.live[name] = c
	rt.mu.Unlock()
	return c
}

// StateStream follows LXC's state stream (Runner.StateStream) and reports
// its state changes until ctx ends or the stream breaks; then the channel
// is closed. The init exits it carries are not on the channel: each goes to
// the container's current handle, whose Wait reports it.
func (rt *Runtime) StateStream(ctx context.Context) (<-chan StateEvent, error) {
	in, err := rt.r.StateStream(ctx)
	if err != nil {
		return nil, err
	}
	out := make(chan StateEvent, cap(in))
	rt.streams.Add(1)
	go func() {
		defer close(out)
		defer rt.streams.Add(-1)
		for ev := range in {
			if ev.Exited {
				rt.reportExit(ev)
				continue
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// reportExit hands LXC's report of an init's exit to the container's
// current handle, once.
func (rt *Runtime) reportExit(ev StateEvent) {
	rt.mu.Lock()
	c := rt.live[ev.Name]
	rt.mu.Unlock()
	if c == nil {
		return
	}
	c.reportOnce.Do(func() {
		c.exit = Exit{Reported: true, Status: ev.ExitStatus, WaitStatus: ev.WaitStatus}
		close(c.reported)
	})
}

// Exit is how a container's init ended, as LXC's monitor reported it.
type Exit struct {
	// Reported is false when LXC did not report the exit (no state stream,
	// or no report in time).
	Reported bool
	// Status is the wait status from waitpid(2) when WaitStatus is set;
	// otherwise the exit status lxc-monitor prints (a signal reads as 0).
	Status     int
	WaitStatus bool
}

// Usage is a container's CPU and memory counters.
type Usage struct {
	CPUNs, UserNs, SystemNs uint64
	PerCPUNs                []uint64 // cgroup v1 only
	MemBytes                uint64
}

// Interface is a host-side network device's counters in the guest's view:
// Rx is what the guest received (the host side sent).
type Interface struct {
	Name                               string
	RxBytes, RxPackets, RxErrs, RxDrop uint64
	TxBytes, TxPackets, TxErrs, TxDrop uint64
}

const (
	// killWait bounds the wait for init, then LXC's monitor, to vanish
	// after a kill.
	killWait = 15 * time.Second
	// exitReportWait bounds the wait, after init exited, for LXC's report
	// of how: LXC's monitor reaps init and sends it within milliseconds.
	exitReportWait = time.Second
)

// Container is the handle of one running init of a container. Its methods
// act on that init (Kill, Wait, Exited) or on the container by name
// (Stop, Freeze, Thaw: the lxc-* tools).
type Container struct {
	rt      *Runtime
	name    string
	pid     int
	init    *procWatch
	monitor *procWatch // LXC's monitor; nil when unknown
	cg      cgroups

	reportOnce sync.Once
	reported   chan struct{} // closed once exit is set
	exit       Exit
	closeOnce  sync.Once
}

// PID is init's host PID.
func (c *Container) PID() int { return c.pid }

// Exited is closed once init has exited.
func (c *Container) Exited() <-chan struct{} { return c.init.Exited() }

// AfterExit runs fn in its own goroutine once init has exited, with no
// goroutine waiting until then; stop cancels it and reports whether it did
// (context.AfterFunc's stop).
func (c *Container) AfterExit(fn func()) (stop func() bool) { return c.init.AfterExit(fn) }

// Running asks the kernel whether init still runs, without racing the
// watch behind Exited.
func (c *Container) Running() bool { return !c.init.exitedNow() }

// MonitorExited is closed once LXC's monitor, the process that started
// the container and cleans up after it, has exited; nil when it is not
// known.
func (c *Container) MonitorExited() <-chan struct{} {
	if c.monitor == nil {
		return nil
	}
	return c.monitor.Exited()
}

// Wait waits for init to exit and then, bounded by exitReportWait, for
// LXC's report of how. Without a state stream it does not wait for one.
func (c *Container) Wait(ctx context.Context) Exit {
	select {
	case <-c.init.Exited():
	case <-ctx.Done():
		return Exit{}
	}
	if c.rt.streams.Load() == 0 {
		return Exit{}
	}
	t := time.NewTimer(exitReportWait)
	defer t.Stop()
	select {
	case <-c.reported:
		return c.exit
	case <-t.C:
		c.rt.log.Warn("LXC did not report how init exited", "domain", c.name)
	case <-ctx.Done():
	}
	return Exit{}
}

// Stop runs lxc-stop: a halt or reboot request as o says.
func (c *Container) Stop(ctx context.Context, o StopOptions) error {
	return c.rt.r.Stop(ctx, c.name, o)
}

// Freeze runs lxc-freeze.
func (c *Container) Freeze(ctx context.Context) error { return c.rt.r.Freeze(ctx, c.name) }

// Thaw runs lxc-unfreeze.
func (c *Container) Thaw(ctx context.Context) error { return c.rt.r.Unfreeze(ctx, c.name) }

// Frozen reports whether the container's freezer says it is frozen (or
// freezing).
func (c *Container) Frozen() (bool, error) { return c.rt.sys.frozen(c.cg) }

// Usage reads the container's CPU and memory counters from its cgroups.
func (c *Container) Usage() (Usage, error) { return c.rt.sys.usage(c.cg) }

// Interface reads the counters of the container's host-side device dev.
func (c *Container) Interface(dev string) (Interface, error) { return c.rt.sys.netStats(dev) }

// Kill SIGKILLs init and waits until it and then LXC's monitor have exited,
// so the container can start again at once. SIGKILL through init's pidfd is
// what lxc-stop -k has LXC's monitor do, without running lxc-stop (a
// process: about 6 ms of CPU and 10 ms here); the monitor sees init die and
// cleans up as after lxc-stop -k. When init is already gone (LXC restarted
// the container under a new one) or there is no pidfd, lxc-stop -k does
// it. A monitor still running after killWait is logged, not an error.
func (c *Container) Kill(ctx context.Context) error {
	if !c.init.kill() {
		if err := c.rt.r.Stop(ctx, c.name, StopOptions{Kill: true}); err != nil &&
			!errors.Is(err, ErrNotRunning) && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	t := time.NewTimer(killWait)
	defer t.Stop()
	for _, pw := range []*procWatch{c.init, c.monitor} {
		if pw == nil {
			continue
		}
		select {
		case <-pw.Exited():
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			if pw == c.monitor {
				c.rt.log.Warn("LXC monitor still running after the kill", "domain", c.name, "pid", pw.pid)
				return nil
			}
			return fmt.Errorf("init (pid %d) still alive after kill", c.pid)
		}
	}
	return nil
}

// Close stops watching init and LXC's monitor; the container keeps
// running.
func (c *Container) Close() {
	c.closeOnce.Do(func() {
		c.init.Close()
		if c.monitor != nil {
			c.monitor.Close()
		}
		c.rt.mu.Lock()
		if c.rt.live[c.name] == c {
			delete(c.rt.live, c.name)
		}
		c.rt.mu.Unlock()
	})
}
