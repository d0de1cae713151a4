// Package xmlmap converts libvirt domain XML to an LXC container config
// (lxc.container.conf(5)) and back. It is pure: no file system, no exec, no
// clock; host facts (cgroup layout, network→bridge map) and random UUIDs come
// in through Options.
//
// What is accepted follows libvirt's own LXC driver (src/lxc: lxc_container.c,
// lxc_process.c, lxc_cgroup.c, lxc_controller.c, lxc_driver.c, and the domain
// schema it validates against):
//
//   - What libvirt-lxc honours is honoured, through the LXC config.
//   - What libvirt-lxc accepts and ignores is accepted and ignored: it stays
//     in the domain XML, nothing reaches the config, and Mapped.Ignored names
//     it for the driver's debug log (accessmode on mount filesystems,
//     <iothreads>, <controller>, <perf>, <memoryBacking>, <cputune> pinning
//     and scheduling, <log> on consoles after the first, the guest <cpu>
//     with its NUMA cells).
//   - <os><cmdline> reaches init's environment as LIBVIRT_LXC_CMDLINE, as
//     libvirt-lxc passes it. The first console's <log file> is honoured
//     (lxc.console.logfile), which libvirt-lxc does not do; Mapped.ConsoleLog
//     tells the driver whether to empty it before a start.
//   - Only what libvirt-lxc refuses, or what lxcvirt cannot honour although
//     libvirt-lxc does (a gap, listed in the README), is refused, with
//     ErrConfigUnsupported naming the element or attribute.
//   - Everything else fails closed: every libvirtxml field that is not
//     explicitly mapped or classified as ignored is refused, never dropped.
//
// Decisions worth knowing:
//
//   - Values reaching the config may not contain control characters
//     (newline, carriage return, NUL …) or leading/trailing blanks, which
//     LXC's one-line, trimmed format cannot carry. '=' is allowed wherever
//     LXC reads the value verbatim after the key's '=' (names, environment
//     values, init arguments); environment names must match
//     [A-Za-z_][A-Za-z0-9_]*.
//   - Paths must be absolute and may not contain ".." components; they are
//     cleaned. Paths in lxc.mount.entry may not contain blanks or backslashes.
//   - LXC splits lxc.init.cmd at spaces without quoting, so <init> and
//     <initarg> values with whitespace, and empty arguments, are refused.
//     Arguments starting with '-' are accepted: they reach only the
//     container's init, never an lxc-* command line.
//   - <inituser>/<initgroup> must be numeric (LXC does not resolve names).
//   - Without <interface>, the container gets a private network namespace
//     with only lo, with or without <privnet/>. lo is always up (a last
//     lxc.net.N.type = empty with flags up, the one network LXC brings lo
//     up for), as libvirt-lxc brings it up.
//   - Routes other than a default gateway, point-to-point addresses
//     (<ip peer>), an ethernet interface's host-side <source><ip>/<route>,
//     <bandwidth> and Open vSwitch external-ids have no LXC key: Interface
//     carries them for the driver to set up after the start.
//   - A missing <mac> is derived from the UUID (libvirt-lxc's 00:16:3e OUI),
//     so it is stable; a missing <uuid> comes from Options.NewUUID.
//   - <disk>, <hostdev> storage/misc/usb and <filesystem type='block'/'file'>
//     become device nodes bound into the container's /dev or mounts of the
//     device (see Device); their device numbers, loop devices and
//     filesystem types come in Options.DeviceFacts at a start.
//   - <lxc:namespace> sharenet/shareipc/shareuts join another domain's,
//     a process's or a named network namespace (lxc.namespace.share.*).
//   - Every container gets libvirt-lxc's device allow-list (DefaultDevices)
//     and, from the host facts in Options, LXC's seccomp policy, an
//     AppArmor profile (<seclabel>) and lxcfs's bind mounts.
//   - Memory sizes above MaxMemoryKiB (what a memory cgroup can hold) are
//     ErrXMLError; cgroup v2 gets cpu.weight = <shares> and memory.high =
//     <soft_limit>, as libvirt's cgroup v2 backend writes them.
package xmlmap

