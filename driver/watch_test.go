package driver

import (
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
)

// newMonitoredEnv is newEnv whose driver follows a test-fed state stream;
// the fake runtime reports each init's end with its wait status, as
// lxc-monitord does.
func newMonitoredEnv(t *testing.T, opts ...func(*env)) *env {
	e := unopenedEnv(t, opts...)
	e.rt.streaming = true
	e.rt.report = func(_ string, ws unix.WaitStatus) lxc.Exit {
		return lxc.Exit{Reported: true, Status: int(ws), WaitStatus: true}
	}
	e.l = e.open()
	e.waitStreamOpened()
	return e
}

func (e *env) waitStreamOpened() {
	e.t.Helper()
	select {
	case <-e.rt.opened:
	case <-time.After(5 * time.Second):
		e.t.Fatal("the driver did not follow LXC's state stream")
	}
}

func TestClassifyExit(t *testing.T) {
	for _, c := range []struct {
		ws   unix.WaitStatus
		want exitKind
	}{
		{0, exitPoweroff},
		{unix.WaitStatus(unix.SIGINT), exitPoweroff},
		{unix.WaitStatus(unix.SIGHUP), exitReboot},
		{unix.WaitStatus(unix.SIGKILL), exitCrash},
		{unix.WaitStatus(unix.SIGSEGV) | 0x80, exitCrash}, // with a core dump
		{unix.WaitStatus(unix.SIGTERM), exitCrash},
		{unix.WaitStatus(1 << 8), exitCrash}, // exit 1
	} {
		if got := classifyExit(c.ws); got != c.want {
			t.Errorf("classifyExit(%#x) = %v; want %v", uint32(c.ws), got, c.want)
		}
	}
}

// An init killed by a signal is a crash: stopped/crashed, and on_crash
// decides whether the domain starts again.
func TestCrashAppliesOnCrash(t *testing.T) {
	for _, policy := range []string{"destroy", "restart"} {
		t.Run(policy, func(t *testing.T) {
			e := newMonitoredEnv(t)
			d := e.start(e.define("web", uuidA, "<on_crash>"+policy+"</on_crash>"))
			evs, err := e.l.Events(t.Context())
			must(t, err)
			e.rt.exitInit("web", wsKilled)
			wantEvents(t, evs, lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedCrashed)))
			if policy == "destroy" {
				st := e.waitState(d, libvirt.DomainShutoff)
				if st.Reason != int32(libvirt.DomainShutoffCrashed) || e.rt.pid("web") != 0 {
					t.Fatalf("after a crash with on_crash=destroy: %+v, container pid %d", st, e.rt.pid("web"))
				}
				return
			}
			ev := nextEvent(t, evs)
			if ev.Type != int32(libvirt.DomainEventStarted) || ev.Detail != int32(libvirt.DomainEventStartedBooted) {
				t.Fatalf("event after the crash = %+v; want started booted", ev)
			}
			if st := e.status(d); st.State != libvirt.DomainRunning || st.ID != int32(e.rt.pid("web")) || st.ID == d.ID {
				t.Fatalf("after a crash with on_crash=restart: %+v", st)
			}
		})
	}
}

// reboot(2) with a power-off command kills the namespace's init with
// SIGINT: that is a poweroff, not a crash.
func TestHaltSignalIsPoweroff(t *testing.T) {
	e := newMonitoredEnv(t)
	d := e.start(e.define("web", uuidA))
	evs, err := e.l.Events(t.Context())
	must(t, err)
	e.rt.exitInit("web", unix.WaitStatus(unix.SIGINT))
	wantEvents(t, evs,
		lifecycle(d, libvirt.DomainEventShutdown, int32(libvirt.DomainEventShutdownGuest)),
		lifecycle(d, libvirt.DomainEventStopped, int32(libvirt.DomainEventStoppedShutdown)))
}

// Without a full wait status (lxc-monitor's output only), a non-zero exit
// status is a crash and zero a poweroff; without any report, a poweroff.
func TestExitStatusWithoutWaitStatus(t *testing.T) {
	for _, c := range []struct {
		report bool
		status int
		reason libvirt.DomainShutoffReason
	}{{true, 3, libvirt.DomainShutoffCrashed}, {true, 0, libvirt.DomainShutoffShutdown}, {false, 0, libvirt.DomainShutoffShutdown}} {
		e := newMonitoredEnv(t)
		e.rt.report = func(string, unix.WaitStatus) lxc.Exit { return lxc.Exit{Reported: c.report, Status: c.status} }
		d := e.start(e.define("web", uuidA))
		e.rt.exitInit("web", wsKilled)
		if st := e.waitState(d, libvirt.DomainShutoff); st.Reason != int32(c.reason) {
			t.Errorf("report %v, exit status %d: reason %d; want %d", c.report, c.status, st.Reason, c.reason)
		}
	}
}

