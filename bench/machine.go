package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
)

// describeMachine gathers the host facts RESULTS.md opens with.
func describeMachine(ctx context.Context) report.Machine {
	m := report.Machine{
		Kernel:   readTrim("/proc/sys/kernel/osrelease"),
		Cgroups:  cgroupLayout(),
		LXC:      firstLine(ctx, "lxc-start", "--version"),
		Virsh:    firstLine(ctx, "virsh", "--version"),
		Libvirtd: firstLine(ctx, "libvirtd", "--version"),
		Go:       runtime.Version(),
	}
	if cpu, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(cpu), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			switch strings.TrimSpace(k) {
			case "processor":
				m.CPUs++
			case "model name":
				if m.CPU == "" {
					m.CPU = strings.TrimSpace(v)
				}
			}
		}
	}
	if mem, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(mem), "\n") {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				if f := strings.Fields(v); len(f) > 0 {
					if kib, err := strconv.ParseFloat(f[0], 64); err == nil {
						m.Memory = fmt.Sprintf("%.1f GiB", kib/(1<<20))
					}
				}
			}
		}
	}
	if osr, err := os.ReadFile("/etc/os-release"); err == nil {
		for _, line := range strings.Split(string(osr), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				m.OS = strings.Trim(v, `"`)
			}
		}
	}
	if dv := readTrim("/etc/debian_version"); dv != "" {
		m.OS += " (debian_version " + dv + ")"
	}
	return m
}

// loadAverage is the first three fields of /proc/loadavg.
func loadAverage() string {
	f := strings.Fields(readTrim("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// load1 is the 1-minute load average.
func load1() float64 {
	f := strings.Fields(readTrim("/proc/loadavg"))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// cgroupLayout names the host's cgroup layout the way LXC sees it.
func cgroupLayout() string {
	switch {
	case exists("/sys/fs/cgroup/cgroup.controllers"):
		return "unified (cgroup v2 only)"
	case exists("/sys/fs/cgroup/unified"):
		return "hybrid (v1 controllers, v2 at /sys/fs/cgroup/unified)"
	default:
		return "legacy (cgroup v1)"
	}
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
