package driver

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Domain snapshots, as libvirt's QEMU driver keeps them (qemu_snapshot.c,
// conf/snapshot_conf.c, conf/virdomainmomentobjlist.c): a tree of
// snapshots per domain, one current, each with its <domainsnapshot>
// metadata (the domain's definition at snapshot time included) kept in
// the state directory. A snapshot's data is a copy of the container's
// root filesystem, taken with the container frozen when it runs. A running
// or paused domain's full system snapshot (state running or paused, memory
// internal) holds its memory state too: a CRIU dump of the frozen
// container, which runs on; its disk-only snapshot (state disk-snapshot)
// and a shut-off domain's (state shutoff) have none. Reverting restores
// the root filesystem and the definition, stopping the container first
// when it runs, and then restores the container's processes from the dump
// (a full system snapshot) or starts it again with --running or --paused.

var _ driverapi.Snapshotter = (*LXC)(nil)

// snapshotCopyTimeout bounds a copy of a root filesystem either way.
const snapshotCopyTimeout = time.Hour

// Snapshot flags each call accepts, as libvirt's QEMU driver.
const (
	snapCreateFlags = uint32(libvirt.DomainSnapshotCreateRedefine | libvirt.DomainSnapshotCreateCurrent |
		libvirt.DomainSnapshotCreateNoMetadata | libvirt.DomainSnapshotCreateHalt | libvirt.DomainSnapshotCreateDiskOnly |
		libvirt.DomainSnapshotCreateReuseExt | libvirt.DomainSnapshotCreateQuiesce | libvirt.DomainSnapshotCreateAtomic |
		libvirt.DomainSnapshotCreateLive | libvirt.DomainSnapshotCreateValidate)
	snapListFlags = uint32(libvirt.DomainSnapshotListRoots | libvirt.DomainSnapshotListMetadata |
		libvirt.DomainSnapshotListLeaves | libvirt.DomainSnapshotListNoLeaves | libvirt.DomainSnapshotListNoMetadata |
		libvirt.DomainSnapshotListInactive | libvirt.DomainSnapshotListActive | libvirt.DomainSnapshotListDiskOnly |
		libvirt.DomainSnapshotListInternal | libvirt.DomainSnapshotListExternal | libvirt.DomainSnapshotListTopological)
	snapXMLFlags    = uint32(libvirt.DomainSnapshotXMLSecure)
	snapRevertFlags = uint32(libvirt.DomainSnapshotRevertRunning | libvirt.DomainSnapshotRevertPaused | libvirt.DomainSnapshotRevertForce)
	snapDeleteFlags = uint32(libvirt.DomainSnapshotDeleteChildren | libvirt.DomainSnapshotDeleteMetadataOnly | libvirt.DomainSnapshotDeleteChildrenOnly)
)

// Snapshot states (virDomainSnapshotState's names).
const (
	snapShutoff      = "shutoff"
	snapDiskSnapshot = "disk-snapshot"
	snapRunning      = "running"
	snapPaused       = "paused"
)

// memInternal is a full system snapshot's memory location: the dump is
// kept with the snapshot's copy, as QEMU keeps it inside the disk image.
const memInternal = "internal"

// snapTree is a domain's snapshots: their metadata by name (Active unset)
// and the current one's name. Guarded by the domain's mu; changed under
// its job.
type snapTree struct {
	byName  map[string]*libvirtxml.DomainSnapshot
	current string
}

func (t *snapTree) get(name string) *libvirtxml.DomainSnapshot {
	return t.byName[name]
}

func parentOf(s *libvirtxml.DomainSnapshot) string {
	if s.Parent == nil {
		return ""
	}
	return s.Parent.Name
}

// children are name's children ("" for the roots), oldest first.
func (t *snapTree) children(name string) []*libvirtxml.DomainSnapshot {
	var out []*libvirtxml.DomainSnapshot
	for _, s := range t.byName {
		if parentOf(s) == name {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b *libvirtxml.DomainSnapshot) int {
		ta, _ := strconv.ParseInt(a.CreationTime, 10, 64)
		tb, _ := strconv.ParseInt(b.CreationTime, 10, 64)
		return cmp.Or(cmp.Compare(ta, tb), strings.Compare(a.Name, b.Name))
	})
	return out
}

// descendants are name's descendants, parents before children.
func (t *snapTree) descendants(name string) []*libvirtxml.DomainSnapshot {
	var out []*libvirtxml.DomainSnapshot
	var walk func(string)
	walk = func(n string) {
		for _, c := range t.children(n) {
			out = append(out, c)
			walk(c.Name)
		}
	}
	walk(name)
	return out
}

