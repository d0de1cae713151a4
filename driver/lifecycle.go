package driver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/runner"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Process lifecycle: start, adopt, stop, and what happens when a container's
// init exits. Every function here runs with the domain's job held unless it
// says otherwise.

const (
	// killWait bounds the wait for init to vanish after a kill.
	killWait = 15 * time.Second
	// settleWait bounds the wait, after init exited, for LXC either to
	// restart the container (a reboot) or to finish stopping it.
	settleWait = 10 * time.Second
	// startCleanupWait bounds the kill of a half-started container.
	startCleanupWait = 30 * time.Second
)

// pending is what the driver asked a running container to do.
type pending int

const (
	pendingNone pending = iota
	pendingShutdown
	pendingReboot
)

// start runs d's container with def as its running definition. It writes
// the LXC config (rewritten from the definition on every start) right before
// lxc-start and undoes everything it did when a later step fails.
func (l *LXC) start(ctx context.Context, d *domain, def *definition, reason libvirt.DomainRunningReason) error {
	return l.startRun(ctx, d, def, reason, true)
}

// startRun is start; newLog empties the console log first (unless it is
// appended to). A reboot the driver completes keeps it, as a reboot LXC
// does in place keeps appending to it.
func (l *LXC) startRun(ctx context.Context, d *domain, def *definition, reason libvirt.DomainRunningReason, newLog bool) (err error) {
	live, err := l.liveDef(d.uuid, def)
	if err != nil {
		return err
	}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
		}
	}()
	dir := l.containerDir(d.name)
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return internalErr("cannot create container directory for '%s': %v", d.name, err)
		}
		undo = append(undo, func() { l.removeContainerDir(d.name) })
	}
	cfgPath := filepath.Join(dir, "config")
	// Volatile: the config is derived from the definition and written
	// anew before every start, so losing it with the host loses nothing.
	if err := writeFileAtomic(cfgPath, live.Config.Marshal(), 0o600, volatile); err != nil {
		return internalErr("cannot write LXC config for '%s': %v", d.name, err)
	}
	logPath, pidPath := filepath.Join(dir, "lxc.log"), filepath.Join(dir, "monitor.pid")
	if newLog {
		if err := truncateConsoleLog(live.ConsoleLog); err != nil {
			return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': %v", d.name, err)
		}
	}
	// A failed or cancelled lxc-start may leave a half-started container.
	undo = append(undo, func() { l.killQuietly(d.name) })
	if err := l.rt.Start(ctx, d.name, runner.StartOptions{ConfigFile: cfgPath, LogFile: logPath, PIDFile: pidPath}); err != nil {
		return withLogTail(runtimeErr("start", d.name, err), logPath)
	}
	pid := l.initOfMonitor(pidPath)
	if pid <= 0 {
		st, p, err := l.rt.State(ctx, d.name)
		if err != nil {
			return runtimeErr("start", d.name, err)
		}
		if p <= 0 || st == runner.Stopped {
			return withLogTail(virterror.New(libvirt.ErrOperationFailed,
				"failed to start domain '%s': container stopped right after it started (state %s)", d.name, st), logPath)
		}
		pid = p
	}
	return l.adopt(d, live, pid, int32(reason), l.cfg.Now())
}

// truncateConsoleLog empties the console's log file before a start unless
// it is to be appended to: LXC always appends to lxc.console.logfile, and
// libvirt's append='off' (the default) starts each run with an empty log.
// A missing file is left for LXC to create; only a regular file is
// truncated (O_RDWR|O_NONBLOCK: a FIFO at that path must not block the
// start).
func truncateConsoleLog(l *xmlmap.ConsoleLog) error {
	if l == nil || l.Append {
		return nil
	}
	f, err := os.OpenFile(l.Path, os.O_RDWR|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cannot open console log: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("cannot stat console log: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil
	}
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("cannot truncate console log: %w", err)
	}
	return nil
}

