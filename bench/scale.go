package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
)

// The scale series' targets (issue: at 1,000 running).
var (
	scaleStartTarget   = report.AtLeast(0.9) // starts through 8 connections vs raw lxc-start
	scaleGrowthTarget  = report.Below(64)    // KiB of daemon + plugin PSS per running container
	scaleEventTarget   = report.Below(50)    // ms, p99 of lifecycle-event latency
	scaleReadoptTarget = report.Below(2000)  // ms, re-adoption after kill -9 of the daemon
	scaleStatsTarget   = report.Below(100)   // ms, GetAllDomainStats
)

// scaleTargetAt is the number of running containers the targets are
// stated for.
const scaleTargetAt = 1000

// readyTimeout bounds a scale daemon's start (it may hold thousands of
// domains).
const readyTimeout = 3 * time.Minute

// rig is an lxcvirtd of its own for a scale series: its directory, its
// lxcpath, a control connection and the concurrent client connections.
type rig struct {
	b       *bench
	name    string
	dir     string
	lxcpath string
	d       *daemon
	conn    *libvirt.Libvirt
	conns   []*libvirt.Libvirt
	doms    []libvirt.Domain
}

// newRig starts a private lxcvirtd under tmp/name. Its cleanup destroys
// what runs (8 at a time), kills what is left with the raw tools, and stops
// it, whichever daemon process is current by then.
func (b *bench) newRig(ctx context.Context, name string) (*rig, error) {
	r := &rig{b: b, name: name, dir: filepath.Join(b.tmp, name)}
	r.lxcpath = filepath.Join(r.dir, "lxc")
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return nil, err
	}
	b.cl.Add("stop "+name+"'s leftover containers", func(ctx context.Context) error {
		return killAll(ctx, r.lxcpath)
	})
	b.cl.Add("stop "+name+" lxcvirtd", func(ctx context.Context) error { return r.close(ctx) })
	d, err := launchLxcvirtd(ctx, b.cfg.lxcvirtd, r.dir)
	if err != nil {
		return nil, err
	}
	r.d = d
	if err := d.waitReady(ctx, readyTimeout); err != nil {
		return nil, err
	}
	return r, r.dialAll(ctx)
}

// dialAll opens the control connection and the concurrent ones.
func (r *rig) dialAll(ctx context.Context) error {
	var err error
	if r.conn, err = r.d.dial(ctx); err != nil {
		return err
	}
	r.conns = make([]*libvirt.Libvirt, r.b.cfg.concurrency)
	for i := range r.conns {
		if r.conns[i], err = r.d.dial(ctx); err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
	}
	return nil
}

// close destroys every running domain through the concurrent connections
// (a fresh set: the run's may be cut by an interrupt) and stops the daemon.
func (r *rig) close(ctx context.Context) error {
	if r.d == nil {
		return nil
	}
	select {
	case <-r.d.done:
		return nil
	default:
	}
	conns := make([]*libvirt.Libvirt, r.b.cfg.concurrency)
	for i := range conns {
		c, err := r.d.dial(ctx)
		if err != nil {
			return r.d.stop(ctx)
		}
		conns[i] = c
	}
	if doms, _, err := conns[0].ConnectListAllDomains(1, libvirt.ConnectListDomainsActive); err == nil {
		_, _ = parallel(ctx, len(conns), len(doms), func(_ context.Context, w, i int) error {
			_ = conns[w].DomainDestroy(doms[i])
			return nil
		})
	}
	return r.d.stop(ctx)
}

// define defines domains [len(r.doms), n) through the concurrent
// connections and returns the rate (domains/s).
func (r *rig) define(ctx context.Context, n int) (float64, error) {
	from := len(r.doms)
	if n <= from {
		return 0, nil
	}
	specs := make([]domainSpec, n-from)
	for i := range specs {
		specs[i] = newSpec(fmt.Sprintf("%s-%s%05d", r.b.prefix, r.name[:1], from+i))
	}
	added := make([]libvirt.Domain, len(specs))
	d, err := parallel(ctx, len(r.conns), len(specs), func(_ context.Context, w, i int) error {
		dom, err := r.conns[w].DomainDefineXML(specs[i].XML(r.b.raw.rootfs))
		if err != nil {
			return fmt.Errorf("define %s: %w", specs[i].Name, err)
		}
		added[i] = dom
		return nil
	})
	if err != nil {
		return 0, err
	}
	r.doms = append(r.doms, added...)
	return float64(len(specs)) / d.Seconds(), nil
}

