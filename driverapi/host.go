package driverapi

import "context"

// Host is implemented by drivers that report the machine their domains run
// on, for libvirt's node and connection calls. It is separate from Driver
// so drivers without it need not stub it; the daemon reads no host facts of
// its own. Every error is a *virterror.Error.
type Host interface {
	// NodeInfo is virNodeGetInfo.
	NodeInfo(ctx context.Context) (NodeInfo, error)
	// FreeMemory is virNodeGetFreeMemory: free memory in bytes.
	FreeMemory(ctx context.Context) (uint64, error)
	// CPUMap is virNodeGetCPUMap.
	CPUMap(ctx context.Context) (CPUMap, error)
	// NodeCPUStats is virNodeGetCPUStats of one CPU, or of all when cpu
	// is negative; a CPU the host lacks is VIR_ERR_INVALID_ARG.
	NodeCPUStats(ctx context.Context, cpu int) ([]NodeStat, error)
	// NodeMemoryStats is virNodeGetMemoryStats of one NUMA cell, or of
	// all when cell is negative; a cell the host lacks is
	// VIR_ERR_INVALID_ARG.
	NodeMemoryStats(ctx context.Context, cell int) ([]NodeStat, error)
	// Version is virConnectGetVersion: the hypervisor's version as
	// major*1e6 + minor*1e3 + micro.
	Version(ctx context.Context) (uint64, error)
	// Capabilities is virConnectGetCapabilities' XML, naming sec as the
	// host's security model.
	Capabilities(ctx context.Context, sec SecurityModel) (string, error)
	// DomainCapabilities is virConnectGetDomainCapabilities' XML for a
	// guest of arch ("": the host's) and machine, started by emulator
	// ("": the driver's). Another emulator is VIR_ERR_INVALID_ARG, an
	// arch the host cannot run VIR_ERR_NO_SUPPORT.
	DomainCapabilities(ctx context.Context, arch, machine, emulator string) (string, error)
	// Sysinfo is virConnectGetSysinfo's XML; VIR_ERR_CONFIG_UNSUPPORTED
	// when the host has no SMBIOS.
	Sysinfo(ctx context.Context) (string, error)
	// ARPTable is the complete entries of the host's IPv4 ARP table, the
	// ARP source of virDomainInterfaceAddresses.
	ARPTable(ctx context.Context) ([]Neighbor, error)
}

// NodeInfo is virNodeInfo.
type NodeInfo struct {
	Model   string // the CPU architecture, e.g. x86_64
	MemKiB  uint64
	CPUs    int32 // online CPUs
	MHz     int32
	Nodes   int32 // NUMA nodes
	Sockets int32 // per node
	Cores   int32 // per socket
	Threads int32 // per core
}

// CPUMap is virNodeGetCPUMap on Linux: CPUs is the number of CPUs the host
// can have present (the highest present CPU number plus one) and Online
// lists the online ones among them.
type CPUMap struct {
	CPUs   int
	Online []int
}

// Bitmap packs Online into libvirt's cpumap: one bit per CPU, CPU 0 in the
// lowest bit of the first byte, (CPUs+7)/8 bytes.
func (m CPUMap) Bitmap() []byte {
	out := make([]byte, (m.CPUs+7)/8)
	for _, c := range m.Online {
		if c >= 0 && c < m.CPUs {
			out[c/8] |= 1 << (c % 8)
		}
	}
	return out
}

// NodeStat is one named counter of a node statistics call.
type NodeStat struct {
	Field string
	Value uint64
}

// Neighbor is a complete entry of the host's IPv4 ARP table.
type Neighbor struct {
	IP     string
	MAC    string // lower case, colon separated
	Device string
}

// SecurityModel is the security driver the capabilities XML and
// virNodeGetSecurityModel name.
type SecurityModel struct {
	Model string // "none" when there is none
	DOI   string
}
