package driver

import (
	"context"
	"errors"
	"os"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
)

var _ driverapi.NamespaceOpener = (*LXC)(nil)

// OpenNamespaces implements driverapi.NamespaceOpener for
// virDomainLxcOpenNamespace: the namespaces of the running domain's init,
// through its handle, which pins init so that a reused PID cannot hand out
// another process's namespaces.
func (l *LXC) OpenNamespaces(_ context.Context, u driverapi.UUID) ([]*os.File, error) {
	d, err := l.lookup(u)
	if err != nil {
		return nil, err
	}
	ct, err := runningInit(d)
	if err != nil {
		return nil, err
	}
	files, err := ct.OpenNamespaces()
	switch {
	case errors.Is(err, lxc.ErrNotRunning):
		return nil, errNotRunning()
	case err != nil:
		return nil, virterror.New(libvirt.ErrSystemError, "%v", err)
	}
	return files, nil
}
