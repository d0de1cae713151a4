// Package plugin is lxcvirt's out-of-process driver boundary, shaped like
// go-plugin's grpc example: the handshake and plugin map both sides share,
// gRPC adapters that carry driverapi.Driver across the boundary (Client on the
// host, Server in the plugin), Serve for the plugin binary, and Supervisor,
// the host's driverapi.Driver that runs the plugin process and restarts it when
// it dies.
package plugin

import (
	"context"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"google.golang.org/grpc"
)

// Handshake is the configuration both sides must agree on. The cookie only
// keeps the plugin binary from being run by hand; bump ProtocolVersion on
// any incompatible change of driver.proto.
var Handshake = goplugin.HandshakeConfig{
	ProtocolVersion:  3,
	MagicCookieKey:   "LXCVIRT_DRIVER_PLUGIN",
	MagicCookieValue: "9d6f1c2a7e3b48d5a0c4f8e2b61d7a93",
}

// DriverPluginName is the name the driver is dispensed under.
const DriverPluginName = "driver"

// PluginMap is the host's view of the plugins a driver binary serves.
var PluginMap = map[string]goplugin.Plugin{DriverPluginName: &DriverPlugin{}}

// DriverPlugin is the go-plugin glue for driverapi.Driver over gRPC. In the
// plugin it serves Impl; on the host it hands out a *Client.
type DriverPlugin struct {
	goplugin.NetRPCUnsupportedPlugin
	// Impl is the driver the plugin serves (unused on the host), unless
	// Serve set server.
	Impl driverapi.Driver

	server *Server // set by Serve: a server configured by the host
}

// GRPCServer registers the driver service on the plugin's gRPC server.
func (p *DriverPlugin) GRPCServer(_ *goplugin.GRPCBroker, s *grpc.Server) error {
	srv := p.server
	if srv == nil {
		srv = NewServer(p.Impl)
	}
	pb.RegisterDriverServer(s, srv)
	return nil
}

// GRPCClient returns a *Client over the host's connection to the plugin.
func (p *DriverPlugin) GRPCClient(_ context.Context, _ *goplugin.GRPCBroker, c *grpc.ClientConn) (any, error) {
	return NewClient(c), nil
}
