package driver

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Process lifecycle: start, adopt, stop, and what happens when a container's
// init exits. Every function here runs with the domain's job held unless it
// says otherwise.

const (
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

// start runs d's container with def as its running definition: the
// runtime starts it from the LXC config derived anew from the definition,
// and everything done is undone when a later step fails.
func (l *LXC) start(ctx context.Context, d *domain, def *definition, reason libvirt.DomainRunningReason) error {
	return l.startRun(ctx, d, def, reason, true)
}

// startRun is start; newLog empties the console log first (unless it is
// appended to). A reboot the driver completes keeps it, as a reboot LXC
// does in place keeps appending to it.
func (l *LXC) startRun(ctx context.Context, d *domain, def *definition, reason libvirt.DomainRunningReason, newLog bool) (err error) {
	dom, err := l.liveDom(d.uuid, def)
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
	ports, err := l.plugNetworks(ctx, d, dom)
	undo = append(undo, func() { l.unplugNetworks(d.name, ports) })
	if err != nil {
		return err
	}
	live, err := l.mapLive(dom)
	if err != nil {
		return err
	}
	if err := l.checkImported(ctx, d.name, live); err != nil {
		return err
	}
	var loops []lxc.Loop
	if len(live.Devices) > 0 {
		var facts []xmlmap.DeviceFacts
		facts, loops, err = l.rt.PrepareDevices(ctx, live.Devices)
		undo = append(undo, func() { l.rt.ReleaseLoops(loops) })
		if err != nil {
			return deviceStartErr(d.name, err)
		}
		if live, err = l.mapLiveFacts(dom, facts); err != nil {
			return err
		}
	}
	if newLog {
		if err := truncateConsoleLog(live.ConsoleLog); err != nil {
			return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': %v", d.name, err)
		}
	}
	if dev := l.rt.MissingNetDevice(hostNetDevices(live)); dev != "" {
		return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': network device '%s' does not exist on the host", d.name, dev)
	}
	actx, done := abortable(ctx, d)
	ct, err := l.rt.Start(actx, d.name, live.Config.Marshal())
	done()
	switch {
	case err != nil && errors.Is(context.Cause(actx), errDestroyed):
		return virterror.New(libvirt.ErrOperationAborted, "domain '%s' was destroyed while it started", d.name)
	case errors.Is(err, lxc.ErrSetup):
		return internalErr("%v", err)
	case err != nil:
		return runtimeErr("start", d.name, err)
	}
	// The container runs: undone, it must not stay behind.
	undo = append(undo, func() { l.killQuietly(d.name) })
	if err := ct.SetupNetwork(ctx, live.UUID, live.Interfaces); err != nil {
		ct.Close()
		if errors.Is(err, lxc.ErrNoKernelSupport) {
			return virterror.New(libvirt.ErrOperationUnsupported, "failed to start domain '%s': %v", d.name, err)
		}
		return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': %v", d.name, err)
	}
	d.mu.Lock()
	d.loops = loops
	d.mu.Unlock()
	return l.adopt(d, live, ct, int32(reason), l.cfg.Now())
}

// deviceStartErr is a start that cannot give the container a device, with
// libvirt-lxc's error numbers: a device of the wrong kind or without
// media is a configuration it does not support, the rest a failure.
func deviceStartErr(name string, err error) error {
	var de *lxc.DeviceError
	if errors.As(err, &de) && (errors.Is(err, lxc.ErrNoMedia) || errors.Is(err, lxc.ErrDeviceType)) {
		return virterror.New(libvirt.ErrConfigUnsupported, "%v", de.Err)
	}
	return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': %v", name, err)
}

// hostNetDevices are the host's network devices a start of live needs:
// the bridges and macvlan parents of its interfaces and the NICs it moves
// in.
func hostNetDevices(live *xmlmap.Mapped) []string {
	var devs []string
	for _, ifc := range live.Interfaces {
		for _, d := range []string{ifc.Bridge, ifc.Link} {
			if d != "" {
				devs = append(devs, d)
			}
		}
	}
	return append(devs, live.HostNICs...)
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

// killQuietly kills name's container, ignoring errors: cleanup after a
// failed start.
func (l *LXC) killQuietly(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), startCleanupWait)
	defer cancel()
	if err := l.rt.Stop(ctx, name, lxc.StopOptions{Kill: true}); err != nil &&
		!errors.Is(err, lxc.ErrNotRunning) && !errors.Is(err, lxc.ErrNotFound) {
		l.log.Warn("cleanup kill failed", "domain", name, "err", err)
	}
}

