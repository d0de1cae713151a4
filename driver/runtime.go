package driver

import (
	"context"
	"io"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Runtime is what the driver needs of LXC and the kernel: package lxc's
// Runtime (wrapped by lxcRuntime) in the plugin, an in-memory fake in the
// driver's unit tests. Errors unwrap to lxc's sentinels (ErrNotFound,
// ErrNotRunning, ErrAlreadyRunning, ErrTimeout, ErrConsoleBusy).
type Runtime interface {
	// CgroupLayout is the host's cgroup layout, Confinement how LXC
	// confines containers there, and LXCFS what lxcfs serves (nil while
	// it does not run): facts for the LXC config.
	CgroupLayout() xmlmap.CgroupLayout
	Confinement() lxc.Confinement
	LXCFS() *xmlmap.LXCFS
	// RunningInit finds the init of name's running container by reading
	// the kernel's and LXC's files (see lxc.Runtime.RunningInit); 0 when
	// they do not tell and State must be asked.
	RunningInit(name string) int
	// NetCounters reads every host network device's counters at once
	// (see lxc.Runtime.NetCounters).
	NetCounters() (map[string]lxc.Interface, error)
	// OpenVSwitch reports whether Open vSwitch's tools are installed.
	OpenVSwitch() bool
	// MissingNetDevice returns the first of devs that is not a network
	// device of the host ("" when all are).
	MissingNetDevice(devs []string) string
	// Start writes config as name's LXC config, starts the container and
	// returns the handle of its init; errors unwrap to lxc.ErrSetup when
	// nothing could be written.
	Start(ctx context.Context, name string, config []byte) (Container, error)
	// Defined reports whether name has an LXC config; Remove deletes its
	// directory (config, logs and snapshot copies; the rootfs is the
	// user's).
	Defined(name string) bool
	Remove(ctx context.Context, name string) error
	// State reports name's LXC state and its init's PID (0 when stopped).
	State(ctx context.Context, name string) (lxc.State, int, error)
	// StateIn reports the LXC state of container name of another lxcpath
	// (lxc.Stopped when it does not exist).
	StateIn(ctx context.Context, lxcpath, name string) (lxc.State, error)
	// Adopt returns the handle of name's running init pid.
	Adopt(name string, pid int) Container
	// Stop runs lxc-stop for name, whatever init runs it.
	Stop(ctx context.Context, name string, o lxc.StopOptions) error
	// StateStream reports LXC's state changes (not init exits: those
	// reach Container.Wait) until ctx ends or the stream breaks, when the
	// channel closes; lxc.ErrNoStreaming when there is none.
	StateStream(ctx context.Context) (<-chan lxc.StateEvent, error)
	// ConsoleRelay keeps console tty of container name on a host pty until
	// ctx ends or it is closed; running tells whether the current init
	// still runs.
	ConsoleRelay(ctx context.Context, name string, tty int, logged bool, running func() bool) (ConsolePTY, error)
	// PrepareDevices resolves a start's host devices (loop devices for
	// image files, device numbers, filesystem types) and ReleaseLoops
	// detaches the loop devices it attached (see lxc.Runtime).
	PrepareDevices(ctx context.Context, devs []xmlmap.Device) ([]xmlmap.DeviceFacts, []lxc.Loop, error)
	ReleaseLoops(loops []lxc.Loop)
	// InitIDs resolves an init's user and group names in the root
	// filesystem rootfs (see lxc.InitIDs).
	InitIDs(rootfs, user, group string) (uid, gid string, err error)
	// BlockDevice resolves a host block device node to "MAJ:MIN";
	// BlkioWeightFile is the blkio weight file the host has, relative to
	// the controller ("" when none; see lxc.Runtime.BlkioWeightFile).
	BlockDevice(path string) (string, error)
	BlkioWeightFile() string
	// CopyRootfs copies the root filesystem rootfs into name's snapshot
	// snap, RestoreRootfs makes rootfs what the copy holds,
	// RemoveSnapshotCopy deletes the copy (and the memory dump) and
	// HasSnapshotCopy reports whether there is one; SnapshotMemoryPath
	// is where a full system snapshot's CRIU dump goes and
	// HasSnapshotMemory whether it is there (see lxc.Runtime).
	CopyRootfs(ctx context.Context, name, snap, rootfs string) error
	RestoreRootfs(ctx context.Context, name, snap, rootfs string) error
	RemoveSnapshotCopy(ctx context.Context, name, snap string) error
	HasSnapshotCopy(name, snap string) bool
	SnapshotMemoryPath(name, snap string) (string, error)
	HasSnapshotMemory(name, snap string) bool
	// Checkpoint dumps name's running container into dir with CRIU and,
	// when stop, stops it; a failed dump leaves it running
	// (lxc.CheckpointError).
	// Restore writes config as its LXC config and restores it from dir.
	Checkpoint(ctx context.Context, name, dir string, stop bool) error
	Restore(ctx context.Context, name string, config []byte, dir string) (Container, error)
}

// Container is the handle of one running init of a container (see
// lxc.Container).
type Container interface {
	PID() int
	// Exited is closed once init has exited; Running asks the kernel.
	// AfterExit runs fn in a goroutine of its own once init has exited
	// (no goroutine waits until then); stop cancels that and reports
	// whether it did, as context.AfterFunc's.
	Exited() <-chan struct{}
	AfterExit(fn func()) (stop func() bool)
	Running() bool
	// MonitorExited is closed once LXC's monitor has cleaned up after the
	// container; nil when unknown.
	MonitorExited() <-chan struct{}
	// Wait waits for init's exit and LXC's report of how it exited.
	Wait(ctx context.Context) lxc.Exit
	// Stop asks init to halt or reboot (lxc-stop).
	Stop(ctx context.Context, o lxc.StopOptions) error
	// Kill SIGKILLs init and waits until LXC has cleaned up.
	Kill(ctx context.Context) error
	Freeze(ctx context.Context) error
	Thaw(ctx context.Context) error
	Frozen() (bool, error)
	Usage() (lxc.Usage, error)
	Interface(dev string) (lxc.Interface, error)
	// SetupNetwork does, right after the start, what the interfaces ask
	// and LXC has no keys for (bandwidth, Open vSwitch external-ids,
	// routes beyond the default gateways); uuid is the domain's.
	SetupNetwork(ctx context.Context, uuid string, ifaces []xmlmap.Interface) error
	// AttachInterface adds a veth pair or a macvlan to the container's
	// network namespace, sets it up as a start would (uuid is the
	// domain's) and returns the guest end's name; DetachInterface
	// deletes the pair with host end hostDev; SetInterfaceLink sets the
	// guest device with MAC address mac up or down (see lxc.Container).
	AttachInterface(ctx context.Context, uuid string, d lxc.NetDevice) (string, error)
	DetachInterface(hostDev string) error
	SetInterfaceLink(mac net.HardwareAddr, up bool) error
	// AddNode makes a device node in the container and allows it in its
	// device cgroup; RemoveNode removes the node at path and denies it
	// (see lxc.Container).
	AddNode(ctx context.Context, n lxc.DeviceNode) error
	RemoveNode(ctx context.Context, path string) error
	// Tunable and SetTunable read and write one of the container's
	// cgroup limits, SetDeviceLimit a per-device blkio limit, BlockIO its
	// block I/O totals (see lxc.Container); errors unwrap to
	// lxc.ErrNoController or lxc.ErrNoTunable when the host lacks them.
	Tunable(t lxc.Tunable) (int64, error)
	SetTunable(t lxc.Tunable, v int64) error
	SetDeviceLimit(l lxc.DeviceLimit, dev string, v uint64) error
	BlockIO() (lxc.BlockIO, error)
	// SignalProcess sends sig to the process with PID pid in the
	// container's PID namespace (1: init); lxc.ErrNoProcess when there is
	// none, lxc.ErrNotRunning once init has exited.
	SignalProcess(pid int, sig unix.Signal) error
	// OpenNamespaces opens init's namespaces (lxc.Namespaces' order);
	// lxc.ErrNotRunning once init has exited.
	OpenNamespaces() ([]*os.File, error)
	// Close stops watching; the container keeps running.
	Close()
}

// ConsolePTY is one console of a running domain kept on a host pty (see
// lxc.ConsoleRelay).
type ConsolePTY interface {
	Path() string
	// Open is a client's session on the pty.
	Open() (io.ReadWriteCloser, error)
	// State reports whether the pty is attached to the console, why the
	// last attempt failed when it is not, and a channel closed on change.
	State() (attached bool, err error, changed <-chan struct{})
	Booted(running func() bool)
	Retry()
	SetLogged(logged bool)
	Close()
	Wait()
}

// lxcRuntime is lxc.Runtime as the driver's Runtime.
type lxcRuntime struct{ *lxc.Runtime }

func (r lxcRuntime) Start(ctx context.Context, name string, config []byte) (Container, error) {
	c, err := r.Runtime.Start(ctx, name, config)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (r lxcRuntime) Restore(ctx context.Context, name string, config []byte, dir string) (Container, error) {
	c, err := r.Runtime.Restore(ctx, name, config, dir)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (r lxcRuntime) Adopt(name string, pid int) Container { return r.Runtime.Adopt(name, pid) }

func (r lxcRuntime) ConsoleRelay(ctx context.Context, name string, tty int, logged bool, running func() bool) (ConsolePTY, error) {
	c, err := r.Runtime.ConsoleRelay(ctx, name, tty, logged, running)
	if err != nil {
		return nil, err
	}
	return c, nil
}