import (
	"net/netip"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/subid"
)

// CgroupLayout selects which cgroup keys the config carries.
type CgroupLayout int

const (
	// CgroupV1 writes lxc.cgroup.* keys (legacy or hybrid hosts).
	CgroupV1 CgroupLayout = iota
	// CgroupV2 writes lxc.cgroup2.* keys (unified hosts).
	CgroupV2
)

// Options carries the host facts the mapping depends on.
type Options struct {
	Cgroup CgroupLayout
	// DefaultBridge is used by <interface type='bridge'> without a
	// <source bridge=…> (e.g. the old <source network=…> syntax).
	DefaultBridge string
	// Networks maps a libvirt network name to its bridge for
	// <interface type='network'>; "default" maps to DefaultBridge when absent.
	Networks map[string]string
	// NetworkPorts is set when libvirt's network driver may serve the
	// networks: an <interface type='network'> whose <source> carries the
	// portid and bridge of the port made for it is attached to that
	// bridge (as libvirt's live XML shows a port).
	NetworkPorts bool
	// NetworksAtStart accepts a network that Networks does not name: it
	// is resolved when the domain starts, as libvirt checks networks then.
	NetworksAtStart bool
	// NewUUID supplies a UUID for a definition without one. When it is nil,
	// ToConfig refuses a definition without <uuid> (ErrInternalError) and
	// FromConfig leaves <uuid> empty.
	NewUUID func() [16]byte
	// SeccompProfile is LXC's default seccomp policy
	// (/usr/share/lxc/config/common.seccomp), written as
	// lxc.seccomp.profile; empty writes none.
	SeccompProfile string
	// AppArmor is set where LXC confines containers with AppArmor: every
	// container gets a profile (see <seclabel>); without it an AppArmor
	// <seclabel> is refused.
	AppArmor bool
	// LXCFS is what lxcfs serves, set while it runs: every container with
	// a root of its own gets lxcfs's /proc files (meminfo, cpuinfo, stat,
	// uptime …) and /sys/devices/system/cpu bind-mounted over its own,
	// the mounts lxcfs's LXC mount hook (/usr/share/lxcfs/lxc.mount.hook)
	// makes, written as optional lxc.mount.entry lines so that LXC makes
	// them itself instead of running the hook's shell script at each
	// start. Debian's lxcfs also adds a post-stop hook to LXC's common
	// config; it only sleeps half a second, which would delay every
	// destroy, and is left out.
	LXCFS *LXCFS
	// NoOpenVSwitch is set, when a container starts, on a host without
	// Open vSwitch's ovs-vsctl: a <virtualport type='openvswitch'> is then
	// refused. Definitions are not checked against it.
	NoOpenVSwitch bool
	// DeviceFacts, given at a start, are the host's facts about each of
	// Mapped.Devices (as a mapping without them lists them): the device
	// numbers, loop devices and filesystem types their keys need. nil
	// maps the definition without those keys.
	DeviceFacts []DeviceFacts
	// BlockDevice resolves a <blkiotune><device><path> other than
	// /dev/block/MAJ:MIN to its "MAJ:MIN", as libvirt-lxc stats the path
	// when it sets up the cgroup; nil refuses such paths.
	BlockDevice func(path string) (string, error)
	// DomainInit resolves the name of another domain, which must be
	// running, to its init's host PID, for <lxc:namespace> type='name' at a
	// start; nil (a definition) leaves those to the start.
	DomainInit func(name string) (int, error)
	// BlkioWeight is the host's blkio weight file, relative to the
	// controller: "bfq.weight" (the BFQ scheduler, which libvirt tries
	// first), "weight" (CFQ, or cgroup v2's io.weight), NoBlkioWeight when
	// it has neither (a <blkiotune><weight> is then refused, as libvirt
	// refuses to set it); "" is "weight". A per-device weight needs CFQ's
	// weight_device, as in libvirt.
	BlkioWeight string
	// UserNS is set by a session daemon, one run by an unprivileged user:
	// every container then runs in a user namespace within the host ids
	// the user was granted (see UserNS).
	UserNS *UserNS
}

