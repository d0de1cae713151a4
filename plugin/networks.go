package plugin

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// The driver's own networks across the boundary: driverapi.Networks as the
// ListNetworks and NetworkDHCPLeases rpcs. They touch no domain, so the
// supervisor's status cache is left alone.

var (
	_ driverapi.Networks = (*Client)(nil)
	_ driverapi.Networks = (*Supervisor)(nil)
)

func networksFromPB(r *pb.NetworksReply) ([]driverapi.Network, error) {
	out := make([]driverapi.Network, 0, len(r.GetNetworks()))
	for _, n := range r.GetNetworks() {
		u, err := uuidFromPB(n.GetUuid())
		if err != nil {
			return nil, err
		}
		out = append(out, driverapi.Network{
			Name: n.GetName(), UUID: u, Bridge: n.GetBridge(),
			Active: n.GetActive(), Autostart: n.GetAutostart(), XML: n.GetXml(),
		})
	}
	return out, nil
}

func networksToPB(nets []driverapi.Network) *pb.NetworksReply {
	r := &pb.NetworksReply{}
	for _, n := range nets {
		r.Networks = append(r.Networks, &pb.Network{
			Name: n.Name, Uuid: n.UUID[:], Bridge: n.Bridge, Active: n.Active, Autostart: n.Autostart, Xml: n.XML,
		})
	}
	return r
}

func leasesFromPB(r *pb.DHCPLeasesReply) ([]driverapi.DHCPLease, error) {
	out := make([]driverapi.DHCPLease, 0, len(r.GetLeases()))
	for _, l := range r.GetLeases() {
		out = append(out, driverapi.DHCPLease{
			Iface: l.GetIface(), ExpiryTime: l.GetExpiryTime(), IPv6: l.GetIpv6(), MAC: l.GetMac(), IAID: l.GetIaid(),
			IP: l.GetIp(), Prefix: l.GetPrefix(), Hostname: l.GetHostname(), ClientID: l.GetClientId(),
		})
	}
	return out, nil
}

func leasesToPB(leases []driverapi.DHCPLease) *pb.DHCPLeasesReply {
	r := &pb.DHCPLeasesReply{}
	for _, l := range leases {
		r.Leases = append(r.Leases, &pb.DHCPLease{
			Iface: l.Iface, ExpiryTime: l.ExpiryTime, Ipv6: l.IPv6, Mac: l.MAC, Iaid: l.IAID,
			Ip: l.IP, Prefix: l.Prefix, Hostname: l.Hostname, ClientId: l.ClientID,
		})
	}
	return r
}

func (c *Client) ListNetworks(ctx context.Context) ([]driverapi.Network, error) {
	return invoke(ctx, c, "ListNetworks", c.rpc.ListNetworks, &pb.Empty{}, networksFromPB)
}

func (c *Client) NetworkDHCPLeases(ctx context.Context, name string) ([]driverapi.DHCPLease, error) {
	return invoke(ctx, c, "NetworkDHCPLeases", c.rpc.NetworkDHCPLeases, &pb.NameRequest{Name: name}, leasesFromPB)
}

// networks is impl as a driverapi.Networks, or the error a driver without
// networks answers.
func (s *Server) networks(method, api string) (driverapi.Networks, error) {
	if n, ok := s.impl.(driverapi.Networks); ok {
		return n, nil
	}
	return nil, toStatus(method, virterror.New(libvirt.ErrNoSupport, "%s", api))
}

func (s *Server) ListNetworks(ctx context.Context, _ *pb.Empty) (*pb.NetworksReply, error) {
	const method = "ListNetworks"
	n, err := s.networks(method, "virConnectListAllNetworks")
	if err != nil {
		return nil, err
	}
	v, err := n.ListNetworks(ctx)
	return reply(method, v, err, networksToPB)
}

func (s *Server) NetworkDHCPLeases(ctx context.Context, r *pb.NameRequest) (*pb.DHCPLeasesReply, error) {
	const method = "NetworkDHCPLeases"
	n, err := s.networks(method, "virNetworkGetDHCPLeases")
	if err != nil {
		return nil, err
	}
	v, err := n.NetworkDHCPLeases(ctx, r.GetName())
	return reply(method, v, err, leasesToPB)
}

func (s *Supervisor) ListNetworks(ctx context.Context) ([]driverapi.Network, error) {
	return hostCall(s, ctx, "ListNetworks", func(c *Client) ([]driverapi.Network, error) { return c.ListNetworks(ctx) })
}

func (s *Supervisor) NetworkDHCPLeases(ctx context.Context, name string) ([]driverapi.DHCPLease, error) {
	return hostCall(s, ctx, "NetworkDHCPLeases", func(c *Client) ([]driverapi.DHCPLease, error) { return c.NetworkDHCPLeases(ctx, name) })
}