// initOfMonitor finds a container's init once lxc-start returned (LXC 5
// returns when the container runs): the only child of LXC's monitor, whose
// PID lxc-start wrote to pidPath. Asking lxc-info instead costs a process,
// about 6 ms of CPU. It returns 0 when that does not tell (the container
// already stopped, an older LXC), and the caller asks the runtime.
func (l *LXC) initOfMonitor(pidPath string) int {
	s, err := readString(pidPath)
	if err != nil {
		return 0
	}
	monitor, err := strconv.Atoi(s)
	if err != nil || monitor <= 1 {
		return 0
	}
	return l.host.onlyChild(monitor)
}

// killQuietly kills name's container, ignoring errors: cleanup after a
// failed start.
func (l *LXC) killQuietly(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), startCleanupWait)
	defer cancel()
	if err := l.rt.Stop(ctx, name, runner.StopOptions{Kill: true}); err != nil &&
		!errors.Is(err, runner.ErrNotRunning) && !errors.Is(err, runner.ErrNotFound) {
		l.log.Warn("cleanup kill failed", "domain", name, "err", err)
	}
}

// withLogTail appends the last error lines of the container's LXC log to a
// start failure, which otherwise only says "failed to start".
func withLogTail(err error, logPath string) error {
	b, rerr := os.ReadFile(logPath)
	e := virterror.As(err)
	if rerr != nil || e == nil {
		return err
	}
	var lines []string
	for line := range bytes.Lines(b) {
		if bytes.Contains(line, []byte(" ERROR ")) {
			lines = append(lines, strings.TrimSpace(string(line)))
		}
	}
	if len(lines) == 0 {
		return err
	}
	lines = lines[max(0, len(lines)-3):]
	return &virterror.Error{Code: e.Code, Domain: e.Domain, Message: e.Message + "; lxc log: " + strings.Join(lines, " | ")}
}

// liveDef derives the running definition from def: a copy whose interfaces
// all carry a host-side device name (libvirt's live XML shows it and the
// stats read its counters), and the LXC config for that copy.
func (l *LXC) liveDef(u UUID, def *definition) (*xmlmap.Mapped, error) {
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(def.xml); err != nil {
		return nil, internalErr("copy definition: %v", err)
	}
	if dom.Devices != nil {
		for i := range dom.Devices.Interfaces {
			ifc := &dom.Devices.Interfaces[i]
			if ifc.Target == nil || ifc.Target.Dev == "" {
				ifc.Target = &libvirtxml.DomainInterfaceTarget{Dev: vethName(u, i)}
			}
		}
	}
	m, err := xmlmap.ToConfig(&dom, l.opts)
	if err != nil {
		return nil, virterror.Wrap(err)
	}
	return m, nil
}

// vethName is a stable host-side device name for interface i of domain u,
// within the kernel's 15-byte limit.
func vethName(u UUID, i int) string {
	h := sha256.Sum256(u[:])
	return fmt.Sprintf("vx%xp%d", h[:5], i)
}

// adopt makes d a running domain whose init is pid: it watches init and
// LXC's monitor, finds the cgroups, persists the run state and indexes the
// ID. Used after a start, a reboot, and when reconnecting at startup.
func (l *LXC) adopt(d *domain, live *xmlmap.Mapped, pid int, reason int32, startedAt time.Time) error {
	liveXML, err := xmlmap.FormatDomain(live.Domain)
	if err != nil {
		return internalErr("cannot format the running definition of '%s': %v", d.name, err)
	}
	w := watchProc(pid)
	var mw *procWatch
	if ppid, err := l.host.parentPID(pid); err == nil && ppid > 1 {
		mw = watchProc(ppid)
	}
	cg, err := l.host.cgroupsOf(pid)
	if err != nil {
		l.log.Warn("cannot read the container's cgroups; stats and freezer state unavailable", "domain", d.name, "err", err)
	}
	d.mu.Lock()
	oldPID := d.pid
	for _, old := range []*procWatch{d.initWatch, d.monitorWatch} {
		if old != nil {
			old.Close()
		}
	}
	d.live, d.liveXML, d.pid, d.startedAt, d.cg = live, liveXML, pid, startedAt, cg
	d.state, d.reason = libvirt.DomainRunning, reason
	d.initWatch, d.monitorWatch, d.pending = w, mw, pendingNone
	d.exitSeen = make(chan struct{})
	d.mu.Unlock()
	if frozen, err := l.host.frozen(cg); err == nil && frozen {
		d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedUnknown))
	}
	if err := l.saveRun(d); err != nil {
		l.teardown(d, libvirt.DomainShutoffFailed)
		return internalErr("cannot save run state of '%s': %v", d.name, err)
	}
	l.tab.setID(d, oldPID, pid)
	l.startRelays(d, live)
	l.wg.Add(1)
	go l.supervise(d, w)
	return nil
}