// list is virDomainSnapshotObjListGetNames: from's children or
// descendants (from "" : the roots or all), filtered by flags, in
// topological order.
func (t *snapTree) list(from string, flags uint32) []string {
	all := flags&uint32(libvirt.DomainSnapshotListDescendants) != 0
	if from == "" {
		all = !all // LIST_ROOTS has LIST_DESCENDANTS' bit, the opposite sense
	}
	var cands []*libvirtxml.DomainSnapshot
	if all {
		cands = t.descendants(from)
	} else {
		cands = t.children(from)
	}
	meta := flags & uint32(libvirt.DomainSnapshotListMetadata|libvirt.DomainSnapshotListNoMetadata)
	if meta == uint32(libvirt.DomainSnapshotListNoMetadata) {
		return []string{} // every snapshot has metadata
	}
	leaves := flags & uint32(libvirt.DomainSnapshotListLeaves|libvirt.DomainSnapshotListNoLeaves)
	status := flags & uint32(libvirt.DomainSnapshotListInactive|libvirt.DomainSnapshotListActive|libvirt.DomainSnapshotListDiskOnly)
	if status == uint32(libvirt.DomainSnapshotListInactive|libvirt.DomainSnapshotListActive|libvirt.DomainSnapshotListDiskOnly) {
		status = 0
	}
	loc := flags & uint32(libvirt.DomainSnapshotListInternal|libvirt.DomainSnapshotListExternal)
	out := []string{}
	for _, s := range cands {
		hasChildren := len(t.children(s.Name)) > 0
		switch {
		case leaves == uint32(libvirt.DomainSnapshotListLeaves) && hasChildren,
			leaves == uint32(libvirt.DomainSnapshotListNoLeaves) && !hasChildren:
			continue
		case loc == uint32(libvirt.DomainSnapshotListExternal):
			continue // a root filesystem copy is an internal snapshot
		}
		if status != 0 {
			ok := false
			switch s.State {
			case snapShutoff:
				ok = status&uint32(libvirt.DomainSnapshotListInactive) != 0
			case snapDiskSnapshot:
				ok = status&uint32(libvirt.DomainSnapshotListDiskOnly) != 0
			default:
				ok = status&uint32(libvirt.DomainSnapshotListActive) != 0
			}
			if !ok {
				continue
			}
		}
		out = append(out, s.Name)
	}
	return out
}

func errNoSnapshot(name string) error {
	return virterror.New(libvirt.ErrNoDomainSnapshot, "no domain snapshot with matching name '%s'", name)
}

// snapshotOf finds d's snapshot name. Caller holds d.mu.
func snapshotOfLocked(d *domain, name string) (*libvirtxml.DomainSnapshot, error) {
	if s := d.snaps.get(name); s != nil {
		return s, nil
	}
	return nil, errNoSnapshot(name)
}

// snapshotRoot refuses a definition whose root filesystem cannot be
// copied: none of its own, or an image or block device.
func snapshotRoot(name string, m *xmlmap.Mapped) error {
	switch {
	case m.RootImage != "":
		return virterror.New(libvirt.ErrConfigUnsupported, "snapshots of domain '%s' whose root filesystem is the image or block device '%s' are not supported", name, m.RootImage)
	case m.RootFS == "":
		return virterror.New(libvirt.ErrConfigUnsupported, "domain '%s' has no root filesystem of its own (<filesystem> with target '/') to snapshot", name)
	}
	return nil
}

