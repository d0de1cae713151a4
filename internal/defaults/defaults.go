// Package defaults holds the LXC driver's default settings: the driver
// applies them, and the daemon names them in its help without linking the
// driver.
package defaults

import "time"

// The driver's defaults, for settings left empty or zero.
const (
	StateDir      = "/var/lib/lxcvirt"
	LXCPath       = "/var/lib/lxcvirt/lxc"
	RunDir        = "/run/lxcvirt"
	ShutdownGrace = 30 * time.Second
	JobTimeout    = 30 * time.Second
	Bridge        = "lxcbr0"
	CgroupRoot    = "/sys/fs/cgroup"
	Emulator      = "/usr/bin/lxc-start" // the capabilities' <emulator>
	// LXCTimeout bounds each lxc-* call (plus the wait it was asked for).
	LXCTimeout = 60 * time.Second
	// AutostartParallel is how many autostart domains start at once.
	AutostartParallel = 4
)
