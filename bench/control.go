package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
)

// targetDomains is where the control-plane targets apply.
const targetDomains = 1000

// rttCalls is how many get-state calls one round-trip sample averages.
const rttCalls = 100

var (
	listTarget = report.AtMost(1.0)  // virsh list --all vs libvirtd (virsh's own CPU is the floor)
	goTarget   = report.AtMost(0.5)  // connected Go client vs libvirtd
	cpuTarget  = report.AtMost(0.5)  // server CPU per get-state call vs libvirtd
	pssTarget  = report.AtMost(1.25) // daemon + plugin PSS vs libvirtd, defined only
)

// targetAt returns t at the target size and nil elsewhere.
func targetAt(n int, t *report.Target) *report.Target {
	if n == targetDomains {
		return t
	}
	return nil
}

// phaseControlPlane measures section 2 (and the defined-only memory of
// section 4) at every configured number of defined domains.
func (b *bench) phaseControlPlane(ctx context.Context) error {
	statsFallback := false
	if b.lv.ok() {
		_, err := b.lv.conn.ConnectGetAllDomainStats(nil, 0, 0)
		statsFallback = errNoSupport(err)
	}
	for _, n := range b.cfg.sizes {
		if err := b.growTo(ctx, n); err != nil {
			return err
		}
		if err := b.measureControl(ctx, n, statsFallback); err != nil {
			return err
		}
	}
	return nil
}

// growTo defines domains in both daemons until each holds n of the scale
// set. A daemon that refuses a definition is dropped from the scale rows.
func (b *bench) growTo(ctx context.Context, n int) error {
	b.log.Info("defining domains", "domains", n)
	for i := len(b.defined); i < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		spec := newSpec(fmt.Sprintf("%s-d%04d", b.prefix, i))
		b.defined = append(b.defined, spec)
		for _, s := range []*side{b.lx, b.lv} {
			if !s.ok() {
				continue
			}
			dom, err := s.conn.DomainDefineXML(spec.XML(b.raw.rootfs))
			if err != nil {
				s.err = fmt.Errorf("define domain %d of the scale set: %w", i+1, err)
				b.log.Warn("define failed; daemon dropped from the remaining rows", "daemon", s.name, "err", err)
				continue
			}
			s.doms = append(s.doms, dom)
		}
	}
	return nil
}