// SnapshotCreate creates a snapshot: a copy of the root filesystem (the
// container frozen meanwhile when it runs) with its metadata, or with
// REDEFINE only the metadata xml gives.
func (l *LXC) SnapshotCreate(ctx context.Context, u driverapi.UUID, xml string, flags uint32) (string, error) {
	const fn = "lxcDomainSnapshotCreateXML"
	if err := checkFlags(fn, flags, snapCreateFlags); err != nil {
		return "", err
	}
	has := func(f libvirt.DomainSnapshotCreateFlags) bool { return flags&uint32(f) != 0 }
	switch {
	case has(libvirt.DomainSnapshotCreateQuiesce) && !has(libvirt.DomainSnapshotCreateDiskOnly):
		return "", virterror.New(libvirt.ErrInvalidArg, "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY' is required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE'")
	case has(libvirt.DomainSnapshotCreateCurrent) && !has(libvirt.DomainSnapshotCreateRedefine):
		return "", virterror.New(libvirt.ErrInvalidArg, "Flag 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' is required by flag 'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT'")
	case has(libvirt.DomainSnapshotCreateRedefine) && has(libvirt.DomainSnapshotCreateNoMetadata|libvirt.DomainSnapshotCreateHalt|libvirt.DomainSnapshotCreateLive):
		return "", virterror.New(libvirt.ErrInvalidArg, "Flags 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE' and 'VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA', 'HALT' or 'LIVE' are mutually exclusive")
	case has(libvirt.DomainSnapshotCreateLive):
		return "", virterror.New(libvirt.ErrOperationUnsupported, "live snapshot creation is supported only during full system snapshots")
	}
	var in libvirtxml.DomainSnapshot
	if err := in.Unmarshal(xml); err != nil {
		return "", virterror.New(libvirt.ErrXMLError, "(domain_snapshot): %v", err)
	}
	if has(libvirt.DomainSnapshotCreateRedefine) {
		var name string
		err := l.withJob(ctx, u, func(d *domain) error {
			var err error
			name, err = l.redefineSnapshot(d, &in, has(libvirt.DomainSnapshotCreateCurrent), has(libvirt.DomainSnapshotCreateDiskOnly))
			return err
		})
		return name, err
	}
	now := l.cfg.Now()
	if in.Name == "" {
		in.Name = strconv.FormatInt(now.Unix(), 10)
	}
	if err := lxc.ValidateSnapshotName(in.Name); err != nil {
		return "", virterror.New(libvirt.ErrXMLDetail, "%v", err)
	}
	if in.Disks != nil && len(in.Disks.Disks) > 0 {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "no disk named '%s'", in.Disks.Disks[0].Name)
	}
	var name string
	err := l.withJob(ctx, u, func(d *domain) error {
		var err error
		name, err = l.createSnapshot(ctx, d, &in, flags, now)
		return err
	})
	return name, err
}

// createSnapshot takes the snapshot under d's job.
func (l *LXC) createSnapshot(ctx context.Context, d *domain, in *libvirtxml.DomainSnapshot, flags uint32, now time.Time) (string, error) {
	has := func(f libvirt.DomainSnapshotCreateFlags) bool { return flags&uint32(f) != 0 }
	d.mu.Lock()
	exists := d.snaps.get(in.Name) != nil
	persistent, live, liveXML, ct, state, reason := d.persistent, d.live, d.liveXML, d.ct, d.state, d.reason
	parent := d.snaps.current
	d.mu.Unlock()
	active := live != nil
	switch {
	case exists || l.rt.HasSnapshotCopy(d.name, in.Name):
		return "", virterror.New(libvirt.ErrOperationFailed, "domain moment %s already exists", in.Name)
	case has(libvirt.DomainSnapshotCreateHalt) && persistent == nil:
		return "", virterror.New(libvirt.ErrOperationInvalid, "cannot halt after transient domain snapshot")
	}
	memory := active && !has(libvirt.DomainSnapshotCreateDiskOnly)
	if err := snapshotMemory(in, active, memory); err != nil {
		return "", err
	}
	if memory {
		if err := l.refuseCRIU("take a full system snapshot of", "; a disk-only snapshot (--disk-only) needs none"); err != nil {
			return "", err
		}
	}
	snap := &libvirtxml.DomainSnapshot{
		Name: in.Name, Description: in.Description, State: snapShutoff,
		CreationTime: strconv.FormatInt(now.Unix(), 10),
		Memory:       &libvirtxml.DomainSnapshotMemory{Snapshot: "no"},
	}
	switch {
	case has(libvirt.DomainSnapshotCreateDiskOnly):
		snap.State = snapDiskSnapshot
	case memory:
		snap.State, snap.Memory.Snapshot = snapRunning, memInternal
		if state == libvirt.DomainPaused {
			snap.State = snapPaused
		}
	}
	if parent != "" {
		snap.Parent = &libvirtxml.DomainSnapshotParent{Name: parent}
	}
	m, domXML := live, liveXML
	if !active {
		var err error
		if m, _, err = l.parse([]byte(persistent.xml)); err != nil {
			return "", err
		}
		domXML = persistent.xml
	}
	if err := snapshotRoot(d.name, m); err != nil {
		return "", err
	}
	if memory {
		if err := dumpable(d.name, m); err != nil {
			return "", err
		}
	}
	rootfs := m.RootFS
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(domXML); err != nil {
		return "", internalErr("snapshot of '%s': %v", d.name, err)
	}
	snap.Domain = &dom
	if active && persistent != nil {
		var inactive libvirtxml.Domain
		if err := inactive.Unmarshal(persistent.xml); err != nil {
			return "", internalErr("snapshot of '%s': %v", d.name, err)
		}
		snap.InactiveDomain = &libvirtxml.DomainSnapshotInactiveDomain{Domain: inactive}
	}

	if err := l.copyRootfs(ctx, d, ct, active, active && state == libvirt.DomainRunning, memory, reason, in.Name, rootfs); err != nil {
		return "", err
	}
	if !has(libvirt.DomainSnapshotCreateNoMetadata) {
		if err := l.addSnapshot(d, snap, true); err != nil {
			if rerr := l.rt.RemoveSnapshotCopy(ctx, d.name, in.Name); rerr != nil {
				l.log.Error("cannot remove snapshot copy", "domain", d.name, "snapshot", in.Name, "err", rerr)
			}
			return "", err
		}
	}
	if has(libvirt.DomainSnapshotCreateHalt) && active {
		if err := l.kill(ctx, d); err != nil {
			return "", err
		}
		l.markStopped(d, libvirt.DomainShutoffFromSnapshot, byHost)
	}
	return in.Name, nil
}

