package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Domain snapshot procedures, served by a driver with
// driverapi.Snapshotter. A snapshot on the wire is its name and its
// domain, which the replies echo as the client sent it (libvirt's
// virGetDomainSnapshot keeps the domain it was looked up through).
// Counting and the old name lists are the listing's length and names, as
// libvirt's drivers derive them from one listing.

func (s *Server) snapshotter(api string) (driverapi.Snapshotter, error) {
	sn, ok := s.drv().(driverapi.Snapshotter)
	if !ok {
		return nil, noSupport(api)
	}
	return sn, nil
}

func wireSnapshot(dom libvirt.Domain, name string) libvirt.DomainSnapshot {
	return libvirt.DomainSnapshot{Name: name, Dom: dom}
}

func (s *Server) snapshotCreateXML(ctx context.Context, c *conn, args *libvirt.DomainSnapshotCreateXMLArgs) (*libvirt.DomainSnapshotCreateXMLRet, error) {
	sn, err := s.snapshotter("virDomainSnapshotCreateXML")
	if err != nil {
		return nil, err
	}
	name, err := sn.SnapshotCreate(ctx, args.Dom.UUID, args.XMLDesc, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotCreateXMLRet{Snap: wireSnapshot(args.Dom, name)}, nil
}

func (s *Server) snapshotGetXMLDesc(ctx context.Context, c *conn, args *libvirt.DomainSnapshotGetXMLDescArgs) (*libvirt.DomainSnapshotGetXMLDescRet, error) {
	sn, err := s.snapshotter("virDomainSnapshotGetXMLDesc")
	if err != nil {
		return nil, err
	}
	xml, err := sn.SnapshotXML(ctx, args.Snap.Dom.UUID, args.Snap.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotGetXMLDescRet{XML: xml}, nil
}

// snapshotNames lists the snapshots of dom (from "") or from's children,
// bounded by libvirt's REMOTE_DOMAIN_SNAPSHOT_LIST_MAX.
func (s *Server) snapshotNames(ctx context.Context, api string, dom libvirt.Domain, from string, flags uint32) ([]string, error) {
	sn, err := s.snapshotter(api)
	if err != nil {
		return nil, err
	}
	names, err := sn.SnapshotList(ctx, dom.UUID, from, flags)
	if err != nil {
		return nil, err
	}
	if len(names) > proto.DomainSnapshotListMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "Too many domain snapshots '%d' for limit '%d'", len(names), proto.DomainSnapshotListMax)
	}
	return names, nil
}

func checkMaxnames(n int32) error {
	if n < 0 || n > proto.DomainSnapshotListMax {
		return virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "maxnames > REMOTE_DOMAIN_SNAPSHOT_LIST_MAX")
	}
	return nil
}

