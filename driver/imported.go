package driver

import (
	"context"
	"path/filepath"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// checkImported refuses to start a domain imported from an LXC container
// (<lxcvirt:imported path>) while LXC runs that container: both would run
// on the same root filesystem. A container that no longer exists is no
// obstacle.
func (l *LXC) checkImported(ctx context.Context, name string, live *xmlmap.Mapped) error {
	if live.Imported == "" {
		return nil
	}
	lxcpath, ct := filepath.Dir(live.Imported), filepath.Base(live.Imported)
	st, err := l.rt.StateIn(ctx, lxcpath, ct)
	if err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "failed to start domain '%s': cannot tell whether LXC container '%s' (lxcpath %s), which it was imported from, runs: %v", name, ct, lxcpath, err)
	}
	if st != lxc.Stopped {
		return virterror.New(libvirt.ErrOperationInvalid, "domain '%s' was imported from LXC container '%s' (lxcpath %s), which is %s under LXC: both would use root filesystem %s; stop it first (lxc-stop -P %s -n %s)",
			name, ct, lxcpath, st, live.RootFS, lxcpath, ct)
	}
	return nil
}
