package host

import (
	"context"
	"errors"
	"fmt"
	"os"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Namespaces are the namespaces virDomainLxcOpenNamespace passes, in
// libvirt's order (virProcessGetNamespaces); a missing one is skipped.
var Namespaces = []string{"user", "ipc", "uts", "net", "pid", "mnt"}

// Domains finds a domain by UUID; driverapi.Driver does.
type Domains interface {
	LookupByUUID(ctx context.Context, uuid driverapi.UUID) (driverapi.Domain, error)
}

// OpenNamespaces opens the namespaces of domain u's init for
// virDomainLxcOpenNamespace, from /proc/<pid>/ns. The domain's ID is its
// init's host PID (not positive when it does not run); it is looked up
// again once the PID is pinned with a pidfd, and the pidfd checked after
// the opening, so a PID reused after the container stopped cannot hand
// out another process's namespaces. Errors are libvirt's.
func (h Host) OpenNamespaces(ctx context.Context, doms Domains, u driverapi.UUID) ([]*os.File, error) {
	id := func(ctx context.Context) (int32, error) {
		d, err := doms.LookupByUUID(ctx, u)
		return d.ID, err
	}
	pid, err := runningPID(ctx, id)
	if err != nil {
		return nil, err
	}
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, errNotRunning()
	}
	defer unix.Close(pidfd)
	if again, err := runningPID(ctx, id); err != nil {
		return nil, err
	} else if again != pid {
		return nil, errNotRunning()
	}
	files, err := h.openNamespaces(pid)
	if err != nil {
		return nil, err
	}
	if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
		closeFiles(files)
		return nil, errNotRunning()
	}
	return files, nil
}

func runningPID(ctx context.Context, id func(context.Context) (int32, error)) (int, error) {
	pid, err := id(ctx)
	if err != nil {
		return 0, err
	}
	if pid <= 0 {
		return 0, errNotRunning()
	}
	return int(pid), nil
}

func errNotRunning() error {
	return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// openNamespaces opens /proc/<pid>/ns/<ns> for each namespace.
func (h Host) openNamespaces(pid int) ([]*os.File, error) {
	var files []*os.File
	for _, ns := range Namespaces {
		p := h.path(fmt.Sprintf("proc/%d/ns/%s", pid, ns))
		f, err := os.OpenFile(p, os.O_RDONLY|unix.O_CLOEXEC, 0)
		switch {
		case errors.Is(err, os.ErrNotExist) && ns == "user":
			continue // kernels without user namespaces
		case err != nil:
			closeFiles(files)
			if errors.Is(err, os.ErrNotExist) {
				return nil, errNotRunning()
			}
			return nil, virterror.New(libvirt.ErrSystemError, "cannot open %s: %v", p, err)
		}
		files = append(files, f)
	}
	return files, nil
}
