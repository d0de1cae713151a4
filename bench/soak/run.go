package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/rootfs"
)

// row is one sample of both processes.
type row struct {
	at             time.Duration // since the clients started
	daemon, plugin usage
	cycles, failed int
}

// run starts the daemon and the clients, samples until the time is up,
// cleans up and writes the results; ok is false when a series grew or
// cycles failed.
func run(ctx context.Context, c config) (ok bool, err error) {
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return false, err
	}
	dir, err := os.MkdirTemp("", "lxcvirt-soak-")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	fs := filepath.Join(dir, "rootfs")
	if err := rootfs.Write(fs, rootfs.InitHonoursHalt); err != nil {
		return false, err
	}
	d, err := startDaemon(ctx, c.lxcvirtd, dir)
	if err != nil {
		return false, err
	}
	defer d.stop()
	idle0, err := idle(ctx, d, nil)
	if err != nil {
		return false, err
	}
	slog.Info("soak started", "daemon", d.pid(), "clients", c.clients, "lifecycle_clients", c.lifecycles, "minutes", c.minutes)

	dur := time.Duration(c.minutes * float64(time.Minute))
	cctx, stopClients := context.WithTimeout(ctx, dur)
	defer stopClients()
	t := newTally()
	var wg sync.WaitGroup
	prefix := "soak-" + strconv.FormatInt(time.Now().Unix()%100000, 10)
	for i := range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client(cctx, d, fmt.Sprintf("%s-%03d", prefix, i), fs, i < c.lifecycles, c.pause, t)
		}()
	}

	start := time.Now()
	var rows []row
	tick := time.NewTicker(c.interval)
	defer tick.Stop()
	for sampling := true; sampling; {
		select {
		case <-cctx.Done():
			sampling = false
			continue
		case <-tick.C:
		}
		if d.exited() {
			stopClients()
			wg.Wait()
			return false, fmt.Errorf("lxcvirtd exited during the soak (%v); log:\n%s", d.cmd.ProcessState, tail(d.log, 20))
		}
		r := row{at: time.Since(start)}
		if r.daemon, err = measure(d.pid()); err != nil {
			return false, err
		}
		if pid := pluginPID(d.pid()); pid != 0 {
			if r.plugin, err = measure(pid); err != nil {
				slog.Warn("plugin sample", "err", err)
			}
		}
		t.mu.Lock()
		r.cycles, r.failed = t.cycles, t.failed
		t.mu.Unlock()
		rows = append(rows, r)
		slog.Info("sample", "t", r.at.Round(time.Second), "daemon_rss_kib", r.daemon.rssKiB, "daemon_threads", r.daemon.threads,
			"daemon_fds", r.daemon.fds, "plugin_rss_kib", r.plugin.rssKiB, "plugin_threads", r.plugin.threads, "plugin_fds", r.plugin.fds,
			"cycles", r.cycles, "failed", r.failed)
	}
	wg.Wait()
	cleanCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	if err := cleanup(cleanCtx, d); err != nil {
		slog.Warn("cleanup", "err", err)
	}
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	idle1, err := idle(ctx, d, &idle0)
	if err != nil {
		return false, err
	}
	if err := writeCSV(filepath.Join(c.out, "soak.csv"), rows); err != nil {
		return false, err
	}
	summary, ok, err := summarise(c, rows, t, dur, [2]row{idle0, idle1})
	if err != nil {
		return false, err
	}
	if err := os.WriteFile(filepath.Join(c.out, "summary.txt"), []byte(summary), 0o644); err != nil {
		return false, err
	}
	fmt.Print(summary)
	return ok, nil
}