// activeIDs lists the running domains by name with their IDs.
func activeIDs(c *libvirt.Libvirt) (map[string]int32, error) {
	doms, _, err := c.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive)
	if err != nil {
		return nil, err
	}
	ids := make(map[string]int32, len(doms))
	for _, d := range doms {
		ids[d.Name] = d.ID
	}
	return ids, nil
}

// sameIDs reports whether got lists exactly want's domains with want's IDs.
func sameIDs(got, want map[string]int32) bool {
	if len(got) != len(want) {
		return false
	}
	for n, id := range want {
		if got[n] != id {
			return false
		}
	}
	return true
}

// pollEvery is how often re-adoption and restart are polled.
const pollEvery = 2 * time.Millisecond

// restart launches the daemon again after it was stopped or killed and
// returns when a fresh client lists what want says (nil: every defined
// domain, in the listing of all), timed from the launch.
func (r *rig) restart(ctx context.Context, want map[string]int32) (time.Duration, error) {
	t0 := time.Now()
	d, err := launchLxcvirtd(ctx, r.b.cfg.lxcvirtd, r.dir)
	if err != nil {
		return 0, err
	}
	r.d = d
	deadline := t0.Add(readyTimeout)
	for {
		if c, err := d.dial(ctx); err == nil {
			ok := false
			if want != nil {
				got, err := activeIDs(c)
				ok = err == nil && sameIDs(got, want)
			} else {
				doms, _, err := c.ConnectListAllDomains(1, 0)
				ok = err == nil && len(doms) == len(r.doms)
			}
			d.disconnect(c)
			if ok {
				took := time.Since(t0)
				return took, r.dialAll(ctx)
			}
		}
		select {
		case <-d.done:
			return 0, fmt.Errorf("lxcvirtd exited during its restart; log:\n%s", tail(d.log, 15))
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(pollEvery):
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("lxcvirtd restarted %s ago and still does not list what ran before", readyTimeout)
		}
	}
}

// pluginPID is the daemon's driver plugin child.
func (r *rig) pluginPID() (int, error) {
	for _, c := range children(r.d.pid()) {
		if !isLXCTool(c) {
			return c.PID, nil
		}
	}
	return 0, errors.New("lxcvirtd has no plugin child")
}

// killPlugin SIGKILLs the plugin and returns how long until a client's
// listing, asked once the killed plugin is gone (so the new one answers),
// is want. Only the old PID is polled: a scan of /proc for the new one
// would load the host the restart runs on.
func (r *rig) killPlugin(ctx context.Context, want map[string]int32) (time.Duration, error) {
	old, err := r.pluginPID()
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	if err := syscall.Kill(old, syscall.SIGKILL); err != nil {
		return 0, fmt.Errorf("kill plugin %d: %w", old, err)
	}
	if err := waitGone(ctx, old, readyTimeout); err != nil {
		return 0, err
	}
	deadline := t0.Add(readyTimeout)
	for {
		if got, err := activeIDs(r.conn); err == nil && sameIDs(got, want) {
			return time.Since(t0), nil
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("no listing of what ran %s after the plugin's kill", readyTimeout)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(pollEvery):
		}
	}
}

