package main

import (
	"context"
	"fmt"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// eventTimeout bounds the wait for one event.
const eventTimeout = 10 * time.Second

// stamped is a lifecycle event and when the client received it.
type stamped struct {
	at  time.Time
	msg libvirt.DomainEventLifecycleMsg
}

// eventFeed is a connection registered for lifecycle events.
type eventFeed struct {
	ch chan stamped
}

// subscribe opens a dedicated connection and registers for lifecycle
// events; a server without events fails here, which is how support is
// detected.
func subscribe(ctx context.Context, d *daemon) (*eventFeed, error) {
	c, err := d.dial(ctx)
	if err != nil {
		return nil, err
	}
	evs, err := c.LifecycleEvents(ctx)
	if err != nil {
		d.disconnect(c)
		return nil, fmt.Errorf("register for lifecycle events: %w", err)
	}
	f := &eventFeed{ch: make(chan stamped, 4096)}
	go func() {
		for e := range evs {
			select {
			case f.ch <- stamped{at: time.Now(), msg: e}:
			default: // nobody is waiting for that many; drop
			}
		}
	}()
	return f, nil
}

// drain drops every event received so far.
func (f *eventFeed) drain() {
	for {
		select {
		case <-f.ch:
		default:
			return
		}
	}
}

// wait returns when event ev for domain name arrived, skipping others.
func (f *eventFeed) wait(ctx context.Context, name string, ev libvirt.DomainEventType) (time.Time, error) {
	timeout := time.After(eventTimeout)
	for {
		select {
		case e := <-f.ch:
			if e.msg.Dom.Name == name && e.msg.Event == int32(ev) {
				return e.at, nil
			}
		case <-timeout:
			return time.Time{}, fmt.Errorf("no event %d for %s within %s", ev, name, eventTimeout)
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

// phaseEvents measures section 6, or skips it cleanly while lxcvirtd has
// no events.
func (b *bench) phaseEvents(ctx context.Context) error {
	var (
		lxDefine = &samples{name: "lxcvirtd"}
		lvDefine = &samples{name: "libvirtd"}
		lxStart  = &samples{name: "lxcvirtd"}
		call     = &samples{name: "the create call's own return"}
		lxExt    = &samples{name: "lxcvirtd"}
		extStop  = &samples{name: "lxc-stop -k's own return"}
	)
	feeds := map[*side]*eventFeed{}
	for _, s := range []*side{b.lx, b.lv} {
		if !s.ok() {
			continue
		}
		f, err := subscribe(ctx, s.d)
		if err != nil {
			b.log.Info("no events", "daemon", s.name, "err", firstErrLine(err))
			continue
		}
		feeds[s] = f
	}
	var trials []trial
	defines := 0
	for _, p := range []struct {
		s   *side
		out *samples
	}{{b.lx, lxDefine}, {b.lv, lvDefine}} {
		f := feeds[p.s]
		switch {
		case !p.s.ok():
			p.out.skip(p.s.unavailable())
		case f == nil:
			p.out.skip(fmt.Errorf("%s does not support domain events yet (registration refused)", p.s.name))
		default:
			s := p.s
			trials = append(trials, measured("define event "+s.name, p.out, func(ctx context.Context) (float64, error) {
				defines++
				spec := newSpec(fmt.Sprintf("%s-e%d", b.prefix, defines))
				f.drain()
				t0 := time.Now()
				dom, err := s.conn.DomainDefineXML(spec.XML(b.raw.rootfs))
				if err != nil {
					return 0, err
				}
				at, err := f.wait(ctx, spec.Name, libvirt.DomainEventDefined)
				if uerr := s.conn.DomainUndefine(dom); err == nil {
					err = uerr
				}
				return ms(at.Sub(t0)), err
			}))
		}
	}

	if len(trials) == 2 {
		trials = []trial{pair("define event", trials[0], trials[1])}
		pairSamples(lxDefine, lvDefine)
	}

	lxRun := []*samples{lxStart, call, lxExt, extStop}
	if f := feeds[b.lx]; f == nil {
		err := b.lx.err
		if err == nil {
			err = fmt.Errorf("lxcvirtd does not support domain events yet (registration refused)")
		} else {
			err = b.lx.unavailable()
		}
		for _, s := range lxRun {
			s.skip(err)
		}
	} else if dom, err := b.lx.conn.DomainDefineXML(newSpec(b.prefix + "-ev").XML(b.raw.rootfs)); err != nil {
		for _, s := range lxRun {
			s.skip(fmt.Errorf("define: %w", err))
		}
	} else {
		trials = append(trials, b.lxEventTrials(f, dom, lxStart, call, lxExt, extStop)...)
		pairSamples(lxStart, call) // each event and its call in the same trial
		pairSamples(lxExt, extStop)
	}
	if len(trials) > 0 {
		if err := b.rounds(ctx, "event latency", b.cfg.runs, trials...); err != nil {
			return err
		}
	}
	b.section(6).Add(
		row("define → DEFINED event, from the call", "ms", lxDefine, lvDefine, nil),
		row("create → STARTED event, from the call", "ms", lxStart, call, nil),
		row("lxc-stop -k behind the daemon's back → STOPPED event, from lxc-stop's start", "ms", lxExt, extStop, nil).
			WithNote("a ratio below 1 means the event arrived before lxc-stop -k itself returned (the daemon sees init exit, not LXC's STOPPED state)"),
	)
	return nil
}

// lxEventTrials time lxcvirtd's lifecycle events on dom: a start through
// the API, and a container killed with lxc-stop outside the daemon.
func (b *bench) lxEventTrials(f *eventFeed, dom libvirt.Domain, started, call, stopped, extStop *samples) []trial {
	c := b.lx.conn
	startAndWait := func(ctx context.Context) (time.Duration, time.Duration, error) {
		f.drain()
		t0 := time.Now()
		if err := c.DomainCreate(dom); err != nil {
			return 0, 0, fmt.Errorf("create: %w", err)
		}
		tc := time.Since(t0)
		at, err := f.wait(ctx, dom.Name, libvirt.DomainEventStarted)
		return at.Sub(t0), tc, err
	}
	reset := func(error) { _ = c.DomainDestroy(dom) }
	return []trial{
		{name: "start event", run: func(ctx context.Context, keep bool) error {
			te, tc, err := startAndWait(ctx)
			if err != nil {
				return err
			}
			if keep {
				started.add(ms(te))
				call.add(ms(tc))
			}
			if err := c.DomainDestroy(dom); err != nil {
				return fmt.Errorf("destroy: %w", err)
			}
			_, err = f.wait(ctx, dom.Name, libvirt.DomainEventStopped)
			return err
		}, fail: func(err error) { started.skip(err); call.skip(err); reset(err) }},
		{name: "external stop event", run: func(ctx context.Context, keep bool) error {
			if _, _, err := startAndWait(ctx); err != nil {
				return err
			}
			t0 := time.Now()
			tk, err := command(ctx, "lxc-stop", "-P", b.lxPath, "-n", dom.Name, "-k")
			if err != nil {
				return err
			}
			at, err := f.wait(ctx, dom.Name, libvirt.DomainEventStopped)
			if keep && err == nil {
				stopped.add(ms(at.Sub(t0)))
				extStop.add(ms(tk))
			}
			return err
		}, fail: func(err error) { stopped.skip(err); extStop.skip(err); reset(err) }},
	}
}
