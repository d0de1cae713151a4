package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
)

// latencyTarget is the ceiling for the daemon path over the raw lxc-*
// command that does the same work to the same end point.
var latencyTarget = report.AtMost(1.05)

// phaseLatency measures section 1: start, destroy and shutdown through a
// connected client against lxc-start/lxc-stop, plus whole-process virsh.
func (b *bench) phaseLatency(ctx context.Context) error {
	sec := b.section(1)
	var (
		rawStartOnly = &samples{name: "lxc-start -d"}
		rawStart     = &samples{name: "lxc-start -d + lxc-wait RUNNING"}
		rawKill      = &samples{name: "lxc-stop -k"}
		rawHalt      = &samples{name: "lxc-stop (init honours SIGPWR)"}
		rawCycle     = &samples{name: "raw start + kill"}
		lxCreate     = &samples{name: "lxcvirtd"}
		lxDestroy    = &samples{name: "lxcvirtd"}
		lxShutdown   = &samples{name: "lxcvirtd"}
		lxTeardown   = &samples{name: "lxcvirtd"}
		lxCycle      = &samples{name: "lxcvirtd"}
		genStart     = &samples{name: "lxc-start -d on lxcvirtd's generated config"}
		virshStart   = &samples{name: "virsh start"}
		virshDestroy = &samples{name: "virsh destroy"}
		lxVersion    = &samples{name: "virsh version against lxcvirtd"}
		lvVersion    = &samples{name: "virsh version against libvirtd"}
	)
	rawName := b.prefix + "-rl"
	if err := b.raw.define(rawName, newSpec(rawName).MAC); err != nil {
		return err
	}
	rawTrials := []trial{
		{name: "raw start/kill", run: func(ctx context.Context, keep bool) error {
			ts, err := b.raw.start(ctx, rawName)
			if err != nil {
				return err
			}
			tw, err := b.raw.waitRunning(ctx, rawName)
			if err != nil {
				return err
			}
			tk, err := b.raw.kill(ctx, rawName)
			if err != nil {
				return err
			}
			if keep {
				rawStartOnly.add(ms(ts))
				rawStart.add(ms(ts + tw))
				rawKill.add(ms(tk))
				rawCycle.add(ms(ts + tw + tk))
			}
			return nil
		}, fail: func(err error) {
			for _, s := range []*samples{rawStartOnly, rawStart, rawKill, rawCycle} {
				s.skip(err)
			}
			_ = killAll(context.WithoutCancel(ctx), b.raw.path)
		}},
		{name: "raw halt", run: func(ctx context.Context, keep bool) error {
			if _, err := b.raw.start(ctx, rawName); err != nil {
				return err
			}
			if _, err := b.raw.waitRunning(ctx, rawName); err != nil {
				return err
			}
			pid, err := b.raw.initPID(ctx, rawName)
			if err != nil {
				return err
			}
			if err := waitHaltTrap(ctx, pid); err != nil {
				return err
			}
			th, err := b.raw.halt(ctx, rawName)
			if keep && err == nil {
				rawHalt.add(ms(th))
			}
			return err
		}, fail: func(err error) {
			rawHalt.skip(err)
			_ = killAll(context.WithoutCancel(ctx), b.raw.path)
		}},
	}
	trials := b.both("virsh version", lxVersion, lvVersion, func(s *side) measureFn {
		return func(ctx context.Context) (float64, error) { return virshMs(ctx, s, "version") }
	})

	lxAll := []*samples{lxCreate, lxDestroy, lxShutdown, lxTeardown, lxCycle, virshStart, virshDestroy}
	var lxTrials []trial
	var genTrial *trial
	if !b.lx.ok() {
		for _, s := range lxAll {
			s.skip(b.lx.unavailable())
		}
	} else {
		spec := newSpec(b.prefix + "-lat")
		dom, err := b.lx.conn.DomainDefineXML(spec.XML(b.raw.rootfs))
		if err != nil {
			for _, s := range lxAll {
				s.skip(fmt.Errorf("define: %w", err))
			}
		} else {
			lxTrials = b.lxLatencyTrials(dom, lxCreate, lxDestroy, lxShutdown, lxTeardown, lxCycle, virshStart, virshDestroy)
			if t, err := b.generatedConfigTrial(ctx, dom, genStart); err != nil {
				genStart.skip(err)
			} else {
				genTrial = &t
			}
		}
	}
	if lxTrials == nil {
		trials = append(trials, rawTrials...)
	} else {
		// Each lxcvirtd trial runs back to back with the raw trial it is
		// compared with; virsh start/destroy has no paired baseline.
		startKill := pair("start/kill", lxTrials[0], rawTrials[0])
		if genTrial != nil {
			// The same container started by hand: one sample of each of
			// the three per round.
			startKill = pair("start/kill, generated config", startKill, *genTrial)
			pairSamples(lxCreate, genStart)
		}
		trials = append(trials,
			startKill,
			pair("halt", lxTrials[1], rawTrials[1]),
			lxTrials[2])
		for _, p := range [][2]*samples{{lxCreate, rawStartOnly}, {lxDestroy, rawKill}, {lxCycle, rawCycle}, {lxTeardown, rawHalt}} {
			pairSamples(p[0], p[1])
		}
	}
	if err := b.rounds(ctx, "start/stop latency", b.cfg.runs, trials...); err != nil {
		return err
	}

	sec.Add(
		row("domain create vs lxc-start -d (connected Go client)", "ms", lxCreate, rawStartOnly, latencyTarget).
			WithNote("lxc-start -d of LXC 5 returns once the container is RUNNING, as the create call does"),
		row("domain destroy vs lxc-stop -k (connected Go client)", "ms", lxDestroy, rawKill, latencyTarget).
			WithNote("both return once init and LXC's monitor have exited"),
		row("domain shutdown until LXC's monitor has exited vs lxc-stop", "ms", lxTeardown, rawHalt, latencyTarget).
			WithNote("the same end point as lxc-stop's return: shutdown returns at once, the clock runs until LXC's monitor process is gone"),
		row("domain shutdown until get-state says shut off", "ms", lxShutdown, rawHalt, nil).
			WithNote("lxcvirtd reports shut off as soon as init has exited, while LXC's monitor is still tearing the container down; an earlier end point than lxc-stop's, so no target"),
		row("domain create vs lxc-start -d on the config lxcvirtd generated", "ms", lxCreate, genStart, nil).
			WithNote("the same container: lxc-start -d run by hand on a copy of the config lxcvirtd writes (its lxcfs bind mounts, seccomp profile, device rules and loopback interface included), so the ratio is the daemon path alone"),
		row("domain create vs lxc-start -d + lxc-wait RUNNING", "ms", lxCreate, rawStart, nil),
		row("create + destroy cycle (connected Go client)", "ms", lxCycle, rawCycle, nil),
		row("virsh start (whole process)", "ms", virshStart, rawStart, nil),
		row("virsh destroy (whole process)", "ms", virshDestroy, rawKill, nil),
		row("virsh version (whole process)", "ms", lxVersion, lvVersion, nil).
			WithNote("the cost of virsh itself: process start, library load, connect, auth, open, two calls, close"),
		row("raw: lxc-start -d", "ms", rawStartOnly, nil, nil),
		row("raw: lxc-start -d on lxcvirtd's generated config", "ms", genStart, nil, nil),
		row("raw: lxc-start -d + lxc-wait RUNNING", "ms", rawStart, nil, nil),
		row("raw: lxc-stop -k", "ms", rawKill, nil, nil),
		row("raw: lxc-stop (clean halt)", "ms", rawHalt, nil, nil),
	)
	return nil
}