// saveRun persists d's run state so a new driver instance re-adopts it.
func (l *LXC) saveRun(d *domain) error {
	d.mu.Lock()
	st := runState{
		Name: d.name, UUID: driverapi.FormatUUID(d.uuid), PID: d.pid, Transient: d.persistent == nil,
		StartedAt: d.startedAt, Reason: d.reason, LiveXML: d.liveXML,
	}
	d.mu.Unlock()
	return l.store.saveRun(d.uuid, st)
}

// teardown forgets d's running container (watches, ID, run state) and sets
// its state to shut off with reason in the same step.
func (l *LXC) teardown(d *domain, reason libvirt.DomainShutoffReason) {
	l.teardownRun(d, reason, false)
}

// teardownRun is teardown; restarting keeps the console relays (and so the
// sessions) for the start that follows.
func (l *LXC) teardownRun(d *domain, reason libvirt.DomainShutoffReason, restarting bool) {
	d.mu.Lock()
	pid := d.pid
	for _, w := range []*procWatch{d.initWatch, d.monitorWatch} {
		if w != nil {
			w.Close()
		}
	}
	d.initWatch, d.monitorWatch, d.pending = nil, nil, pendingNone
	d.live, d.liveXML, d.pid, d.cg, d.consoles = nil, "", 0, cgroups{}, nil
	d.state, d.reason = libvirt.DomainShutoff, int32(reason)
	d.mu.Unlock()
	if !restarting {
		l.stopRelays(d)
	}
	l.tab.setID(d, pid, 0)
	if err := l.store.removeRun(d.uuid); err != nil {
		l.log.Error("cannot remove run state", "domain", d.name, "err", err)
	}
}

// stopped records that d's container is gone: shut off with reason, events
// emitted (by says who asked for a shutdown), and a transient domain
// forgotten.
func (l *LXC) stopped(d *domain, reason libvirt.DomainShutoffReason, by origin) {
	l.markStopped(d, reason, by)
	l.forgetTransient(d)
}

// forgetTransient drops d when it is shut off and transient.
func (l *LXC) forgetTransient(d *domain) {
	d.mu.Lock()
	transient := d.persistent == nil && !d.activeLocked()
	d.mu.Unlock()
	if transient {
		// Files first: once the domain is gone from the table, nothing of
		// it is left.
		l.removeContainerDir(d.name)
		l.tab.remove(d)
	}
}

// markStopped is stopped without forgetting a transient domain.
func (l *LXC) markStopped(d *domain, reason libvirt.DomainShutoffReason, by origin) {
	ref := d.ref()
	l.teardown(d, reason)
	for _, ev := range stoppedEvents(ref, reason, by) {
		l.events.publish(ev)
	}
}

// kill SIGKILLs d's container and waits until its init is gone.
func (l *LXC) kill(ctx context.Context, d *domain) error {
	paused := l.refresh(d) == libvirt.DomainPaused
	d.mu.Lock()
	w := d.initWatch
	d.mu.Unlock()
	if w == nil {
		return errNotRunning()
	}
	if paused {
		// A frozen task cannot act on SIGKILL until thawed.
		if err := l.rt.Unfreeze(ctx, d.name); err != nil && !errors.Is(err, runner.ErrNotRunning) {
			l.log.Warn("thaw before kill failed", "domain", d.name, "err", err)
		}
	}
	// SIGKILL through init's pidfd is what lxc-stop -k has LXC's monitor
	// do, without running lxc-stop (a process: about 6 ms of CPU and 10 ms
	// here); the monitor sees init die and cleans up as after lxc-stop -k.
	// When init is already gone (LXC restarted the container under a new
	// one) or the watch has no pidfd, lxc-stop -k does it.
	if !w.kill() {
		if err := l.rt.Stop(ctx, d.name, runner.StopOptions{Kill: true}); err != nil &&
			!errors.Is(err, runner.ErrNotRunning) && !errors.Is(err, runner.ErrNotFound) {
			return runtimeErr("destroy", d.name, err)
		}
	}
	// Wait for init, then for LXC's monitor to finish its cleanup, so the
	// container can start again at once.
	d.mu.Lock()
	mw := d.monitorWatch
	d.mu.Unlock()
	t := time.NewTimer(killWait)
	defer t.Stop()
	for _, pw := range []*procWatch{w, mw} {
		if pw == nil {
			continue
		}
		select {
		case <-pw.Exited():
		case <-ctx.Done():
			return runtimeErr("destroy", d.name, ctx.Err())
		case <-t.C:
			if pw == mw {
				l.log.Warn("LXC monitor still running after the kill", "domain", d.name, "pid", mw.pid)
				return nil
			}
			return virterror.New(libvirt.ErrOperationFailed, "failed to destroy domain '%s': init (pid %d) still alive after kill", d.name, w.pid)
		}
	}
	return nil
}