// measureControl runs section 2's commands at n domains.
func (b *bench) measureControl(ctx context.Context, n int, statsFallback bool) error {
	last := b.defined[n-1].Name
	newPair := func() (*samples, *samples) {
		return &samples{name: "lxcvirtd"}, &samples{name: "libvirtd"}
	}
	lxList, lvList := newPair()
	lxInfo, lvInfo := newPair()
	lxXML, lvXML := newPair()
	lxDef, lvDef := newPair()
	lxGoList, lvGoList := newPair()
	lxListOnly, lvListOnly := newPair()
	lxRTT, lvRTT := newPair()
	lxCPU, lvCPU := newPair()
	lxClient, lvClient := newPair()
	lxStats, lvStats := newPair()
	if statsFallback {
		lvStats.name = "libvirtd: list + GetInfo each"
	}
	lxTotal, lxAlone, lvMem := newMem("lxcvirtd + plugin"), newMem("lxcvirtd"), newMem("libvirtd")

	var trials []trial
	trials = append(trials, b.both("virsh list --all", lxList, lvList, func(s *side) measureFn {
		return func(ctx context.Context) (float64, error) {
			out, t, err := virshOut(ctx, s, "list", "--all")
			if err == nil {
				if got := bytes.Count(out, []byte(b.prefix+"-d")); got != n {
					err = fmt.Errorf("virsh list --all shows %d of the %d scale domains", got, n)
				}
			}
			return t, err
		}
	})...)
	trials = append(trials, b.both("virsh dominfo", lxInfo, lvInfo, func(s *side) measureFn {
		return func(ctx context.Context) (float64, error) { return virshMs(ctx, s, "dominfo", last) }
	})...)
	trials = append(trials, b.both("virsh dumpxml", lxXML, lvXML, func(s *side) measureFn {
		return func(ctx context.Context) (float64, error) { return virshMs(ctx, s, "dumpxml", last) }
	})...)
	extra := 0
	trials = append(trials, b.both("virsh define", lxDef, lvDef, func(s *side) measureFn {
		return func(ctx context.Context) (float64, error) {
			extra++
			return b.virshDefineNew(ctx, s, fmt.Sprintf("%s-x%d", b.prefix, extra))
		}
	})...)
	trials = append(trials, b.both("Go list+state", lxGoList, lvGoList, func(s *side) measureFn {
		return func(context.Context) (float64, error) {
			return timed(func() error { return listAndState(s.conn, n) })
		}
	})...)
	trials = append(trials, b.both("Go list", lxListOnly, lvListOnly, func(s *side) measureFn {
		return func(context.Context) (float64, error) {
			return timed(func() error {
				doms, _, err := s.conn.ConnectListAllDomains(1, 0)
				if err == nil && len(doms) < n {
					err = fmt.Errorf("listed %d domains, want at least %d", len(doms), n)
				}
				return err
			})
		}
	})...)
	trials = append(trials, b.roundTripTrials(n, lxRTT, lvRTT, lxCPU, lvCPU, lxClient, lvClient)...)
	trials = append(trials, b.both("Go stats", lxStats, lvStats, func(s *side) measureFn {
		fallback := s == b.lv && statsFallback
		return func(context.Context) (float64, error) {
			return timed(func() error { return allStats(s.conn, n, fallback) })
		}
	})...)
	var memTrials []trial
	if b.lx.ok() {
		memTrials = append(memTrials, trial{name: "lxcvirtd memory", run: func(_ context.Context, keep bool) error {
			m, err := b.lx.d.memory(isLXCTool)
			if keep && err == nil {
				lxTotal.add(m.total())
				lxAlone.add(m.daemon)
				b.lxChildren = m.names
				b.lxMem = m
			}
			return err
		}, fail: func(err error) { lxTotal.skip(err); lxAlone.skip(err) }})
	} else {
		lxTotal.skip(b.lx.unavailable())
		lxAlone.skip(b.lx.unavailable())
	}
	if b.lv.ok() {
		memTrials = append(memTrials, trial{name: "libvirtd memory", run: func(_ context.Context, keep bool) error {
			m, err := b.lv.d.memory(nil)
			if keep && err == nil {
				lvMem.add(m.total())
			}
			return err
		}, fail: lvMem.skip})
	} else {
		lvMem.skip(b.lv.unavailable())
	}
	if len(memTrials) == 2 {
		memTrials = []trial{pair("memory", memTrials[0], memTrials[1])}
		pairMem(lxTotal, lvMem)
		pairMem(lxAlone, lvMem)
	}
	trials = append(trials, memTrials...)

	if err := b.rounds(ctx, fmt.Sprintf("control plane, %d domains", n), b.cfg.runs, trials...); err != nil {
		return err
	}

	sec := b.section(2)
	statsRow := row("Go client: one all-domain-stats call", "ms", lxStats, lvStats, nil).At("Go: all-domain stats", n)
	if statsFallback {
		statsRow.Note = "libvirtd's LXC driver answers all-domain stats with VIR_ERR_NO_SUPPORT; its baseline is what a client must do instead (list, then virDomainGetInfo for each)"
	}
	sec.Add(
		row("virsh list --all", "ms", lxList, lvList, targetAt(n, listTarget)).At("virsh list --all", n),
		row("virsh dominfo (last-defined domain)", "ms", lxInfo, lvInfo, nil).At("virsh dominfo", n),
		row("virsh dumpxml (last-defined domain)", "ms", lxXML, lvXML, nil).At("virsh dumpxml", n),
		row("virsh define (a new domain)", "ms", lxDef, lvDef, nil).At("virsh define", n),
		row("Go client: list all + state of each", "ms", lxGoList, lvGoList, targetAt(n, goTarget)).At("Go: list all + state of each", n),
		row("Go client: list all (the one call)", "ms", lxListOnly, lvListOnly, nil).At("Go: list all (one call)", n),
		row(fmt.Sprintf("Go client: one get-state round trip (mean of %d)", rttCalls), "µs", lxRTT, lvRTT, nil).At("Go: get-state round trip", n),
		row("server CPU per get-state call (daemon and plugin, all threads)", "µs", lxCPU, lvCPU, targetAt(n, cpuTarget)).At("server CPU per get-state call", n),
		row("client CPU per get-state call (go-libvirt in the bench process)", "µs", lxClient, lvClient, nil).At("client CPU per get-state call", n),
		statsRow,
	)
	for _, r := range memRows("with N defined, none running: daemon + plugin", lxTotal, lvMem, targetAt(n, pssTarget)) {
		b.section(4).Add(r.At(strings.Fields(r.Name)[0]+", defined only: daemon + plugin", n))
	}
	for _, r := range memRows("with N defined, none running: daemon alone", lxAlone, lvMem, nil) {
		b.section(4).Add(r.At(strings.Fields(r.Name)[0]+", defined only: daemon alone", n))
	}
	return nil
}