// steadyPSS is the median of three readings of the daemon's and plugin's
// PSS (KiB), 100 ms apart, so a garbage collection caught mid-way moves
// one reading, not the step; and the last reading.
func (r *rig) steadyPSS(ctx context.Context) (memory, float64, error) {
	var m memory
	var xs []float64
	for i := range 3 {
		if i > 0 {
			select {
			case <-ctx.Done():
				return m, 0, ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
		}
		var err error
		if m, err = r.d.memory(isLXCTool); err != nil {
			return m, 0, err
		}
		xs = append(xs, float64(m.total().PSS))
	}
	return m, stats.Quantile(xs, 0.5), nil
}

// cost is where an operation's time went: the CPU the daemon and its
// plugin used, and the processes forked on the host meanwhile (the lxc-*
// commands the plugin runs; other work on the host adds to the count).
type cost struct {
	daemonCPU, pluginCPU time.Duration
	forks                int64
}

// cost reads the counters now (differences give an operation's cost).
func (r *rig) cost() cost {
	c := cost{forks: forks()}
	if ns, err := cpuNs(r.d.pid()); err == nil {
		c.daemonCPU = time.Duration(ns)
	}
	if pid, err := r.pluginPID(); err == nil {
		if ns, err := cpuNs(pid); err == nil {
			c.pluginCPU = time.Duration(ns)
		}
	}
	return c
}

func (c cost) since(c0 cost) cost {
	return cost{c.daemonCPU - c0.daemonCPU, c.pluginCPU - c0.pluginCPU, c.forks - c0.forks}
}

// per divides the cost among n operations.
func (c cost) per(n int) cost {
	if n <= 0 {
		return cost{}
	}
	return cost{c.daemonCPU / time.Duration(n), c.pluginCPU / time.Duration(n), c.forks / int64(n)}
}

func (c cost) String() string {
	return fmt.Sprintf("the daemon's CPU %s ms, the plugin's %s ms, %d processes forked on the host",
		report.Num(ms(c.daemonCPU)), report.Num(ms(c.pluginCPU)), c.forks)
}

// forks is the number of processes forked on the host since boot.
func forks() int64 {
	for _, line := range strings.Split(readTrim("/proc/stat"), "\n") {
		if v, ok := strings.CutPrefix(line, "processes "); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n
		}
	}
	return 0
}

// scaleSteps are the running counts the series measures at: every step up
// to n, n last.
func scaleSteps(n, step int) []int {
	if step <= 0 {
		step = max(1, (n+9)/10)
	}
	var out []int
	for c := step; c < n; c += step {
		out = append(out, c)
	}
	return append(out, n)
}

// phaseScale measures section 7: the running series, then the
// defined-only series, each on a daemon of its own.
func (b *bench) phaseScale(ctx context.Context) error {
	sec := b.section(7)
	if b.cfg.scale <= 0 && b.cfg.scaleDefined <= 0 {
		sec.Add(report.SkippedRow("scale series", "—", "not asked for (--scale 0 --scale-defined 0)", nil))
		return nil
	}
	if b.cfg.scale > 0 {
		b.raisePtyMax(sec)
		if err := b.scaleRunning(ctx, sec); err != nil {
			return err
		}
	}
	if b.cfg.scaleDefined > 0 {
		return b.scaleDefinedSeries(ctx, sec)
	}
	return nil
}

// ptysPerContainer is a generous bound on the ptys one running container
// takes (its tty, its console, the plugin's console relay: about four
// were seen), for raising kernel.pty.max ahead of a scale run.
const ptysPerContainer = 8

// raisePtyMax raises kernel.pty.max for the run when the scale series
// could need more ptys than it allows (4096 by default: about a thousand
// containers), and restores it at cleanup. The kernel's limit is a
// setting, not a property of the machine worth measuring.
func (b *bench) raisePtyMax(sec *report.Section) {
	const knob = "/proc/sys/kernel/pty/max"
	was := readInt(knob)
	need := readInt("/proc/sys/kernel/pty/nr") + ptysPerContainer*(b.cfg.scale+b.cfg.scaleStep+max(1, (b.cfg.scale+9)/10))
	if was == 0 || need <= was {
		return
	}
	if err := os.WriteFile(knob, []byte(strconv.Itoa(need)), 0o644); err != nil {
		b.log.Warn("cannot raise kernel.pty.max", "from", was, "to", need, "err", err)
		return
	}
	b.cl.Add("restore kernel.pty.max", func(context.Context) error {
		return os.WriteFile(knob, []byte(strconv.Itoa(was)), 0o644)
	})
	sec.Notes = append(sec.Notes, fmt.Sprintf("kernel.pty.max was raised from %d to %d for the run (restored after): with about four ptys per container the default allows about a thousand.", was, need))
}