// supervise waits (without holding anything) for d's init to exit and then
// handles the exit under d's job. Runs in its own goroutine; not under job.
func (l *LXC) supervise(d *domain, w *procWatch) {
	defer l.wg.Done()
	select {
	case <-w.Exited():
	case <-l.ctx.Done():
		return
	}
	if !l.jobForBackground(d) {
		return
	}
	defer d.endJob()
	d.mu.Lock()
	current := d.initWatch == w
	d.mu.Unlock()
	if current {
		l.initExited(d, w)
	}
}

// jobForBackground takes d's job for background work, waiting as long as it
// takes; false when the driver closes or d is removed.
func (l *LXC) jobForBackground(d *domain) bool {
	for {
		err := d.beginJob(l.ctx, l.cfg.JobTimeout)
		if err == nil {
			return true
		}
		if l.ctx.Err() != nil || virterror.HasCode(err, libvirt.ErrNoDomain) {
			return false
		}
	}
}

// initExited applies what happens after init exits. LXC's monitor tells
// how it exited (see initExitKind):
//
//   - SIGHUP (reboot(2) in the guest): LXC starts the container again under
//     a new init; on_reboot decides whether it may run. When LXC does not,
//     the driver starts it again (unless on_reboot is destroy).
//   - a reboot the driver asked for, where init just exited: the driver
//     starts the container again.
//   - a shutdown the driver asked for: shut off, reason shutdown.
//   - exit 0 or SIGINT (the guest powered off): on_poweroff decides.
//   - any other signal or a non-zero exit (kill -9 from the host, a
//     crashing init): shut off, reason crashed; on_crash decides.
//
// Stop events go out as soon as the exit is classified; the job is held
// until LXC's monitor has finished its cleanup, so the next start does not
// race it.
func (l *LXC) initExited(d *domain, w *procWatch) {
	d.mu.Lock()
	mw, live, next, why := d.monitorWatch, d.live, d.restartDefLocked(), d.pending
	d.mu.Unlock()
	kind := l.initExitKind(d)
	// After a reboot the driver asked for (lxc-stop -r), LXC restarts the
	// container itself however init exited, so look for the new init first.
	if kind == exitUnknown || kind == exitReboot || why == pendingReboot {
		if newPID := l.settle(d, w.pid, mw); newPID > 0 {
			l.guestRebooted(d, live, newPID, why)
			return
		}
		if kind == exitUnknown {
			kind = exitPoweroff
		}
	}
	// The branches below tear d down, which closes its watches, before
	// they wait for LXC's monitor: keep that watch open until then.
	d.mu.Lock()
	if d.monitorWatch == mw {
		d.monitorWatch = nil
	}
	d.mu.Unlock()
	if mw != nil {
		defer mw.Close()
	}
	switch {
	case why == pendingReboot:
		l.teardownRun(d, libvirt.DomainShutoffShutdown, true)
		l.waitMonitor(d, mw)
		l.restart(d, next, true)
	case why == pendingShutdown:
		l.markStopped(d, libvirt.DomainShutoffShutdown, byHost)
		l.waitMonitor(d, mw)
		l.forgetTransient(d)
	case kind == exitReboot && live.Lifecycle.OnReboot != "destroy":
		// The guest rebooted but LXC did not start it again. LXC 5.0 fails
		// to when a console client was attached at the time, as the
		// driver's console relay is (consolerelay.go): its log says
		// "Failed to add console handlers to mainloop" (the client's
		// terminal state outlives the reboot). The driver finishes the
		// reboot itself.
		l.log.Info("guest rebooted but LXC did not start it again; starting it", "domain", d.name)
		l.teardownRun(d, libvirt.DomainShutoffShutdown, true)
		l.waitMonitor(d, mw)
		l.restart(d, next, true)
	case kind == exitCrash:
		l.log.Info("guest crashed", "domain", d.name, "on_crash", live.Lifecycle.OnCrash)
		l.markStopped(d, libvirt.DomainShutoffCrashed, byGuest)
		l.waitMonitor(d, mw)
		if live.Lifecycle.OnCrash == "restart" {
			l.restart(d, next, false)
			return
		}
		l.forgetTransient(d)
	default:
		l.markStopped(d, libvirt.DomainShutoffShutdown, byGuest)
		l.waitMonitor(d, mw)
		if live.Lifecycle.OnPoweroff == "restart" {
			l.log.Info("guest powered off; on_poweroff=restart starts it again", "domain", d.name)
			l.restart(d, next, false)
			return
		}
		l.forgetTransient(d)
	}
}