// roundTripTrials time rttCalls sequential get-state calls on one domain,
// and split each call's time into the server's CPU, the client's CPU and
// the rest (wake-ups, scheduling), from the threads' schedstat counters.
func (b *bench) roundTripTrials(n int, lxRTT, lvRTT, lxCPU, lvCPU, lxClient, lvClient *samples) []trial {
	var ts []trial
	for _, p := range []struct {
		s                 *side
		rtt, cpu, clients *samples
	}{{b.lx, lxRTT, lxCPU, lxClient}, {b.lv, lvRTT, lvCPU, lvClient}} {
		if !p.s.ok() {
			for _, x := range []*samples{p.rtt, p.cpu, p.clients} {
				x.skip(p.s.unavailable())
			}
			continue
		}
		s, dom := p.s, p.s.doms[n-1]
		ts = append(ts, trial{name: "Go state round trip " + s.name, run: func(_ context.Context, keep bool) error {
			srv0, err := s.d.cpuNs()
			if err != nil {
				return err
			}
			cli0, err := cpuNs(os.Getpid())
			if err != nil {
				return err
			}
			t, err := timed(func() error {
				for range rttCalls {
					if _, _, err := s.conn.DomainGetState(dom, 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			srv1, err := s.d.cpuNs()
			if err != nil {
				return err
			}
			cli1, err := cpuNs(os.Getpid())
			if err != nil {
				return err
			}
			if keep {
				p.rtt.add(t * 1000 / rttCalls)
				p.cpu.add(float64(srv1-srv0) / 1000 / rttCalls)
				p.clients.add(float64(cli1-cli0) / 1000 / rttCalls)
			}
			return nil
		}, fail: func(err error) {
			for _, x := range []*samples{p.rtt, p.cpu, p.clients} {
				x.skip(err)
			}
		}})
	}
	if len(ts) == 2 {
		pairSamples(lxRTT, lvRTT)
		pairSamples(lxCPU, lvCPU)
		pairSamples(lxClient, lvClient)
		return []trial{pair("Go state round trip", ts[0], ts[1])}
	}
	return ts
}

// virshDefineNew times `virsh define` of a fresh domain, then undefines it
// (untimed) so the count stays put.
func (b *bench) virshDefineNew(ctx context.Context, s *side, name string) (float64, error) {
	spec := newSpec(name)
	file := filepath.Join(b.tmp, s.name+"-"+name+".xml")
	if err := os.WriteFile(file, []byte(spec.XML(b.raw.rootfs)), 0o644); err != nil {
		return 0, err
	}
	defer os.Remove(file)
	t, err := virshMs(ctx, s, "define", file)
	if err != nil {
		return 0, err
	}
	dom, err := s.conn.DomainLookupByName(name)
	if err != nil {
		return 0, fmt.Errorf("look up the domain virsh defined: %w", err)
	}
	if err := s.conn.DomainUndefine(dom); err != nil {
		return 0, fmt.Errorf("undefine %s: %w", name, err)
	}
	return t, nil
}

// listAndState is what a polling client does: list every domain, then
// ask each for its state.
func listAndState(c *libvirt.Libvirt, atLeast int) error {
	doms, _, err := c.ConnectListAllDomains(1, 0)
	if err != nil {
		return fmt.Errorf("list all domains: %w", err)
	}
	if len(doms) < atLeast {
		return fmt.Errorf("listed %d domains, want at least %d", len(doms), atLeast)
	}
	for _, d := range doms {
		if _, _, err := c.DomainGetState(d, 0); err != nil {
			return fmt.Errorf("state of %s: %w", d.Name, err)
		}
	}
	return nil
}

// allStats is one virConnectGetAllDomainStats call, or with fallback the
// per-domain calls a client makes when the server lacks it.
func allStats(c *libvirt.Libvirt, atLeast int, fallback bool) error {
	if !fallback {
		recs, err := c.ConnectGetAllDomainStats(nil, 0, 0)
		if err != nil {
			return fmt.Errorf("all-domain stats: %w", err)
		}
		if len(recs) < atLeast {
			return fmt.Errorf("stats for %d domains, want at least %d", len(recs), atLeast)
		}
		return nil
	}
	doms, _, err := c.ConnectListAllDomains(1, 0)
	if err != nil {
		return fmt.Errorf("list all domains: %w", err)
	}
	for _, d := range doms {
		if _, _, _, _, _, err := c.DomainGetInfo(d); err != nil {
			return fmt.Errorf("info of %s: %w", d.Name, err)
		}
	}
	return nil
}

// isLXCTool tells the lxc-* commands a daemon runs now and then apart from
// its long-lived children (the plugin).
func isLXCTool(c childProc) bool { return strings.HasPrefix(c.Name, "lxc-") }

// mib converts KiB to MiB.
func mib(kib int64) float64 { return float64(kib) / 1024 }
