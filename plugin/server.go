package plugin

import (
	"context"
	"sync"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/settings"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// Server serves any driverapi.Driver as the plugin's gRPC service. Every error
// leaves as a status carrying the libvirt error (see toStatus).
type Server struct {
	pb.UnimplementedDriverServer
	// impl is the driver served: set by NewServer, or by Configure in a
	// server from newConfigurableServer. Calls read it only once gate let
	// them through, after it was set.
	impl  driverapi.Driver
	open  func(settings.Settings) (driverapi.Driver, error)
	files *fileChannel // the descriptor socket, when the host gave one

	configuring sync.Mutex // serialises Configure
	mu          sync.Mutex
	ready       bool // impl is set
	closed      bool // closeDriver ran
	closeErr    error
}

// NewServer returns the gRPC service for impl.
func NewServer(impl driverapi.Driver) *Server { return &Server{impl: impl, ready: true} }

// newConfigurableServer returns a gRPC service whose driver open makes
// from the settings the host sends with Configure; files is the
// descriptor socket, if any.
func newConfigurableServer(open func(settings.Settings) (driverapi.Driver, error), files *fileChannel) *Server {
	return &Server{open: open, files: files}
}

// closeDriver closes impl once, however often the host asks and whether or
// not the plugin is also shutting down; there is nothing to close before
// Configure.
func (s *Server) closeDriver() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ready && !s.closed {
		s.closed = true
		s.closeErr = s.impl.Close()
	}
	return s.closeErr
}

// reply converts a driver result for the wire, or its error to a status.
func reply[T, R any](method string, v T, err error, conv func(T) R) (R, error) {
	if err != nil {
		var zero R
		return zero, toStatus(method, err)
	}
	return conv(v), nil
}

func domainReply(d driverapi.Domain) *pb.DomainReply { return &pb.DomainReply{Domain: domainToPB(d)} }

// withUUID decodes a request's UUID and runs fn, or returns the decode error
// as a status.
func withUUID[R any](method string, raw []byte, fn func(driverapi.UUID) (R, error)) (R, error) {
	u, err := uuidFromPB(raw)
	if err != nil {
		var zero R
		return zero, toStatus(method, err)
	}
	return fn(u)
}

// unit runs a driver call that returns only an error.
func unit(method string, raw []byte, fn func(driverapi.UUID) error) (*pb.Empty, error) {
	return withUUID(method, raw, func(u driverapi.UUID) (*pb.Empty, error) {
		return reply(method, struct{}{}, fn(u), func(struct{}) *pb.Empty { return &pb.Empty{} })
	})
}

func (s *Server) DefineXML(ctx context.Context, r *pb.XMLRequest) (*pb.DomainReply, error) {
	d, err := s.impl.DefineXML(ctx, r.GetXml(), r.GetFlags())
	return reply("DefineXML", d, err, domainReply)
}

func (s *Server) CreateXML(ctx context.Context, r *pb.XMLRequest) (*pb.DomainReply, error) {
	d, err := s.impl.CreateXML(ctx, r.GetXml(), r.GetFlags())
	return reply("CreateXML", d, err, domainReply)
}

func (s *Server) Undefine(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Undefine", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Undefine(ctx, u, r.GetFlags()) })
}

func (s *Server) Create(ctx context.Context, r *pb.UUIDRequest) (*pb.DomainReply, error) {
	return withUUID("Create", r.GetUuid(), func(u driverapi.UUID) (*pb.DomainReply, error) {
		d, err := s.impl.Create(ctx, u, r.GetFlags())
		return reply("Create", d, err, domainReply)
	})
}

func (s *Server) Shutdown(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Shutdown", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Shutdown(ctx, u, r.GetFlags()) })
}

func (s *Server) Destroy(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Destroy", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Destroy(ctx, u, r.GetFlags()) })
}

func (s *Server) Reboot(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Reboot", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Reboot(ctx, u, r.GetFlags()) })
}

func (s *Server) Suspend(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Suspend", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Suspend(ctx, u) })
}

func (s *Server) Resume(ctx context.Context, r *pb.UUIDRequest) (*pb.Empty, error) {
	return unit("Resume", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.Resume(ctx, u) })
}