// snapshotMemory checks the memory element of a snapshot's XML against
// whether the snapshot holds memory state, as libvirt's QEMU driver.
func snapshotMemory(in *libvirtxml.DomainSnapshot, active, memory bool) error {
	mem := ""
	if in.Memory != nil {
		mem = in.Memory.Snapshot
	}
	switch {
	case !memory && mem != "" && mem != "no":
		return virterror.New(libvirt.ErrXMLError, "memory state cannot be saved with offline or disk-only snapshot")
	case !memory:
		return nil
	case mem == "no":
		return virterror.New(libvirt.ErrOperationUnsupported, "internal snapshot of a running VM must include the memory state")
	case mem == "external":
		return virterror.New(libvirt.ErrConfigUnsupported, "external memory snapshots are not supported: a container's memory state is kept with its snapshot (memory snapshot='internal')")
	case mem != "" && mem != memInternal:
		return virterror.New(libvirt.ErrXMLError, "unknown memory snapshot setting '%s'", mem)
	}
	return nil
}

// copyRootfs copies rootfs into snapshot name and with memory dumps the
// container's processes into it with CRIU, leaving them running. A
// running container (freeze) is frozen for the copy and the dump and
// thawed after them, showing paused (reason snapshot) meanwhile; while the
// container runs, a destroy aborts the copy rather than wait for it. A
// failed dump removes the copy.
func (l *LXC) copyRootfs(ctx context.Context, d *domain, ct Container, active, freeze, memory bool, reason int32, name, rootfs string) (err error) {
	cctx, cancel := context.WithTimeout(ctx, snapshotCopyTimeout)
	defer cancel()
	if active {
		var done func()
		cctx, done = abortable(cctx, d)
		defer done()
	}
	if freeze {
		if ct == nil {
			return errNotRunning()
		}
		if err := ct.Freeze(cctx); err != nil {
			l.thawAfterSnapshot(ctx, d, ct, reason)
			return l.snapshotErr(cctx, d, name, runtimeErr("snapshot", d.name, err))
		}
		d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedSnapshot))
		defer func() {
			if terr := l.thawAfterSnapshot(ctx, d, ct, reason); terr != nil {
				err = errors.Join(err, terr)
			}
		}()
	}
	if err := l.rt.CopyRootfs(cctx, d.name, name, rootfs); err != nil {
		return l.snapshotErr(cctx, d, name, virterror.New(libvirt.ErrOperationFailed,
			"cannot copy the root filesystem of '%s' into snapshot '%s': %v", d.name, name, err))
	}
	if !memory {
		return nil
	}
	dir, err := l.rt.SnapshotMemoryPath(d.name, name)
	if err == nil {
		err = l.rt.Checkpoint(cctx, d.name, dir, false)
	}
	if err != nil {
		if rerr := l.rt.RemoveSnapshotCopy(ctx, d.name, name); rerr != nil {
			l.log.Error("cannot remove snapshot copy", "domain", d.name, "snapshot", name, "err", rerr)
		}
		return l.snapshotErr(cctx, d, name, virterror.New(libvirt.ErrOperationFailed,
			"cannot save the memory state of domain '%s' for snapshot '%s': %v; a disk-only snapshot (--disk-only) needs none", d.name, name, err))
	}
	return nil
}

// snapshotErr is err, or libvirt's aborted error when a destroy ended the
// snapshot (ctx's cause).
func (l *LXC) snapshotErr(ctx context.Context, d *domain, name string, err error) error {
	if errors.Is(context.Cause(ctx), errDestroyed) {
		return virterror.New(libvirt.ErrOperationAborted, "domain '%s' was destroyed while snapshot '%s' was taken", d.name, name)
	}
	return err
}

