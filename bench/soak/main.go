// Command soak holds a real lxcvirtd under many cycling clients for a
// while and checks that the daemon's and the driver plugin's resources stay
// flat: RSS, threads and open fds, sampled every few seconds. Goroutine
// counts are not visible from outside the process without a debug endpoint,
// so thread counts stand in for them.
//
// Each client loops: connect, list all domains, register a lifecycle event
// callback, a domain cycle, deregister, disconnect. A few clients run real
// busybox containers through define, create, suspend, resume, destroy and
// undefine; the rest define and undefine inactive domains. The run writes
// soak.csv and summary.txt to --out and exits non-zero when a series grows
// beyond the tolerance or too many cycles failed.
//
// Run it as root from bench/ after make build (make soak does both):
//
//	cd bench && go run ./soak [--minutes 5] [--clients 200] [--out out/soak]
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
	minutes    float64
	clients    int
	lifecycles int // clients that run real containers
	interval   time.Duration
	pause      time.Duration // between one client's cycles
	lxcvirtd   string
	out        string
	tol        tolerance
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	var c config
	fs.Float64Var(&c.minutes, "minutes", 5, "how long the clients cycle")
	fs.IntVar(&c.clients, "clients", 200, "concurrent clients")
	fs.IntVar(&c.lifecycles, "lifecycle-clients", 8, "clients (of --clients) that start real containers")
	fs.DurationVar(&c.interval, "interval", 5*time.Second, "sampling interval")
	fs.DurationVar(&c.pause, "pause", 100*time.Millisecond, "pause between one client's cycles")
	fs.StringVar(&c.lxcvirtd, "lxcvirtd", filepath.Join("..", "bin", "lxcvirtd"), "the lxcvirtd binary")
	fs.StringVar(&c.out, "out", filepath.Join("out", "soak"), "directory for soak.csv and summary.txt")
	fs.Float64Var(&c.tol.rel, "tolerance", 0.10, "allowed growth of the last third's median over the first third's, as a fraction")
	fs.Int64Var(&c.tol.rssKiB, "tolerance-rss-kib", 8192, "RSS growth always allowed, in KiB")
	fs.Int64Var(&c.tol.count, "tolerance-count", 4, "thread and fd growth always allowed")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	switch {
	case fs.NArg() > 0:
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	case c.minutes <= 0:
		return c, fmt.Errorf("--minutes %v: must be positive", c.minutes)
	case c.clients < 1 || c.lifecycles < 0 || c.lifecycles > c.clients:
		return c, fmt.Errorf("--clients %d, --lifecycle-clients %d: need 0 <= lifecycle clients <= clients, clients >= 1", c.clients, c.lifecycles)
	case c.interval <= 0:
		return c, fmt.Errorf("--interval %s: must be positive", c.interval)
	}
	return c, nil
}

func main() {
	c, err := parseFlags(os.Args[1:])
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := run(ctx, c)
	if err != nil {
		slog.Error("soak failed", "err", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}
