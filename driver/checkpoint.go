package driver

import (
	"context"
	"path/filepath"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// checkpointSuffix names a container's checkpoint directory after its
// root filesystem: ROOTFS.lxcvirt-checkpoint, beside it.
const checkpointSuffix = ".lxcvirt-checkpoint"

// CheckpointDir is where a live migration checkpoints the container xml
// defines (driverapi.Checkpointer): beside its root filesystem, so on the
// storage the source and the target must share for the root filesystem
// anyway, and at the same path on both. A container on the host's own
// root (no <filesystem> on '/') cannot be migrated live.
func (l *LXC) CheckpointDir(_ context.Context, xml string) (string, error) {
	m, _, err := l.parse([]byte(xml))
	if err != nil {
		return "", err
	}
	if m.RootFS == "" {
		return "", virterror.New(libvirt.ErrOperationInvalid, "live migration needs the container's root filesystem (<filesystem> with <target dir='/'>) on storage both hosts share; domain '%s' runs on the host's root", m.Domain.Name)
	}
	return filepath.Clean(m.RootFS) + checkpointSuffix, nil
}
