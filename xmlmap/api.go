// Package xmlmap converts libvirt domain XML to an LXC container config
// (lxc.container.conf(5)) and back. It is pure: no file system, no exec, no
// clock; host facts (cgroup layout, network→bridge map) and random UUIDs come
// in through Options.
package xmlmap

import (
	"libvirt.org/go/libvirtxml"
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
	// NewUUID supplies a UUID for a definition without one.
	NewUUID func() [16]byte
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
// and the LXC config that runs it.
type Mapped struct {
	Domain    *libvirtxml.Domain
	Config    Config
	Lifecycle Lifecycle
}