// scaleRunning brings a rig to cfg.scale running containers step by step.
// A start that fails (a host limit reached) ends the growth; the figures
// are then taken at what runs, and the notes say what stopped it.
func (b *bench) scaleRunning(ctx context.Context, sec *report.Section) error {
	n, w := b.cfg.scale, b.cfg.concurrency
	skip := func(err error) error {
		sec.Add(report.SkippedRow(fmt.Sprintf("running series to %d", n), "—", firstErrLine(err), nil))
		sec.Notes = append(sec.Notes, "The running series did not run: "+err.Error())
		return nil
	}
	r, err := b.newRig(ctx, "scale")
	if err != nil {
		return skip(err)
	}
	defer func() {
		if err := r.close(context.WithoutCancel(ctx)); err != nil {
			b.log.Warn("stopping the scale daemon", "err", err)
		}
	}()
	b.log.Info("scale: defining", "domains", n)
	if _, err := r.define(ctx, n); err != nil {
		return skip(err)
	}
	feed, err := subscribe(ctx, r.d)
	if err != nil {
		return skip(err)
	}
	steps := scaleSteps(n, b.cfg.scaleStep)
	batch := steps[0]
	plain := &rawBatch{what: fmt.Sprintf("lxc-start -d, %d at a time", w)}
	gen := &rawBatch{what: fmt.Sprintf("lxc-start -d on lxcvirtd's generated config, %d at a time", w)}
	conf, err := generatedConfig(r.conn, r.lxcpath, r.doms[0])
	if err != nil {
		return skip(err)
	}
	for i := range batch {
		name := fmt.Sprintf("%s-sr%04d", b.prefix, i)
		if err := b.raw.define(name, newSpec(name).MAC); err != nil {
			return err
		}
		plain.names = append(plain.names, name)
		name = fmt.Sprintf("%s-sg%04d", b.prefix, i)
		if err := b.raw.defineFrom(conf, name); err != nil {
			return err
		}
		gen.names = append(gen.names, name)
	}

	var (
		lxRate           = &samples{name: "lxcvirtd"}
		xs, pss          []float64 // running count, daemon + plugin PSS (KiB)
		monPSS           []float64 // PSS of LXC's monitors per container (KiB), per step
		lastStats        = &samples{name: "lxcvirtd"}
		lastP            = &samples{name: "SIGKILL to init → STOPPED event"}
		running          int
		stopped          error
		use0, useN       hostUse
		perStep          []*report.Row
		probes, statsRep = b.cfg.eventProbes, 5
		statsCost        cost // per GetAllDomainStats call, at the last step
	)
	plain.rate, gen.rate = &samples{name: plain.what}, &samples{name: gen.what}
	if b.cfg.quick {
		statsRep = 3
	}
	pairSamples(lxRate, plain.rate)
	pairSamples(lxRate, gen.rate)
	_, pss0, err := r.steadyPSS(ctx)
	if err != nil {
		return skip(err)
	}
	xs, pss = append(xs, 0), append(pss, pss0)
	use0 = readHostUse(r.d)

	for k, target := range steps {
		if err := ctx.Err(); err != nil {
			return err
		}
		doms := r.doms[running:target]
		var lxR float64
		lxStart := func() error {
			d, err := parallel(ctx, w, len(doms), func(_ context.Context, wk, i int) error {
				if err := r.conns[wk].DomainCreate(doms[i]); err != nil {
					return fmt.Errorf("start %s with %d running: %w", doms[i].Name, running, err)
				}
				return nil
			})
			if err == nil {
				lxR = float64(len(doms)) / d.Seconds()
			}
			return err
		}
		// The three sides of a step in rotating order, so none always
		// starts on a host the other two just loaded; the raw batches are
		// killed again at once, so each starts on the same number running.
		sides := []func() error{
			func() error { b.rawStep(ctx, plain, len(doms), running); return nil },
			func() error { b.rawStep(ctx, gen, len(doms), running); return nil },
			lxStart,
		}
		plain.last, gen.last = 0, 0
		var err error
		for j := range sides {
			if err = sides[(j+k)%len(sides)](); err != nil {
				break
			}
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			stopped = err
			ids, _ := activeIDs(r.conn)
			running = len(ids)
			b.log.Warn("scale: start failed; the series stops here", "running", running, "err", firstErrLine(err))
			break
		}
		running = target
		lxRate.add(lxR)

		m, pssNow, err := r.steadyPSS(ctx)
		if err != nil {
			return skip(err)
		}
		b.lxChildren = m.names
		xs, pss = append(xs, float64(running)), append(pss, pssNow)
		if mon, _, err := monitorMemory(r.lxcpath); err == nil {
			monPSS = append(monPSS, float64(mon.PSS))
		}
		st := &samples{name: "lxcvirtd"}
		c0 := r.cost()
		for range statsRep {
			t, err := timed(func() error { return allStats(r.conn, running, false) })
			if err != nil {
				st.skip(err)
				break
			}
			st.add(t)
		}
		statsCost = r.cost().since(c0).per(len(st.xs))
		ev := &samples{name: lastP.name}
		if k == len(steps)-1 {
			probes = b.cfg.topProbes // the p99 target's sample
		}
		if err := b.eventProbes(ctx, r, feed, probes, ev); err != nil {
			ev.skip(err)
		}
		lastStats, lastP = st, ev
		rate := &samples{name: "lxcvirtd", xs: []float64{lxR}}
		perStep = append(perStep,
			row("start rate through 8 connections (this step's batch)", "containers/s", rate, plain.one(), nil).AtRunning("scale: start rate through 8 connections", running),
			row("start rate through 8 connections vs the generated config (this step's batch)", "containers/s", rate, gen.one(), nil).AtRunning("scale: start rate, lxc-start on the generated config", running),
			row("daemon + plugin PSS", "MiB", &samples{name: "lxcvirtd + plugin", xs: []float64{pssNow / 1024}}, nil, nil).AtRunning("scale: daemon + plugin PSS", running),
			row("GetAllDomainStats", "ms", st, nil, nil).AtRunning("scale: GetAllDomainStats", running),
			row("event latency (median)", "ms", ev, nil, nil).AtRunning("scale: lifecycle event latency (median)", running),
		)
		b.log.Info("scale: step", "running", running, "start/s", fmt.Sprintf("%.1f", lxR), "raw start/s", fmt.Sprintf("%.1f", plain.last),
			"generated-config start/s", fmt.Sprintf("%.1f", gen.last), "pss MiB", fmt.Sprintf("%.1f", pssNow/1024))
	}
	useN = readHostUse(r.d)
	sec.Add(perStep...)

	// Figures at the top of the series.
	top := fmt.Sprintf(" (%d running)", running)
	startRow := row("start rate through 8 connections, every step"+top, "containers/s", lxRate, plain.rate, scaleStartTarget)
	genRow := row("start rate through 8 connections vs lxc-start on the config lxcvirtd generated, every step"+top, "containers/s", lxRate, gen.rate, nil).
		WithNote("the same containers started by hand at the same parallelism: the ratio is the daemon path alone")
	for _, p := range []struct {
		r  *report.Row
		rb *rawBatch
	}{{startRow, plain}, {genRow, gen}} {
		if p.rb.err != nil {
			p.r.Note = "raw baseline dropped: " + firstErrLine(p.rb.err)
		}
	}
	sec.Add(startRow, genRow)
	if iv, err := stats.SlopeCI(xs, pss); err == nil {
		sec.Add(report.NewFigureRow("lxcvirt's memory growth per running container (slope of daemon + plugin PSS)"+top, "KiB",
			"least-squares slope over the steps", iv, scaleGrowthTarget))
	} else {
		sec.Add(report.SkippedRow("lxcvirt's memory growth per running container"+top, "KiB", err.Error(), scaleGrowthTarget))
	}
	if len(monPSS) > 0 {
		sec.Add(row("LXC's own monitor per running container (median PSS, for comparison)"+top, "KiB",
			&samples{name: "[lxc monitor]", xs: monPSS}, nil, nil))
	}
	sec.Add(row("GetAllDomainStats"+top, "ms", lastStats, nil, scaleStatsTarget))
	if m, err := lastP.measure(); err == nil {
		sec.Add(report.NewQuantileRow("lifecycle event latency, p50"+top, "ms", "p50", 0.5, m, nil),
			report.NewQuantileRow("lifecycle event latency, p99"+top, "ms", "p99", 0.99, m, scaleEventTarget))
	} else {
		sec.Add(report.SkippedRow("lifecycle event latency, p99"+top, "ms", firstErrLine(err), scaleEventTarget))
	}
	b.scaleRunningTop = running
	b.scaleStatsCost = statsCost
	if len(lastStats.xs) > 0 {
		sec.Notes = append(sec.Notes, fmt.Sprintf("Where GetAllDomainStats's time goes with %d running (per call, median %s ms): %s.",
			running, report.Num(stats.Quantile(lastStats.xs, 0.5)), statsCost))
	}
	b.readoption(ctx, r, sec, top)
	if running < scaleTargetAt {
		sec.Notes = append(sec.Notes, fmt.Sprintf("The running series' targets are stated for %d running containers; this run reached %d, so its verdicts are for %d (make bench BENCHFLAGS='--scale %d' for the stated size).",
			scaleTargetAt, running, running, scaleTargetAt))
	}
	sec.Notes = append(sec.Notes, capacityNotes(use0, useN, running, n, stopped)...)
	return nil
}