// NoBlkioWeight is Options.BlkioWeight on a host without a blkio weight.
const NoBlkioWeight = "none"

// UserNS are the host ids a session daemon's user may map into containers
// (their /etc/subuid and /etc/subgid ranges). With it, a definition
// without <idmap> gets one that maps container ids from 0 onto the ranges
// in order (and keeps it, so dumpxml shows it); an <idmap> range whose
// target lies outside them is refused. No device cgroup is written: it
// needs CAP_SYS_ADMIN on the host, which an unprivileged LXC lacks (LXC's
// userns.conf clears it too); in a user namespace device nodes cannot be
// created, and only the ones LXC binds in can be opened.
type UserNS struct {
	UIDs, GIDs []subid.Range
}

// IDMap is the <idmap> a definition without one gets: container ids
// from 0 onto the ranges, in order.
func (ns *UserNS) IDMap() *libvirtxml.DomainIDMap {
	return &libvirtxml.DomainIDMap{UIDs: idmapOnto(ns.UIDs), GIDs: idmapOnto(ns.GIDs)}
}

// Entry is one "key = value" line of an LXC config.
type Entry struct {
	Key   string
	Value string
}

// Config is an ordered LXC container config.
type Config []Entry

// Lifecycle holds the <on_*> actions the driver applies (libvirt names:
// "destroy", "restart", "preserve", …), defaults filled in.
type Lifecycle struct {
	OnPoweroff string
	OnReboot   string
	OnCrash    string
}

// Mapped is a validated definition: the normalised domain (UUID filled in)
// and the LXC config that runs it, plus the facts the driver needs without
// re-deriving them from either.
type Mapped struct {
	// Domain is the normalised definition: UUID, MACs, default bridge,
	// init, memory units, console targets and lifecycle actions filled in,
	// the <domain id=…> and live-only attributes cleared. Format it with
	// FormatDomain for an inactive dumpxml.
	Domain    *libvirtxml.Domain
	Config    Config
	Lifecycle Lifecycle

	// Name is the domain (and LXC container) name, valid per ValidateName.
	Name string
	// UUID is the canonical lower-case dashed UUID.
	UUID string
	// MaxMemKiB is <memory> in KiB; CurMemKiB is <currentMemory> (never
	// above MaxMemKiB). MemLimitKiB is the limit written to the memory
	// cgroup (<memtune><hard_limit> when set, else MaxMemKiB).
	MaxMemKiB   uint64
	CurMemKiB   uint64
	MemLimitKiB uint64
	// VCPUs is <vcpu> (1 when absent); LXC does not limit the CPU count,
	// only CPUSet (from <vcpu cpuset=…>) when given.
	VCPUs  uint
	CPUSet string
	// Nesting is set when the definition opts into nesting (Namespace).
	Nesting bool
	// Imported is the directory of the LXC container the definition was
	// imported from (<lxcvirt:imported path>); "" when none.
	Imported string
	// Consoles is the number of <console type='pty'> devices; Console is
	// Consoles > 0. Without a console the config sets lxc.console.path=none.
	Consoles int
	Console  bool
	// RootFS is the host directory mounted as the container's /; empty
	// means the container shares the host's root (no <filesystem> on /).
	RootFS string
	// RootImage is the raw image or block device mounted as the
	// container's / (through a loop device LXC attaches); empty for a
	// directory or the host's root.
	RootImage string
	// Init is the argv run as the container's init (<init> + <initarg>).
	Init []string
	// InitUser and InitGroup are <inituser> and <initgroup> given by name:
	// libvirt-lxc resolves them in the container, so the config lacks
	// lxc.init.uid / lxc.init.gid and the driver adds them at each start
	// from the root filesystem's /etc/passwd and /etc/group. Numeric ids
	// go into the config directly and leave these empty.
	InitUser, InitGroup string
	// Interfaces lists the network interfaces in config order
	// (lxc.net.N for Interfaces[N]); empty means a private network
	// namespace with only lo.
	Interfaces []Interface
	// HostNICs are the host network devices moved into the container
	// (<hostdev mode='capabilities' type='net'>, LXC's phys networks).
	HostNICs []string
	// Devices are the host devices the container gets (<disk>,
	// <hostdev> storage, misc and usb, <filesystem type='block'/'file'>),
	// in the order Options.DeviceFacts follows. Their keys are in Config
	// only when the facts were given.
	Devices []Device
	// ConsoleLog is the first console's <log>, written by LXC
	// (lxc.console.logfile); nil without one.
	ConsoleLog *ConsoleLog
	// Ignored names the accepted elements that have no effect on the
	// container, as libvirt-lxc ignores them (for a debug log).
	Ignored []string
}

