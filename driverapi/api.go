// Package driverapi is the driver contract between lxcvirtd and a domain
// driver: the Driver interface, shaped like libvirt's domain API, the
// optional interfaces a driver may add (consoles, metadata, host facts),
// the types and flags they carry and the errors callers branch on. It
// holds no implementation: the daemon, the wire server and the plugin
// boundary link it without linking any driver.
package driverapi

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"
)

// UUID is a domain's raw 16-byte UUID, as it travels on libvirt's wire.
type UUID = libvirt.UUID

// Domain identifies a domain the way libvirt's remote_nonnull_domain does.
// ID is the container init's host PID while it runs, -1 otherwise.
type Domain struct {
	Name string
	UUID UUID
	ID   int32
}

// Status is a domain's identity with its state and its flags, everything a
// listing needs in one call.
type Status struct {
	Domain
	State      libvirt.DomainState
	Reason     int32 // the libvirt reason enum that goes with State
	Persistent bool
	Autostart  bool
	// ManagedSave: the domain has a managed save image (Saver).
	ManagedSave bool
}

// Info is what virDomainGetInfo reports.
type Info struct {
	State     libvirt.DomainState
	MaxMemKiB uint64
	MemKiB    uint64
	VCPUs     uint16
	CPUTimeNs uint64
}

// InterfaceStats are a container interface's counters, seen from the guest.
type InterfaceStats struct {
	Name      string // host-side device name (the veth)
	MAC       string // the guest-side MAC address
	RxBytes   uint64
	RxPackets uint64
	RxErrs    uint64
	RxDrop    uint64
	TxBytes   uint64
	TxPackets uint64
	TxErrs    uint64
	TxDrop    uint64
}

// Stats are a running domain's resource counters, read from its cgroup and
// its network devices.
type Stats struct {
	Status
	CPUTimeNs   uint64
	CPUUserNs   uint64
	CPUSystemNs uint64
	// PerCPUNs is the CPU time spent on each host CPU, indexed by CPU
	// number; nil when the cgroup does not account per CPU (cgroup v2).
	PerCPUNs   []uint64
	MemKiB     uint64 // current memory use
	MaxMemKiB  uint64 // the limit
	CurMemKiB  uint64 // <currentMemory>: libvirt's balloon size ("actual")
	VCPUs      uint16
	Interfaces []InterfaceStats
}

// EventKind says which libvirt event an Event is.
type EventKind int32

// Event kinds, named after libvirt's VIR_DOMAIN_EVENT_ID_*.
const (
	EventLifecycle      EventKind = 0  // VIR_DOMAIN_EVENT_ID_LIFECYCLE
	EventReboot         EventKind = 1  // VIR_DOMAIN_EVENT_ID_REBOOT
	EventDeviceRemoved  EventKind = 15 // VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED
	EventTunable        EventKind = 17 // VIR_DOMAIN_EVENT_ID_TUNABLE
	EventDeviceAdded    EventKind = 19 // VIR_DOMAIN_EVENT_ID_DEVICE_ADDED
	EventMetadataChange EventKind = 23 // VIR_DOMAIN_EVENT_ID_METADATA_CHANGE
)

// Event is a domain event. For EventLifecycle, Type is a
// libvirt.DomainEventType and Detail its matching detail enum. For
// EventMetadataChange, Type is the MetadataType that changed and NSURI the
// namespace of a changed MetadataElement ("" otherwise). For
// EventDeviceAdded and EventDeviceRemoved, Alias is the device's alias.
// For EventTunable, Tunable lists the tunables that changed (a pointer,
// so that events stay comparable).
type Event struct {
	Kind    EventKind
	Domain  Domain
	Type    int32
	Detail  int32
	NSURI   string
	Alias   string
	Tunable *Tunables
}

// Tunables are the parameters of a tunable event, named as libvirt's
// VIR_DOMAIN_TUNABLE_* ("cputune.cpu_shares", …).
type Tunables struct {
	Params []Param
}

// Flags the driver honours, values from libvirt.
const (
	XMLInactive    = uint32(libvirt.DomainXMLInactive) // XMLDesc: the persistent definition
	ListAll        = uint32(0)
	UndefineNVRAM  = uint32(libvirt.DomainUndefineNvram)
	ShutdownSignal = uint32(libvirt.DomainShutdownSignal)
)

// Driver is a domain driver, shaped like libvirt's domain API. Domains
// are addressed by UUID, as libvirt's server does after decoding a
// remote_nonnull_domain. Every error it returns is a *virterror.Error
// carrying libvirt's error number. The wire server calls it in process or
// through the plugin boundary; implementations are safe for concurrent use.
type Driver interface {
	// DefineXML adds or replaces a persistent definition.
	DefineXML(ctx context.Context, xml string, flags uint32) (Domain, error)
	// CreateXML starts a transient domain; it is forgotten once it stops.
	CreateXML(ctx context.Context, xml string, flags uint32) (Domain, error)
	// Undefine removes a definition; a running domain becomes transient.
	Undefine(ctx context.Context, uuid UUID, flags uint32) error
	// Create starts a defined domain.
	Create(ctx context.Context, uuid UUID, flags uint32) (Domain, error)
	// Shutdown asks init to halt and escalates to a kill after the grace period.
	Shutdown(ctx context.Context, uuid UUID, flags uint32) error
	// Destroy kills the container at once.
	Destroy(ctx context.Context, uuid UUID, flags uint32) error
	// Reboot restarts the container.
	Reboot(ctx context.Context, uuid UUID, flags uint32) error
	// Suspend freezes the container.
	Suspend(ctx context.Context, uuid UUID) error
	// Resume thaws it.
	Resume(ctx context.Context, uuid UUID) error

	LookupByName(ctx context.Context, name string) (Domain, error)
	LookupByUUID(ctx context.Context, uuid UUID) (Domain, error)
	LookupByID(ctx context.Context, id int32) (Domain, error)

	// ListAll lists domains filtered by libvirt's
	// VIR_CONNECT_LIST_DOMAINS_* flags (0 = all).
	ListAll(ctx context.Context, flags uint32) ([]Status, error)
	// Status reports one domain's state, reason and flags.
	Status(ctx context.Context, uuid UUID) (Status, error)
	// XMLDesc returns the live XML, or the persistent one with XMLInactive.
	XMLDesc(ctx context.Context, uuid UUID, flags uint32) (string, error)
	Info(ctx context.Context, uuid UUID) (Info, error)
	SetAutostart(ctx context.Context, uuid UUID, autostart bool) error
	// Stats reports resource counters for the given domains (all when
	// uuids is empty), like virConnectGetAllDomainStats: a domain that does
	// not exist or vanishes meanwhile is left out, never an error.
	Stats(ctx context.Context, uuids []UUID) ([]Stats, error)
	// Events streams domain events until ctx ends.
	Events(ctx context.Context) (<-chan Event, error)
	// Close releases the driver; running containers keep running.
	Close() error
}