// rawBatch is a raw baseline of the scale series: the names it starts
// (one batch) and the rate at each step.
type rawBatch struct {
	what  string
	names []string
	rate  *samples
	last  float64 // this step's rate, 0 when not measured
	err   error   // why the baseline was dropped
}

// one is this step's rate as a one-sample measure.
func (rb *rawBatch) one() *samples {
	s := &samples{name: rb.what, xs: []float64{rb.last}}
	if rb.last == 0 {
		s.xs = nil
		s.skip(cmp.Or(rb.err, errors.New("not measured")))
	}
	return s
}

// rawStep starts n of rb's containers with lxc-start -d, w at a time,
// records the rate, and kills them again. A failure drops the baseline for
// the rest of the series.
func (b *bench) rawStep(ctx context.Context, rb *rawBatch, n, running int) {
	if rb.err != nil {
		return
	}
	names := rb.names[:n]
	d, err := parallel(ctx, b.cfg.concurrency, n, func(ctx context.Context, _, i int) error {
		_, err := b.raw.start(ctx, names[i])
		return err
	})
	if err == nil {
		rb.last = float64(n) / d.Seconds()
		rb.rate.add(rb.last)
	} else if ctx.Err() == nil {
		rb.err = err
		b.log.Warn("scale: raw baseline dropped", "baseline", rb.what, "running", running, "err", firstErrLine(err))
	}
	_ = killAll(context.WithoutCancel(ctx), b.raw.path)
}