// liveDef derives the running definition from def: a copy whose interfaces
// all carry a host-side device name (libvirt's live XML shows it and the
// stats read its counters) and an alias (net0, net1 …: device events name
// it), and the LXC config for that copy, with lxcfs's bind mounts when
// lxcfs serves its files at this start.
func (l *LXC) liveDef(u driverapi.UUID, def *definition) (*xmlmap.Mapped, error) {
	dom, err := l.liveDom(u, def)
	if err != nil {
		return nil, err
	}
	return l.mapLive(dom)
}

// liveDom is the first half of liveDef: the copy of the definition.
func (l *LXC) liveDom(u driverapi.UUID, def *definition) (*libvirtxml.Domain, error) {
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
		netAliases(dom.Devices.Interfaces)
		nodeAliases(dom.Devices)
	}
	return &dom, nil
}

// mapLive is the second half of liveDef: the LXC config of the copy,
// without the keys of its host devices (see mapLiveFacts).
func (l *LXC) mapLive(dom *libvirtxml.Domain) (*xmlmap.Mapped, error) {
	return l.mapLiveFacts(dom, nil)
}

// mapLiveFacts is mapLive with the host's facts about the copy's devices,
// as a start gives them.
func (l *LXC) mapLiveFacts(dom *libvirtxml.Domain, facts []xmlmap.DeviceFacts) (*xmlmap.Mapped, error) {
	opts := l.opts
	opts.DeviceFacts = facts
	opts.LXCFS = l.rt.LXCFS()
	opts.NoOpenVSwitch = !l.rt.OpenVSwitch()
	opts.NetworksAtStart = false
	opts.BlockDevice = l.rt.BlockDevice
	opts.DomainInit = l.domainInit
	m, err := xmlmap.ToConfig(dom, opts)
	if err != nil {
		return nil, virterror.Wrap(err)
	}
	if m.InitUser != "" || m.InitGroup != "" {
		// libvirt-lxc resolves the names in the container, at each start.
		uid, gid, err := l.rt.InitIDs(m.RootFS, m.InitUser, m.InitGroup)
		var unknown *lxc.UnknownIDError
		switch {
		case errors.As(err, &unknown):
			return nil, internalErr("%s %s doesn't exist", unknown.Kind, unknown.Name) // libvirt-lxc's words
		case err != nil:
			return nil, internalErr("cannot resolve <inituser>/<initgroup> of '%s': %v", m.Name, err)
		}
		if uid != "" {
			m.Config = append(m.Config, xmlmap.Entry{Key: "lxc.init.uid", Value: uid})
		}
		if gid != "" {
			m.Config = append(m.Config, xmlmap.Entry{Key: "lxc.init.gid", Value: gid})
		}
	}
	return m, nil
}

// vethName is a stable host-side device name for interface i of domain u,
// within the kernel's 15-byte limit.
func vethName(u driverapi.UUID, i int) string {
	h := sha256.Sum256(u[:])
	return fmt.Sprintf("vx%xp%d", h[:5], i)
}

// adopt makes d a running domain whose init ct is: it keeps the handle,
// persists the run state and indexes the ID. Used after a start, a reboot,
// and when reconnecting at startup.
func (l *LXC) adopt(d *domain, live *xmlmap.Mapped, ct Container, reason int32, startedAt time.Time) error {
	liveXML, err := xmlmap.FormatDomain(live.Domain)
	if err != nil {
		ct.Close()
		return internalErr("cannot format the running definition of '%s': %v", d.name, err)
	}
	pid := ct.PID()
	d.mu.Lock()
	oldPID := d.pid
	if d.ct != nil && d.ct != ct {
		d.ct.Close()
	}
	d.live, d.liveXML, d.pid, d.startedAt = live, liveXML, pid, startedAt
	if d.booted == nil {
		d.booted = live
	}
	d.state, d.reason = libvirt.DomainRunning, reason
	d.ct, d.pending = ct, pendingNone
	d.mu.Unlock()
	if frozen, err := ct.Frozen(); err == nil && frozen {
		d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedUnknown))
	}
	if err := l.saveRun(d); err != nil {
		l.teardown(d, libvirt.DomainShutoffFailed)
		return internalErr("cannot save run state of '%s': %v", d.name, err)
	}
	l.tab.setID(d, oldPID, pid)
	l.startRelays(d, live, ct)
	l.superviseAfterExit(d, ct)
	return nil
}