// thawAfterSnapshot thaws the container frozen for a snapshot and gives
// the domain back its running reason.
func (l *LXC) thawAfterSnapshot(ctx context.Context, d *domain, ct Container, reason int32) error {
	tctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.cfg.LXCTimeout)
	defer cancel()
	if err := ct.Thaw(tctx); err != nil {
		l.log.Error("cannot thaw container after snapshot", "domain", d.name, "err", err)
		return runtimeErr("resume", d.name, err)
	}
	d.setState(libvirt.DomainRunning, reason)
	return nil
}

// addSnapshot adds snap to d's tree (replacing one of its name), making
// it current when current, and saves the metadata that changed.
func (l *LXC) addSnapshot(d *domain, snap *libvirtxml.DomainSnapshot, current bool) error {
	d.mu.Lock()
	old := d.snaps.current
	if d.snaps.byName == nil {
		d.snaps.byName = map[string]*libvirtxml.DomainSnapshot{}
	}
	prev := d.snaps.byName[snap.Name]
	d.snaps.byName[snap.Name] = snap
	if current {
		d.snaps.current = snap.Name
	}
	d.mu.Unlock()
	if err := l.saveSnapshot(d, snap.Name); err != nil {
		d.mu.Lock()
		if prev != nil {
			d.snaps.byName[snap.Name] = prev
		} else {
			delete(d.snaps.byName, snap.Name)
		}
		d.snaps.current = old
		d.mu.Unlock()
		return internalErr("cannot save snapshot '%s' of '%s': %v", snap.Name, d.name, err)
	}
	if current && old != "" && old != snap.Name {
		if err := l.saveSnapshot(d, old); err != nil {
			l.log.Error("cannot save snapshot metadata", "domain", d.name, "snapshot", old, "err", err)
		}
	}
	return nil
}

// saveSnapshot writes name's metadata, marked active when current.
func (l *LXC) saveSnapshot(d *domain, name string) error {
	d.mu.Lock()
	s := d.snaps.get(name)
	current := d.snaps.current == name
	d.mu.Unlock()
	if s == nil {
		return nil
	}
	c := *s
	active := uint(0)
	if current {
		active = 1
	}
	c.Active = &active
	text, err := xmlmap.FormatSnapshot(&c)
	if err != nil {
		return err
	}
	return l.store.saveSnapshot(d.uuid, name, []byte(text))
}

// redefineSnapshot records the metadata of a snapshot taken before (a
// copy of it may or may not be there; reverting needs it).
func (l *LXC) redefineSnapshot(d *domain, in *libvirtxml.DomainSnapshot, current, diskOnly bool) (string, error) {
	switch {
	case in.Name == "":
		return "", virterror.New(libvirt.ErrXMLError, "a redefined snapshot must have a name")
	case in.CreationTime == "":
		return "", internalErr("missing creationTime from existing snapshot")
	case in.State == "":
		return "", virterror.New(libvirt.ErrXMLError, "missing state from existing snapshot")
	}
	if _, err := strconv.ParseInt(in.CreationTime, 10, 64); err != nil {
		return "", internalErr("missing creationTime from existing snapshot")
	}
	if !slices.Contains([]string{"running", "blocked", "paused", "shutdown", snapShutoff, "crashed", "pmsuspended", snapDiskSnapshot}, in.State) {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Invalid state '%s' in domain snapshot XML", in.State)
	}
	if err := lxc.ValidateSnapshotName(in.Name); err != nil {
		return "", virterror.New(libvirt.ErrXMLDetail, "%v", err)
	}
	if diskOnly && in.State != snapDiskSnapshot {
		return "", virterror.New(libvirt.ErrInvalidArg, "disk-only flag for snapshot %s requires disk-snapshot state", in.Name)
	}
	if in.Domain != nil && in.Domain.UUID != "" {
		if u, err := parseUUID(in.Domain.UUID); err != nil || u != d.uuid {
			return "", virterror.New(libvirt.ErrInvalidArg, "definition for snapshot %s must use uuid %s", in.Name, driverapi.FormatUUID(d.uuid))
		}
	}
	d.mu.Lock()
	if other := d.snaps.get(in.Name); other != nil {
		online := func(st string) bool { return st == "running" || st == "paused" }
		switch {
		case online(other.State) != online(in.State):
			d.mu.Unlock()
			return "", virterror.New(libvirt.ErrInvalidArg, "cannot change between online and offline snapshot state in snapshot %s", in.Name)
		case (other.State == snapDiskSnapshot) != (in.State == snapDiskSnapshot):
			d.mu.Unlock()
			return "", virterror.New(libvirt.ErrInvalidArg, "cannot change between disk only and full system in snapshot %s", in.Name)
		}
	}
	if p := parentOf(in); p != "" {
		if d.snaps.get(p) == nil {
			d.mu.Unlock()
			return "", virterror.New(libvirt.ErrInvalidArg, "parent %s for moment %s not found", p, in.Name)
		}
		for a := p; a != ""; a = parentOf(d.snaps.get(a)) {
			if a == in.Name {
				d.mu.Unlock()
				return "", virterror.New(libvirt.ErrInvalidArg, "parent %s would create cycle to %s", p, in.Name)
			}
		}
	}
	d.mu.Unlock()
	snap := *in
	snap.Active, snap.Cookie = nil, nil
	if err := l.addSnapshot(d, &snap, current); err != nil {
		return "", err
	}
	return in.Name, nil
}