// eventProbes SIGKILLs the init of count running containers, one at a
// time, and records how long until the subscribed client gets the STOPPED
// event; each container is started again before the next probe.
func (b *bench) eventProbes(ctx context.Context, r *rig, feed *eventFeed, count int, out *samples) error {
	active, _, err := r.conn.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive)
	if err != nil {
		return err
	}
	if len(active) == 0 {
		return errors.New("nothing runs")
	}
	slices.SortFunc(active, func(a, b libvirt.Domain) int { return int(a.ID - b.ID) })
	for i := range count {
		dom := active[i*len(active)/count%len(active)]
		info, err := r.conn.DomainLookupByName(dom.Name)
		if err != nil {
			return err
		}
		feed.drain()
		t0 := time.Now()
		if err := syscall.Kill(int(info.ID), syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill init %d of %s: %w", info.ID, dom.Name, err)
		}
		at, err := feed.wait(ctx, dom.Name, libvirt.DomainEventStopped)
		if err != nil {
			return err
		}
		out.add(ms(at.Sub(t0)))
		if err := waitState(ctx, r.conn, info, libvirt.DomainShutoff, 30*time.Second); err != nil {
			return err
		}
		if err := startAgain(ctx, r.conn, info); err != nil {
			return err
		}
	}
	return nil
}