// initExitKind waits, bounded by exitReportWait, for LXC's report of how
// d's init exited and classifies it. Without a full wait status (LXC's
// output only) a non-zero exit is a crash and anything else unknown: a
// signal reads as exit 0 there. Without a state stream it is unknown.
func (l *LXC) initExitKind(d *domain) exitKind {
	d.mu.Lock()
	seen := d.exitSeen
	d.mu.Unlock()
	if seen == nil || !l.monitorLive.Load() {
		return exitUnknown
	}
	t := time.NewTimer(exitReportWait)
	defer t.Stop()
	select {
	case <-seen:
	case <-t.C:
		l.log.Warn("LXC did not report how init exited", "domain", d.name)
		return exitUnknown
	case <-l.ctx.Done():
		return exitUnknown
	}
	d.mu.Lock()
	status, full := d.exitStatus, d.exitWait
	d.mu.Unlock()
	l.log.Debug("init exited", "domain", d.name, "status", fmt.Sprintf("%#x", status), "wait_status", full)
	switch {
	case full:
		return classifyExit(unix.WaitStatus(status))
	case status != 0:
		return exitCrash
	}
	return exitUnknown
}

// guestRebooted handles a container LXC restarted under init pid: a reboot
// the driver asked for, or one the guest did (on_reboot decides).
func (l *LXC) guestRebooted(d *domain, live *xmlmap.Mapped, pid int, why pending) {
	if why == pendingReboot || live.Lifecycle.OnReboot != "destroy" {
		l.rebooted(d, live, pid)
		return
	}
	l.log.Info("guest rebooted; on_reboot=destroy stops it", "domain", d.name)
	if err := l.kill(l.ctx, d); err != nil {
		l.log.Error("cannot stop rebooted domain", "domain", d.name, "err", err)
	}
	l.stopped(d, libvirt.DomainShutoffShutdown, byGuest)
}

// waitMonitor waits (bounded by settleWait) until LXC's monitor mw — the
// process that started the container — has exited after its cleanup.
func (l *LXC) waitMonitor(d *domain, mw *procWatch) {
	if mw == nil {
		return
	}
	t := time.NewTimer(settleWait)
	defer t.Stop()
	select {
	case <-mw.Exited():
	case <-l.ctx.Done():
	case <-t.C:
		l.log.Warn("LXC monitor still running after the container stopped", "domain", d.name, "pid", mw.pid)
	}
}

// rebooted re-adopts a container LXC restarted under a new init.
func (l *LXC) rebooted(d *domain, live *xmlmap.Mapped, pid int) {
	ref := d.ref()
	d.mu.Lock()
	startedAt := d.startedAt
	d.mu.Unlock()
	if err := l.adopt(d, live, pid, int32(libvirt.DomainRunningBooted), startedAt); err != nil {
		l.log.Error("cannot re-adopt rebooted container", "domain", d.name, "err", err)
		l.killQuietly(d.name)
		l.stopped(d, libvirt.DomainShutoffFailed, byHost)
		return
	}
	l.log.Info("domain rebooted", "domain", d.name, "id", pid)
	l.events.publish(Event{Kind: EventReboot, Domain: ref})
}

