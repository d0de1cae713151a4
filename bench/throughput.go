package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
)

var (
	throughputTarget = report.AtLeast(0.8)
	rssTotalTarget   = report.AtMost(1.25) // daemon + plugin vs libvirtd
	rssDaemonTarget  = report.AtMost(1.0)  // daemon alone vs libvirtd
)

// phaseThroughput measures section 3 and, with the batch running, the
// memory rows of section 4 at the largest number of defined domains.
func (b *bench) phaseThroughput(ctx context.Context) error {
	n, w := b.cfg.throughput, b.cfg.concurrency
	var (
		rawUp    = &samples{name: fmt.Sprintf("%d × lxc-start -d, %d at a time", n, w)}
		rawDown  = &samples{name: fmt.Sprintf("%d × lxc-stop -k, %d at a time", n, w)}
		rawBoth  = &samples{name: "raw start + kill"}
		lxUp     = &samples{name: "lxcvirtd"}
		lxDown   = &samples{name: "lxcvirtd"}
		lxBoth   = &samples{name: "lxcvirtd"}
		lxTotal  = &samples{name: "lxcvirtd + plugin"}
		lxAlone  = &samples{name: "lxcvirtd"}
		lxPlugin = &samples{name: "plugin"}
	)
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
		down, err := parallel(ctx, w, n, func(ctx context.Context, _, i int) error {
			_, err := b.raw.kill(ctx, rawNames[i])
			return err
		})
		if keep && err == nil {
			rawUp.add(rate(up))
			rawDown.add(rate(down))
			rawBoth.add(rate(up + down))
		}
		return err
	}, fail: func(err error) {
		for _, s := range []*samples{rawUp, rawDown, rawBoth} {
			s.skip(err)
		}
		_ = killAll(context.WithoutCancel(ctx), b.raw.path)
	}}}

	lxAll := []*samples{lxUp, lxDown, lxBoth, lxTotal, lxAlone, lxPlugin}
	running := 0
	if !b.lx.ok() {
		for _, s := range lxAll {
			s.skip(b.lx.unavailable())
		}
	} else if t, err := b.lxThroughputTrial(ctx, n, w, rate, lxUp, lxDown, lxBoth, lxTotal, lxAlone, lxPlugin); err != nil {
		for _, s := range lxAll {
			s.skip(err)
		}
	} else {
		trials = append(trials, t)
		running = n
	}
	if err := b.rounds(ctx, fmt.Sprintf("throughput, %d containers", n), b.cfg.runs, trials...); err != nil {
		return err
	}

	sec := b.section(3)
	sec.Add(
		row(fmt.Sprintf("start %d containers, %d connections", n, w), "containers/s", lxUp, rawUp, nil),
		row(fmt.Sprintf("destroy %d containers, %d connections", n, w), "containers/s", lxDown, rawDown, nil),
		row(fmt.Sprintf("start + destroy %d containers, %d connections", n, w), "containers/s", lxBoth, rawBoth, throughputTarget),
	)

	defined := len(b.defined)
	lvRSS := &samples{name: fmt.Sprintf("libvirtd, %d defined", defined), xs: b.lvRSS}
	if !b.lv.ok() {
		lvRSS.skip(b.lv.unavailable())
	}
	what := fmt.Sprintf("%d defined, %d running", defined, running)
	mem := b.section(4)
	mem.Add(
		row("RSS daemon + plugin, "+what, "MiB", lxTotal, lvRSS, rssTotalTarget),
		row("RSS daemon alone, "+what, "MiB", lxAlone, lvRSS, rssDaemonTarget),
		row("RSS plugin alone, "+what, "MiB", lxPlugin, nil, nil),
	)
	if lxPlugin.err == nil && len(lxPlugin.xs) > 0 && lxPlugin.xs[0] == 0 {
		mem.Rows[len(mem.Rows)-1].Note = "no child process: the driver runs inside the daemon"
	}
	return nil
}

// lxThroughputTrial opens the concurrent connections and returns the
// lxcvirtd batch trial: the first n domains of the scale set started, the
// memory sampled while they run, then destroyed.
func (b *bench) lxThroughputTrial(ctx context.Context, n, w int, rate func(time.Duration) float64,
	up, down, both, total, alone, plugin *samples) (trial, error) {
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
			total.add(mib(m.daemon + m.children))
			alone.add(mib(m.daemon))
			plugin.add(mib(m.children))
			if len(m.names) > 0 {
				plugin.name = "plugin (" + strings.Join(m.names, ", ") + ")"
			}
		}
		return err
	}, fail: func(err error) {
		for _, s := range []*samples{up, down, both, total, alone, plugin} {
			s.skip(err)
		}
		destroyAll(context.WithoutCancel(ctx), b.lx.d)
	}}, nil
}
