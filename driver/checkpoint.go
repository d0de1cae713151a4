package driver

import (
	"context"
	"os"
	"path/filepath"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

var _ driverapi.Checkpointer = (*LXC)(nil)

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

// Checkpoint dumps the running domain u into dir with CRIU and stops it
// (driverapi.Checkpointer): the save of save.go, into a directory that
// exists (the migration's token is there), reported as a migration
// (stopped/migrated). A failed dump leaves the domain running.
func (l *LXC) Checkpoint(ctx context.Context, u driverapi.UUID, dir string) error {
	if err := l.refuseCRIU("migrate live", "; an offline migration (--offline) needs none"); err != nil {
		return err
	}
	if !filepath.IsAbs(dir) || filepath.Clean(dir) != dir {
		return virterror.New(libvirt.ErrInvalidArg, "checkpoint directory '%s' must be an absolute, clean path", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return virterror.New(libvirt.ErrOperationFailed, "cannot create checkpoint directory '%s': %v", dir, err)
	}
	return l.withJob(ctx, u, func(d *domain) error { return l.dump(ctx, d, dir, libvirt.DomainEventStoppedMigrated) })
}

// Restore runs the domain xml defines from the checkpoint in dir
// (driverapi.Checkpointer): into the inactive persistent domain of its
// UUID, else as a transient one; running (migrated), started/migrated.
func (l *LXC) Restore(ctx context.Context, xml, dir string) (driverapi.Domain, error) {
	if err := l.refuseCRIU("migrate live", "; an offline migration (--offline) needs none"); err != nil {
		return driverapi.Domain{}, err
	}
	if !filepath.IsAbs(dir) || filepath.Clean(dir) != dir {
		return driverapi.Domain{}, virterror.New(libvirt.ErrInvalidArg, "checkpoint directory '%s' must be an absolute, clean path", dir)
	}
	name, u, def, err := l.parseDefinition(xml)
	if err != nil {
		return driverapi.Domain{}, err
	}
	var ref driverapi.Domain
	err = l.runClaimed(ctx, u, name, func(d *domain) error {
		dom, err := l.liveDom(u, def)
		if err != nil {
			return err
		}
		how := restoreHow{
			started: libvirt.DomainEventStartedMigrated, running: libvirt.DomainRunningMigrated,
			paused: libvirt.DomainPausedMigration, suspended: libvirt.DomainEventSuspendedMigrated,
		}
		if err := l.restoreDom(ctx, d, filepath.Join(dir, saveImagesDir), dom, how); err != nil {
			return err
		}
		ref = d.ref()
		return nil
	})
	return ref, err
}