// lxc-freeze behind the driver's back is seen from the state stream alone
// (no query needed): paused with reason unknown, as libvirt reports a pause
// it did not cause; the thaw resumes it, reason unpaused.
func TestFreezeSeenFromStateStream(t *testing.T) {
	e := newMonitoredEnv(t)
	d := e.start(e.define("web", uuidA))
	evs, err := e.l.Events(t.Context())
	must(t, err)
	e.rt.setFrozen("web", true)
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Freezing})
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Frozen})
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUnknown) {
		t.Fatalf("after lxc-freeze: %+v", st)
	}
	e.rt.setFrozen("web", false)
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Thawed})
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Running})
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused)))
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningUnpaused) {
		t.Fatalf("after lxc-unfreeze: %+v", st)
	}
	// The driver's own suspend is reason user, and its stream echo adds
	// no second event.
	must(t, e.l.Suspend(t.Context(), d.UUID))
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Frozen})
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUser) {
		t.Fatalf("after Suspend: %+v", st)
	}
	must(t, e.l.Resume(t.Context(), d.UUID))
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventResumed, int32(libvirt.DomainEventResumedUnpaused)))
	select {
	case ev := <-evs:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(100 * time.Millisecond):
	}
}

// A container started with lxc-start behind the driver's back is adopted:
// running, reason unknown, with a started event.
func TestForeignStartAdopted(t *testing.T) {
	e := newMonitoredEnv(t)
	d := e.start(e.define("web", uuidA))
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	evs, err := e.l.Events(t.Context())
	must(t, err)
	cfg, _ := e.rt.config("web")
	_, err = e.rt.Start(t.Context(), "web", []byte(cfg))
	must(t, err)
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Running})
	ev := nextEvent(t, evs)
	pid := int32(e.rt.pid("web"))
	if want := lifecycle(driverapi.Domain{Name: "web", UUID: d.UUID, ID: pid}, libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)); ev != want {
		t.Fatalf("event = %+v; want %+v", ev, want)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningUnknown) || st.ID != pid {
		t.Fatalf("adopted: %+v", st)
	}
}

// A stream that ends is started again.
func TestStateStreamRestarted(t *testing.T) {
	e := newMonitoredEnv(t)
	close(e.rt.stream())
	e.waitStreamOpened()
	d := e.start(e.define("web", uuidA))
	evs, err := e.l.Events(t.Context())
	must(t, err)
	e.rt.setFrozen("web", true)
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Frozen})
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
}

// LXC announces FREEZING before the kernel has frozen the container and
// says FROZEN only once it looks again (up to a second later); the driver
// reads the freezer meanwhile and reports the pause at its first read after
// the freeze completed, though LXC never says FROZEN.
func TestFreezeReportedBeforeLXCSaysFrozen(t *testing.T) {
	clock := newFakeClock()
	e := newMonitoredEnv(t, withClock(clock))
	d := e.start(e.define("web", uuidA))
	evs, err := e.l.Events(t.Context())
	must(t, err)
	// The freezer checks within 200ms of one another; the state stream's
	// resynchronisation comes later.
	const window = 200 * time.Millisecond
	e.rt.send(lxc.StateEvent{Name: "web", State: lxc.Freezing})
	announced := clock.Now()
	// The first checks find the container not frozen yet.
	for clock.Now().Sub(announced) < 15*time.Millisecond {
		reads := e.rt.count("frozen web")
		clock.fireNext(t, window)
		e.rt.waitCalls("frozen web", reads+1)
	}
	e.rt.setFrozen("web", true)
	froze := clock.Now()
	clock.fireNext(t, window)
	wantEvents(t, evs, lifecycle(d, libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedPaused)))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUnknown) {
		t.Fatalf("after the freeze: %+v", st)
	}
	t.Logf("pause reported at the check %v after the freeze", clock.Now().Sub(froze))
}
