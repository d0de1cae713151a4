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
	"time"
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

// rssKiB is a process's resident set size from /proc/<pid>/status.
func rssKiB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, fmt.Errorf("pid %d: no VmRSS", pid)
}

// childProc is a direct child process.
type childProc struct {
	PID  int
	Comm string
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
		f := strings.Fields(s[end+1:])
		if len(f) < 2 {
			continue
		}
		if ppid, err := strconv.Atoi(f[1]); err != nil || ppid != parent {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
		if err != nil {
			continue
		}
		out = append(out, childProc{PID: pid, Comm: s[open+1 : end]})
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