// SnapshotList lists snapshot names as libvirt filters them.
func (l *LXC) SnapshotList(_ context.Context, u driverapi.UUID, from string, flags uint32) ([]string, error) {
	if err := checkFlags("lxcDomainListAllSnapshots", flags, snapListFlags); err != nil {
		return nil, err
	}
	d, err := l.lookup(u)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if from != "" {
		if _, err := snapshotOfLocked(d, from); err != nil {
			return nil, err
		}
	}
	return d.snaps.list(from, flags), nil
}

// SnapshotInfo looks a snapshot up.
func (l *LXC) SnapshotInfo(_ context.Context, u driverapi.UUID, name string) (driverapi.SnapshotInfo, error) {
	d, err := l.lookup(u)
	if err != nil {
		return driverapi.SnapshotInfo{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s, err := snapshotOfLocked(d, name)
	if err != nil {
		return driverapi.SnapshotInfo{}, err
	}
	return driverapi.SnapshotInfo{Name: s.Name, Parent: parentOf(s), Current: d.snaps.current == s.Name}, nil
}

// SnapshotCurrent names d's current snapshot ("" when none).
func (l *LXC) SnapshotCurrent(_ context.Context, u driverapi.UUID) (string, error) {
	d, err := l.lookup(u)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.snaps.current, nil
}

// SnapshotXML is a snapshot's <domainsnapshot>.
func (l *LXC) SnapshotXML(_ context.Context, u driverapi.UUID, name string, flags uint32) (string, error) {
	if err := checkFlags("lxcDomainSnapshotGetXMLDesc", flags, snapXMLFlags); err != nil {
		return "", err
	}
	d, err := l.lookup(u)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	s, err := snapshotOfLocked(d, name)
	d.mu.Unlock()
	if err != nil {
		return "", err
	}
	return xmlmap.FormatSnapshot(s)
}

// SnapshotRevert reverts d to snapshot name: a running container is
// stopped, the root filesystem restored from the copy and the definition
// from the snapshot's; with RUNNING or PAUSED the domain starts again
// (paused). Events as libvirt's: stopped, defined, started and suspended,
// each with detail from-snapshot.
func (l *LXC) SnapshotRevert(ctx context.Context, u driverapi.UUID, name string, flags uint32) error {
	if err := checkFlags("lxcDomainRevertToSnapshot", flags, snapRevertFlags); err != nil {
		return err
	}
	running := flags&uint32(libvirt.DomainSnapshotRevertRunning) != 0
	paused := flags&uint32(libvirt.DomainSnapshotRevertPaused) != 0
	if running && paused {
		return virterror.New(libvirt.ErrInvalidArg, "Flags 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING' and 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED' are mutually exclusive")
	}
	return l.withJob(ctx, u, func(d *domain) error { return l.revert(ctx, d, name, running, paused) })
}

// revert reverts d to snapshot name; running and paused are the flags.
func (l *LXC) revert(ctx context.Context, d *domain, name string, running, paused bool) error {
	d.mu.Lock()
	s, err := snapshotOfLocked(d, name)
	persistent, active := d.persistent != nil, d.activeLocked()
	d.mu.Unlock()
	if err != nil {
		return err
	}
	full := s.State == snapRunning || s.State == snapPaused
	start := running || paused || full
	// A full system snapshot comes back paused when taken paused, unless
	// --running (libvirt's rule).
	paused = paused || (full && s.State == snapPaused && !running)
	switch {
	case !full && s.State != snapShutoff && s.State != snapDiskSnapshot:
		return virterror.New(libvirt.ErrOperationUnsupported, "reverting to snapshot '%s' in state '%s' is not supported", name, s.State)
	case full && l.cfg.UserNS != nil:
		return l.refuseCRIU(fmt.Sprintf("revert to full system snapshot '%s' of", name), "")
	case full && (s.Memory == nil || s.Memory.Snapshot != memInternal || !l.rt.HasSnapshotMemory(d.name, name)):
		return virterror.New(libvirt.ErrOperationUnsupported, "reverting to snapshot '%s' in state '%s' needs its memory state, which this snapshot does not hold", name, s.State)
	case !persistent && !start:
		return virterror.New(libvirt.ErrOperationInvalid, "transient domain needs to request run or pause to revert to inactive snapshot")
	case s.Domain == nil:
		return virterror.New(libvirt.ErrSnapshotRevertRisky, "snapshot '%s' lacks domain '%s' rollback info", name, d.name)
	case !l.rt.HasSnapshotCopy(d.name, name):
		return virterror.New(libvirt.ErrOperationInvalid, "snapshot '%s' of domain '%s' has no root filesystem copy", name, d.name)
	}
	// The definition to restore: the persistent one at snapshot time.
	dom := *s.Domain
	if s.InactiveDomain != nil {
		dom = s.InactiveDomain.Domain
	}
	dom.Name, dom.UUID, dom.ID = d.name, driverapi.FormatUUID(d.uuid), nil
	text, err := dom.Marshal()
	if err != nil {
		return virterror.Wrap(err)
	}
	m, _, err := l.parse([]byte(text))
	if err != nil {
		return err
	}
	def, err := definitionOf(m)
	if err != nil {
		return virterror.Wrap(err)
	}
	if err := snapshotRoot(d.name, m); err != nil {
		return err
	}

	if active {
		if err := l.kill(ctx, d); err != nil {
			return err
		}
		l.markStopped(d, libvirt.DomainShutoffFromSnapshot, byHost)
	}
	cctx, cancel := context.WithTimeout(ctx, snapshotCopyTimeout)
	err = l.rt.RestoreRootfs(cctx, d.name, name, m.RootFS)
	cancel()
	if err != nil {
		l.forgetTransient(d)
		return virterror.New(libvirt.ErrOperationFailed, "cannot restore the root filesystem of '%s' from snapshot '%s': %v", d.name, name, err)
	}
	if persistent {
		if err := l.store.saveDef(d.uuid, []byte(def.xml)); err != nil {
			return internalErr("cannot save definition of '%s': %v", d.name, err)
		}
		d.mu.Lock()
		d.persistent = def
		d.mu.Unlock()
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventDefined, int32(libvirt.DomainEventDefinedFromSnapshot)))
	}
	d.mu.Lock()
	old := d.snaps.current
	d.snaps.current = name
	d.mu.Unlock()
	for _, n := range []string{old, name} {
		if err := l.saveSnapshot(d, n); err != nil {
			l.log.Error("cannot save snapshot metadata", "domain", d.name, "snapshot", n, "err", err)
		}
	}
	if !start {
		return nil
	}
	if full {
		err = l.restoreSnapshotMemory(ctx, d, name, s.Domain, paused)
		if err != nil {
			l.forgetTransient(d)
		}
		return err
	}
	err = l.start(ctx, d, def, libvirt.DomainRunningFromSnapshot)
	if err != nil {
		l.forgetTransient(d)
		return err
	}
	l.events.publish(lifecycle(d.ref(), libvirt.DomainEventStarted, int32(libvirt.DomainEventStartedFromSnapshot)))
	if paused {
		ct, err := runningInit(d)
		if err == nil {
			err = ct.Freeze(ctx)
		}
		if err != nil {
			return runtimeErr("suspend", d.name, err)
		}
		d.setState(libvirt.DomainPaused, int32(libvirt.DomainPausedFromSnapshot))
		l.events.publish(lifecycle(d.ref(), libvirt.DomainEventSuspended, int32(libvirt.DomainEventSuspendedFromSnapshot)))
	}
	return nil
}

