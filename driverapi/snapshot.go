package driverapi

import "context"

// SnapshotInfo is what a snapshot's lookup reports: its parent's name (""
// for a root) and whether it is the domain's current snapshot.
type SnapshotInfo struct {
	Name    string
	Parent  string
	Current bool
}

// Snapshotter is implemented by drivers with domain snapshots, as
// virDomainSnapshotCreateXML and the other virDomainSnapshot* calls. A
// snapshot is named by its domain's UUID and its name. flags are
// libvirt's VIR_DOMAIN_SNAPSHOT_* flags of each call. Errors name a
// missing snapshot with VIR_ERR_NO_DOMAIN_SNAPSHOT. It is separate from
// Driver so drivers without snapshots need not stub it.
type Snapshotter interface {
	// SnapshotCreate creates (or with REDEFINE, records) the snapshot xml
	// (a <domainsnapshot>) describes and returns its name.
	SnapshotCreate(ctx context.Context, uuid UUID, xml string, flags uint32) (string, error)
	// SnapshotList lists snapshot names filtered by the
	// VIR_DOMAIN_SNAPSHOT_LIST_* flags: the domain's when from is "",
	// else from's children (descendants with LIST_DESCENDANTS).
	SnapshotList(ctx context.Context, uuid UUID, from string, flags uint32) ([]string, error)
	// SnapshotInfo looks a snapshot up.
	SnapshotInfo(ctx context.Context, uuid UUID, name string) (SnapshotInfo, error)
	// SnapshotCurrent names the current snapshot ("" when there is none).
	SnapshotCurrent(ctx context.Context, uuid UUID) (string, error)
	// SnapshotXML is a snapshot's <domainsnapshot> XML.
	SnapshotXML(ctx context.Context, uuid UUID, name string, flags uint32) (string, error)
	// SnapshotRevert reverts the domain to a snapshot.
	SnapshotRevert(ctx context.Context, uuid UUID, name string, flags uint32) error
	// SnapshotDelete deletes a snapshot (its children too as flags say).
	SnapshotDelete(ctx context.Context, uuid UUID, name string, flags uint32) error
}
