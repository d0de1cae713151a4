package xmlmap

import (
	"fmt"
	"path"
	"slices"
	"strings"
)

// Isolation: the device cgroup allow-list, the seccomp policy, the AppArmor
// profile and lxcfs's /proc views every container gets.

// DeviceRule is one device cgroup rule: node type 'c' or 'b', major,
// minor (AnyMinor for every minor of the major) and access ("r", "w",
// "m" combined).
type DeviceRule struct {
	Type   byte
	Major  uint32
	Minor  int64
	Access string
}

// AnyMinor is DeviceRule.Minor for every minor of a major.
const AnyMinor = -1

// String is the rule in the cgroup's devices.allow syntax ("c 1:3 rwm",
// "c 136:* rwm"), which LXC takes for both cgroup layouts.
func (r DeviceRule) String() string {
	minor := "*"
	if r.Minor != AnyMinor {
		minor = fmt.Sprint(r.Minor)
	}
	return fmt.Sprintf("%c %d:%s %s", r.Type, r.Major, minor, r.Access)
}

// DefaultDevices is libvirt-lxc's device allow-list
// (lxc_cgroup.c virLXCCgroupSetupDeviceACL): every device is denied but
// /dev/null, zero, full, random, urandom, tty, ptmx, fuse and the devpts
// ptys (major 136), read, write and mknod. /dev/console is a devpts pty,
// as it is in libvirt-lxc.
var DefaultDevices = []DeviceRule{
	{'c', 1, 3, "rwm"},          // null
	{'c', 1, 5, "rwm"},          // zero
	{'c', 1, 7, "rwm"},          // full
	{'c', 1, 8, "rwm"},          // random
	{'c', 1, 9, "rwm"},          // urandom
	{'c', 5, 0, "rwm"},          // tty
	{'c', 5, 2, "rwm"},          // ptmx
	{'c', 10, 229, "rwm"},       // fuse
	{'c', 136, AnyMinor, "rwm"}, // pts
}

// deviceACL writes the device cgroup: deny everything, then allow
// DefaultDevices, then the devices the definition gives the container
// (<disk>, <hostdev>, block filesystems; see Device).
// On cgroup v2 LXC enforces the same keys with a BPF device program.
// Unprivileged containers (Options.UserNS) get none: see UserNS.
func (mp *mapper) deviceACL() error {
	if mp.opts.UserNS != nil {
		return nil
	}
	deny, allow := "lxc.cgroup.devices.deny", "lxc.cgroup.devices.allow"
	if mp.opts.Cgroup == CgroupV2 {
		deny, allow = "lxc.cgroup2.devices.deny", "lxc.cgroup2.devices.allow"
	}
	mp.add(deny, "a")
	for _, r := range DefaultDevices {
		mp.add(allow, r.String())
	}
	for _, r := range mp.grants {
		mp.add(allow, r.String())
	}
	return nil
}

// confinement writes the seccomp policy and the AppArmor profile the host
// provides (Options), and honours <seclabel>.
func (mp *mapper) confinement() error {
	if p := mp.opts.SeccompProfile; p != "" {
		path, err := checkPath("seccomp profile", p)
		if err != nil {
			return err
		}
		mp.add("lxc.seccomp.profile", path)
	}
	return mp.seclabel()
}

// LXCFS is what lxcfs serves on the host (see Options.LXCFS).
type LXCFS struct {
	// Dir is lxcfs's mount point, /var/lib/lxcfs (the only one
	// FromConfig recognises).
	Dir string
	// Proc names the files lxcfs serves in Dir/proc.
	Proc []string
	// CPUDir is set when lxcfs serves Dir/sys/devices/system/cpu as a
	// whole (it has a uevent file): it is bound over the container's as
	// one; otherwise each entry of CPU is bound over its namesake.
	CPUDir bool
	CPU    []string
}

