package lxc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// system reads what the kernel says of containers: the cgroup layout
// (detected once, here and never in xmlmap), a container's cgroups and
// their counters, processes' parents and children, and network device
// counters; and it removes the cgroup directories LXC leaves behind. All
// plain files; nothing execs.
type system struct {
	cgroupRoot string // /sys/fs/cgroup
	procRoot   string // /proc
	netRoot    string // /sys/class/net
	layout     xmlmap.CgroupLayout
	unified    string // mount of the v2 hierarchy ("" when there is none)
}

// detectSystem looks at cgroupRoot: a cgroup2 root (cgroup.controllers at the
// top) is a unified host; otherwise v1 controllers sit in subdirectories and
// a hybrid host has the v2 hierarchy at <root>/unified.
func detectSystem(cgroupRoot, procRoot, netRoot string) (*system, error) {
	h := &system{cgroupRoot: cgroupRoot, procRoot: procRoot, netRoot: netRoot}
	if _, err := os.Stat(filepath.Join(cgroupRoot, "cgroup.controllers")); err == nil {
		h.layout, h.unified = xmlmap.CgroupV2, cgroupRoot
		return h, nil
	}
	if _, err := os.Stat(cgroupRoot); err != nil {
		return nil, fmt.Errorf("cgroup root: %w", err)
	}
	h.layout = xmlmap.CgroupV1
	if _, err := os.Stat(filepath.Join(cgroupRoot, "unified", "cgroup.controllers")); err == nil {
		h.unified = filepath.Join(cgroupRoot, "unified")
	}
	return h, nil
}

// cgroups are the directories of one container's cgroups; a v1 path is ""
// when that controller is not mounted as v1.
type cgroups struct {
	memory  string
	cpuacct string
	cpu     string
	blkio   string
	freezer string
	v2      string
}

// cgroupsOf reads /proc/<pid>/cgroup and resolves each hierarchy to its
// directory under the cgroup root.
func (h *system) cgroupsOf(pid int) (cgroups, error) {
	var cg cgroups
	b, err := os.ReadFile(filepath.Join(h.procRoot, strconv.Itoa(pid), "cgroup"))
	if err != nil {
		return cg, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		// hierarchy-ID:controller-list:path
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		ctrls, path := parts[1], parts[2]
		if parts[0] == "0" && ctrls == "" {
			if h.unified != "" {
				cg.v2 = filepath.Join(h.unified, path)
			}
			continue
		}
		dir := filepath.Join(h.cgroupRoot, ctrls, path)
		for _, c := range strings.Split(ctrls, ",") {
			switch c {
			case "memory":
				cg.memory = dir
			case "cpuacct":
				cg.cpuacct = dir
			case "cpu":
				cg.cpu = dir
			case "blkio":
				cg.blkio = dir
			case "freezer":
				cg.freezer = dir
			}
		}
	}
	return cg, sc.Err()
}

// frozen reports whether the container's freezer says it is frozen (or
// freezing): v1 freezer.state, else v2 cgroup.freeze.
func (h *system) frozen(cg cgroups) (bool, error) {
	if cg.freezer != "" {
		s, err := readString(filepath.Join(cg.freezer, "freezer.state"))
		return s == "FROZEN" || s == "FREEZING", err
	}
	if cg.v2 != "" {
		s, err := readString(filepath.Join(cg.v2, "cgroup.freeze"))
		return s == "1", err
	}
	return false, errors.New("no freezer cgroup")
}

// usage reads CPU time (v1 cpuacct.usage*, else v2 cpu.stat) and memory use
// (v1 memory.usage_in_bytes, else v2 memory.current).
func (h *system) usage(cg cgroups) (Usage, error) {
	var u Usage
	var errs []error
	if cg.cpuacct != "" && h.usageAll(cg.cpuacct, &u) {
		// The split and per-CPU counters from one file; the total from
		// cpuacct.usage, which CI saw ahead of usage_all's sums (a zero
		// right after a start, a busy loop's second undercounted).
		var err error
		u.CPUNs, err = readUint(filepath.Join(cg.cpuacct, "cpuacct.usage"))
		errs = append(errs, err)
	} else if cg.cpuacct != "" {
		var err error
		u.CPUNs, err = readUint(filepath.Join(cg.cpuacct, "cpuacct.usage"))
		errs = append(errs, err)
		// Older kernels lack the split counters; the total still counts.
		u.UserNs, _ = readUint(filepath.Join(cg.cpuacct, "cpuacct.usage_user"))
		u.SystemNs, _ = readUint(filepath.Join(cg.cpuacct, "cpuacct.usage_sys"))
		u.PerCPUNs, _ = readUints(filepath.Join(cg.cpuacct, "cpuacct.usage_percpu"))
	} else if cg.v2 != "" {
		kv, err := readKeyed(filepath.Join(cg.v2, "cpu.stat"))
		errs = append(errs, err)
		u.CPUNs, u.UserNs, u.SystemNs = kv["usage_usec"]*1000, kv["user_usec"]*1000, kv["system_usec"]*1000
	}
	if cg.memory != "" {
		var err error
		u.MemBytes, err = readUint(filepath.Join(cg.memory, "memory.usage_in_bytes"))
		errs = append(errs, err)
	} else if cg.v2 != "" {
		var err error
		u.MemBytes, err = readUint(filepath.Join(cg.v2, "memory.current"))
		errs = append(errs, err)
	}
	return u, errors.Join(errs...)
}

