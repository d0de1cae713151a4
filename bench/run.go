package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
	"github.com/lxcvirt/lxcvirt/internal/rootfs"
)

// bench is one run: its config, what it started and what it measured.
type bench struct {
	cfg    config
	log    *slog.Logger
	cl     *cleanups
	tmp    string
	prefix string // unique container-name prefix (cgroup names are global)
	raw    *rawLXC

	lx, lv *side  // lxcvirtd (measured) and libvirtd (baseline)
	lxPath string // lxcvirtd's lxcpath

	// defined is the scale set, defined in order in both daemons (each
	// side's doms holds its handles).
	defined []domainSpec
	// lxChildren are the names of lxcvirtd's long-lived child processes
	// (the driver plugin) as last seen.
	lxChildren []string
	// lxMem is lxcvirtd's last memory reading with N defined.
	lxMem memory
	// The scale series' top: how many ran, and where a GetAllDomainStats
	// call's and the daemon's re-adoption's time went there.
	scaleRunningTop                  int
	scaleStatsCost, scaleReadoptCost cost
	// load watches the 1-minute load average through the run; loadPeak
	// is its highest value.
	load     *loadWatch
	loadPeak float64
	// sectionLoad is the lowest and highest load while each section's
	// phases ran.
	sectionLoad map[int][2]float64

	res      *report.Results
	sections map[int]*report.Section
}

// sectionOrder is the report's order of sections (5, the growth table,
// is rendered by the report itself).
var sectionOrder = []int{1, 2, 3, 4, 6, 7}

// Section titles.
var sectionTitles = map[int][2]string{
	1: {"Start and stop latency", "A connected Go client (go-libvirt over the unix socket, as virt-manager and Nova hold a connection) against lxcvirtd, next to the raw lxc-* commands on an equivalent container (the same busybox rootfs, one veth on lxcbr0, 500000 KiB memory limit; the config lxcvirt generates also drops a few capabilities and names the host veth, and lxcvirt passes lxc-start a log file). Whole-process virsh rows show where the time goes when a user types the command."},
	2: {"Control-plane latency at scale", "The same definitions held by lxcvirtd and by Debian's libvirtd with its own LXC driver (baseline). virsh rows are whole processes; Go rows use one connected client. Targets apply at 1,000 domains."},
	3: {"Throughput", "A batch of containers started, then destroyed, through 8 concurrent client connections (Go client), against the same number of raw `lxc-start -d` then `lxc-stop -k` run 8 at a time. Figures are containers per second over the whole batch."},
	4: {"Memory", "From /proc/PID/smaps_rollup: PSS (shared pages divided among the processes mapping them: what a process group really costs), USS (pages only that process maps: what its exit frees) and RSS (every resident page it maps). The lxcvirtd daemon and its driver plugin process (a child of the daemon), against libvirtd holding the same definitions (libvirtd only defines; the bench starts no container through it), and LXC's monitor process of each running container."},
	6: {"Event latency", "Lifecycle events on a connected Go client (virConnectDomainEventRegisterAny)."},
	7: {"Scale series", "A separate lxcvirtd (its own state and lxcpath) brought step by step to N running busybox containers, each with a veth on the bridge. At each step, in rotating order: the step's batch started through 8 client connections, the same number of raw `lxc-start -d` run 8 at a time on the plain config and on copies of the config lxcvirtd generates (each raw batch killed again at once, so all three start with the same number running); then daemon + plugin PSS; GetAllDomainStats; lifecycle-event latency, from a SIGKILL to a container's init to the STOPPED event on a subscribed client. At N: re-adoption after kill -9 of the daemon and of the plugin. Then a defined-only series: define rate through 8 connections, list, and the daemon's start with that many defined."},
}

func (b *bench) section(id int) *report.Section {
	if s, ok := b.sections[id]; ok {
		return s
	}
	t := sectionTitles[id]
	s := &report.Section{ID: id, Title: t[0], About: t[1]}
	b.sections[id] = s
	return s
}