// lxLatencyTrials are the lxcvirtd side of section 1 on domain dom.
func (b *bench) lxLatencyTrials(dom libvirt.Domain, create, destroy, shutdown, teardown, cycle, vStart, vDestroy *samples) []trial {
	c := b.lx.conn
	// reset leaves dom shut off after a failed trial.
	reset := func(error) { _ = c.DomainDestroy(dom) }
	return []trial{
		{name: "lxcvirtd create/destroy", run: func(ctx context.Context, keep bool) error {
			tc, err := timed(func() error { return c.DomainCreate(dom) })
			if err != nil {
				return fmt.Errorf("create: %w", err)
			}
			if err := expectState(c, dom, libvirt.DomainRunning); err != nil {
				return err
			}
			td, err := timed(func() error { return c.DomainDestroy(dom) })
			if err != nil {
				return fmt.Errorf("destroy: %w", err)
			}
			if err := expectState(c, dom, libvirt.DomainShutoff); err != nil {
				return err
			}
			if keep {
				create.add(tc)
				destroy.add(td)
				cycle.add(tc + td)
			}
			return nil
		}, fail: func(err error) {
			for _, s := range []*samples{create, destroy, cycle} {
				s.skip(err)
			}
			reset(err)
		}},
		{name: "lxcvirtd shutdown", run: func(ctx context.Context, keep bool) error {
			if err := c.DomainCreate(dom); err != nil {
				return fmt.Errorf("create: %w", err)
			}
			running, err := c.DomainLookupByName(dom.Name)
			if err != nil {
				return fmt.Errorf("look up: %w", err)
			}
			if err := waitHaltTrap(ctx, int(running.ID)); err != nil {
				return err
			}
			// LXC's monitor is init's parent; lxc-stop returns once it
			// has torn the container down.
			_, monitor, err := procStat(int(running.ID))
			if err != nil {
				return err
			}
			t0 := time.Now()
			if err := c.DomainShutdown(dom); err != nil {
				return fmt.Errorf("shutdown: %w", err)
			}
			if err := waitState(ctx, c, dom, libvirt.DomainShutoff, 30*time.Second); err != nil {
				return err
			}
			off := time.Since(t0)
			if err := waitGone(ctx, monitor, 30*time.Second); err != nil {
				return fmt.Errorf("LXC monitor: %w", err)
			}
			if keep {
				shutdown.add(ms(off))
				teardown.add(ms(time.Since(t0)))
			}
			return nil
		}, fail: func(err error) { shutdown.skip(err); teardown.skip(err); reset(err) }},
		{name: "virsh start/destroy", run: func(ctx context.Context, keep bool) error {
			ts, err := virshMs(ctx, b.lx, "start", dom.Name)
			if err != nil {
				return err
			}
			td, err := virshMs(ctx, b.lx, "destroy", dom.Name)
			if keep && err == nil {
				vStart.add(ts)
				vDestroy.add(td)
			}
			return err
		}, fail: func(err error) { vStart.skip(err); vDestroy.skip(err); reset(err) }},
	}
}

