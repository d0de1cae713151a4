package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Snapshots across the boundary: driverapi.Snapshotter as the Snapshot*
// rpcs. Creating a snapshot (which may halt the domain) and reverting to
// one change the domain's status: the supervisor keeps the domain out of
// its status cache while they run.

var (
	_ driverapi.Snapshotter = (*Client)(nil)
	_ driverapi.Snapshotter = (*Supervisor)(nil)
)

func snapReq(uuid driverapi.UUID, name, xml string, flags uint32) *pb.SnapshotRequest {
	return &pb.SnapshotRequest{Uuid: uuid[:], Name: name, Xml: xml, Flags: flags}
}

func replySnapName(r *pb.SnapshotReply) (string, error) { return r.GetName(), nil }

func (c *Client) SnapshotCreate(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) (string, error) {
	return invoke(ctx, c, "SnapshotCreate", c.rpc.SnapshotCreate, snapReq(uuid, "", xml, flags), replySnapName)
}

func (c *Client) SnapshotList(ctx context.Context, uuid driverapi.UUID, from string, flags uint32) ([]string, error) {
	return invoke(ctx, c, "SnapshotList", c.rpc.SnapshotList, snapReq(uuid, from, "", flags),
		func(r *pb.SnapshotReply) ([]string, error) { return r.GetNames(), nil })
}

func (c *Client) SnapshotInfo(ctx context.Context, uuid driverapi.UUID, name string) (driverapi.SnapshotInfo, error) {
	return invoke(ctx, c, "SnapshotInfo", c.rpc.SnapshotInfo, snapReq(uuid, name, "", 0),
		func(r *pb.SnapshotReply) (driverapi.SnapshotInfo, error) {
			return driverapi.SnapshotInfo{Name: r.GetName(), Parent: r.GetParent(), Current: r.GetCurrent()}, nil
		})
}

func (c *Client) SnapshotCurrent(ctx context.Context, uuid driverapi.UUID) (string, error) {
	return invoke(ctx, c, "SnapshotCurrent", c.rpc.SnapshotCurrent, snapReq(uuid, "", "", 0), replySnapName)
}

func (c *Client) SnapshotXML(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) (string, error) {
	return invoke(ctx, c, "SnapshotXML", c.rpc.SnapshotXML, snapReq(uuid, name, "", flags),
		func(r *pb.SnapshotReply) (string, error) { return r.GetXml(), nil })
}

func (c *Client) SnapshotRevert(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) error {
	_, err := invoke(ctx, c, "SnapshotRevert", c.rpc.SnapshotRevert, snapReq(uuid, name, "", flags), replyNone)
	return err
}

func (c *Client) SnapshotDelete(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) error {
	_, err := invoke(ctx, c, "SnapshotDelete", c.rpc.SnapshotDelete, snapReq(uuid, name, "", flags), replyNone)
	return err
}

// snapshots is impl as a driverapi.Snapshotter, or the error a driver
// without snapshots answers.
func (s *Server) snapshots(method string) (driverapi.Snapshotter, error) {
	if m, ok := s.impl.(driverapi.Snapshotter); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomain%s", method))
}

// snapshotCall runs fn with the driver's Snapshotter for the domain r
// names and turns its answer into a reply.
func (s *Server) snapshotCall(method string, r *pb.SnapshotRequest, fn func(driverapi.Snapshotter, driverapi.UUID) (*pb.SnapshotReply, error)) (*pb.SnapshotReply, error) {
	m, err := s.snapshots(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.SnapshotReply, error) {
		rep, err := fn(m, u)
		return reply(method, rep, err, func(rep *pb.SnapshotReply) *pb.SnapshotReply { return rep })
	})
}

func (s *Server) SnapshotCreate(ctx context.Context, r *pb.SnapshotRequest) (*pb.SnapshotReply, error) {
	return s.snapshotCall("SnapshotCreateXML", r, func(m driverapi.Snapshotter, u driverapi.UUID) (*pb.SnapshotReply, error) {
		name, err := m.SnapshotCreate(ctx, u, r.GetXml(), r.GetFlags())
		return &pb.SnapshotReply{Name: name}, err
	})
}

func (s *Server) SnapshotList(ctx context.Context, r *pb.SnapshotRequest) (*pb.SnapshotReply, error) {
	return s.snapshotCall("ListAllSnapshots", r, func(m driverapi.Snapshotter, u driverapi.UUID) (*pb.SnapshotReply, error) {
		names, err := m.SnapshotList(ctx, u, r.GetName(), r.GetFlags())
		return &pb.SnapshotReply{Names: names}, err
	})
}

