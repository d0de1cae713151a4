package driverapi

import "context"

// Checkpointer is implemented by drivers that checkpoint a running
// container's processes into a directory and restore them from it (CRIU,
// through lxc-checkpoint). Live migration is built on it: the source
// checkpoints the container into a directory on storage both hosts see,
// beside its root filesystem, and the target restores it from there. It is
// separate from Driver so drivers without it need not stub it; without it
// live migration is refused.
type Checkpointer interface {
	// CheckpointDir names the directory a checkpoint of the domain that
	// xml defines goes into for migration: on the storage of its root
	// filesystem, the same path on every host that sees that storage. It
	// refuses (VIR_ERR_OPERATION_INVALID, naming the element) a domain
	// whose root filesystem is not a host directory.
	CheckpointDir(ctx context.Context, xml string) (string, error)
	// Checkpoint dumps the running domain's processes into dir and stops
	// the domain (a transient one is gone). On error the domain keeps
	// running as before.
	Checkpoint(ctx context.Context, uuid UUID, dir string) error
	// Restore starts the domain xml defines from the checkpoint in dir:
	// the domain defined with that UUID, or a transient one when none is.
	Restore(ctx context.Context, xml, dir string) (Domain, error)
}