func (s *Server) LookupByName(ctx context.Context, r *pb.NameRequest) (*pb.DomainReply, error) {
	d, err := s.impl.LookupByName(ctx, r.GetName())
	return reply("LookupByName", d, err, domainReply)
}

func (s *Server) LookupByUUID(ctx context.Context, r *pb.UUIDRequest) (*pb.DomainReply, error) {
	return withUUID("LookupByUUID", r.GetUuid(), func(u driverapi.UUID) (*pb.DomainReply, error) {
		d, err := s.impl.LookupByUUID(ctx, u)
		return reply("LookupByUUID", d, err, domainReply)
	})
}

func (s *Server) LookupByID(ctx context.Context, r *pb.IDRequest) (*pb.DomainReply, error) {
	d, err := s.impl.LookupByID(ctx, r.GetId())
	return reply("LookupByID", d, err, domainReply)
}

func (s *Server) ListAll(ctx context.Context, r *pb.FlagsRequest) (*pb.ListReply, error) {
	l, err := s.impl.ListAll(ctx, r.GetFlags())
	return reply("ListAll", l, err, func(l []driverapi.Status) *pb.ListReply { return &pb.ListReply{Domains: statusesToPB(l)} })
}

func (s *Server) Status(ctx context.Context, r *pb.UUIDRequest) (*pb.StatusReply, error) {
	return withUUID("Status", r.GetUuid(), func(u driverapi.UUID) (*pb.StatusReply, error) {
		st, err := s.impl.Status(ctx, u)
		return reply("Status", st, err, func(st driverapi.Status) *pb.StatusReply { return &pb.StatusReply{Status: statusToPB(st)} })
	})
}

func (s *Server) XMLDesc(ctx context.Context, r *pb.UUIDRequest) (*pb.XMLReply, error) {
	return withUUID("XMLDesc", r.GetUuid(), func(u driverapi.UUID) (*pb.XMLReply, error) {
		x, err := s.impl.XMLDesc(ctx, u, r.GetFlags())
		return reply("XMLDesc", x, err, func(x string) *pb.XMLReply { return &pb.XMLReply{Xml: x} })
	})
}

func (s *Server) Info(ctx context.Context, r *pb.UUIDRequest) (*pb.InfoReply, error) {
	return withUUID("Info", r.GetUuid(), func(u driverapi.UUID) (*pb.InfoReply, error) {
		i, err := s.impl.Info(ctx, u)
		return reply("Info", i, err, func(i driverapi.Info) *pb.InfoReply { return &pb.InfoReply{Info: infoToPB(i)} })
	})
}

func (s *Server) SetAutostart(ctx context.Context, r *pb.AutostartRequest) (*pb.Empty, error) {
	return unit("SetAutostart", r.GetUuid(), func(u driverapi.UUID) error { return s.impl.SetAutostart(ctx, u, r.GetAutostart()) })
}

func (s *Server) Stats(ctx context.Context, r *pb.StatsRequest) (*pb.StatsReply, error) {
	uuids, err := uuidsFromPB(r.GetUuids())
	if err != nil {
		return nil, toStatus("Stats", err)
	}
	st, err := s.impl.Stats(ctx, uuids)
	return reply("Stats", st, err, func(st []driverapi.Stats) *pb.StatsReply { return &pb.StatsReply{Stats: statsToPB(st)} })
}

// Events subscribes to the driver, confirms the subscription with a
// response header, then relays events in order until the host cancels the
// call or the driver closes its channel.
func (s *Server) Events(_ *pb.EventsRequest, stream grpc.ServerStreamingServer[pb.Event]) error {
	ctx := stream.Context()
	ch, err := s.impl.Events(ctx)
	if err != nil {
		return toStatus("Events", err)
	}
	if err := stream.SendHeader(metadata.Pairs(subscribedKey, "1")); err != nil {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return toStatus("Events", ctx.Err())
		case ev, ok := <-ch:
			if !ok {
				return nil
			}
			if err := stream.Send(eventToPB(ev)); err != nil {
				return err
			}
		}
	}
}

func (s *Server) Close(context.Context, *pb.Empty) (*pb.Empty, error) {
	return reply("Close", struct{}{}, s.closeDriver(), func(struct{}) *pb.Empty { return &pb.Empty{} })
}