// saveRun persists d's run state so a new driver instance re-adopts it.
func (l *LXC) saveRun(d *domain) error {
	d.mu.Lock()
	st := runState{
		Name: d.name, UUID: driverapi.FormatUUID(d.uuid), PID: d.pid, Transient: d.persistent == nil,
		StartedAt: d.startedAt, Reason: d.reason, LiveXML: d.liveXML, Loops: d.loops,
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
	pid, liveXML := d.pid, d.liveXML
	if d.ct != nil {
		d.ct.Close()
	}
	d.ct, d.pending = nil, pendingNone
	d.live, d.liveXML, d.pid, d.consoles, d.booted = nil, "", 0, nil, nil
	d.state, d.reason = libvirt.DomainShutoff, int32(reason)
	loops := d.loops
	d.loops = nil
	d.mu.Unlock()
	l.rt.ReleaseLoops(loops)
	if !restarting {
		l.stopRelays(d)
	}
	l.unplugNetworks(d.name, portsOf(liveXML))
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
		l.removeContainerDir(d)
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

// kill SIGKILLs d's container and waits until LXC has cleaned up.
func (l *LXC) kill(ctx context.Context, d *domain) error {
	paused := l.refresh(d) == libvirt.DomainPaused
	d.mu.Lock()
	ct := d.ct
	d.mu.Unlock()
	if ct == nil {
		return errNotRunning()
	}
	if paused {
		// A frozen task cannot act on SIGKILL until thawed.
		if err := ct.Thaw(ctx); err != nil && !errors.Is(err, lxc.ErrNotRunning) {
			l.log.Warn("thaw before kill failed", "domain", d.name, "err", err)
		}
	}
	if err := ct.Kill(ctx); err != nil {
		return runtimeErr("destroy", d.name, err)
	}
	return nil
}

// superviseAfterExit arranges for supervise to run once d's init ct has
// exited, unless the driver closes first. Nothing waits until then: a
// running container costs no goroutine of its own.
func (l *LXC) superviseAfterExit(d *domain, ct Container) {
	l.wg.Add(1)
	var (
		mu       sync.Mutex
		stopExit func() bool
	)
	// Whichever comes first, the exit or the driver's close, ends the
	// supervision (and its count in l.wg) exactly once: the other's stop
	// then reports false.
	cancelExit := func() {
		mu.Lock()
		stop := stopExit
		mu.Unlock()
		if stop != nil && stop() {
			l.wg.Done()
		}
	}
	stopClose := context.AfterFunc(l.ctx, cancelExit)
	mu.Lock()
	stopExit = ct.AfterExit(func() {
		defer l.wg.Done()
		stopClose()
		l.supervise(d, ct)
	})
	mu.Unlock()
	if l.ctx.Err() != nil {
		cancelExit() // closed before stopExit was set
	}
}

// supervise handles the exit of d's init ct under d's job. Runs in its own
// goroutine; not under job.
func (l *LXC) supervise(d *domain, ct Container) {
	if l.ctx.Err() != nil {
		return
	}
	if !l.jobForBackground(d) {
		return
	}
	defer d.endJob()
	d.mu.Lock()
	current := d.ct == ct
	d.mu.Unlock()
	if current {
		l.initExited(d, ct)
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
func (l *LXC) initExited(d *domain, ct Container) {
	d.mu.Lock()
	live, booted, next, why := d.live, d.booted, d.restartDefLocked(), d.pending
	d.mu.Unlock()
	if booted == nil {
		booted = live
	}
	kind := l.initExitKind(d, ct)
	// After a reboot the driver asked for (lxc-stop -r), LXC restarts the
	// container itself however init exited, so look for the new init first.
	// It restarts what it started, without the devices changed since.
	if kind == exitUnknown || kind == exitReboot || why == pendingReboot {
		if newPID := l.settle(d, ct); newPID > 0 {
			l.guestRebooted(d, booted, newPID, why)
			return
		}
		if kind == exitUnknown {
			kind = exitPoweroff
		}
	}
	// The branches below tear d down, which closes its handle, before
	// they wait for LXC's monitor: keep the handle open until then.
	d.mu.Lock()
	if d.ct == ct {
		d.ct = nil
	}
	d.mu.Unlock()
	defer ct.Close()
	mw := ct.MonitorExited()
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
		// driver's console relay is (lxc.ConsoleRelay): its log says
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

// initExitKind waits for LXC's report of how d's init (ct) exited and
// classifies it. Without a full wait status (LXC's output only) a non-zero
// exit is a crash and anything else unknown: a signal reads as exit 0
// there. Without a report it is unknown.
func (l *LXC) initExitKind(d *domain, ct Container) exitKind {
	ex := ct.Wait(l.ctx)
	if !ex.Reported {
		return exitUnknown
	}
	l.log.Debug("init exited", "domain", d.name, "status", fmt.Sprintf("%#x", ex.Status), "wait_status", ex.WaitStatus)
	switch {
	case ex.WaitStatus:
		return classifyExit(unix.WaitStatus(ex.Status))
	case ex.Status != 0:
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

// waitMonitor waits (bounded by settleWait) until LXC's monitor — the
// process that started the container — has exited after its cleanup (mw
// is closed; nil when the monitor is unknown).
func (l *LXC) waitMonitor(d *domain, mw <-chan struct{}) {
	if mw == nil {
		return
	}
	t := time.NewTimer(settleWait)
	defer t.Stop()
	select {
	case <-mw:
	case <-l.ctx.Done():
	case <-t.C:
		l.log.Warn("LXC monitor still running after the container stopped", "domain", d.name)
	}
}

// rebooted re-adopts a container LXC restarted under a new init.
func (l *LXC) rebooted(d *domain, live *xmlmap.Mapped, pid int) {
	ref := d.ref()
	d.mu.Lock()
	startedAt := d.startedAt
	d.mu.Unlock()
	if err := l.adopt(d, live, l.rt.Adopt(d.name, pid), int32(libvirt.DomainRunningBooted), startedAt); err != nil {
		l.log.Error("cannot re-adopt rebooted container", "domain", d.name, "err", err)
		l.killQuietly(d.name)
		l.stopped(d, libvirt.DomainShutoffFailed, byHost)
		return
	}
	l.log.Info("domain rebooted", "domain", d.name, "id", pid)
	l.events.publish(driverapi.Event{Kind: driverapi.EventReboot, Domain: ref})
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
		l.events.publish(driverapi.Event{Kind: driverapi.EventReboot, Domain: ref})
	} else {
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))
	}
}

// settle runs after init (ct) exited and tells a reboot from a stop: it
// returns the new init's PID when LXC restarted the container, 0 once the
// container stopped for good (LXC's monitor exited, or the runtime reports
// it stopped when the monitor is unknown).
func (l *LXC) settle(d *domain, ct Container) int {
	oldPID, mw := ct.PID(), ct.MonitorExited()
	deadline := time.Now().Add(settleWait)
	interval := 10 * time.Millisecond
	stoppedSeen := 0
	for {
		if closed(mw) {
			return 0
		}
		st, pid, err := l.rt.State(l.ctx, d.name)
		switch {
		case errors.Is(err, lxc.ErrNotFound) || l.ctx.Err() != nil:
			return 0
		case err == nil && pid > 0 && pid != oldPID && st != lxc.Stopped:
			return pid
		case err == nil && st == lxc.Stopped && mw == nil:
			if stoppedSeen++; stoppedSeen >= 3 {
				return 0
			}
		}
		if time.Now().After(deadline) {
			l.log.Warn("container neither restarted nor stopped; treating it as stopped", "domain", d.name, "state", st, "err", err)
			return 0
		}
		t := time.NewTimer(interval)
		select {
		case <-mw:
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
func (l *LXC) escalate(d *domain, ct Container) {
	defer l.wg.Done()
	if !l.outlivedGrace(d, ct, pendingShutdown) {
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
func (l *LXC) expireReboot(d *domain, ct Container) {
	defer l.wg.Done()
	if !l.outlivedGrace(d, ct, pendingReboot) {
		return
	}
	defer d.endJob()
	d.mu.Lock()
	d.pending = pendingNone
	d.mu.Unlock()
	l.log.Warn("init ignored the reboot request", "domain", d.name)
}

// outlivedGrace waits the shutdown grace for init (ct) to exit after the
// request want. It reports true, with d's job held, when init is still the
// same and still running and the request is still the pending one; false
// (no job held) when init exited, the request changed or the driver closes.
func (l *LXC) outlivedGrace(d *domain, ct Container, want pending) bool {
	select {
	case <-ct.Exited():
		return false
	case <-l.ctx.Done():
		return false
	case <-l.cfg.After(l.cfg.ShutdownGrace):
	}
	if !l.jobForBackground(d) {
		return false
	}
	d.mu.Lock()
	still := d.ct == ct && d.pending == want
	d.mu.Unlock()
	if !still || closed(ct.Exited()) {
		d.endJob() // init exited meanwhile; its supervisor reports it
		return false
	}
	return true
}

// requireActive fails with libvirt's "domain is not running" unless d runs.
func requireActive(d *domain) error {
	_, err := runningInit(d)
	return err
}

// runningInit is the handle of d's running init, or libvirt's "domain is
// not running".
func runningInit(d *domain) (Container, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.activeLocked() || d.ct == nil {
		return nil, errNotRunning()
	}
	return d.ct, nil
}

// closed reports whether ch is closed, without blocking; a nil ch is not.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// shutdown asks init to halt (LXC's halt signal) and returns at once; a
// background escalation kills the container after the grace period.
func (l *LXC) shutdown(ctx context.Context, d *domain) error {
	return l.request(ctx, d, "shutdown", lxc.StopOptions{NoWait: true}, pendingShutdown, l.escalate)
}

// reboot asks init to reboot (lxc-stop -r: LXC's reboot signal). If init
// reboots the container LXC restarts it; if init just exits, the driver
// starts it again. Either way the domain's ID becomes the new init's PID.
func (l *LXC) reboot(ctx context.Context, d *domain) error {
	return l.request(ctx, d, "reboot", lxc.StopOptions{Reboot: true, NoWait: true}, pendingReboot, l.expireReboot)
}

// request asks d's running init to halt or reboot (op) without waiting,
// marks what is pending and, on the first such request, starts follow —
// the background watcher that sees the request through.
func (l *LXC) request(ctx context.Context, d *domain, op string, opts lxc.StopOptions, want pending, follow func(*domain, Container)) error {
	ct, err := runningInit(d)
	if err != nil {
		return err
	}
	if err := ct.Stop(ctx, opts); err != nil {
		return runtimeErr(op, d.name, err)
	}
	d.mu.Lock()
	first := d.pending != want
	d.pending = want
	d.mu.Unlock()
	if first {
		l.wg.Add(1)
		go follow(d, ct)
	}
	return nil
}

// errDestroyed ends a start or suspend that a destroy preempted.
var errDestroyed = errors.New("destroyed")

// abortable derives from ctx the context of a job step that destroy may
// preempt (abortJob); done ends that, and must be called once the step
// has returned. Caller holds d's job.
func abortable(ctx context.Context, d *domain) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	d.mu.Lock()
	d.abortJob = cancel
	d.mu.Unlock()
	return ctx, func() {
		d.mu.Lock()
		d.abortJob = nil
		d.mu.Unlock()
		cancel(nil)
	}
}

// abortJob cancels d's start or suspend in progress, if any: the runtime
// kills the lxc-* process it runs and the job fails, releasing the job. It
// reports whether there was one. Not under job.
func abortJob(d *domain) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.abortJob == nil {
		return false
	}
	d.abortJob(errDestroyed)
	return true
}

// destroy kills the container now. After preempting a start (aborted), a
// domain left shut off is destroyed: reason destroyed, and no error.
func (l *LXC) destroy(ctx context.Context, d *domain, aborted bool) error {
	if aborted && !d.active() {
		d.setState(libvirt.DomainShutoff, int32(libvirt.DomainShutoffDestroyed))
		return nil
	}
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
	ct, err := runningInit(d)
	if err != nil {
		return err
	}
	if l.refresh(d) == libvirt.DomainPaused {
		return nil
	}
	fctx, done := abortable(ctx, d)
	err = ct.Freeze(fctx)
	done()
	switch {
	case err != nil && errors.Is(context.Cause(fctx), errDestroyed):
		return virterror.New(libvirt.ErrOperationAborted, "domain '%s' was destroyed while it was being suspended", d.name)
	case err != nil:
		return runtimeErr("suspend", d.name, err)
	}
	d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedUser))
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
	return nil
}

// resume thaws the container; resuming a running domain does nothing.
func (l *LXC) resume(ctx context.Context, d *domain) error {
	ct, err := runningInit(d)
	if err != nil {
		return err
	}
	if l.refresh(d) != libvirt.DomainPaused {
		return nil
	}
	if err := ct.Thaw(ctx); err != nil {
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
	state, ct, active := d.state, d.ct, d.activeLocked()
	d.mu.Unlock()
	if !active || ct == nil {
		return state
	}
	frozen, err := ct.Frozen()
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

// domainInit is the init PID of the running domain name, whose namespaces
// a starting container joins (<lxc:namespace> type='name'), with
// libvirt-lxc's errors.
func (l *LXC) domainInit(name string) (int, error) {
	o := l.tab.getName(name)
	if o == nil {
		return 0, virterror.New(libvirt.ErrNoDomain, "No domain with matching name '%s'", name)
	}
	if id := o.ref().ID; id > 0 {
		return int(id), nil
	}
	return 0, virterror.New(libvirt.ErrOperationInvalid, "Init pid is not yet available")
}
