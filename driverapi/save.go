package driverapi

import (
	"context"
	"time"
)

// JobInfo is a domain's job in progress, as virDomainGetJobInfo reports
// it: Type is a libvirt.DomainJobType (DomainJobNone when there is none).
type JobInfo struct {
	Type    int32
	Elapsed time.Duration
}

// Saver is implemented by drivers that save a running domain's state and
// restore it (virDomainSave, virDomainRestore, virDomainManagedSave …),
// report the job of a save in progress and reset a domain. It is separate
// from Driver so drivers without it need not stub it.
type Saver interface {
	// Save saves the running domain into path on the daemon's host and
	// stops it (shut off, reason saved); dxml must be empty.
	Save(ctx context.Context, uuid UUID, path, dxml string, flags uint32) error
	// RestoreSaved runs the domain saved in path again (reason restored).
	RestoreSaved(ctx context.Context, path, dxml string, flags uint32) (Domain, error)
	// SaveImageXML returns the definition saved in path.
	SaveImageXML(ctx context.Context, path string, flags uint32) (string, error)
	// ManagedSave saves the domain into its managed save image, which
	// the next start restores.
	ManagedSave(ctx context.Context, uuid UUID, flags uint32) error
	HasManagedSave(ctx context.Context, uuid UUID, flags uint32) (bool, error)
	ManagedSaveRemove(ctx context.Context, uuid UUID, flags uint32) error
	// JobInfo reports the domain's job in progress.
	JobInfo(ctx context.Context, uuid UUID) (JobInfo, error)
	// Reset restarts the running domain at once.
	Reset(ctx context.Context, uuid UUID, flags uint32) error
}