// startAgain starts a domain that was just killed, retrying for a few
// seconds while LXC may still be tearing its last run down.
func startAgain(ctx context.Context, c *libvirt.Libvirt, dom libvirt.Domain) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.DomainCreate(dom)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("start %s again: %w", dom.Name, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// readoption kills the daemon (then the plugin) with SIGKILL and times
// until a client lists every running container with the same IDs.
func (b *bench) readoption(ctx context.Context, r *rig, sec *report.Section, top string) {
	fromKill := &samples{name: "lxcvirtd"}
	fromLaunch := &samples{name: "lxcvirtd"}
	var readopt cost
	plugin := &samples{name: "lxcvirtd"}
	for range b.cfg.readoptReps {
		want, err := activeIDs(r.conn)
		if err != nil {
			fromKill.skip(err)
			fromLaunch.skip(err)
			break
		}
		t0 := time.Now()
		if err := r.d.kill(ctx); err != nil {
			fromKill.skip(err)
			fromLaunch.skip(err)
			break
		}
		killed := time.Since(t0)
		f0 := forks()
		took, err := r.restart(ctx, want)
		if err != nil {
			fromKill.skip(err)
			fromLaunch.skip(err)
			break
		}
		fromKill.add(ms(killed + took))
		fromLaunch.add(ms(took))
		readopt = r.cost() // the new processes' whole lives so far
		readopt.forks = forks() - f0
		b.scaleReadoptCost = readopt
	}
	if len(fromLaunch.xs) > 0 {
		sec.Notes = append(sec.Notes, fmt.Sprintf("Where re-adoption's time goes after the daemon's kill -9 (last repetition, %s ms from the launch): %s, counting the new daemon's and plugin's whole lives until the listing was right.",
			report.Num(fromLaunch.xs[len(fromLaunch.xs)-1]), readopt))
	}
	for range b.cfg.readoptReps {
		want, err := activeIDs(r.conn)
		if err != nil {
			plugin.skip(err)
			break
		}
		took, err := r.killPlugin(ctx, want)
		if err != nil {
			plugin.skip(err)
			break
		}
		plugin.add(ms(took))
	}
	sec.Add(
		row("re-adoption after kill -9 of the daemon, from the kill"+top, "ms", fromKill, nil, scaleReadoptTarget).
			WithNote("the bench launches the daemon again as soon as the killed one is reaped; the clock stops when a fresh client lists every container that ran, with the same IDs"),
		row("re-adoption after kill -9 of the daemon, from the new daemon's launch"+top, "ms", fromLaunch, nil, nil),
		row("re-adoption after kill -9 of the plugin"+top, "ms", plugin, nil, nil).
			WithNote("from the kill until a listing asked after the killed plugin is gone (the daemon holds calls until the new plugin serves) shows every container with the same IDs"),
	)
}

// scaleDefinedSeries defines cfg.scaleDefined domains in a rig of its
// own, in four steps, and at each step times the list calls and a restart
// of the daemon.
func (b *bench) scaleDefinedSeries(ctx context.Context, sec *report.Section) error {
	n := b.cfg.scaleDefined
	r, err := b.newRig(ctx, "defined")
	if err != nil {
		sec.Add(report.SkippedRow(fmt.Sprintf("defined series to %d", n), "—", firstErrLine(err), nil))
		return nil
	}
	defer func() { _ = r.close(context.WithoutCancel(ctx)) }()
	reps := b.cfg.readoptReps
	for _, target := range scaleSteps(n, (n+3)/4) {
		rate, err := r.define(ctx, target)
		if err != nil {
			sec.Add(report.SkippedRow(fmt.Sprintf("define up to %d", target), "domains/s", firstErrLine(err), nil))
			return nil
		}
		list, vlist, start := &samples{name: "lxcvirtd"}, &samples{name: "lxcvirtd"}, &samples{name: "lxcvirtd"}
		for range 5 {
			t, err := timed(func() error {
				doms, _, err := r.conn.ConnectListAllDomains(1, 0)
				if err == nil && len(doms) != target {
					err = fmt.Errorf("listed %d of %d", len(doms), target)
				}
				return err
			})
			if err != nil {
				list.skip(err)
				break
			}
			list.add(t)
		}
		for range reps {
			if t, err := virshMs(ctx, &side{d: r.d}, "list", "--all"); err != nil {
				vlist.skip(err)
				break
			} else {
				vlist.add(t)
			}
		}
		for range reps {
			if err := r.d.stop(ctx); err != nil {
				start.skip(err)
				break
			}
			took, err := r.restart(ctx, nil)
			if err != nil {
				start.skip(err)
				break
			}
			start.add(ms(took))
		}
		sec.Add(
			row("define rate through 8 connections (this step)", "domains/s", &samples{name: "lxcvirtd", xs: []float64{rate}}, nil, nil).At("scale: define rate", target),
			row("Go client: list all defined", "ms", list, nil, nil).At("scale: list all defined", target),
			row("virsh list --all (whole process)", "ms", vlist, nil, nil).At("scale: virsh list --all, defined only", target),
			row("daemon start until it lists every defined domain", "ms", start, nil, nil).At("scale: daemon start with N defined", target),
		)
		b.log.Info("scale: defined", "domains", target, "define/s", fmt.Sprintf("%.0f", rate))
	}
	return nil
}
