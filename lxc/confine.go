package lxc

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Where Debian 12's lxc and lxcfs packages and the kernel keep the facts
// that decide how a container is confined (see xmlmap.Options).
const (
	seccompProfile    = "/usr/share/lxc/config/common.seccomp"
	apparmorEnabled   = "/sys/module/apparmor/parameters/enabled"
	apparmorMountMask = "/sys/kernel/security/apparmor/features/mount/mask"
	lxcfsDir          = "/var/lib/lxcfs"
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

// LXCFS returns what lxcfs serves now (its daemon may start after the
// driver), as its LXC mount hook finds it; nil while it serves nothing.
func (rt *Runtime) LXCFS() *xmlmap.LXCFS {
	if !exists(filepath.Join(lxcfsDir, "proc", "meminfo")) {
		return nil
	}
	l := &xmlmap.LXCFS{Dir: lxcfsDir, Proc: dirNames(filepath.Join(lxcfsDir, "proc"))}
	cpu := filepath.Join(lxcfsDir, "sys", "devices", "system", "cpu")
	if exists(filepath.Join(cpu, "uevent")) {
		l.CPUDir = true
	} else {
		l.CPU = dirNames(cpu)
	}
	return l
}

// dirNames lists dir's entries; none when it cannot be read.
func dirNames(dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	names := make([]string, len(es))
	for i, e := range es {
		names[i] = e.Name()
	}
	return names
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