// expectState checks a domain's state right after a call that should have
// brought it there.
func expectState(c *libvirt.Libvirt, dom libvirt.Domain, want libvirt.DomainState) error {
	st, _, err := c.DomainGetState(dom, 0)
	if err != nil {
		return fmt.Errorf("get state: %w", err)
	}
	if libvirt.DomainState(st) != want {
		return fmt.Errorf("%s: state %d after the call returned, want %d", dom.Name, st, want)
	}
	return nil
}

// waitState polls a domain's state until it is want.
func waitState(ctx context.Context, c *libvirt.Libvirt, dom libvirt.Domain, want libvirt.DomainState, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		st, _, err := c.DomainGetState(dom, 0)
		if err != nil {
			return fmt.Errorf("get state: %w", err)
		}
		if libvirt.DomainState(st) == want {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: still in state %d after %s", dom.Name, st, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// generatedConfigTrial starts dom once through lxcvirtd so that it writes
// its LXC config, copies that config into the raw lxcpath, and returns a
// trial that times lxc-start -d on the copy, then kills it.
func (b *bench) generatedConfigTrial(ctx context.Context, dom libvirt.Domain, out *samples) (trial, error) {
	conf, err := generatedConfig(b.lx.conn, b.lxPath, dom)
	if err != nil {
		return trial{}, err
	}
	name := b.prefix + "-rg"
	if err := b.raw.defineFrom(conf, name); err != nil {
		return trial{}, err
	}
	return trial{name: "raw start/kill, generated config", run: func(ctx context.Context, keep bool) error {
		ts, err := b.raw.start(ctx, name)
		if err != nil {
			return err
		}
		if _, err := b.raw.kill(ctx, name); err != nil {
			return err
		}
		if keep {
			out.add(ms(ts))
		}
		return nil
	}, fail: func(err error) {
		out.skip(err)
		_ = killAll(context.WithoutCancel(ctx), b.raw.path)
	}}, nil
}

// generatedConfig starts dom once through c so that lxcvirtd writes its
// LXC config under lxcpath, destroys it, and returns the config.
func generatedConfig(c *libvirt.Libvirt, lxcpath string, dom libvirt.Domain) ([]byte, error) {
	if err := c.DomainCreate(dom); err != nil {
		return nil, fmt.Errorf("create: %w", err)
	}
	if err := c.DomainDestroy(dom); err != nil {
		return nil, fmt.Errorf("destroy: %w", err)
	}
	conf, err := os.ReadFile(filepath.Join(lxcpath, dom.Name, "config"))
	if err != nil {
		return nil, fmt.Errorf("lxcvirtd's config: %w", err)
	}
	return conf, nil
}
