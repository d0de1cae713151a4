package driverapi

import (
	"context"
	"os"
)

// NamespaceOpener is implemented by drivers that hand a running domain's
// namespaces to a client, as virDomainLxcOpenNamespace does (`virsh
// lxc-enter-namespace`). It is separate from Driver so drivers without it
// need not stub it.
type NamespaceOpener interface {
	// OpenNamespaces opens the namespaces of the domain's init, in
	// libvirt's order; the caller closes the files. A domain that does
	// not run is VIR_ERR_OPERATION_INVALID.
	OpenNamespaces(ctx context.Context, uuid UUID) ([]*os.File, error)
}
