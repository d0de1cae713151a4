package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// usage is one process's resources at one instant.
type usage struct {
	pid     int
	rssKiB  int64
	threads int64
	fds     int64
}

// measure reads pid's VmRSS and Threads from /proc/<pid>/status and counts
// /proc/<pid>/fd.
func measure(pid int) (usage, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return usage{}, err
	}
	u := usage{pid: pid, rssKiB: -1, threads: -1}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "VmRSS":
			u.rssKiB, err = strconv.ParseInt(f[0], 10, 64)
		case "Threads":
			u.threads, err = strconv.ParseInt(f[0], 10, 64)
		}
		if err != nil {
			return usage{}, fmt.Errorf("pid %d %s: %w", pid, k, err)
		}
	}
	if u.rssKiB < 0 || u.threads < 0 {
		return usage{}, fmt.Errorf("pid %d: no VmRSS or Threads in status", pid)
	}
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return usage{}, err
	}
	u.fds = int64(len(fds))
	return u, nil
}

// pluginPID finds the daemon's driver plugin: its direct child that is not
// one of the lxc-* tools it runs now and then. It returns 0 when there is
// none (the plugin is being restarted).
func pluginPID(parent int) int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
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
		if len(f) < 2 || f[1] != strconv.Itoa(parent) {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(s[:open]))
		if err != nil {
			continue
		}
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		argv0, _, _ := strings.Cut(string(cmdline), "\x00")
		if argv0 != "" && !strings.HasPrefix(filepath.Base(argv0), "lxc-") {
			return pid
		}
	}
	return 0
}
