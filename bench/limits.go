package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// bridgePorts is how many ports a Linux bridge takes: port numbers are 10
// bits (BR_MAX_PORTS 1024) and 0 is reserved.
const bridgePorts = 1023

// hostUse is what running containers consume of the host's limited
// resources, read at one moment.
type hostUse struct {
	tasks      int   // threads and processes (/proc/loadavg)
	ptys       int   // /proc/sys/kernel/pty/nr
	ports      int   // ports on the bridge
	inotify    int   // inotify instances (every process here runs as root)
	files      int   // open files (/proc/sys/fs/file-nr)
	memAvail   int64 // KiB, MemAvailable
	daemonFDs  int   // file descriptors of the daemon and its plugin
	daemonNOFD int   // the lower RLIMIT_NOFILE soft limit of the two
}

// readHostUse reads hostUse; d is the daemon whose descriptors count.
func readHostUse(d *daemon) hostUse {
	u := hostUse{ptys: readInt("/proc/sys/kernel/pty/nr"), daemonNOFD: math.MaxInt}
	if f := strings.Fields(readTrim("/proc/loadavg")); len(f) >= 4 {
		if _, tot, ok := strings.Cut(f[3], "/"); ok {
			u.tasks, _ = strconv.Atoi(tot)
		}
	}
	ports, _ := os.ReadDir("/sys/class/net/" + bridge + "/brif")
	u.ports = len(ports)
	if f := strings.Fields(readTrim("/proc/sys/fs/file-nr")); len(f) > 0 {
		u.files, _ = strconv.Atoi(f[0])
	}
	u.memAvail = meminfo("MemAvailable")
	links, _ := filepath.Glob("/proc/[0-9]*/fd/*")
	for _, l := range links {
		if t, err := os.Readlink(l); err == nil && t == "anon_inode:inotify" {
			u.inotify++
		}
	}
	pids := []int{d.pid()}
	for _, c := range children(d.pid()) {
		if !isLXCTool(c) {
			pids = append(pids, c.PID)
		}
	}
	for _, pid := range pids {
		fds, _ := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
		u.daemonFDs += len(fds)
		u.daemonNOFD = min(u.daemonNOFD, nofileSoft(pid))
	}
	return u
}

// hostLimit is one of the host's limits on running containers.
type hostLimit struct {
	what  string
	limit float64
	use   func(hostUse) float64
	// fixedPer is the use per container when it is known by construction
	// (one veth each), rather than measured as a difference that other
	// work on the host also moves.
	fixedPer float64
}

func hostLimits(u hostUse) []hostLimit {
	userInstances := float64(readInt("/proc/sys/fs/inotify/max_user_instances"))
	return []hostLimit{
		{"threads (kernel.pid_max)", float64(min(readInt("/proc/sys/kernel/pid_max"), readInt("/proc/sys/kernel/threads-max"))), func(u hostUse) float64 { return float64(u.tasks) }, 0},
		{"ptys (kernel.pty.max)", float64(readInt("/proc/sys/kernel/pty/max")), func(u hostUse) float64 { return float64(u.ptys) }, 0},
		{"bridge ports (" + bridge + ": 1023 at most)", bridgePorts, func(u hostUse) float64 { return float64(u.ports) }, 1},
		{"inotify instances of root (fs.inotify.max_user_instances)", userInstances, func(u hostUse) float64 { return float64(u.inotify) }, 0},
		{"open files (fs.file-max)", float64(readInt("/proc/sys/fs/file-max")), func(u hostUse) float64 { return float64(u.files) }, 0},
		{"the daemon's and plugin's descriptors (RLIMIT_NOFILE)", float64(u.daemonNOFD), func(u hostUse) float64 { return float64(u.daemonFDs) }, 0},
		{"memory (MemAvailable, KiB)", float64(u.memAvail), func(hostUse) float64 { return 0 }, 0},
	}
}

// capacityNotes extrapolates, from what the series' running containers
// consumed between u0 (none running) and u1 (running), how many this host
// could hold by each limit, names the first one reached, and says why the
// series stopped where it did.
func capacityNotes(u0, u1 hostUse, running, asked int, stopped error) []string {
	var out []string
	if stopped != nil {
		out = append(out, fmt.Sprintf("The running series stopped at %d of the %d asked: %s", running, asked, firstErrLine(stopped)))
	}
	if running == 0 {
		return out
	}
	type est struct {
		what      string
		per, left float64
		holds     float64
	}
	var ests []est
	for _, l := range hostLimits(u1) {
		per := (l.use(u1) - l.use(u0)) / float64(running)
		left := l.limit - l.use(u1)
		if l.fixedPer > 0 {
			per = l.fixedPer
		}
		if l.what == "memory (MemAvailable, KiB)" {
			per = float64(u0.memAvail-u1.memAvail) / float64(running)
			left = float64(u1.memAvail)
		}
		e := est{what: l.what, per: per, left: left, holds: math.Inf(1)}
		if per > 0 {
			e.holds = float64(running) + left/per
		}
		ests = append(ests, e)
	}
	var parts []string
	best := -1
	for i, e := range ests {
		h := "no measurable use"
		if !math.IsInf(e.holds, 1) {
			h = fmt.Sprintf("about %.0f (%.2f per container, %.0f left)", e.holds, e.per, e.left)
			if best < 0 || e.holds < ests[best].holds {
				best = i
			}
		}
		parts = append(parts, e.what+": "+h)
	}
	out = append(out, fmt.Sprintf("Host capacity for running busybox containers, extrapolated from what %d of them consumed (differences of host-wide counters, which other work on the machine moves too; a bridge port per container by construction): %s.", running, strings.Join(parts, "; ")))
	if best >= 0 {
		out = append(out, fmt.Sprintf("The first limit this machine reaches is %s, at about %.0f running containers.", ests[best].what, ests[best].holds))
	}
	return out
}

// nofileSoft is a process's soft RLIMIT_NOFILE from /proc/<pid>/limits.
func nofileSoft(pid int) int {
	for _, line := range strings.Split(readTrim(fmt.Sprintf("/proc/%d/limits", pid)), "\n") {
		if rest, ok := strings.CutPrefix(line, "Max open files"); ok {
			if f := strings.Fields(rest); len(f) > 0 {
				if n, err := strconv.Atoi(f[0]); err == nil {
					return n
				}
			}
		}
	}
	return math.MaxInt
}

func readInt(path string) int {
	n, _ := strconv.Atoi(readTrim(path))
	return n
}

// meminfo is one /proc/meminfo field in KiB.
func meminfo(key string) int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			if f := strings.Fields(v); len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}
