// Command bench measures lxcvirt side by side with the raw lxc-* tools and
// with Debian's libvirtd (its own LXC driver), in one run on one machine:
// start/stop latency, control-plane latency at 10/100/1,000 domains,
// throughput, memory (PSS, USS, RSS), cost growth, event latency, and a
// scale series up to --scale running containers and --scale-defined
// defined domains. Each figure is a median over repeated runs with its
// bootstrap 95% interval; a ratio is the median of per-round ratios where
// the two sides were measured back to back. It writes RESULTS.md,
// results.json, latency.png and scale.png, reports progress on stderr, and
// removes every container, daemon and temp directory it made, also on
// Ctrl-C.
//
// It is a module of its own (gonum/plot stays out of the product's). Run it
// as root from its directory after make build (make bench does both):
//
//	cd bench && go run . [--quick] [--runs N] [--out DIR] [--scale N] [--phases LIST]
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// config is the run's shape.
type config struct {
	quick       bool
	out         string
	runs        int
	lxcvirtd    string
	sizes       []int         // defined-domain counts for the control plane
	throughput  int           // containers per throughput batch
	concurrency int           // client connections / lxc-start at a time
	deadline    time.Duration // the whole run; calls in flight are cut after it

	scale        int // running containers the scale series reaches (0: none)
	scaleStep    int // containers started per step (0: a tenth of scale)
	scaleDefined int // defined domains the defined-only series reaches (0: none)
	eventProbes  int // event-latency probes per step of the scale series
	topProbes    int // the same at the last step, where the p99 is judged
	readoptReps  int // kill -9 re-adoptions and daemon restarts per figure
	// phases are the phases to run (all by default); a partial run keeps
	// the other sections of the results.json already in out.
	phases map[string]bool
}

// phaseNames are the phases --phases selects from, in run order.
var phaseNames = []string{"latency", "control", "throughput", "events", "scale"}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: go run . [flags]   (in bench/, as root, after make build)

Measures lxcvirtd against raw lxc-* and against Debian's libvirtd in one run
and writes RESULTS.md, results.json and latency.png. Installs libvirtd with
its LXC driver when it is missing. Ctrl-C stops and cleans up.

Flags:
`)
		fs.PrintDefaults()
	}
	var c config
	fs.BoolVar(&c.quick, "quick", false, "smoke mode for CI: 3 runs, 10 and 100 domains, 16-container batches (under 2 minutes)")
	fs.StringVar(&c.out, "out", ".", "directory for RESULTS.md, results.json and latency.png")
	fs.IntVar(&c.runs, "runs", 0, "timed runs per figure (default 15, or 3 with --quick)")
	fs.StringVar(&c.lxcvirtd, "lxcvirtd", filepath.Join("..", "bin", "lxcvirtd"), "the lxcvirtd binary to measure")
	fs.IntVar(&c.scale, "scale", -1, "running containers the scale series reaches, in steps (default 100, or 4 with --quick; 0 skips it)")
	fs.IntVar(&c.scaleStep, "scale-step", 0, "containers started per step of the scale series (default a tenth of --scale)")
	fs.IntVar(&c.scaleDefined, "scale-defined", -1, "defined domains the defined-only series reaches (default 1000, or 20 with --quick; 0 skips it)")
	fs.IntVar(&c.eventProbes, "event-probes", 0, "event-latency probes per step of the scale series, five times as many at the last step (default 20, or 3 with --quick)")
	fs.IntVar(&c.readoptReps, "restarts", 0, "kill -9 re-adoptions and daemon restarts per figure of the scale series (default 3, or 1 with --quick)")
	phases := fs.String("phases", strings.Join(phaseNames, ","), "comma-separated phases to run; a partial run replaces only its own sections of the results already in --out")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	c.phases = map[string]bool{}
	for _, p := range strings.Split(*phases, ",") {
		if !slices.Contains(phaseNames, p) {
			return c, fmt.Errorf("--phases: unknown phase %q (have %s)", p, strings.Join(phaseNames, ", "))
		}
		c.phases[p] = true
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	c.concurrency = 8
	if c.quick {
		c.sizes, c.throughput, c.deadline = []int{10, 100}, 16, 10*time.Minute
		if c.runs == 0 {
			c.runs = 3
		}
	} else {
		c.sizes, c.throughput, c.deadline = []int{10, 100, 1000}, 100, 90*time.Minute
		if c.runs == 0 {
			c.runs = 15
		}
	}
	def := func(v *int, unset, full, quick int) {
		if *v == unset {
			*v = full
			if c.quick {
				*v = quick
			}
		}
	}
	def(&c.scale, -1, 100, 4)
	def(&c.scaleDefined, -1, 1000, 20)
	def(&c.eventProbes, 0, 20, 3)
	c.topProbes = max(c.eventProbes, 5*c.eventProbes)
	def(&c.readoptReps, 0, 3, 1)
	if c.quick {
		c.scaleStep = cmp.Or(c.scaleStep, 2)
	}
	if c.runs < 1 {
		return c, fmt.Errorf("--runs %d: need at least 1", c.runs)
	}
	if c.scale < 0 || c.scaleDefined < 0 || c.scaleStep < 0 || c.eventProbes < 1 || c.readoptReps < 1 {
		return c, errors.New("--scale, --scale-defined and --scale-step must not be negative, --event-probes and --restarts at least 1")
	}
	if c.scale > 0 {
		// A long series needs its time: about a second per container for
		// the starts, the raw baseline and the probes, on a slow host.
		c.deadline += time.Duration(c.scale+c.scaleDefined/10) * time.Second
	}
	return c, nil
}

func main() {
	if spec := os.Getenv(nsChildEnv); spec != "" {
		os.Exit(nsChild(spec))
	}
	cfg, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	log := newProgressLogger(os.Stderr)
	// The signal stays caught until cleanup is over: a second Ctrl-C must
	// not cut the cleanup short.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	ctx, cancel := context.WithTimeout(ctx, cfg.deadline)
	err = run(ctx, cfg, log)
	cancel()
	stop()
	if err != nil {
		log.Error("bench failed", "err", err)
		os.Exit(1)
	}
}

// newProgressLogger logs to stderr with the time since start instead of
// the wall clock.
func newProgressLogger(w *os.File) *slog.Logger {
	t0 := time.Now()
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey && len(groups) == 0 {
				return slog.String("t", time.Since(t0).Truncate(100*time.Millisecond).String())
			}
			return a
		},
	}))
}
