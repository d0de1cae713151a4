package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Metadata across the boundary: driverapi.MetadataEditor as the SetMetadata
// and Metadata rpcs. A change of metadata changes no status, so the
// supervisor's status cache is left alone (the metadata-change event
// drops the domain's entry anyway, as every event does).

var (
	_ driverapi.MetadataEditor = (*Client)(nil)
	_ driverapi.MetadataEditor = (*Supervisor)(nil)
)

func (c *Client) SetMetadata(ctx context.Context, uuid driverapi.UUID, typ driverapi.MetadataType, metadata, key, uri string, flags uint32) error {
	_, err := invoke(ctx, c, "SetMetadata", c.rpc.SetMetadata, &pb.SetMetadataRequest{
		Uuid: uuid[:], Type: int32(typ), Metadata: metadata, Key: key, Uri: uri, Flags: flags,
	}, replyNone)
	return err
}

func (c *Client) Metadata(ctx context.Context, uuid driverapi.UUID, typ driverapi.MetadataType, uri string, flags uint32) (string, error) {
	return invoke(ctx, c, "Metadata", c.rpc.Metadata, &pb.MetadataRequest{Uuid: uuid[:], Type: int32(typ), Uri: uri, Flags: flags},
		func(r *pb.MetadataReply) (string, error) { return r.GetMetadata(), nil })
}

// editor is impl as a driverapi.MetadataEditor, or the error a driver without
// metadata answers.
func (s *Server) editor(method string) (driverapi.MetadataEditor, error) {
	if m, ok := s.impl.(driverapi.MetadataEditor); ok {
		return m, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomain%s", method))
}

func (s *Server) SetMetadata(ctx context.Context, r *pb.SetMetadataRequest) (*pb.Empty, error) {
	const method = "SetMetadata"
	m, err := s.editor(method)
	if err != nil {
		return nil, err
	}
	return unit(method, r.GetUuid(), func(u driverapi.UUID) error {
		return m.SetMetadata(ctx, u, driverapi.MetadataType(r.GetType()), r.GetMetadata(), r.GetKey(), r.GetUri(), r.GetFlags())
	})
}

func (s *Server) Metadata(ctx context.Context, r *pb.MetadataRequest) (*pb.MetadataReply, error) {
	const method = "GetMetadata"
	m, err := s.editor(method)
	if err != nil {
		return nil, err
	}
	return withUUID(method, r.GetUuid(), func(u driverapi.UUID) (*pb.MetadataReply, error) {
		text, err := m.Metadata(ctx, u, driverapi.MetadataType(r.GetType()), r.GetUri(), r.GetFlags())
		return reply(method, text, err, func(t string) *pb.MetadataReply { return &pb.MetadataReply{Metadata: t} })
	})
}

func (s *Supervisor) SetMetadata(ctx context.Context, uuid driverapi.UUID, typ driverapi.MetadataType, metadata, key, uri string, flags uint32) error {
	inst, err := s.current(ctx, "SetMetadata")
	if err != nil {
		return err
	}
	return inst.drv.SetMetadata(ctx, uuid, typ, metadata, key, uri, flags)
}

func (s *Supervisor) Metadata(ctx context.Context, uuid driverapi.UUID, typ driverapi.MetadataType, uri string, flags uint32) (string, error) {
	inst, err := s.current(ctx, "Metadata")
	if err != nil {
		return "", err
	}
	return inst.drv.Metadata(ctx, uuid, typ, uri, flags)
}