// usageAll fills u's CPU counters from cpuacct.usage_all (each CPU's user
// and system time, the sums of which are cpuacct.usage, usage_user,
// usage_sys and usage_percpu, from the same counters): one file read
// instead of four. False when the kernel lacks the file or it does not
// parse; the caller then reads the four.
func (h *system) usageAll(dir string, u *Usage) bool {
	b, err := readSmallFile(filepath.Join(dir, "cpuacct.usage_all"))
	if err != nil {
		return false
	}
	header, rest, _ := bytes.Cut(b, []byte("\n"))
	if hf := bytes.Fields(header); len(hf) != 3 || string(hf[0]) != "cpu" {
		return false
	}
	var v Usage
	for line := range bytes.Lines(rest) {
		f := bytes.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return false
		}
		cpu, err1 := strconv.Atoi(string(f[0]))
		user, err2 := strconv.ParseUint(string(f[1]), 10, 64)
		sys, err3 := strconv.ParseUint(string(f[2]), 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || cpu != len(v.PerCPUNs) {
			return false
		}
		v.PerCPUNs = append(v.PerCPUNs, user+sys)
		v.UserNs += user
		v.SystemNs += sys
	}
	if len(v.PerCPUNs) == 0 {
		return false
	}
	v.CPUNs = v.UserNs + v.SystemNs
	u.CPUNs, u.UserNs, u.SystemNs, u.PerCPUNs = v.CPUNs, v.UserNs, v.SystemNs, v.PerCPUNs
	return true
}

// netStats reads a host-side device's counters and swaps them into the
// guest's view: what the host side received, the guest sent.
func (h *system) netStats(dev string) (Interface, error) {
	st := Interface{Name: dev}
	dir := filepath.Join(h.netRoot, dev, "statistics")
	var errs []error
	for _, f := range []struct {
		name string
		dst  *uint64
	}{
		{"rx_bytes", &st.TxBytes}, {"rx_packets", &st.TxPackets},
		{"rx_errors", &st.TxErrs}, {"rx_dropped", &st.TxDrop},
		{"tx_bytes", &st.RxBytes}, {"tx_packets", &st.RxPackets},
		{"tx_errors", &st.RxErrs}, {"tx_dropped", &st.RxDrop},
	} {
		v, err := readUint(filepath.Join(dir, f.name))
		*f.dst = v
		errs = append(errs, err)
	}
	return st, errors.Join(errs...)
}

// allNetStats reads every network device's counters in the plugin's
// network namespace (the host's: where the containers' host-side veths
// are) from /proc/self/net/dev, one file for all of them, in the guest's
// view as netStats gives them. The file's receive "drop" adds
// rx_missed_errors to rx_dropped; a veth counts no missed packets.
func (h *system) allNetStats() (map[string]Interface, error) {
	b, err := readSmallFile(filepath.Join(h.procRoot, "self", "net", "dev"))
	if err != nil {
		return nil, err
	}
	out := make(map[string]Interface)
	for line := range bytes.Lines(b) {
		name, counters, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue // the two header lines
		}
		f := bytes.Fields(counters)
		if len(f) < 12 {
			return nil, fmt.Errorf("/proc/net/dev: malformed line %q", line)
		}
		var v [12]uint64
		for i := range v {
			if v[i], err = strconv.ParseUint(string(f[i]), 10, 64); err != nil {
				return nil, fmt.Errorf("/proc/net/dev: %w", err)
			}
		}
		dev := string(bytes.TrimSpace(name))
		out[dev] = Interface{
			Name:    dev,
			TxBytes: v[0], TxPackets: v[1], TxErrs: v[2], TxDrop: v[3],
			RxBytes: v[8], RxPackets: v[9], RxErrs: v[10], RxDrop: v[11],
		}
	}
	return out, nil
}

