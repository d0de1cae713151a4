package lxc

import (
	"os"
	"strings"
)

// Where Debian 12's lxc and lxcfs packages and the kernel keep the facts
// that decide how a container is confined (see xmlmap.Options).
const (
	seccompProfile    = "/usr/share/lxc/config/common.seccomp"
	apparmorEnabled   = "/sys/module/apparmor/parameters/enabled"
	apparmorMountMask = "/sys/kernel/security/apparmor/features/mount/mask"
	lxcfsMeminfo      = "/var/lib/lxcfs/proc/meminfo"
	lxcfsMountHook    = "/usr/share/lxcfs/lxc.mount.hook"
)

// Confinement are the host facts that decide how LXC confines a container
// and that do not change while the driver runs.
type Confinement struct {
	// SeccompProfile is LXC's default seccomp policy; "" when it is not
	// installed.
	SeccompProfile string
	// AppArmor is set when LXC confines containers with AppArmor: enabled
	// in the kernel with mount mediation, as LXC requires unless told to
	// accept an incomplete policy.
	AppArmor bool
}

// Confinement reads the host's confinement facts.
func (rt *Runtime) Confinement() Confinement {
	var c Confinement
	if exists(seccompProfile) {
		c.SeccompProfile = seccompProfile
	}
	b, err := os.ReadFile(apparmorEnabled)
	c.AppArmor = err == nil && strings.TrimSpace(string(b)) == "Y" && exists(apparmorMountMask)
	return c
}

// LXCFSMountHook returns lxcfs's LXC mount hook when lxcfs serves its
// files now (its daemon may start after the driver); "" otherwise.
func (rt *Runtime) LXCFSMountHook() string {
	if !exists(lxcfsMeminfo) || !exists(lxcfsMountHook) {
		return ""
	}
	return lxcfsMountHook
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
