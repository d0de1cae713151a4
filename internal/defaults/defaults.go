// Package defaults holds the LXC driver's default settings: the driver
// applies them, and the daemon names them in its help without linking the
// driver.
package defaults

import (
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"time"
)

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

// LXCPathFor is the lxcpath that goes with a state directory when none is
// set: its lxc subdirectory (LXCPath for StateDir).
func LXCPathFor(stateDir string) string { return filepath.Join(stateDir, "lxc") }

// RunDirFor is the run directory that goes with a state directory when
// none is set: RunDir for StateDir, and for any other state directory a
// directory of its own under RunDir named by a hash of its path, so two
// daemons never share per-boot markers or sockets (it stays on the
// tmpfs, so the markers still last one boot).
func RunDirFor(stateDir string) string {
	if stateDir == StateDir {
		return RunDir
	}
	h := sha256.Sum256([]byte(stateDir))
	return filepath.Join(RunDir, "state-"+hex.EncodeToString(h[:6]))
}
