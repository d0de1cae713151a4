package host

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/host/x86cpu"
)

// probeLocalCPU probes this machine's CPU once: CPUID does not change while
// the driver runs (libvirt too probes it once, at driver start).
var probeLocalCPU = sync.OnceValues(func() (x86cpu.Probe, error) {
	return x86cpu.ProbeHost(x86cpu.DefaultMapDir)
})

// hostCPU is the capabilities XML's <host><cpu> as libvirt's
// virCPUProbeHost fills it: arch, the decoded model, vendor and features
// (x86), microcode version, signature, invariant TSC frequency, topology
// (sockets per NUMA node, cores per socket, threads per core), physical
// address size and page sizes. Parts the host cannot tell are left out.
func (h Host) hostCPU() *libvirtxml.CapsHostCPU {
	cpu := &libvirtxml.CapsHostCPU{Arch: Arch()}
	x86 := cpu.Arch == "x86_64" || cpu.Arch == "i686"
	probe := h.ProbeCPU
	if probe == nil && x86 {
		probe = probeLocalCPU
	}
	var p x86cpu.Probe
	if probe != nil {
		var err error
		if p, err = probe(); err != nil {
			p = x86cpu.Probe{}
		}
	}
	cpu.Model, cpu.Vendor = p.Model, p.Vendor
	if x86 {
		if v, ok := h.cpuinfoField("microcode"); ok {
			if n, err := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 31); err == nil && n > 0 {
				cpu.Microcode = &libvirtxml.CapsHostCPUMicrocode{Version: int(n)}
			}
		}
	}
	if p.Family != 0 {
		cpu.Signature = &libvirtxml.CapsHostCPUSignature{Family: int(p.Family), Model: int(p.ModelNum), Stepping: int(p.Stepping)}
	}
	if p.TSC != nil {
		scaling := "no"
		if p.TSC.Scaling {
			scaling = "yes"
		}
		cpu.Counter = &libvirtxml.CapsHostCPUCounter{Name: "tsc", Frequency: uint(p.TSC.Hz), Scaling: scaling}
	}
	if ni, err := h.NodeInfo(); err == nil {
		cpu.Topology = &libvirtxml.CapsHostCPUTopology{Sockets: int(ni.Sockets), Dies: 1, Cores: int(ni.Cores), Threads: int(ni.Threads)}
	}
	if x86 {
		// "address sizes	: 48 bits physical, 48 bits virtual"
		if v, ok := h.cpuinfoField("address sizes"); ok {
			if f := strings.Fields(v); len(f) >= 3 && f[1] == "bits" && strings.TrimSuffix(f[2], ",") == "physical" {
				if bits, err := strconv.ParseUint(f[0], 10, 8); err == nil {
					cpu.MaxPhysAddr = &libvirtxml.CapsHostCPUMaxPhysAddr{Mode: "emulate", Bits: uint(bits)}
				}
			}
		}
	}
	for _, f := range p.Features {
		cpu.FeatureFlags = append(cpu.FeatureFlags, libvirtxml.CapsHostCPUFeatureFlag{Name: f})
	}
	for _, kib := range h.pageSizesKiB() {
		cpu.PageSizes = append(cpu.PageSizes, libvirtxml.CapsHostCPUPageSize{Size: kib, Unit: "KiB"})
	}
	return cpu
}

// cpuinfoField is the first value of a /proc/cpuinfo field.
func (h Host) cpuinfoField(name string) (string, bool) {
	b, err := os.ReadFile(h.path("proc/cpuinfo"))
	if err != nil {
		return "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}

// pageSizesKiB lists the base page size and the huge page sizes the kernel
// offers, ascending.
func (h Host) pageSizesKiB() []int {
	sizes := []int{os.Getpagesize() / 1024}
	m, _ := filepath.Glob(h.path("sys/kernel/mm/hugepages/hugepages-*kB"))
	for _, p := range m {
		s := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "hugepages-"), "kB")
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			sizes = append(sizes, n)
		}
	}
	slices.Sort(sizes)
	return slices.Compact(sizes)
}
