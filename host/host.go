// Package host reads what libvirt's node and connection calls report about
// the machine: CPU and memory (virNodeGetInfo, virNodeGetFreeMemory,
// virNodeGetCPUMap), the kernel version, the capabilities and domain
// capabilities XML, SMBIOS sysinfo, node statistics and the ARP table. It
// reads host-wide files under /proc and /sys, and the host CPU through
// package x86cpu; nothing of a container (that is package lxc). The driver
// plugin serves it to the daemon through the driver contract (Facts
// implements driverapi.Host); the daemon reads none of it.
package host

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/host/x86cpu"
)

// Host reads a machine's files below Root ("/" for the real one; tests use
// a fake tree).
type Host struct {
	Root string
	// ProbeCPU describes the host CPU for the capabilities XML; nil probes
	// this machine's CPU (once) with the installed libvirt CPU map.
	ProbeCPU func() (x86cpu.Probe, error)
}

// Local is the machine the driver runs on.
var Local = Host{Root: "/"}

func (h Host) path(p string) string { return filepath.Join(h.Root, p) }

// Arch is the host's libvirt architecture name.
func Arch() string {
	switch runtime.GOARCH {
	case "amd64":
		return "x86_64"
	case "386":
		return "i686"
	case "arm64":
		return "aarch64"
	case "ppc64le":
		return "ppc64le"
	case "s390x":
		return "s390x"
	case "riscv64":
		return "riscv64"
	}
	return runtime.GOARCH
}

// meminfo returns a /proc/meminfo field in KiB.
func (h Host) meminfo(field string) (uint64, error) {
	b, err := os.ReadFile(h.path("proc/meminfo"))
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok || name != field {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			break
		}
		return strconv.ParseUint(f[0], 10, 64)
	}
	return 0, fmt.Errorf("%s: no %s", h.path("proc/meminfo"), field)
}

// FreeMemory is virNodeGetFreeMemory: free memory in bytes.
func (h Host) FreeMemory() (uint64, error) {
	kib, err := h.meminfo("MemFree")
	return kib * 1024, err
}

// NodeInfo reads the CPU topology and memory size.
func (h Host) NodeInfo() (driverapi.NodeInfo, error) {
	mem, err := h.meminfo("MemTotal")
	if err != nil {
		return driverapi.NodeInfo{}, fmt.Errorf("node info: %w", err)
	}
	cpus, err := h.onlineCPUs()
	if err != nil {
		return driverapi.NodeInfo{}, fmt.Errorf("node info: %w", err)
	}
	ni := driverapi.NodeInfo{Model: Arch(), MemKiB: mem, CPUs: int32(len(cpus)), MHz: h.mhz()}
	ni.Nodes = int32(max(1, len(h.numaNodes())))
	sockets, cores := map[string]bool{}, map[string]bool{}
	for _, c := range cpus {
		pkg := h.topology(c, "physical_package_id")
		sockets[pkg] = true
		cores[pkg+"/"+h.topology(c, "core_id")] = true
	}
	ni.Sockets = max(1, int32(len(sockets))/ni.Nodes)
	ni.Cores = max(1, int32(len(cores))/max(1, int32(len(sockets))))
	ni.Threads = max(1, ni.CPUs/max(1, int32(len(cores))))
	return ni, nil
}

func (h Host) topology(cpu int, file string) string {
	b, err := os.ReadFile(h.path(fmt.Sprintf("sys/devices/system/cpu/cpu%d/topology/%s", cpu, file)))
	if err != nil {
		return "0"
	}
	return strings.TrimSpace(string(b))
}

// onlineCPUs parses /sys/devices/system/cpu/online ("0-3,6").
func (h Host) onlineCPUs() ([]int, error) {
	return h.cpuList("online")
}

func parseCPUList(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("cpu list %q: %w", s, err)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("cpu list %q: bad range %q", s, part)
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("cpu list %q is empty", s)
	}
	return out, nil
}

// numaNodes lists the NUMA node numbers.
func (h Host) numaNodes() []int {
	m, _ := filepath.Glob(h.path("sys/devices/system/node/node[0-9]*"))
	var out []int
	for _, p := range m {
		if n, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(p), "node")); err == nil {
			out = append(out, n)
		}
	}
	sort.Ints(out)
	return out
}

// mhz is the first "cpu MHz" of /proc/cpuinfo, 0 when absent.
func (h Host) mhz() int32 {
	b, err := os.ReadFile(h.path("proc/cpuinfo"))
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(name) == "cpu MHz" {
			f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err == nil {
				return int32(f)
			}
		}
	}
	return 0
}

// KernelVersion is the running kernel's release encoded the way libvirt's
// LXC driver reports its hypervisor version: major*1e6 + minor*1e3 + micro.
func KernelVersion() (uint64, error) {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return 0, fmt.Errorf("uname: %w", err)
	}
	return ParseVersion(unix.ByteSliceToString(u.Release[:]))
}

// ParseVersion encodes "6.1.0-18-amd64" as 6001000; trailing text after
// the numbers is ignored, as libvirt's virStringParseVersion allows.
func ParseVersion(s string) (uint64, error) {
	var parts [3]uint64
	rest := s
	for i := range parts {
		j := 0
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j == 0 {
			if i == 0 {
				return 0, fmt.Errorf("version %q: no number", s)
			}
			break
		}
		n, err := strconv.ParseUint(rest[:j], 10, 64)
		if err != nil || n > 999 && i > 0 {
			return 0, fmt.Errorf("version %q: bad number", s)
		}
		parts[i] = n
		rest = rest[j:]
		if !strings.HasPrefix(rest, ".") {
			break
		}
		rest = rest[1:]
	}
	return parts[0]*1000000 + parts[1]*1000 + parts[2], nil
}