func run(ctx context.Context, cfg config, log *slog.Logger) error {
	t0 := time.Now()
	if os.Geteuid() != 0 {
		return errors.New("the bench starts containers and daemons: run it as root")
	}
	for _, tool := range []string{"lxc-start", "lxc-stop", "lxc-wait", "lxc-ls", "virsh", "ip"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not found (run make deps): %w", tool, err)
		}
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return err
	}
	cl := &cleanups{log: log}
	defer func() {
		log.Info("cleaning up")
		cl.Run()
		log.Info("clean")
	}()

	b := &bench{cfg: cfg, log: log, cl: cl, sections: map[int]*report.Section{}, sectionLoad: map[int][2]float64{},
		load: watchLoad(ctx)}
	var suffix [2]byte
	_, _ = rand.Read(suffix[:])
	b.prefix = fmt.Sprintf("lxb%x", suffix)
	tmp, err := os.MkdirTemp("", "lxcvirt-bench-")
	if err != nil {
		return err
	}
	b.tmp = tmp
	cl.Add("remove "+tmp, func(context.Context) error { return os.RemoveAll(tmp) })

	if err := b.prepareHost(ctx); err != nil {
		return err
	}
	if err := b.startDaemons(ctx); err != nil {
		return err
	}

	b.res = &report.Results{Format: report.Format, Date: t0, Mode: "full", Runs: cfg.runs, Machine: describeMachine(ctx)}
	loadAtStart := loadAverage()
	if cfg.quick {
		b.res.Mode = "quick"
	}
	for _, phase := range []struct {
		name     string
		fn       func(context.Context) error
		sections []int
	}{
		{"latency", b.phaseLatency, []int{1}},
		{"control", b.phaseControlPlane, []int{2, 4}},
		{"throughput", b.phaseThroughput, []int{3, 4}},
		{"events", b.phaseEvents, []int{6}},
		{"scale", b.phaseScale, []int{7}},
	} {
		if !cfg.phases[phase.name] {
			continue
		}
		log.Info("phase", "name", phase.name)
		end := b.load.window()
		err := phase.fn(ctx)
		lo, hi := end()
		for _, id := range phase.sections {
			if was, ok := b.sectionLoad[id]; ok {
				lo, hi = min(lo, was[0]), max(hi, was[1])
			}
			b.sectionLoad[id] = [2]float64{lo, hi}
		}
		if err != nil {
			return fmt.Errorf("%s: %w", phase.name, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	b.res.Elapsed = time.Since(t0).Round(time.Second).String()
	b.res.Machine.Load = fmt.Sprintf("%s at the start, %s at the end (1/5/15 min)", loadAtStart, loadAverage())
	b.loadPeak = b.load.max()
	b.res.Machine.LoadPeak = b.loadPeak
	b.res.Machine.Busy = b.loadPeak > float64(b.res.Machine.CPUs)
	if err := b.write(); err != nil {
		return err
	}
	// A run that did not measure lxcvirtd is no benchmark of it, and no
	// passing smoke test either.
	if missing := b.res.Unmeasured(); len(missing) > 0 {
		return fmt.Errorf("%d rows not measured:\n%s", len(missing), strings.Join(missing, "\n"))
	}
	return nil
}

// prepareHost makes the bridge, the busybox rootfs and the raw lxcpath.
func (b *bench) prepareHost(ctx context.Context) error {
	if !exists("/sys/class/net/" + bridge) {
		b.log.Info("creating host bridge", "bridge", bridge)
		if _, err := command(ctx, "ip", "link", "add", bridge, "type", "bridge"); err != nil {
			return err
		}
		b.cl.Add("delete bridge "+bridge, func(ctx context.Context) error {
			_, err := command(ctx, "ip", "link", "del", bridge)
			return err
		})
	}
	if _, err := command(ctx, "ip", "link", "set", bridge, "up"); err != nil {
		return err
	}
	fs := filepath.Join(b.tmp, "rootfs")
	if err := rootfs.Write(fs, rootfs.InitHonoursHalt); err != nil {
		return fmt.Errorf("busybox rootfs: %w", err)
	}
	b.raw = &rawLXC{path: filepath.Join(b.tmp, "raw"), rootfs: fs}
	if err := os.MkdirAll(b.raw.path, 0o755); err != nil {
		return err
	}
	b.cl.Add("stop raw containers", func(ctx context.Context) error { return killAll(ctx, b.raw.path) })
	return nil
}

// side is one daemon of a comparison with its control connection.
type side struct {
	name string
	d    *daemon
	conn *libvirt.Libvirt
	err  error // why the side is not measured
	doms []libvirt.Domain
}

func (s *side) ok() bool { return s.err == nil }

// unavailable is the reason rows that need this side are skipped; the
// notes under the tables give the cause.
func (s *side) unavailable() error { return fmt.Errorf("%s unavailable (see notes)", s.name) }

// connect dials the side's control connection once its daemon runs.
func (s *side) connect(ctx context.Context, d *daemon, err error) {
	if err == nil {
		s.d = d
		s.conn, err = d.dial(ctx)
	}
	s.err = err
}

// startDaemons starts libvirtd and lxcvirtd. libvirtd may be unavailable
// (its baselines are then skipped with the reason); lxcvirtd, which the
// bench measures, may not.
func (b *bench) startDaemons(ctx context.Context) error {
	b.lv, b.lx = &side{name: "libvirtd"}, &side{name: "lxcvirtd"}
	drv, err := ensureLibvirtd(ctx, b.log)
	var lv *daemon
	if err == nil {
		lv, err = startLibvirtd(ctx, b.cl, drv, filepath.Join(b.tmp, "libvirtd"))
	}
	if lv != nil {
		b.cl.Add("stop libvirtd", lv.stop)
	}
	b.lv.connect(ctx, lv, err)
	if b.lv.ok() {
		b.log.Info("libvirtd ready", "pid", lv.pid(), "socket", lv.sock)
	} else {
		b.log.Warn("libvirtd unavailable; its baselines are skipped", "err", b.lv.err)
	}

	dir := filepath.Join(b.tmp, "lxcvirtd")
	b.lxPath = filepath.Join(dir, "lxc")
	// Registered before the daemon's stop, so it runs after it: whatever
	// the daemon left running is killed with the raw tools.
	b.cl.Add("stop lxcvirtd's leftover containers", func(ctx context.Context) error { return killAll(ctx, b.lxPath) })
	var lx *daemon
	if err = os.MkdirAll(dir, 0o755); err == nil {
		lx, err = startLxcvirtd(ctx, b.cfg.lxcvirtd, dir)
	}
	if lx != nil {
		b.cl.Add("stop lxcvirtd", func(ctx context.Context) error {
			destroyAll(ctx, lx)
			return lx.stop(ctx)
		})
	}
	b.lx.connect(ctx, lx, err)
	if !b.lx.ok() {
		return fmt.Errorf("lxcvirtd %s: %w", b.cfg.lxcvirtd, b.lx.err)
	}
	b.log.Info("lxcvirtd ready", "pid", lx.pid(), "socket", lx.sock)
	return nil
}

// destroyAll destroys every running domain of d over a fresh connection
// (the run's may be closed by an interrupt).
func destroyAll(ctx context.Context, d *daemon) {
	c, err := d.dial(ctx)
	if err != nil {
		return
	}
	defer d.disconnect(c)
	doms, _, err := c.ConnectListAllDomains(1, libvirt.ConnectListDomainsActive)
	if err != nil {
		return
	}
	for _, d := range doms {
		_ = c.DomainDestroy(d)
	}
}

func firstErrLine(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// write renders the results into cfg.out.
func (b *bench) write() error {
	for _, id := range sectionOrder {
		if s, ok := b.sections[id]; ok {
			if l, ok := b.sectionLoad[id]; ok {
				s.Load = fmt.Sprintf("%.2f to %.2f", l[0], l[1])
				s.Busy = l[1] > float64(b.res.Machine.CPUs)
			}
			b.res.Sections = append(b.res.Sections, s)
		}
	}
	if len(b.cfg.phases) < len(phaseNames) {
		if err := b.keepEarlierSections(); err != nil {
			return err
		}
	}
	b.res.ComputeGrowth()
	b.res.Notes = append(b.res.Notes, b.notes()...)
	png := filepath.Join(b.cfg.out, "latency.png")
	switch err := b.res.PlotLatency(png); {
	case err == nil:
		b.res.Plot = filepath.Base(png)
	case errors.Is(err, report.ErrNothingToPlot):
		b.log.Warn("no plot: no latency series measured at two or more sizes")
	default:
		return err
	}
	scalePNG := filepath.Join(b.cfg.out, "scale.png")
	switch err := b.res.PlotScale(scalePNG); {
	case err == nil:
		b.res.ScalePlot = filepath.Base(scalePNG)
	case errors.Is(err, report.ErrNothingToPlot):
		b.log.Warn("no scale plot: the scale series has fewer than two steps")
	default:
		return err
	}
	md := filepath.Join(b.cfg.out, "RESULTS.md")
	if err := report.WriteFile(md, []byte(b.res.Markdown())); err != nil {
		return err
	}
	if err := b.res.WriteJSON(filepath.Join(b.cfg.out, "results.json")); err != nil {
		return err
	}
	b.log.Info("wrote results", "markdown", md, "json", filepath.Join(b.cfg.out, "results.json"), "plot", png)
	return nil
}

// keepEarlierSections adds to a partial run's results the sections it did
// not measure from the results.json already in the output directory, each
// marked with the date of the run that measured it; so a long run can be
// done, or done again, a phase at a time.
func (b *bench) keepEarlierSections() error {
	data, err := os.ReadFile(filepath.Join(b.cfg.out, "results.json"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var old report.Results
	if err := json.Unmarshal(data, &old); err != nil {
		return fmt.Errorf("earlier results.json: %w", err)
	}
	if old.Format != report.Format {
		b.log.Warn("the earlier results.json is of another format (its targets were judged otherwise); its sections are not kept", "format", old.Format)
		return nil
	}
	have := map[int]bool{}
	for _, s := range b.res.Sections {
		have[s.ID] = true
	}
	for _, s := range old.Sections {
		if have[s.ID] {
			continue
		}
		if s.Measured == "" {
			s.Measured = fmt.Sprintf("%s UTC (%s mode)", old.Date.UTC().Format("2006-01-02 15:04"), old.Mode)
		}
		b.res.Sections = append(b.res.Sections, s)
		b.sections[s.ID] = s // for the notes' list of targets
	}
	slices.SortFunc(b.res.Sections, func(x, y *report.Section) int { return x.ID - y.ID })
	return nil
}
