package server

import (
	"context"
	"slices"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// snapDriver is the fake driver with two snapshots, root ← child (child
// current), and a record of the mutating calls.
type snapDriver struct {
	*fakeDriver
	calls []string
}

func (s *snapDriver) SnapshotCreate(_ context.Context, _ driverapi.UUID, xml string, flags uint32) (string, error) {
	s.calls = append(s.calls, "create "+xml)
	return "new", nil
}

func (s *snapDriver) SnapshotList(_ context.Context, _ driverapi.UUID, from string, flags uint32) ([]string, error) {
	switch from {
	case "":
		if flags&uint32(libvirt.DomainSnapshotListRoots) != 0 {
			return []string{"root"}, nil
		}
		return []string{"root", "child"}, nil
	case "root":
		return []string{"child"}, nil
	}
	return []string{}, nil
}

func (s *snapDriver) SnapshotInfo(_ context.Context, _ driverapi.UUID, name string) (driverapi.SnapshotInfo, error) {
	switch name {
	case "root":
		return driverapi.SnapshotInfo{Name: "root"}, nil
	case "child":
		return driverapi.SnapshotInfo{Name: "child", Parent: "root", Current: true}, nil
	}
	return driverapi.SnapshotInfo{}, virterror.New(libvirt.ErrNoDomainSnapshot, "no domain snapshot with matching name '%s'", name)
}

func (s *snapDriver) SnapshotCurrent(context.Context, driverapi.UUID) (string, error) {
	return "child", nil
}

func (s *snapDriver) SnapshotXML(_ context.Context, _ driverapi.UUID, name string, _ uint32) (string, error) {
	return "<domainsnapshot><name>" + name + "</name></domainsnapshot>\n", nil
}

func (s *snapDriver) SnapshotRevert(_ context.Context, _ driverapi.UUID, name string, flags uint32) error {
	s.calls = append(s.calls, "revert "+name)
	return nil
}

func (s *snapDriver) SnapshotDelete(_ context.Context, _ driverapi.UUID, name string, flags uint32) error {
	s.calls = append(s.calls, "delete "+name)
	return nil
}

// The snapshot procedures: snapshots echo the client's domain, counts and
// name lists come from the listing, a root has no parent, and the
// read-only socket refuses the mutating calls.
func TestSnapshotProcedures(t *testing.T) {
	sd := &snapDriver{}
	ts := startServer(t, func(c *Config) { sd.fakeDriver = c.Driver.(*fakeDriver); c.Driver = sd })
	dom := ts.running("ct1", 4242)
	rc := dial(t, ts.rw)
	rc.open(0)

	var cr libvirt.DomainSnapshotCreateXMLRet
	rc.mustCall(proto.ProcDomainSnapshotCreateXML, &libvirt.DomainSnapshotCreateXMLArgs{Dom: dom, XMLDesc: "<domainsnapshot/>"}, &cr)
	if cr.Snap.Name != "new" || cr.Snap.Dom != dom {
		t.Fatalf("created %+v", cr.Snap)
	}
	var all libvirt.DomainListAllSnapshotsRet
	rc.mustCall(proto.ProcDomainListAllSnapshots, &libvirt.DomainListAllSnapshotsArgs{Dom: dom, NeedResults: 1}, &all)
	if all.Ret != 2 || len(all.Snapshots) != 2 || all.Snapshots[1].Name != "child" {
		t.Fatalf("list all %+v", all)
	}
	var num libvirt.DomainSnapshotNumRet
	rc.mustCall(proto.ProcDomainSnapshotNum, &libvirt.DomainSnapshotNumArgs{Dom: dom, Flags: uint32(libvirt.DomainSnapshotListRoots)}, &num)
	if num.Num != 1 {
		t.Fatalf("roots %d", num.Num)
	}
	var names libvirt.DomainSnapshotListNamesRet
	rc.mustCall(proto.ProcDomainSnapshotListNames, &libvirt.DomainSnapshotListNamesArgs{Dom: dom, Maxnames: 1}, &names)
	if !slices.Equal(names.Names, []string{"root"}) {
		t.Fatalf("names %v", names.Names)
	}
	wantError(t, rc.call(proto.ProcDomainSnapshotListNames, &libvirt.DomainSnapshotListNamesArgs{Dom: dom, Maxnames: proto.DomainSnapshotListMax + 1}, nil),
		libvirt.ErrRPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX")
	root := libvirt.DomainSnapshot{Name: "root", Dom: dom}
	child := libvirt.DomainSnapshot{Name: "child", Dom: dom}
	var kids libvirt.DomainSnapshotListAllChildrenRet
	rc.mustCall(proto.ProcDomainSnapshotListAllChildren, &libvirt.DomainSnapshotListAllChildrenArgs{Snapshot: root, NeedResults: 1}, &kids)
	if kids.Ret != 1 || kids.Snapshots[0] != child {
		t.Fatalf("children %+v", kids)
	}
	var parent libvirt.DomainSnapshotGetParentRet
	rc.mustCall(proto.ProcDomainSnapshotGetParent, &libvirt.DomainSnapshotGetParentArgs{Snap: child}, &parent)
	if parent.Snap != root {
		t.Fatalf("parent %+v", parent.Snap)
	}
	wantError(t, rc.call(proto.ProcDomainSnapshotGetParent, &libvirt.DomainSnapshotGetParentArgs{Snap: root}, nil),
		libvirt.ErrNoDomainSnapshot, "snapshot 'root' does not have a parent")
	wantError(t, rc.call(proto.ProcDomainSnapshotLookupByName, &libvirt.DomainSnapshotLookupByNameArgs{Dom: dom, Name: "nope"}, nil),
		libvirt.ErrNoDomainSnapshot, "no domain snapshot with matching name 'nope'")
	var isCur libvirt.DomainSnapshotIsCurrentRet
	rc.mustCall(proto.ProcDomainSnapshotIsCurrent, &libvirt.DomainSnapshotIsCurrentArgs{Snap: child}, &isCur)
	var hasCur libvirt.DomainHasCurrentSnapshotRet
	rc.mustCall(proto.ProcDomainHasCurrentSnapshot, &libvirt.DomainHasCurrentSnapshotArgs{Dom: dom}, &hasCur)
	var cur libvirt.DomainSnapshotCurrentRet
	rc.mustCall(proto.ProcDomainSnapshotCurrent, &libvirt.DomainSnapshotCurrentArgs{Dom: dom}, &cur)
	var meta libvirt.DomainSnapshotHasMetadataRet
	rc.mustCall(proto.ProcDomainSnapshotHasMetadata, &libvirt.DomainSnapshotHasMetadataArgs{Snap: root}, &meta)
	if isCur.Current != 1 || hasCur.Result != 1 || cur.Snap != child || meta.Metadata != 1 {
		t.Fatalf("current %+v %+v %+v, metadata %+v", isCur, hasCur, cur, meta)
	}
	var x libvirt.DomainSnapshotGetXMLDescRet
	rc.mustCall(proto.ProcDomainSnapshotGetXMLDesc, &libvirt.DomainSnapshotGetXMLDescArgs{Snap: root}, &x)
	if x.XML != "<domainsnapshot><name>root</name></domainsnapshot>\n" {
		t.Fatalf("xml %q", x.XML)
	}
	rc.mustCall(proto.ProcDomainRevertToSnapshot, &libvirt.DomainRevertToSnapshotArgs{Snap: root}, nil)
	rc.mustCall(proto.ProcDomainSnapshotDelete, &libvirt.DomainSnapshotDeleteArgs{Snap: child}, nil)

	ro := dial(t, ts.ro)
	ro.open(libvirt.ConnectRo)
	wantError(t, ro.call(proto.ProcDomainRevertToSnapshot, &libvirt.DomainRevertToSnapshotArgs{Snap: root}, nil), libvirt.ErrOperationDenied, "operation forbidden: read only access prevents virDomainRevertToSnapshot")
	ro.mustCall(proto.ProcDomainListAllSnapshots, &libvirt.DomainListAllSnapshotsArgs{Dom: dom}, &all)
	if want := []string{"create <domainsnapshot/>", "revert root", "delete child"}; !slices.Equal(sd.calls, want) {
		t.Fatalf("calls %v", sd.calls)
	}
}
