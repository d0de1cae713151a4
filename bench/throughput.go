package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
)

// phaseThroughput measures section 3 and, with the batch running, the
// memory rows of section 4 at the largest number of defined domains.
func (b *bench) phaseThroughput(ctx context.Context) error {
	n, w := b.cfg.throughput, b.cfg.concurrency
	var (
		rawUp    = &samples{name: fmt.Sprintf("%d × lxc-start -d, %d at a time", n, w)}
		rawDown  = &samples{name: fmt.Sprintf("%d × lxc-stop -k, %d at a time", n, w)}
		rawBoth  = &samples{name: "raw start + kill"}
		rawMon   = newMem("monitors of lxc-start -d")
		lxUp     = &samples{name: "lxcvirtd"}
		lxDown   = &samples{name: "lxcvirtd"}
		lxBoth   = &samples{name: "lxcvirtd"}
		lxTotal  = newMem("lxcvirtd + plugin")
		lxAlone  = newMem("lxcvirtd")
		lxPlugin = newMem("plugin")
		lxMon    = newMem("monitors of lxcvirtd's containers")
	)
	if len(b.defined) < n { // the control phase did not run
		if err := b.growTo(ctx, n); err != nil {
			return err
		}
	}
	rawNames := make([]string, n)
	for i := range rawNames {
		rawNames[i] = fmt.Sprintf("%s-t%03d", b.prefix, i)
		if err := b.raw.define(rawNames[i], newSpec(rawNames[i]).MAC); err != nil {
			return err
		}
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	trials := []trial{{name: "raw batch", run: func(ctx context.Context, keep bool) error {
		up, err := parallel(ctx, w, n, func(ctx context.Context, _, i int) error {
			_, err := b.raw.start(ctx, rawNames[i])
			return err
		})
		if err != nil {
			return err
		}
		mon, _, err := monitorMemory(b.raw.path)
		if err != nil {
			return err
		}
		down, err := parallel(ctx, w, n, func(ctx context.Context, _, i int) error {
			_, err := b.raw.kill(ctx, rawNames[i])
			return err
		})
		if keep && err == nil {
			rawUp.add(rate(up))
			rawDown.add(rate(down))
			rawBoth.add(rate(up + down))
			rawMon.add(mon)
		}
		return err
	}, fail: func(err error) {
		for _, s := range []*samples{rawUp, rawDown, rawBoth} {
			s.skip(err)
		}
		rawMon.skip(err)
		_ = killAll(context.WithoutCancel(ctx), b.raw.path)
	}}}

	lxMem := []*memSamples{lxTotal, lxAlone, lxPlugin, lxMon}
	skipAll := func(err error) {
		for _, s := range []*samples{lxUp, lxDown, lxBoth} {
			s.skip(err)
		}
		for _, m := range lxMem {
			m.skip(err)
		}
	}
	running := 0
	if !b.lx.ok() {
		skipAll(b.lx.unavailable())
	} else if t, err := b.lxThroughputTrial(ctx, n, w, rate, lxUp, lxDown, lxBoth, lxMem); err != nil {
		skipAll(err)
	} else {
		trials = []trial{pair("batch", t, trials[0])}
		running = n
		pairSamples(lxUp, rawUp)
		pairSamples(lxDown, rawDown)
		pairSamples(lxBoth, rawBoth)
		pairMem(lxMon, rawMon)
	}
	if err := b.rounds(ctx, fmt.Sprintf("throughput, %d containers", n), b.cfg.runs, trials...); err != nil {
		return err
	}

	sec := b.section(3)
	sec.Add(
		row(fmt.Sprintf("start %d containers, %d connections", n, w), "containers/s", lxUp, rawUp, nil),
		row(fmt.Sprintf("destroy %d containers, %d connections", n, w), "containers/s", lxDown, rawDown, nil),
		row(fmt.Sprintf("start + destroy %d containers, %d connections", n, w), "containers/s", lxBoth, rawBoth, nil),
	)

	what := fmt.Sprintf("%d defined, %d running", len(b.defined), running)
	mem := b.section(4)
	mem.Add(memRows("daemon + plugin, "+what, lxTotal, nil, nil)...)
	mem.Add(memRows("daemon alone, "+what, lxAlone, nil, nil)...)
	mem.Add(memRows("plugin alone, "+what, lxPlugin, nil, nil)...)
	mem.Add(memRows(fmt.Sprintf("one LXC monitor (median of the %d), lxcvirtd's containers vs lxc-start -d's", n), lxMon, rawMon, nil)...)
	if lxPlugin.pss.err == nil && len(lxPlugin.pss.xs) > 0 && lxPlugin.pss.xs[0] == 0 {
		mem.Rows[len(mem.Rows)-4].Note = "no child process: the driver runs inside the daemon"
	}
	return nil
}

// lxThroughputTrial opens the concurrent connections and returns the
// lxcvirtd batch trial: the first n domains of the scale set started, the
// memory sampled while they run, then destroyed.
func (b *bench) lxThroughputTrial(ctx context.Context, n, w int, rate func(time.Duration) float64,
	up, down, both *samples, mem []*memSamples) (trial, error) {
	total, alone, plugin, monitors := mem[0], mem[1], mem[2], mem[3]
	if len(b.lx.doms) < n {
		return trial{}, fmt.Errorf("only %d domains defined, need %d", len(b.lx.doms), n)
	}
	doms := b.lx.doms[:n]
	conns := make([]*libvirt.Libvirt, w)
	for i := range conns {
		c, err := b.lx.d.dial(ctx)
		if err != nil {
			return trial{}, fmt.Errorf("connection %d: %w", i+1, err)
		}
		conns[i] = c
	}
	b.cl.Add("close throughput connections", func(context.Context) error {
		for _, c := range conns {
			b.lx.d.disconnect(c)
		}
		return nil
	})
	return trial{name: "lxcvirtd batch", run: func(ctx context.Context, keep bool) error {
		tu, err := parallel(ctx, w, n, func(_ context.Context, wk, i int) error {
			if err := conns[wk].DomainCreate(doms[i]); err != nil {
				return fmt.Errorf("create %s: %w", doms[i].Name, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		active, _, err := b.lx.conn.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive)
		if err != nil {
			return fmt.Errorf("list active: %w", err)
		}
		if len(active) < n {
			return fmt.Errorf("%d domains active after starting %d", len(active), n)
		}
		m, err := b.lx.d.memory(isLXCTool)
		if err != nil {
			return err
		}
		mon, _, err := monitorMemory(b.lxPath)
		if err != nil {
			return err
		}
		td, err := parallel(ctx, w, n, func(_ context.Context, wk, i int) error {
			if err := conns[wk].DomainDestroy(doms[i]); err != nil {
				return fmt.Errorf("destroy %s: %w", doms[i].Name, err)
			}
			return nil
		})
		if keep && err == nil {
			up.add(rate(tu))
			down.add(rate(td))
			both.add(rate(tu + td))
			total.add(m.total())
			alone.add(m.daemon)
			plugin.add(m.children)
			monitors.add(mon)
			if len(m.names) > 0 {
				plugin.setName("plugin (" + strings.Join(m.names, ", ") + ")")
			}
		}
		return err
	}, fail: func(err error) {
		for _, s := range []*samples{up, down, both} {
			s.skip(err)
		}
		for _, m := range mem {
			m.skip(err)
		}
		destroyAll(context.WithoutCancel(ctx), b.lx.d)
	}}, nil
}