func (s *Server) snapshotNum(ctx context.Context, c *conn, args *libvirt.DomainSnapshotNumArgs) (*libvirt.DomainSnapshotNumRet, error) {
	names, err := s.snapshotNames(ctx, "virDomainSnapshotNum", args.Dom, "", args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotNumRet{Num: int32(len(names))}, nil
}

func (s *Server) snapshotListNames(ctx context.Context, c *conn, args *libvirt.DomainSnapshotListNamesArgs) (*libvirt.DomainSnapshotListNamesRet, error) {
	if err := checkMaxnames(args.Maxnames); err != nil {
		return nil, err
	}
	names, err := s.snapshotNames(ctx, "virDomainSnapshotListNames", args.Dom, "", args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotListNamesRet{Names: names[:min(len(names), int(args.Maxnames))]}, nil
}

func (s *Server) listAllSnapshots(ctx context.Context, c *conn, args *libvirt.DomainListAllSnapshotsArgs) (*libvirt.DomainListAllSnapshotsRet, error) {
	names, err := s.snapshotNames(ctx, "virDomainListAllSnapshots", args.Dom, "", args.Flags)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.DomainListAllSnapshotsRet{Ret: int32(len(names))}
	if args.NeedResults != 0 {
		for _, n := range names {
			ret.Snapshots = append(ret.Snapshots, wireSnapshot(args.Dom, n))
		}
	}
	return ret, nil
}

func (s *Server) snapshotNumChildren(ctx context.Context, c *conn, args *libvirt.DomainSnapshotNumChildrenArgs) (*libvirt.DomainSnapshotNumChildrenRet, error) {
	names, err := s.snapshotNames(ctx, "virDomainSnapshotNumChildren", args.Snap.Dom, args.Snap.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotNumChildrenRet{Num: int32(len(names))}, nil
}

func (s *Server) snapshotListChildrenNames(ctx context.Context, c *conn, args *libvirt.DomainSnapshotListChildrenNamesArgs) (*libvirt.DomainSnapshotListChildrenNamesRet, error) {
	if err := checkMaxnames(args.Maxnames); err != nil {
		return nil, err
	}
	names, err := s.snapshotNames(ctx, "virDomainSnapshotListChildrenNames", args.Snap.Dom, args.Snap.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotListChildrenNamesRet{Names: names[:min(len(names), int(args.Maxnames))]}, nil
}

func (s *Server) snapshotListAllChildren(ctx context.Context, c *conn, args *libvirt.DomainSnapshotListAllChildrenArgs) (*libvirt.DomainSnapshotListAllChildrenRet, error) {
	names, err := s.snapshotNames(ctx, "virDomainSnapshotListAllChildren", args.Snapshot.Dom, args.Snapshot.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.DomainSnapshotListAllChildrenRet{Ret: int32(len(names))}
	if args.NeedResults != 0 {
		for _, n := range names {
			ret.Snapshots = append(ret.Snapshots, wireSnapshot(args.Snapshot.Dom, n))
		}
	}
	return ret, nil
}

// snapshotInfo looks up snapshot name of dom.
func (s *Server) snapshotInfo(ctx context.Context, api string, dom libvirt.Domain, name string, flags uint32) (driverapi.SnapshotInfo, error) {
	if err := checkFlags(flags, 0, api); err != nil {
		return driverapi.SnapshotInfo{}, err
	}
	sn, err := s.snapshotter(api)
	if err != nil {
		return driverapi.SnapshotInfo{}, err
	}
	return sn.SnapshotInfo(ctx, dom.UUID, name)
}

func (s *Server) snapshotLookupByName(ctx context.Context, c *conn, args *libvirt.DomainSnapshotLookupByNameArgs) (*libvirt.DomainSnapshotLookupByNameRet, error) {
	info, err := s.snapshotInfo(ctx, "virDomainSnapshotLookupByName", args.Dom, args.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotLookupByNameRet{Snap: wireSnapshot(args.Dom, info.Name)}, nil
}

func (s *Server) snapshotGetParent(ctx context.Context, c *conn, args *libvirt.DomainSnapshotGetParentArgs) (*libvirt.DomainSnapshotGetParentRet, error) {
	info, err := s.snapshotInfo(ctx, "virDomainSnapshotGetParent", args.Snap.Dom, args.Snap.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	if info.Parent == "" {
		return nil, virterror.New(libvirt.ErrNoDomainSnapshot, "snapshot '%s' does not have a parent", info.Name)
	}
	return &libvirt.DomainSnapshotGetParentRet{Snap: wireSnapshot(args.Snap.Dom, info.Parent)}, nil
}

func (s *Server) snapshotIsCurrent(ctx context.Context, c *conn, args *libvirt.DomainSnapshotIsCurrentArgs) (*libvirt.DomainSnapshotIsCurrentRet, error) {
	info, err := s.snapshotInfo(ctx, "virDomainSnapshotIsCurrent", args.Snap.Dom, args.Snap.Name, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotIsCurrentRet{Current: boolInt(info.Current)}, nil
}

// snapshotHasMetadata: every snapshot the driver knows has metadata.
func (s *Server) snapshotHasMetadata(ctx context.Context, c *conn, args *libvirt.DomainSnapshotHasMetadataArgs) (*libvirt.DomainSnapshotHasMetadataRet, error) {
	if _, err := s.snapshotInfo(ctx, "virDomainSnapshotHasMetadata", args.Snap.Dom, args.Snap.Name, args.Flags); err != nil {
		return nil, err
	}
	return &libvirt.DomainSnapshotHasMetadataRet{Metadata: 1}, nil
}

// currentSnapshot names dom's current snapshot ("" when none).
func (s *Server) currentSnapshot(ctx context.Context, api string, dom libvirt.Domain, flags uint32) (string, error) {
	if err := checkFlags(flags, 0, api); err != nil {
		return "", err
	}
	sn, err := s.snapshotter(api)
	if err != nil {
		return "", err
	}
	return sn.SnapshotCurrent(ctx, dom.UUID)
}

func (s *Server) hasCurrentSnapshot(ctx context.Context, c *conn, args *libvirt.DomainHasCurrentSnapshotArgs) (*libvirt.DomainHasCurrentSnapshotRet, error) {
	name, err := s.currentSnapshot(ctx, "virDomainHasCurrentSnapshot", args.Dom, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainHasCurrentSnapshotRet{Result: boolInt(name != "")}, nil
}

func (s *Server) snapshotCurrent(ctx context.Context, c *conn, args *libvirt.DomainSnapshotCurrentArgs) (*libvirt.DomainSnapshotCurrentRet, error) {
	name, err := s.currentSnapshot(ctx, "virDomainSnapshotCurrent", args.Dom, args.Flags)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, virterror.New(libvirt.ErrNoDomainSnapshot, "the domain does not have a current snapshot")
	}
	return &libvirt.DomainSnapshotCurrentRet{Snap: wireSnapshot(args.Dom, name)}, nil
}

func (s *Server) revertToSnapshot(ctx context.Context, c *conn, args *libvirt.DomainRevertToSnapshotArgs) error {
	sn, err := s.snapshotter("virDomainRevertToSnapshot")
	if err != nil {
		return err
	}
	return sn.SnapshotRevert(ctx, args.Snap.Dom.UUID, args.Snap.Name, args.Flags)
}

func (s *Server) snapshotDelete(ctx context.Context, c *conn, args *libvirt.DomainSnapshotDeleteArgs) error {
	sn, err := s.snapshotter("virDomainSnapshotDelete")
	if err != nil {
		return err
	}
	return sn.SnapshotDelete(ctx, args.Snap.Dom.UUID, args.Snap.Name, uint32(args.Flags))
}
