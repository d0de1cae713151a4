// Command bench measures lxcvirt side by side with the raw lxc-* tools and
// with Debian's libvirtd (its own LXC driver), in one run on one machine:
// start/stop latency, control-plane latency at 10/100/1,000 domains,
// throughput, memory, cost growth and event latency. Each figure is a
// median over repeated runs with min and max, and a ratio against its
// baseline measured in the same run. It writes RESULTS.md, results.json and
// latency.png, reports progress on stderr, and removes every container,
// daemon and temp directory it made, also on Ctrl-C.
//
// It is a module of its own (gonum/plot stays out of the product's). Run it
// as root from its directory after make build (make bench does both):
//
//	cd bench && go run . [--quick] [--runs N] [--out DIR]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
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
}

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
	if err := fs.Parse(args); err != nil {
		return c, err
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
	if c.runs < 1 {
		return c, fmt.Errorf("--runs %d: need at least 1", c.runs)
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
