package plugin

import (
	"context"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Save and restore across the boundary: driverapi.Saver as the Save,
// Restore, SaveImageXML, ManagedSave, HasManagedSave, ManagedSaveRemove,
// JobInfo and Reset rpcs, and driverapi.Checkpointer (live migration) as
// CheckpointDir, Checkpoint and RestoreCheckpoint. The calls that change a domain keep it out of
// the supervisor's status cache until answered, as the lifecycle calls do.

var (
	_ driverapi.Saver        = (*Client)(nil)
	_ driverapi.Saver        = (*Supervisor)(nil)
	_ driverapi.Checkpointer = (*Client)(nil)
	_ driverapi.Checkpointer = (*Supervisor)(nil)
)

func (c *Client) Save(ctx context.Context, uuid driverapi.UUID, path, dxml string, flags uint32) error {
	_, err := invoke(ctx, c, "Save", c.rpc.Save, &pb.SaveRequest{Uuid: uuid[:], Path: path, Xml: dxml, Flags: flags}, replyNone)
	return err
}

func (c *Client) RestoreSaved(ctx context.Context, path, dxml string, flags uint32) (driverapi.Domain, error) {
	return invoke(ctx, c, "Restore", c.rpc.Restore, &pb.SaveRequest{Path: path, Xml: dxml, Flags: flags}, replyDomain)
}

func (c *Client) SaveImageXML(ctx context.Context, path string, flags uint32) (string, error) {
	return invoke(ctx, c, "SaveImageXML", c.rpc.SaveImageXML, &pb.SaveRequest{Path: path, Flags: flags}, replyXML)
}

func (c *Client) ManagedSave(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "ManagedSave", c.rpc.ManagedSave, uuid, flags)
}

func (c *Client) HasManagedSave(ctx context.Context, uuid driverapi.UUID, flags uint32) (bool, error) {
	return invoke(ctx, c, "HasManagedSave", c.rpc.HasManagedSave, &pb.UUIDRequest{Uuid: uuid[:], Flags: flags},
		func(r *pb.BoolReply) (bool, error) { return r.GetValue(), nil })
}

func (c *Client) ManagedSaveRemove(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "ManagedSaveRemove", c.rpc.ManagedSaveRemove, uuid, flags)
}

func (c *Client) JobInfo(ctx context.Context, uuid driverapi.UUID) (driverapi.JobInfo, error) {
	return invoke(ctx, c, "JobInfo", c.rpc.JobInfo, &pb.UUIDRequest{Uuid: uuid[:]},
		func(r *pb.JobInfoReply) (driverapi.JobInfo, error) {
			return driverapi.JobInfo{Type: r.GetType(), Elapsed: time.Duration(r.GetElapsedNs())}, nil
		})
}

func (c *Client) Reset(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "Reset", c.rpc.Reset, uuid, flags)
}

// saver is impl as a driverapi.Saver, or the error a driver without
// save and restore answers.
func (s *Server) saver(method string) (driverapi.Saver, error) {
	if m, ok := s.impl.(driverapi.Saver); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomain%s", method))
}

func (s *Server) Save(ctx context.Context, r *pb.SaveRequest) (*pb.Empty, error) {
	const method = "Save"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.Save(ctx, u, r.GetPath(), r.GetXml(), r.GetFlags()) })
}

func (s *Server) Restore(ctx context.Context, r *pb.SaveRequest) (*pb.DomainReply, error) {
	const method = "Restore"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	d, err := m.RestoreSaved(ctx, r.GetPath(), r.GetXml(), r.GetFlags())
	return reply(method, d, err, domainReply)
}

func (s *Server) SaveImageXML(ctx context.Context, r *pb.SaveRequest) (*pb.XMLReply, error) {
	const method = "SaveImageGetXMLDesc"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	x, err := m.SaveImageXML(ctx, r.GetPath(), r.GetFlags())
	return reply(method, x, err, func(x string) *pb.XMLReply { return &pb.XMLReply{Xml: x} })
}

func (s *Server) ManagedSave(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	const method = "ManagedSave"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.ManagedSave(ctx, u, r.GetFlags()) })
}

func (s *Server) HasManagedSave(ctx context.Context, r *pb.UUIDRequest) (*pb.BoolReply, error) {
	const method = "HasManagedSaveImage"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.BoolReply, error) {
		v, err := m.HasManagedSave(ctx, u, r.GetFlags())
		return reply(method, v, err, func(v bool) *pb.BoolReply { return &pb.BoolReply{Value: v} })
	})
}

func (s *Server) ManagedSaveRemove(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	const method = "ManagedSaveRemove"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.ManagedSaveRemove(ctx, u, r.GetFlags()) })
}

func (s *Server) JobInfo(ctx context.Context, r *pb.UUIDRequest) (*pb.JobInfoReply, error) {
	const method = "GetJobInfo"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.JobInfoReply, error) {
		j, err := m.JobInfo(ctx, u)
		return reply(method, j, err, func(j driverapi.JobInfo) *pb.JobInfoReply {
			return &pb.JobInfoReply{Type: j.Type, ElapsedNs: int64(j.Elapsed)}
		})
	})
}

func (s *Server) Reset(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	const method = "Reset"
	m, err := s.saver(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.Reset(ctx, u, r.GetFlags()) })
}