// lxcfs writes the bind mounts of lxcfs's LXC mount hook as optional mount
// entries, after every other mount entry (where the hook ran): each /proc
// file lxcfs serves, /sys/devices/system/cpu (whole or entry by entry), and
// lxcfs's own mount point for a container that has /var/lib/lxcfs (nested
// lxcfs). A missing target fails the mount, which optional skips, as the
// hook skips what the container lacks. The hook's cgroup part does nothing
// here: LXC gives every container a cgroup namespace. A container sharing
// the host's root gets none of these.
func (mp *mapper) lxcfs() error {
	l := mp.opts.LXCFS
	if l == nil || mp.out.RootFS == "" && mp.out.RootImage == "" {
		return nil
	}
	dir, err := checkFieldPath("lxcfs directory", l.Dir)
	if err != nil {
		return err
	}
	bind := func(src, target string) {
		mp.add("lxc.mount.entry", fmt.Sprintf("%s %s none bind,optional 0 0", src, target))
	}
	for _, n := range lxcfsNames(l.Proc) {
		bind(path.Join(dir, "proc", n), "proc/"+n)
	}
	const cpu = "sys/devices/system/cpu"
	if l.CPUDir {
		bind(path.Join(dir, cpu), cpu)
	} else {
		for _, n := range lxcfsNames(l.CPU) {
			bind(path.Join(dir, cpu, n), cpu+"/"+n)
		}
	}
	bind(dir, strings.TrimPrefix(dir, "/"))
	return nil
}

// lxcfsMountPoint is where Debian's lxcfs serves its files.
const lxcfsMountPoint = "/var/lib/lxcfs"

// isLXCFSBind tells a bind mount of lxcfs's files (see LXCFS).
func isLXCFSBind(src, opts string) bool {
	return (src == lxcfsMountPoint || strings.HasPrefix(src, lxcfsMountPoint+"/")) &&
		(hasOption(opts, "bind") || hasOption(opts, "rbind"))
}

// lxcfsNames are the directory entries in names an fstab line can carry,
// sorted, each once (lxcfs lists some twice).
func lxcfsNames(names []string) []string {
	var out []string
	for _, n := range names {
		if n == "" || n == "." || n == ".." || strings.ContainsAny(n, "/ \t\\\n\r\x00") {
			continue
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// seclabel maps <seclabel> the way libvirt applies its AppArmor security
// driver: where AppArmor is enabled every container is confined, by a
// profile generated for it (type='dynamic' or no <seclabel>; LXC's
// "generated", with nesting allowed as Debian's /etc/lxc/default.conf has
// it), by a named profile (type='static' label=PROFILE) or not at all
// (type='none'). Where AppArmor is not enabled, LXC runs containers
// unconfined and the config names no profile; an AppArmor <seclabel> is
// then refused as libvirt refuses a security model it has no driver for.
// SELinux labels are not supported.
func (mp *mapper) seclabel() error {
	labels := mp.d.SecLabel
	if len(labels) > 1 {
		return unsupported("only one <seclabel> is supported by the LXC driver")
	}
	var s = struct{ Type, Model, Label string }{Type: "dynamic"}
	if len(labels) == 1 {
		l := &labels[0]
		if l.ImageLabel != "" || l.BaseLabel != "" {
			return unsupported("<seclabel> <imagelabel>/<baselabel> are not supported by the LXC driver")
		}
		switch l.Relabel {
		case "", "yes", "no":
		default:
			return xmlErr("<seclabel relabel=%q>: expected 'yes' or 'no'", l.Relabel)
		}
		s.Type, s.Model, s.Label = l.Type, l.Model, l.Label
		if l.Type == "dynamic" {
			// libvirt reads a dynamic label only from live XML.
			l.Label = ""
		}
	}
	switch s.Type {
	case "none":
		if s.Label != "" {
			return xmlErr("<seclabel type='none'> must not have a <label>")
		}
		if mp.opts.AppArmor {
			mp.add("lxc.apparmor.profile", "unconfined")
		}
		return nil
	case "dynamic", "static":
	case "":
		return xmlErr("<seclabel> needs a type")
	default:
		return xmlErr("<seclabel type=%q>: expected 'dynamic', 'static' or 'none'", s.Type)
	}
	switch s.Model {
	case "apparmor":
	case "":
		if len(labels) == 0 && !mp.opts.AppArmor {
			return nil
		}
		if !mp.opts.AppArmor {
			return unsupported("<seclabel type='%s'>: this host has no security driver (AppArmor is not enabled)", s.Type)
		}
	default:
		return unsupported("<seclabel model='%s'> is not supported by the LXC driver (only 'apparmor')", s.Model)
	}
	if !mp.opts.AppArmor {
		return unsupported("<seclabel type='%s' model='apparmor'>: AppArmor is not enabled on this host", s.Type)
	}
	if s.Type == "static" {
		if s.Label == "" {
			return xmlErr("<seclabel type='static'> needs a <label> (the AppArmor profile)")
		}
		if err := checkText("<seclabel><label>", s.Label); err != nil {
			return err
		}
		mp.add("lxc.apparmor.profile", s.Label)
		return nil
	}
	mp.add("lxc.apparmor.profile", "generated")
	mp.add("lxc.apparmor.allow_nesting", "1")
	return nil
}
