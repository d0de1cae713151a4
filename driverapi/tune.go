package driverapi

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"
)

// ParamGroup names a set of a domain's tunables, as libvirt's
// virDomain{Get,Set}{Memory,Scheduler,Blkio}Parameters address them.
type ParamGroup int32

// Tunable groups.
const (
	ParamsMemory    ParamGroup = 1 // memtune: hard_limit, soft_limit, swap_hard_limit (KiB)
	ParamsScheduler ParamGroup = 2 // schedinfo: cpu_shares, vcpu_period, vcpu_quota
	ParamsBlkio     ParamGroup = 3 // blkiotune: weight, device_* (strings "path,value,…")
)

// Param is one of libvirt's typed parameters (virTypedParameter): Type is
// a libvirt.TypedParameterType; an int or llong value is in Int, a uint,
// ullong or boolean (0/1) one in Uint, a string in Str.
type Param struct {
	Field string
	Type  libvirt.TypedParameterType
	Int   int64
	Uint  uint64
	Str   string
}

// BlockStats are a domain's block I/O counters (virDomainBlockStats);
// -1 is a counter the host does not report.
type BlockStats struct {
	RdReq, RdBytes, WrReq, WrBytes int64
}

// MemMaximum is VIR_DOMAIN_MEM_MAXIMUM: SetMemory changes <memory>, the
// maximum, instead of <currentMemory>.
const MemMaximum = uint32(libvirt.DomainMemMaximum)

// Tuner is implemented by drivers that change a domain's resource limits
// while it runs or in its definition, as libvirt-lxc's
// virDomainSetMemoryFlags, virDomain{Get,Set}{Memory,Scheduler,Blkio}Parameters,
// virDomainBlockStats and virDomainSendProcessSignal do. flags are the
// modification impact flags (AffectLive, AffectConfig, both, or
// AffectCurrent) unless said otherwise. It is separate from Driver so
// drivers without it need not stub it.
type Tuner interface {
	// SetMemory sets <currentMemory> (with MemMaximum: <memory>) to kib.
	SetMemory(ctx context.Context, uuid UUID, kib uint64, flags uint32) error
	// Parameters returns group's tunables from the definition flags
	// select, in libvirt-lxc's order.
	Parameters(ctx context.Context, uuid UUID, group ParamGroup, flags uint32) ([]Param, error)
	// SetParameters changes the tunables params name.
	SetParameters(ctx context.Context, uuid UUID, group ParamGroup, params []Param, flags uint32) error
	// BlockStats reports a running domain's block I/O: path "" is the
	// whole container (its blkio cgroup's totals).
	BlockStats(ctx context.Context, uuid UUID, path string) (BlockStats, error)
	// SendProcessSignal sends signal signum (a
	// VIR_DOMAIN_PROCESS_SIGNAL_* value) to process pid of the
	// container's PID namespace.
	SendProcessSignal(ctx context.Context, uuid UUID, pid int64, signum uint32, flags uint32) error
}
