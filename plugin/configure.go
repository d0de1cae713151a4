package plugin

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc"
)

// configureMethod is Configure's full gRPC method name; gate holds back
// the other methods of the driver service (driverMethods), not go-plugin's
// own services.
var (
	driverMethods   = "/" + pb.Driver_ServiceDesc.ServiceName + "/"
	configureMethod = driverMethods + "Configure"
)

// Configure opens the plugin's driver with the host's settings. It
// succeeds once; the host calls it right after each start of the plugin.
func (s *Server) Configure(_ context.Context, r *pb.ConfigureRequest) (*pb.Empty, error) {
	s.configuring.Lock()
	defer s.configuring.Unlock()
	if s.configured() {
		return nil, toStatus("Configure", virterror.New(libvirt.ErrOperationInvalid, "the LXC driver plugin is already configured"))
	}
	var set settings.Settings
	if err := json.Unmarshal(r.GetSettings(), &set); err != nil {
		return nil, toStatus("Configure", virterror.New(libvirt.ErrInvalidArg, "decode the LXC driver plugin's settings: %v", err))
	}
	drv, err := s.open(set)
	if err != nil {
		return nil, toStatus("Configure", virterror.New(libvirt.ErrInternalError, "open the LXC driver: %v", err))
	}
	s.mu.Lock()
	s.impl, s.ready = drv, true
	s.mu.Unlock()
	return &pb.Empty{}, nil
}

func (s *Server) configured() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ready
}

// gate is the plugin's unary interceptor: nothing but Configure runs
// before Configure succeeded.
func (s *Server) gate(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	if strings.HasPrefix(info.FullMethod, driverMethods) && info.FullMethod != configureMethod && !s.configured() {
		return nil, notConfigured(info.FullMethod)
	}
	return h(ctx, req)
}

// gateStream is gate for streaming calls.
func (s *Server) gateStream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
	if strings.HasPrefix(info.FullMethod, driverMethods) && !s.configured() {
		return notConfigured(info.FullMethod)
	}
	return h(srv, ss)
}

func notConfigured(method string) error {
	return toStatus(method, virterror.New(libvirt.ErrOperationInvalid, "%s: the LXC driver plugin is not configured yet", method))
}

// grpcServer is the plugin's gRPC server (go-plugin's ServeConfig
// GRPCServer), with gate in front of s.
func (s *Server) grpcServer(opts []grpc.ServerOption) *grpc.Server {
	return newGRPCServer(append(opts, grpc.ChainUnaryInterceptor(s.gate), grpc.ChainStreamInterceptor(s.gateStream)))
}

// Configure sends the plugin its settings (see Server.Configure).
func (c *Client) Configure(ctx context.Context, s settings.Settings) error {
	b, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode the settings: %w", err)
	}
	if _, err := c.rpc.Configure(ctx, &pb.ConfigureRequest{Settings: b}); err != nil {
		return c.err(ctx, "Configure", err)
	}
	return nil
}