func (s *Server) SnapshotInfo(ctx context.Context, r *pb.SnapshotRequest) (*pb.SnapshotReply, error) {
	return s.snapshotCall("SnapshotLookupByName", r, func(m driverapi.Snapshotter, u driverapi.UUID) (*pb.SnapshotReply, error) {
		info, err := m.SnapshotInfo(ctx, u, r.GetName())
		return &pb.SnapshotReply{Name: info.Name, Parent: info.Parent, Current: info.Current}, err
	})
}

func (s *Server) SnapshotCurrent(ctx context.Context, r *pb.SnapshotRequest) (*pb.SnapshotReply, error) {
	return s.snapshotCall("SnapshotCurrent", r, func(m driverapi.Snapshotter, u driverapi.UUID) (*pb.SnapshotReply, error) {
		name, err := m.SnapshotCurrent(ctx, u)
		return &pb.SnapshotReply{Name: name}, err
	})
}

func (s *Server) SnapshotXML(ctx context.Context, r *pb.SnapshotRequest) (*pb.SnapshotReply, error) {
	return s.snapshotCall("SnapshotGetXMLDesc", r, func(m driverapi.Snapshotter, u driverapi.UUID) (*pb.SnapshotReply, error) {
		xml, err := m.SnapshotXML(ctx, u, r.GetName(), r.GetFlags())
		return &pb.SnapshotReply{Xml: xml}, err
	})
}

func (s *Server) SnapshotRevert(ctx context.Context, r *pb.SnapshotRequest) (*pb.Empty, error) {
	const method = "RevertToSnapshot"
	m, err := s.snapshots(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.SnapshotRevert(ctx, u, r.GetName(), r.GetFlags()) })
}

func (s *Server) SnapshotDelete(ctx context.Context, r *pb.SnapshotRequest) (*pb.Empty, error) {
	const method = "SnapshotDelete"
	m, err := s.snapshots(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.SnapshotDelete(ctx, u, r.GetName(), r.GetFlags()) })
}

// snapshotted runs fn on the current plugin's driver.
func snapshotted[T any](s *Supervisor, ctx context.Context, method string, fn func(driverapi.Snapshotter) (T, error)) (T, error) {
	return call(s, ctx, method, func(d driverapi.Driver) (T, error) { return fn(d.(driverapi.Snapshotter)) })
}

// snapshotChange is snapshotted for calls that change domain u's status.
func snapshotChange[T any](s *Supervisor, ctx context.Context, method string, u driverapi.UUID, fn func(driverapi.Snapshotter) (T, error)) (T, error) {
	return change(s, ctx, method, u, func(d driverapi.Driver) (T, error) { return fn(d.(driverapi.Snapshotter)) })
}

func (s *Supervisor) SnapshotCreate(ctx context.Context, uuid driverapi.UUID, xml string, flags uint32) (string, error) {
	return snapshotChange(s, ctx, "SnapshotCreate", uuid, func(m driverapi.Snapshotter) (string, error) {
		return m.SnapshotCreate(ctx, uuid, xml, flags)
	})
}

func (s *Supervisor) SnapshotList(ctx context.Context, uuid driverapi.UUID, from string, flags uint32) ([]string, error) {
	return snapshotted(s, ctx, "SnapshotList", func(m driverapi.Snapshotter) ([]string, error) {
		return m.SnapshotList(ctx, uuid, from, flags)
	})
}

func (s *Supervisor) SnapshotInfo(ctx context.Context, uuid driverapi.UUID, name string) (driverapi.SnapshotInfo, error) {
	return snapshotted(s, ctx, "SnapshotInfo", func(m driverapi.Snapshotter) (driverapi.SnapshotInfo, error) {
		return m.SnapshotInfo(ctx, uuid, name)
	})
}

func (s *Supervisor) SnapshotCurrent(ctx context.Context, uuid driverapi.UUID) (string, error) {
	return snapshotted(s, ctx, "SnapshotCurrent", func(m driverapi.Snapshotter) (string, error) {
		return m.SnapshotCurrent(ctx, uuid)
	})
}

func (s *Supervisor) SnapshotXML(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) (string, error) {
	return snapshotted(s, ctx, "SnapshotXML", func(m driverapi.Snapshotter) (string, error) {
		return m.SnapshotXML(ctx, uuid, name, flags)
	})
}

func (s *Supervisor) SnapshotRevert(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) error {
	_, err := snapshotChange(s, ctx, "SnapshotRevert", uuid, func(m driverapi.Snapshotter) (struct{}, error) {
		return struct{}{}, m.SnapshotRevert(ctx, uuid, name, flags)
	})
	return err
}

func (s *Supervisor) SnapshotDelete(ctx context.Context, uuid driverapi.UUID, name string, flags uint32) error {
	_, err := snapshotted(s, ctx, "SnapshotDelete", func(m driverapi.Snapshotter) (struct{}, error) {
		return struct{}{}, m.SnapshotDelete(ctx, uuid, name, flags)
	})
	return err
}