func (s *Supervisor) Save(ctx context.Context, uuid driverapi.UUID, path, dxml string, flags uint32) error {
	return changeDo(s, ctx, "Save", uuid, func(d driverapi.Driver) error { return d.(driverapi.Saver).Save(ctx, uuid, path, dxml, flags) })
}

func (s *Supervisor) RestoreSaved(ctx context.Context, path, dxml string, flags uint32) (driverapi.Domain, error) {
	return s.fromXML(ctx, "Restore", func(d driverapi.Driver) (driverapi.Domain, error) {
		return d.(driverapi.Saver).RestoreSaved(ctx, path, dxml, flags)
	})
}

func (s *Supervisor) SaveImageXML(ctx context.Context, path string, flags uint32) (string, error) {
	return call(s, ctx, "SaveImageXML", func(d driverapi.Driver) (string, error) { return d.(driverapi.Saver).SaveImageXML(ctx, path, flags) })
}

func (s *Supervisor) ManagedSave(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "ManagedSave", uuid, func(d driverapi.Driver) error { return d.(driverapi.Saver).ManagedSave(ctx, uuid, flags) })
}

func (s *Supervisor) HasManagedSave(ctx context.Context, uuid driverapi.UUID, flags uint32) (bool, error) {
	return call(s, ctx, "HasManagedSave", func(d driverapi.Driver) (bool, error) { return d.(driverapi.Saver).HasManagedSave(ctx, uuid, flags) })
}

func (s *Supervisor) ManagedSaveRemove(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "ManagedSaveRemove", uuid, func(d driverapi.Driver) error { return d.(driverapi.Saver).ManagedSaveRemove(ctx, uuid, flags) })
}

func (s *Supervisor) JobInfo(ctx context.Context, uuid driverapi.UUID) (driverapi.JobInfo, error) {
	return call(s, ctx, "JobInfo", func(d driverapi.Driver) (driverapi.JobInfo, error) { return d.(driverapi.Saver).JobInfo(ctx, uuid) })
}

func (s *Supervisor) Reset(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return changeDo(s, ctx, "Reset", uuid, func(d driverapi.Driver) error { return d.(driverapi.Saver).Reset(ctx, uuid, flags) })
}

func (c *Client) CheckpointDir(ctx context.Context, xml string) (string, error) {
	return invoke(ctx, c, "CheckpointDir", c.rpc.CheckpointDir, &pb.XMLRequest{Xml: xml}, replyXML)
}

func (c *Client) Checkpoint(ctx context.Context, uuid driverapi.UUID, dir string) error {
	_, err := invoke(ctx, c, "Checkpoint", c.rpc.Checkpoint, &pb.SaveRequest{Uuid: uuid[:], Path: dir}, replyNone)
	return err
}

func (c *Client) Restore(ctx context.Context, xml, dir string) (driverapi.Domain, error) {
	return invoke(ctx, c, "RestoreCheckpoint", c.rpc.RestoreCheckpoint, &pb.SaveRequest{Xml: xml, Path: dir}, replyDomain)
}

// checkpointer is impl as a driverapi.Checkpointer, or the error a driver
// without it answers.
func (s *Server) checkpointer(method string) (driverapi.Checkpointer, error) {
	if m, ok := s.impl.(driverapi.Checkpointer); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "%s", method))
}

func (s *Server) CheckpointDir(ctx context.Context, r *pb.XMLRequest) (*pb.XMLReply, error) {
	const method = "CheckpointDir"
	m, err := s.checkpointer(method)
	if err != nil {
		return nil, err
	}
	dir, err := m.CheckpointDir(ctx, r.GetXml())
	return reply(method, dir, err, func(d string) *pb.XMLReply { return &pb.XMLReply{Xml: d} })
}

func (s *Server) Checkpoint(ctx context.Context, r *pb.SaveRequest) (*pb.Empty, error) {
	const method = "Checkpoint"
	m, err := s.checkpointer(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error { return m.Checkpoint(ctx, u, r.GetPath()) })
}

func (s *Server) RestoreCheckpoint(ctx context.Context, r *pb.SaveRequest) (*pb.DomainReply, error) {
	const method = "RestoreCheckpoint"
	m, err := s.checkpointer(method)
	if err != nil {
		return nil, err
	}
	d, err := m.Restore(ctx, r.GetXml(), r.GetPath())
	return reply(method, d, err, domainReply)
}

func (s *Supervisor) CheckpointDir(ctx context.Context, xml string) (string, error) {
	return call(s, ctx, "CheckpointDir", func(d driverapi.Driver) (string, error) { return d.(driverapi.Checkpointer).CheckpointDir(ctx, xml) })
}

func (s *Supervisor) Checkpoint(ctx context.Context, uuid driverapi.UUID, dir string) error {
	return changeDo(s, ctx, "Checkpoint", uuid, func(d driverapi.Driver) error { return d.(driverapi.Checkpointer).Checkpoint(ctx, uuid, dir) })
}

func (s *Supervisor) Restore(ctx context.Context, xml, dir string) (driverapi.Domain, error) {
	return s.fromXML(ctx, "RestoreCheckpoint", func(d driverapi.Driver) (driverapi.Domain, error) {
		return d.(driverapi.Checkpointer).Restore(ctx, xml, dir)
	})
}