func writeCSV(path string, rows []row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"elapsed_s", "daemon_pid", "daemon_rss_kib", "daemon_threads", "daemon_fds",
		"plugin_pid", "plugin_rss_kib", "plugin_threads", "plugin_fds", "cycles", "failed_cycles"})
	for _, r := range rows {
		rec := []string{strconv.FormatFloat(r.at.Seconds(), 'f', 1, 64)}
		for _, v := range []int64{int64(r.daemon.pid), r.daemon.rssKiB, r.daemon.threads, r.daemon.fds,
			int64(r.plugin.pid), r.plugin.rssKiB, r.plugin.threads, r.plugin.fds, int64(r.cycles), int64(r.failed)} {
			rec = append(rec, strconv.FormatInt(v, 10))
		}
		_ = w.Write(rec)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// summarise judges each series after the warm-up (the first fifth of the
// run, at most a minute, while heaps and pools reach their working size).
func summarise(c config, rows []row, t *tally, dur time.Duration, idles [2]row) (string, bool, error) {
	warm := min(dur/5, time.Minute)
	var kept []row
	for _, r := range rows {
		if r.at >= warm {
			kept = append(kept, r)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lxcvirtd soak: %d clients (%d with real containers) for %s, sampled every %s; %d samples, the first %s are warm-up\n",
		c.clients, c.lifecycles, dur, c.interval, len(rows), warm)
	fmt.Fprintf(&b, "cycles: %d, failed: %d\n", t.cycles, t.failed)
	steps := make([]string, 0, len(t.counts))
	for s := range t.counts {
		steps = append(steps, s)
	}
	sort.Strings(steps)
	for _, s := range steps {
		fmt.Fprintf(&b, "  %s failed %d times; first: %s\n", s, t.counts[s], t.first[s])
	}
	b.WriteString("goroutines are not visible without a debug endpoint; thread counts stand in\n")
	ok := true
	pids := map[int]bool{}
	xs := make([]float64, len(kept))
	for i, r := range kept {
		xs[i] = r.at.Minutes()
		pids[r.plugin.pid] = true
	}
	if len(pids) != 1 || pids[0] {
		fmt.Fprintf(&b, "plugin process changed or was missing during the run (pids %v)\n", pids)
		ok = false
	}
	// Under load the fd counts move with the connections and lxc-* pipes
	// open at the instant; the idle counts before and after are the strict
	// check.
	fdSlack := max(c.tol.count, int64(c.clients)/4)
	series := []struct {
		name  string
		get   func(row) int64
		slack int64
	}{
		{"daemon rss KiB", func(r row) int64 { return r.daemon.rssKiB }, c.tol.rssKiB},
		{"daemon threads", func(r row) int64 { return r.daemon.threads }, c.tol.count},
		{"daemon fds", func(r row) int64 { return r.daemon.fds }, fdSlack},
		{"plugin rss KiB", func(r row) int64 { return r.plugin.rssKiB }, c.tol.rssKiB},
		{"plugin threads", func(r row) int64 { return r.plugin.threads }, c.tol.count},
		{"plugin fds", func(r row) int64 { return r.plugin.fds }, fdSlack},
	}
	for _, s := range series {
		ys := make([]float64, len(kept))
		for i, r := range kept {
			ys[i] = float64(s.get(r))
		}
		tr, err := analyse(s.name, xs, ys, float64(s.slack), c.tol.rel)
		if err != nil {
			return "", false, fmt.Errorf("too short a run to judge: %w", err)
		}
		ok = ok && !tr.growing
		b.WriteString(tr.String() + "\n")
	}
	fmt.Fprintf(&b, "idle before: daemon rss %d KiB, %d threads, %d fds; plugin rss %d KiB, %d threads, %d fds\n",
		idles[0].daemon.rssKiB, idles[0].daemon.threads, idles[0].daemon.fds, idles[0].plugin.rssKiB, idles[0].plugin.threads, idles[0].plugin.fds)
	fmt.Fprintf(&b, "idle after:  daemon rss %d KiB, %d threads, %d fds; plugin rss %d KiB, %d threads, %d fds\n",
		idles[1].daemon.rssKiB, idles[1].daemon.threads, idles[1].daemon.fds, idles[1].plugin.rssKiB, idles[1].plugin.threads, idles[1].plugin.fds)
	if leftover(idles[0], idles[1], c.tol.count) {
		fmt.Fprintf(&b, "fds did not return to their idle count (+%d allowed)\n", c.tol.count)
		ok = false
	}
	if t.cycles == 0 || float64(t.failed) > 0.01*float64(t.cycles) {
		fmt.Fprintf(&b, "more than 1%% of cycles failed\n")
		ok = false
	}
	verdict := "PASS: every series flat within tolerance"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Fprintf(&b, "verdict: %s (tolerance: %.0f%% or %d KiB RSS / %d threads or fds)\n", verdict, 100*c.tol.rel, c.tol.rssKiB, c.tol.count)
	return b.String(), ok, nil
}

// idle waits for the daemon to settle with no clients: until its fd counts
// are back within the tolerance of before (when given), or
// for at most 30 s; then it samples both processes.
func idle(ctx context.Context, d *daemon, before *row) (row, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := row{}
		var err error
		if r.daemon, err = measure(d.pid()); err != nil {
			return r, err
		}
		if pid := pluginPID(d.pid()); pid != 0 {
			if r.plugin, err = measure(pid); err != nil {
				return r, err
			}
		}
		if before == nil || !leftover(*before, r, 4) || time.Now().After(deadline) {
			return r, nil
		}
		select {
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// leftover reports whether the fds of either process stayed more than
// slack above their idle count. Threads are left out: the Go runtime keeps
// the threads it made under load.
func leftover(before, after row, slack int64) bool {
	return after.daemon.fds-before.daemon.fds > slack || after.plugin.fds-before.plugin.fds > slack
}