// restoreSnapshotMemory runs d's container again from the memory dump of
// its snapshot name, with dom (the running definition at snapshot time):
// started/from-snapshot, then running (from snapshot), or paused (from
// snapshot) when paused. The dump was taken frozen: CRIU restores it so,
// and restoreDom thaws it unless paused.
func (l *LXC) restoreSnapshotMemory(ctx context.Context, d *domain, name string, snapDom *libvirtxml.Domain, paused bool) error {
	dir, err := l.rt.SnapshotMemoryPath(d.name, name)
	if err != nil {
		return virterror.Wrap(err)
	}
	dom := *snapDom
	dom.Name, dom.UUID, dom.ID = d.name, driverapi.FormatUUID(d.uuid), nil
	return l.restoreDom(ctx, d, dir, &dom, restoreHow{
		started: libvirt.DomainEventStartedFromSnapshot, running: libvirt.DomainRunningFromSnapshot,
		run: !paused, pause: paused,
		paused: libvirt.DomainPausedFromSnapshot, suspended: libvirt.DomainEventSuspendedFromSnapshot,
	})
}

// SnapshotDelete deletes a snapshot and its copy (METADATA_ONLY keeps the
// copy), with CHILDREN its descendants too, with CHILDREN_ONLY only them.
// The children of a snapshot deleted alone move to its parent; when the
// current snapshot goes, its parent (the snapshot itself with
// CHILDREN_ONLY) becomes current, as in libvirt.
func (l *LXC) SnapshotDelete(ctx context.Context, u driverapi.UUID, name string, flags uint32) error {
	if err := checkFlags("lxcDomainSnapshotDelete", flags, snapDeleteFlags); err != nil {
		return err
	}
	children := flags&uint32(libvirt.DomainSnapshotDeleteChildren) != 0
	childrenOnly := flags&uint32(libvirt.DomainSnapshotDeleteChildrenOnly) != 0
	metadataOnly := flags&uint32(libvirt.DomainSnapshotDeleteMetadataOnly) != 0
	if children && childrenOnly {
		return virterror.New(libvirt.ErrInvalidArg, "Flags 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN' and 'VIR_DOMAIN_SNAPSHOT_DELETE_CHILDREN_ONLY' are mutually exclusive")
	}
	return l.withJob(ctx, u, func(d *domain) error {
		d.mu.Lock()
		s, err := snapshotOfLocked(d, name)
		if err != nil {
			d.mu.Unlock()
			return err
		}
		var gone []*libvirtxml.DomainSnapshot
		if children || childrenOnly {
			gone = d.snaps.descendants(name)
			slices.Reverse(gone) // children before parents
		}
		if !childrenOnly {
			gone = append(gone, s)
		}
		current := d.snaps.current
		d.mu.Unlock()
		var reparented []string
		for _, g := range gone {
			if !metadataOnly {
				if err := l.rt.RemoveSnapshotCopy(ctx, d.name, g.Name); err != nil {
					return internalErr("cannot remove snapshot '%s' of '%s': %v", g.Name, d.name, err)
				}
			}
			if err := l.store.removeSnapshot(d.uuid, g.Name); err != nil {
				return internalErr("cannot remove snapshot '%s' of '%s': %v", g.Name, d.name, err)
			}
			d.mu.Lock()
			delete(d.snaps.byName, g.Name)
			if g == s && !children {
				for _, c := range d.snaps.children(name) {
					cp := *c
					cp.Parent = s.Parent
					d.snaps.byName[c.Name] = &cp
					reparented = append(reparented, c.Name)
				}
			}
			if g.Name == current {
				switch {
				case childrenOnly:
					d.snaps.current = name
				case g == s:
					d.snaps.current = parentOf(s)
				default:
					d.snaps.current = ""
				}
			}
			d.mu.Unlock()
		}
		d.mu.Lock()
		newCurrent := d.snaps.current
		d.mu.Unlock()
		if newCurrent != current && newCurrent != "" {
			reparented = append(reparented, newCurrent)
		}
		for _, n := range reparented {
			if err := l.saveSnapshot(d, n); err != nil {
				l.log.Error("cannot save snapshot metadata", "domain", d.name, "snapshot", n, "err", err)
			}
		}
		return nil
	})
}

// snapshotCount is the number of d's snapshots.
func snapshotCount(d *domain) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.snaps.byName)
}

// loadSnapshots reads d's snapshot metadata; a file that cannot be read
// is logged and skipped.
func (l *LXC) loadSnapshots(d *domain) {
	for _, f := range l.store.loadSnapshots(l.log, d.uuid) {
		var s libvirtxml.DomainSnapshot
		if err := s.Unmarshal(string(f.xml)); err != nil || s.Name != f.name {
			l.log.Error("skipping corrupt snapshot metadata", "domain", d.name, "path", f.path, "err", err)
			continue
		}
		current := s.Active != nil && *s.Active != 0
		s.Active = nil
		if d.snaps.byName == nil {
			d.snaps.byName = map[string]*libvirtxml.DomainSnapshot{}
		}
		d.snaps.byName[s.Name] = &s
		if current {
			d.snaps.current = s.Name
		}
	}
	for _, s := range d.snaps.byName {
		if p := parentOf(s); p != "" && d.snaps.byName[p] == nil {
			l.log.Warn("snapshot's parent is missing; it becomes a root", "domain", d.name, "snapshot", s.Name, "parent", p)
			s.Parent = nil
		}
	}
}
