package xmlmap

// The fixed parts of every generated config and the defaults libvirt fills
// in, kept in one place.

import "fmt"

// baseConfig is what every container needs regardless of its definition:
// a populated /dev, proc/sys/cgroup mounted the way libvirt-lxc exposes
// them (sys read-only), and a devpts instance for ptys.
var baseConfig = Config{
	{Key: "lxc.autodev", Value: "1"},
	{Key: "lxc.mount.auto", Value: "proc:mixed sys:ro cgroup:mixed"},
	{Key: "lxc.pty.max", Value: "1024"},
}

const (
	// defaultInit is libvirt's init for an <os><type>exe</type> without
	// <init>.
	defaultInit = "/sbin/init"
	// cmdlineEnv is the variable libvirt-lxc passes <os><cmdline> in.
	cmdlineEnv = "LIBVIRT_LXC_CMDLINE"
	// uuidEnv and nameEnv carry the domain's UUID and name to init, as
	// libvirt-lxc passes them (lxc_container.c).
	uuidEnv = "LIBVIRT_LXC_UUID"
	nameEnv = "LIBVIRT_LXC_NAME"
	// defaultMemKiB and defaultVCPUs are lxc_native.c's defaults for a
	// native config without memory or cpu settings.
	defaultMemKiB = 65536
	defaultVCPUs  = 1
	// memUnlimitedKiB is libvirt's VIR_DOMAIN_MEMORY_PARAM_UNLIMITED:
	// a <memtune> limit of this many KiB means "no limit".
	memUnlimitedKiB = (1<<63 - 1) / 1024
	// macPrefix is the OUI libvirt-lxc (and LXC's templates) use for
	// generated MAC addresses.
	macPrefix = "00:16:3e"
)

// guestEnv is the environment libvirt-lxc gives init before the
// definition's <initenv> (lxc_container.c, lxcContainerBuildInitCmd), in
// its order; an <initenv> of the same name replaces the value. LXC itself
// sets container=lxc after lxc.environment, so libvirt-lxc's
// container=lxc-libvirt cannot be passed; container_ttys comes from LXC too.
func guestEnv(uuid, name string) []Entry {
	return []Entry{
		{"PATH", "/bin:/sbin"},
		{"TERM", "linux"},
		{"HOME", "/"},
		{"container_uuid", uuid},
		{uuidEnv, uuid},
		{nameEnv, name},
	}
}

// defaultLifecycle is libvirt's default for <on_poweroff>, <on_reboot>,
// <on_crash>.
var defaultLifecycle = Lifecycle{OnPoweroff: "destroy", OnReboot: "restart", OnCrash: "destroy"}

// defaultDroppedCaps are the capabilities libvirt-lxc drops under
// <capabilities policy='default'> (or no <capabilities> at all) unless the
// definition turns them on: no module loading, clock changes, device nodes,
// audit or LSM control (lxc_container.c). sys_boot stays, as libvirt keeps it
// on every kernel that confines reboot(2) to the PID namespace: an in-guest
// reboot then reaches LXC as a reboot (and <on_reboot> applies) instead of
// failing with EPERM.
var defaultDroppedCaps = []string{"audit_control", "mac_admin", "mknod", "sys_module", "sys_time"}

// lxcArch lists the <type arch=…> values passed through as lxc.arch.
var lxcArch = map[string]bool{
	"i686": true, "x86_64": true, "aarch64": true, "armv7l": true,
	"ppc64": true, "ppc64le": true, "s390x": true, "riscv64": true,
}

// GeneratedMAC is the MAC address libvirt-lxc's OUI gives with the three
// bytes of b, for a device without <mac> (b comes from the caller: the
// package is pure).
func GeneratedMAC(b [3]byte) string {
	return fmt.Sprintf("%s:%02x:%02x:%02x", macPrefix, b[0], b[1], b[2])
}
