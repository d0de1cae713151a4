package driver

import (
	"errors"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/lxc"
)

// Watching LXC. Two sources tell the driver what its containers do, so
// that it notices changes nobody asked it for at once and without polling:
//
//   - each init's handle (Container.Exited) fires the moment init exits,
//     and its Wait tells how;
//   - LXC's state stream (Runtime.StateStream: lxc-monitord, one
//     lxc-monitor per lxcpath) reports every state change LXC's tools
//     make: freeze and thaw with lxc-freeze, stops, starts (with
//     lxc-start) behind the driver's back.
//
// A state change queues a reconciliation of that domain with what LXC
// says (its freezer, its init), which emits the events.

// Backoff between lxc-monitor restarts, and the delay of the second
// resynchronisation after a (re)start: lxc-monitor reports only what
// happens once it has connected to lxc-monitord, a few milliseconds in.
const (
	monitorBackoffMin = 100 * time.Millisecond
	monitorBackoffMax = 10 * time.Second
	resyncDelay       = 500 * time.Millisecond
)

// watchLXC starts following the runtime's state stream for the driver's
// life, when the runtime has one.
func (l *LXC) watchLXC() {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		backoff := monitorBackoffMin
		for {
			ch, err := l.rt.StateStream(l.ctx)
			if err == nil {
				started := l.cfg.Now()
				l.follow(ch)
				if l.cfg.Now().Sub(started) > monitorBackoffMax {
					backoff = monitorBackoffMin
				}
			}
			if l.ctx.Err() != nil {
				return
			}
			if errors.Is(err, lxc.ErrNoStreaming) {
				l.log.Warn("LXC state changes are seen only on the next query", "err", err)
				return
			}
			l.log.Warn("LXC state monitor stopped; restarting it", "err", err, "in", backoff)
			select {
			case <-l.ctx.Done():
				return
			case <-l.cfg.After(backoff):
			}
			backoff = min(2*backoff, monitorBackoffMax)
		}
	}()
}

// follow handles one stream's events until it ends, resynchronising when
// it starts and once more after resyncDelay.
func (l *LXC) follow(ch <-chan lxc.StateEvent) {
	l.resync()
	again := l.cfg.After(resyncDelay)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return
			}
			l.onStateEvent(ev)
		case <-again:
			again = nil
			l.resync()
		case <-l.ctx.Done():
			return
		}
	}
}

// onStateEvent handles one state change; it never blocks, as LXC's
// containers wait on a stalled stream.
func (l *LXC) onStateEvent(ev lxc.StateEvent) {
	d := l.tab.getName(ev.Name)
	if d == nil {
		return
	}
	switch ev.State {
	case lxc.Frozen, lxc.Thawed, lxc.Running:
		l.reconcileSoon(d)
	case lxc.Freezing:
		l.watchFreeze(d)
	}
}

// freezeChecks are the delays after LXC announced a freeze at which the
// freezer is read: lxc-freeze announces FREEZING before it writes the
// freezer, and FROZEN once it reads it back frozen — a second later when
// the kernel had not finished at the first read.
var freezeChecks = func() []time.Duration {
	var at []time.Duration
	for ms := 2; ms <= 100; ms += 4 {
		at = append(at, time.Duration(ms)*time.Millisecond)
	}
	return append(at, 200*time.Millisecond, 500*time.Millisecond)
}()

// watchFreeze reconciles d at each of freezeChecks, so a freeze is
// reported when the kernel completes it rather than when LXC next looks.
func (l *LXC) watchFreeze(d *domain) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		start := l.cfg.Now()
		for _, at := range freezeChecks {
			select {
			case <-l.ctx.Done():
				return
			case <-l.cfg.After(start.Add(at).Sub(l.cfg.Now())):
			}
			l.reconcileSoon(d)
		}
	}()
}

// resync queues a reconciliation of every running domain, for a freeze or
// thaw made while no stream was watching (a container started behind the
// driver's back in that window is not seen).
func (l *LXC) resync() {
	for _, d := range l.tab.all() {
		if d.active() {
			l.reconcileSoon(d)
		}
	}
}

// reconcileSoon queues one reconciliation of d; a queued one covers later
// requests until it has taken d's job.
func (l *LXC) reconcileSoon(d *domain) {
	if !d.reconcileQueued.CompareAndSwap(false, true) {
		return
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		if !l.jobForBackground(d) {
			d.reconcileQueued.Store(false)
			return
		}
		defer d.endJob()
		d.reconcileQueued.Store(false)
		l.reconcile(d)
	}()
}

// reconcile brings d in line with LXC, under d's job: a running domain's
// freezer state (a freeze or thaw with lxc-freeze), or an inactive
// domain's container started with lxc-start behind the driver's back.
func (l *LXC) reconcile(d *domain) {
	d.mu.Lock()
	active, def, removed := d.activeLocked(), d.persistent, d.removed
	d.mu.Unlock()
	switch {
	case removed:
	case active:
		l.refresh(d)
	case def != nil && l.rt.Defined(d.name):
		l.adoptForeign(d, def)
	}
}

// adoptForeign adopts d's container when something other than the driver
// started it: running, reason unknown, and a started event.
func (l *LXC) adoptForeign(d *domain, def *definition) {
	st, pid, err := l.rt.State(l.ctx, d.name)
	if err != nil || pid <= 0 || st == lxc.Stopped {
		return
	}
	live, err := l.liveDef(d.uuid, def)
	if err != nil {
		l.log.Error("container started outside the driver has no usable definition", "domain", d.name, "err", err)
		return
	}
	if err := l.adopt(d, live, l.rt.Adopt(d.name, pid), int32(libvirt.DomainRunningUnknown), l.cfg.Now()); err != nil {
		l.log.Error("cannot adopt container started outside the driver", "domain", d.name, "err", err)
		return
	}
	l.log.Info("adopted container started outside the driver", "domain", d.name, "id", pid)
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedBooted)))
}