// restart starts d again after its container stopped and was torn down: a
// reboot the driver performs itself (reported as a reboot event) or an
// on_poweroff/on_crash restart (reported as started, after the stop events
// the caller sent).
func (l *LXC) restart(d *domain, def *definition, reboot bool) {
	ref := d.ref()
	if err := l.startRun(l.ctx, d, def, libvirt.DomainRunningBooted, !reboot); err != nil {
		l.log.Error("restart failed", "domain", d.name, "err", err)
		l.stopped(d, libvirt.DomainShutoffFailed, byHost)
		return
	}
	if reboot {
		l.events.publish(Event{Kind: EventReboot, Domain: ref})
	} else {
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))
	}
}

// settle runs after init (oldPID) exited and tells a reboot from a stop: it
// returns the new init's PID when LXC restarted the container, 0 once the
// container stopped for good (LXC's monitor exited, or the runtime reports
// it stopped when the monitor is unknown).
func (l *LXC) settle(d *domain, oldPID int, mw *procWatch) int {
	deadline := time.Now().Add(settleWait)
	interval := 10 * time.Millisecond
	stoppedSeen := 0
	for {
		if mw != nil && mw.HasExited() {
			return 0
		}
		st, pid, err := l.rt.State(l.ctx, d.name)
		switch {
		case errors.Is(err, runner.ErrNotFound) || l.ctx.Err() != nil:
			return 0
		case err == nil && pid > 0 && pid != oldPID && st != runner.Stopped:
			return pid
		case err == nil && st == runner.Stopped && mw == nil:
			if stoppedSeen++; stoppedSeen >= 3 {
				return 0
			}
		}
		if time.Now().After(deadline) {
			l.log.Warn("container neither restarted nor stopped; treating it as stopped", "domain", d.name, "state", st, "err", err)
			return 0
		}
		var exited <-chan struct{}
		if mw != nil {
			exited = mw.Exited()
		}
		t := time.NewTimer(interval)
		select {
		case <-exited:
		case <-t.C:
		case <-l.ctx.Done():
		}
		t.Stop()
		interval = min(2*interval, 200*time.Millisecond)
	}
}

// escalate kills d's container when init (w) has not halted within the
// shutdown grace. The result is reported as destroyed: the guest did not
// shut down, the driver killed it. Runs in its own goroutine.
func (l *LXC) escalate(d *domain, w *procWatch) {
	defer l.wg.Done()
	if !l.outlivedGrace(d, w, pendingShutdown) {
		return
	}
	defer d.endJob()
	l.log.Info("init did not halt within the grace period; killing", "domain", d.name, "grace", l.cfg.ShutdownGrace)
	if err := l.kill(l.ctx, d); err != nil {
		l.log.Error("shutdown escalation failed", "domain", d.name, "err", err)
		return
	}
	l.stopped(d, libvirt.DomainShutoffDestroyed, byHost)
}

// expireReboot forgets a reboot request that init ignored for the grace
// period, so a later poweroff is not mistaken for the reboot. Runs in its
// own goroutine.
func (l *LXC) expireReboot(d *domain, w *procWatch) {
	defer l.wg.Done()
	if !l.outlivedGrace(d, w, pendingReboot) {
		return
	}
	defer d.endJob()
	d.mu.Lock()
	d.pending = pendingNone
	d.mu.Unlock()
	l.log.Warn("init ignored the reboot request", "domain", d.name)
}

