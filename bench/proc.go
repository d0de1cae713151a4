package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
)

// command runs argv to completion and returns how long it took; a failure
// carries the command line and its output.
func command(ctx context.Context, argv ...string) (time.Duration, error) {
	_, d, err := output(ctx, argv...)
	return d, err
}

// output is command that also returns stdout.
func output(ctx context.Context, argv ...string) ([]byte, time.Duration, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	t0 := time.Now()
	err := cmd.Run()
	d := time.Since(t0)
	if err != nil {
		if ctx.Err() != nil {
			return nil, d, ctx.Err()
		}
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = strings.TrimSpace(stdout.String())
		}
		return stdout.Bytes(), d, fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, msg)
	}
	return stdout.Bytes(), d, nil
}

// firstLine runs argv and returns the first line of its output, or "" when
// it fails; for version strings.
func firstLine(ctx context.Context, argv ...string) string {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return line
}

// ms converts a duration to float milliseconds, the unit of every latency.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// memUse is a process's memory in KiB, from /proc/<pid>/smaps_rollup: RSS
// (every resident page it maps), PSS (each shared page divided among the
// processes that map it, so the PSS of all processes adds up to the memory
// they use) and USS (the pages only it maps: what its exit would free);
// PSSFile is the part of PSS that maps files (the binary's text and data),
// the rest is anonymous (heap, stacks).
type memUse struct{ RSS, PSS, USS, PSSFile int64 }

func (m memUse) plus(o memUse) memUse {
	return memUse{m.RSS + o.RSS, m.PSS + o.PSS, m.USS + o.USS, m.PSSFile + o.PSSFile}
}

// smapsRollup reads a process's memUse.
func smapsRollup(pid int) (memUse, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return memUse{}, err
	}
	var m memUse
	seen := 0
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		kib, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		switch k {
		case "Rss":
			m.RSS, seen = kib, seen+1
		case "Pss":
			m.PSS, seen = kib, seen+1
		case "Private_Clean", "Private_Dirty":
			m.USS += kib
		case "Pss_File":
			m.PSSFile = kib
		}
	}
	if seen < 2 {
		return memUse{}, fmt.Errorf("pid %d: no Rss/Pss in smaps_rollup", pid)
	}
	return m, nil
}

// lxcMonitors lists the PIDs of LXC's monitor processes ("[lxc monitor]
// LXCPATH NAME") of the containers under lxcpath.
func lxcMonitors(lxcpath string) []int {
	cmdlines, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	prefix := "[lxc monitor] " + lxcpath + " "
	var out []int
	for _, p := range cmdlines {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(strings.ReplaceAll(string(b), "\x00", " "), prefix) {
			continue
		}
		if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(p))); err == nil {
			out = append(out, pid)
		}
	}
	return out
}

// monitorMemory is the median memory of the LXC monitors under lxcpath
// (each field's own median) and how many there are.
func monitorMemory(lxcpath string) (memUse, int, error) {
	var rss, pss, uss []float64
	for _, pid := range lxcMonitors(lxcpath) {
		m, err := smapsRollup(pid)
		if err != nil {
			continue // exited meanwhile
		}
		rss, pss, uss = append(rss, float64(m.RSS)), append(pss, float64(m.PSS)), append(uss, float64(m.USS))
	}
	if len(rss) == 0 {
		return memUse{}, 0, fmt.Errorf("no LXC monitor found under %s", lxcpath)
	}
	med := func(xs []float64) int64 { return int64(stats.Quantile(xs, 0.5)) }
	return memUse{RSS: med(rss), PSS: med(pss), USS: med(uss)}, len(rss), nil
}

// waitHaltTrap waits until pid (a container's init) catches the halt
// signal (SIGPWR). A halt sent before the init script has set its trap is
// ignored by the kernel (init has no default action), which would time a
// lost signal instead of a shutdown.
func waitHaltTrap(ctx context.Context, pid int) error {
	const bit = uint64(1) << (syscall.SIGPWR - 1)
	deadline := time.Now().Add(5 * time.Second)
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return fmt.Errorf("init %d: %w", pid, err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "SigCgt:"); ok {
				mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
				if err == nil && mask&bit != 0 {
					return nil
				}
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("init %d does not catch SIGPWR after 5s", pid)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// procStat returns a process's state letter and parent PID from
// /proc/<pid>/stat.
func procStat(pid int) (state byte, ppid int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	s := string(b)
	end := strings.LastIndexByte(s, ')')
	f := strings.Fields(s[end+1:])
	if end < 0 || len(f) < 2 || len(f[0]) != 1 {
		return 0, 0, fmt.Errorf("pid %d: bad stat %q", pid, s)
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0][0], ppid, err
}

// waitGone waits until pid has exited (a zombie counts as gone).
func waitGone(ctx context.Context, pid int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if st, _, err := procStat(pid); err != nil || st == 'Z' || st == 'X' {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pid %d still running after %s", pid, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Millisecond):
		}
	}
}

// childProc is a direct child process.
type childProc struct {
	PID  int
	Name string
}

// children lists parent's direct children by scanning /proc/*/stat.
func children(parent int) []childProc {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []childProc
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
		if err != nil {
			continue
		}
		if _, ppid, err := procStat(pid); err != nil || ppid != parent {
			continue
		}
		name := s[open+1 : end] // comm: at most 15 characters
		if cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil {
			if argv0, _, _ := strings.Cut(string(cmdline), "\x00"); argv0 != "" {
				name = filepath.Base(argv0)
			}
		}
		out = append(out, childProc{PID: pid, Name: name})
	}
	return out
}

// cpuNs is the CPU time all of a process's threads have used, in
// nanoseconds, from /proc/<pid>/task/*/schedstat (exact, unlike the
// clock-tick counters of /proc/<pid>/stat). Threads that exited are not
// counted, so it suits processes with long-lived threads (daemons, Go).
func cpuNs(pid int) (int64, error) {
	files, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(files) == 0 {
		return 0, fmt.Errorf("pid %d: no schedstat", pid)
	}
	var total int64
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread exited meanwhile
		}
		fields := strings.Fields(string(b))
		if len(fields) == 0 {
			continue
		}
		ns, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", f, err)
		}
		total += ns
	}
	return total, nil
}
