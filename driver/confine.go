package driver

import (
	"os"
	"strings"

	"github.com/lxcvirt/lxcvirt/xmlmap"
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

// confinement fills in the host facts that do not change while the driver
// runs: LXC's default seccomp policy when it is installed, and whether LXC
// confines containers with AppArmor (enabled in the kernel with mount
// mediation, as LXC requires unless told to accept an incomplete policy).
func confinement(opts *xmlmap.Options) {
	if exists(seccompProfile) {
		opts.SeccompProfile = seccompProfile
	}
	b, err := os.ReadFile(apparmorEnabled)
	opts.AppArmor = err == nil && strings.TrimSpace(string(b)) == "Y" && exists(apparmorMountMask)
}

// lxcfsMount returns lxcfs's LXC mount hook when lxcfs serves its files
// now (its daemon may start after the driver); "" otherwise.
func lxcfsMount() string {
	if !exists(lxcfsMeminfo) || !exists(lxcfsMountHook) {
		return ""
	}
	return lxcfsMountHook
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