// outlivedGrace waits the shutdown grace for init (w) to exit after the
// request want. It reports true, with d's job held, when init is still the
// same and still running and the request is still the pending one; false
// (no job held) when init exited, the request changed or the driver closes.
func (l *LXC) outlivedGrace(d *domain, w *procWatch, want pending) bool {
	t := time.NewTimer(l.cfg.ShutdownGrace)
	defer t.Stop()
	select {
	case <-w.Exited():
		return false
	case <-l.ctx.Done():
		return false
	case <-t.C:
	}
	if !l.jobForBackground(d) {
		return false
	}
	d.mu.Lock()
	still := d.initWatch == w && d.pending == want
	d.mu.Unlock()
	if !still || w.HasExited() {
		d.endJob() // init exited meanwhile; its supervisor reports it
		return false
	}
	return true
}

// requireActive fails with libvirt's "domain is not running" unless d runs.
func requireActive(d *domain) error {
	if !d.active() {
		return errNotRunning()
	}
	return nil
}

// shutdown asks init to halt (LXC's halt signal) and returns at once; a
// background escalation kills the container after the grace period.
func (l *LXC) shutdown(ctx context.Context, d *domain) error {
	return l.request(ctx, d, "shutdown", runner.StopOptions{NoWait: true}, pendingShutdown, l.escalate)
}

// reboot asks init to reboot (lxc-stop -r: LXC's reboot signal). If init
// reboots the container LXC restarts it; if init just exits, the driver
// starts it again. Either way the domain's ID becomes the new init's PID.
func (l *LXC) reboot(ctx context.Context, d *domain) error {
	return l.request(ctx, d, "reboot", runner.StopOptions{Reboot: true, NoWait: true}, pendingReboot, l.expireReboot)
}

// request asks d's running init to halt or reboot (op) without waiting,
// marks what is pending and, on the first such request, starts follow —
// the background watcher that sees the request through.
func (l *LXC) request(ctx context.Context, d *domain, op string, opts runner.StopOptions, want pending, follow func(*domain, *procWatch)) error {
	if err := requireActive(d); err != nil {
		return err
	}
	if err := l.rt.Stop(ctx, d.name, opts); err != nil {
		return runtimeErr(op, d.name, err)
	}
	d.mu.Lock()
	w, first := d.initWatch, d.pending != want
	d.pending = want
	d.mu.Unlock()
	if first {
		l.wg.Add(1)
		go follow(d, w)
	}
	return nil
}

// destroy kills the container now.
func (l *LXC) destroy(ctx context.Context, d *domain) error {
	if err := requireActive(d); err != nil {
		return err
	}
	if err := l.kill(ctx, d); err != nil {
		return err
	}
	l.stopped(d, libvirt.DomainShutoffDestroyed, byHost)
	return nil
}

// suspend freezes the container; suspending a paused domain does nothing.
func (l *LXC) suspend(ctx context.Context, d *domain) error {
	if err := requireActive(d); err != nil {
		return err
	}
	if l.refresh(d) == libvirt.DomainPaused {
		return nil
	}
	if err := l.rt.Freeze(ctx, d.name); err != nil {
		return runtimeErr("suspend", d.name, err)
	}
	d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedUser))
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
	return nil
}

// resume thaws the container; resuming a running domain does nothing.
func (l *LXC) resume(ctx context.Context, d *domain) error {
	if err := requireActive(d); err != nil {
		return err
	}
	if l.refresh(d) != libvirt.DomainPaused {
		return nil
	}
	if err := l.rt.Unfreeze(ctx, d.name); err != nil {
		return runtimeErr("resume", d.name, err)
	}
	d.setState(libvirt.DomainRunning, int32(libvirt.DomainRunningUnpaused))
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused)))
	return nil
}

// refresh reconciles d's state with its freezer cgroup, so a freeze or thaw
// done with lxc-freeze behind the driver's back shows (with its event), and
// returns the state. Caller holds d's job.
func (l *LXC) refresh(d *domain) libvirt.DomainState {
	d.mu.Lock()
	state, cg, active := d.state, d.cg, d.activeLocked()
	d.mu.Unlock()
	if !active {
		return state
	}
	frozen, err := l.host.frozen(cg)
	if err != nil {
		return state
	}
	switch {
	case frozen && state == libvirt.DomainRunning:
		d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedUnknown))
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
		return libvirt.DomainPaused
	case !frozen && state == libvirt.DomainPaused:
		d.setState(libvirt.DomainRunning, int32(libvirt.DomainRunningUnpaused))
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused)))
		return libvirt.DomainRunning
	}
	return state
}