// parentPID returns pid's parent from /proc/<pid>/stat.
func (h *system) parentPID(pid int) (int, error) {
	b, err := os.ReadFile(filepath.Join(h.procRoot, strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, err
	}
	// pid (comm) state ppid …; comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat of %d", pid)
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0, fmt.Errorf("malformed stat of %d", pid)
	}
	return strconv.Atoi(f[1])
}

// isMonitorOf reports whether process pid is LXC's monitor of container
// name under lxcpath: LXC titles it "[lxc monitor] LXCPATH NAME".
func (h *system) isMonitorOf(pid int, lxcpath, name string) bool {
	b, err := readSmallFile(filepath.Join(h.procRoot, strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return false
	}
	title, _, _ := bytes.Cut(b, []byte{0})
	return string(title) == "[lxc monitor] "+lxcpath+" "+name
}

// onlyChild returns the one child of process pid (of its main thread),
// or 0 when it has none, several, or the kernel does not tell.
func (h *system) onlyChild(pid int) int {
	p := strconv.Itoa(pid)
	b, err := os.ReadFile(filepath.Join(h.procRoot, p, "task", p, "children"))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) != 1 {
		return 0
	}
	child, err := strconv.Atoi(f[0])
	if err != nil {
		return 0
	}
	return child
}

// nsInit reports whether pid is the first process of its PID namespace
// (its NSpid's last field is 1), as a container's init is.
func (h *system) nsInit(pid int) bool {
	b, err := readSmallFile(filepath.Join(h.procRoot, strconv.Itoa(pid), "status"))
	if err != nil {
		return false
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "NSpid:"); ok {
			f := strings.Fields(v)
			return len(f) > 1 && f[len(f)-1] == "1"
		}
	}
	return false
}

func readString(path string) (string, error) {
	b, err := readSmallFile(path)
	return strings.TrimSpace(string(b)), err
}

// readSmallFile is os.ReadFile for the small files of /proc, /sys and the
// cgroup tree, read for every domain on each stats call: open, read until
// EOF and close, without os.File's stat and poller registration (half
// of os.ReadFile's system calls).
func readSmallFile(path string) ([]byte, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	for err == unix.EINTR {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	defer unix.Close(fd)
	buf := make([]byte, 0, 512)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := unix.Read(fd, buf[len(buf):cap(buf)])
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
	}
}

func readUint(path string) (uint64, error) {
	s, err := readString(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(s, 10, 64)
}

// readUints parses a file of space-separated numbers.
func readUints(path string) ([]uint64, error) {
	s, err := readString(path)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, f := range strings.Fields(s) {
		n, err := strconv.ParseUint(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// readKeyed parses a flat-keyed cgroup file ("key value" lines).
func readKeyed(path string) (map[string]uint64, error) {
	b, err := readSmallFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]uint64{}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			out[k] = n
		}
	}
	return out, nil
}

// removeLeftCgroups removes the cgroup directories LXC made for container
// name and left behind, in every hierarchy: its monitor's and payload's
// (lxc.monitor.NAME, lxc.payload.NAME and the "-N" variants LXC picks when
// one is taken). A failed start leaves its monitor's. rmdir removes only a
// cgroup without processes, so a live container's are kept; errors are
// ignored for the same reason.
func (h *system) removeLeftCgroups(name string) {
	hierarchies := []string{h.cgroupRoot}
	if h.layout == xmlmap.CgroupV1 {
		entries, _ := os.ReadDir(h.cgroupRoot)
		hierarchies = hierarchies[:0]
		for _, e := range entries {
			hierarchies = append(hierarchies, filepath.Join(h.cgroupRoot, e.Name()))
		}
	}
	for _, dir := range hierarchies {
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && isLXCCgroupOf(e.Name(), name) {
				removeCgroupTree(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// isLXCCgroupOf reports whether dir is one of LXC's cgroup directory names
// for container name.
func isLXCCgroupOf(dir, name string) bool {
	for _, prefix := range []string{"lxc.monitor.", "lxc.payload."} {
		rest, ok := strings.CutPrefix(dir, prefix+name)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		if n, ok := strings.CutPrefix(rest, "-"); ok && n != "" && strings.Trim(n, "0123456789") == "" {
			return true
		}
	}
	return false
}

// removeCgroupTree removes a cgroup directory and the cgroups below it,
// deepest first.
func removeCgroupTree(dir string) {
	var dirs []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		_ = syscall.Rmdir(dirs[i])
	}
}