// ConsoleLog is where the container's console output is copied.
type ConsoleLog struct {
	Path string
	// Append keeps what the file holds (append='on'). LXC always
	// appends, so without it the driver truncates the file before each
	// start, as libvirt does for append='off' or no append.
	Append bool
}

// Interface is one mapped <interface>: a veth pair, or a macvlan for
// Type "direct".
type Interface struct {
	// Type is the libvirt interface type: "bridge", "network", "ethernet"
	// or "direct".
	Type string
	// Network is the libvirt network name for Type "network".
	Network string
	// Bridge is the host bridge the veth joins; empty for "ethernet" and
	// "direct".
	Bridge string
	// Link and Mode are a direct interface's host device and macvlan mode.
	Link string
	Mode string
	// MAC is the guest-side address (given or derived from the UUID).
	MAC string
	// HostDev is the host-side veth name from <target dev>; empty lets
	// LXC choose one. A macvlan has no host side: it is only named here.
	HostDev string
	// GuestDev is the name inside the container from <guest dev>; empty
	// lets LXC choose (eth0, eth1, …).
	GuestDev string
	// Addrs are the guest's point-to-point addresses (<ip peer>), which
	// LXC has no key for: added in the container's network namespace
	// after start, through the device with MAC, before Routes.
	Addrs []Addr
	// Routes are the routes other than the default gateways, which LXC
	// has no key for: added in the container's network namespace after
	// start, through the device with MAC. A default gateway of a family
	// with a peer address is among them (it may need that address).
	Routes []Route
	// HostAddrs and HostRoutes are an ethernet interface's host-side
	// <source><ip> and <route>, added to HostDev after start as
	// libvirt-lxc adds them (virNetDevIPInfoAddToDev); they go with the
	// veth.
	HostAddrs  []Addr
	HostRoutes []Route
	// Bandwidth is <bandwidth>, set on HostDev after start; nil without.
	Bandwidth *Bandwidth
	// OVS is the Open vSwitch port of <virtualport type='openvswitch'>;
	// nil without.
	OVS *OVSPort
}

// Addr is an address an interface gets after start: Local with its
// prefix, and the point-to-point peer (invalid for none). An IPv4
// address without a peer gets its broadcast, as libvirt gives it.
type Addr struct {
	Local netip.Prefix
	Peer  netip.Addr
}

// Route is one <route> of an interface.
type Route struct {
	Dst     netip.Prefix
	Gateway netip.Addr
	Metric  uint32
}

// Bandwidth is an interface's <bandwidth>, from the guest's point of view:
// Inbound is what the guest receives, Outbound what it sends.
type Bandwidth struct {
	Inbound  *Rate
	Outbound *Rate
}

// Rate is one direction of <bandwidth>: average and peak in KiB/s, burst
// in KiB (libvirt's units); zero when not given.
type Rate struct {
	Average uint64
	Peak    uint64
	Burst   uint64
}

// OVSPort is what libvirt records on an Open vSwitch port
// (external-ids): the bridge, Neutron's port UUID and the profile.
type OVSPort struct {
	Bridge      string
	InterfaceID string
	ProfileID   string
}
