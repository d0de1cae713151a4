package server

import (
	"context"
	"slices"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Libvirt's network API on the lxc:// connection, as libvirt's modular
// daemons serve it: virtlxcd opens network:///system for its clients'
// network calls. Each client that makes one gets a connection of its own
// to libvirt's network driver (virtnetworkd, or libvirtd with it), opened
// then, read-only when the client is; its network calls are forwarded on
// it as they are (payloads undecoded) and the driver's network events come
// back the same way. Without that driver the calls are answered from the
// driver plugin's own networks (driverapi.Networks): the host's bridges,
// which can be listed and read but not defined, started or stopped.

// networks is the driver's own networks, or the error without them.
func (s *Server) networks(api string) (driverapi.Networks, error) {
	if s.cfg.Networks == nil {
		return nil, noSupport(api)
	}
	return s.cfg.Networks, nil
}

// noNetworkDriver refuses a call that changes networks: lxcvirtd only
// serves the host's existing bridges, as libvirt refuses it on a
// connection without a network driver.
func noNetworkDriver(api string) error {
	return virterror.NewFrom(virterror.FromNetwork, libvirt.ErrNoSupport,
		"%s: lxcvirtd serves the host's bridges as networks and cannot change them; run libvirt's network daemon (virtnetworkd, or libvirtd) to manage networks", api)
}

// networkList returns the driver's networks.
func (s *Server) networkList(ctx context.Context, api string) ([]driverapi.Network, error) {
	n, err := s.networks(api)
	if err != nil {
		return nil, err
	}
	return n.ListNetworks(ctx)
}

// network finds one of the driver's networks by name.
func (s *Server) network(ctx context.Context, api, name string) (driverapi.Network, error) {
	nets, err := s.networkList(ctx, api)
	if err != nil {
		return driverapi.Network{}, err
	}
	for _, n := range nets {
		if n.Name == name {
			return n, nil
		}
	}
	return driverapi.Network{}, virterror.NewFrom(virterror.FromNetwork, libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", name)
}

func networkRef(n driverapi.Network) libvirt.Network {
	return libvirt.Network{Name: n.Name, UUID: libvirt.UUID(n.UUID)}
}

// networkMatches applies virConnectListAllNetworks' filter flags.
func networkMatches(n driverapi.Network, flags libvirt.ConnectListAllNetworksFlags) bool {
	pair := func(yes, no libvirt.ConnectListAllNetworksFlags, v bool) bool {
		if flags&(yes|no) == 0 || flags&(yes|no) == yes|no {
			return true
		}
		return (flags&yes != 0) == v
	}
	return pair(libvirt.ConnectListNetworksActive, libvirt.ConnectListNetworksInactive, n.Active) &&
		pair(libvirt.ConnectListNetworksPersistent, libvirt.ConnectListNetworksTransient, true) &&
		pair(libvirt.ConnectListNetworksAutostart, libvirt.ConnectListNetworksNoAutostart, n.Autostart)
}

const listAllNetworksFlags = uint32(libvirt.ConnectListNetworksInactive | libvirt.ConnectListNetworksActive |
	libvirt.ConnectListNetworksPersistent | libvirt.ConnectListNetworksTransient |
	libvirt.ConnectListNetworksAutostart | libvirt.ConnectListNetworksNoAutostart)

func (s *Server) listAllNetworks(ctx context.Context, c *conn, args *libvirt.ConnectListAllNetworksArgs) (*libvirt.ConnectListAllNetworksRet, error) {
	const api = "virConnectListAllNetworks"
	if err := checkFlags(uint32(args.Flags), listAllNetworksFlags, api); err != nil {
		return nil, err
	}
	ret := &libvirt.ConnectListAllNetworksRet{}
	if s.cfg.Networks == nil {
		return ret, nil // no networks at all: an empty list, which clients take in their stride
	}
	nets, err := s.networkList(ctx, api)
	if err != nil {
		return nil, err
	}
	for _, n := range nets {
		if networkMatches(n, args.Flags) {
			ret.Ret++
			if args.NeedResults != 0 {
				ret.Nets = append(ret.Nets, networkRef(n))
			}
		}
	}
	return ret, nil
}

// networkNames lists the names of the active (or inactive) networks.
func (s *Server) networkNames(ctx context.Context, api string, active bool) ([]string, error) {
	nets, err := s.networkList(ctx, api)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range nets {
		if n.Active == active {
			names = append(names, n.Name)
		}
	}
	return names, nil
}

func (s *Server) numOfNetworks(ctx context.Context, c *conn) (*libvirt.ConnectNumOfNetworksRet, error) {
	names, err := s.networkNames(ctx, "virConnectNumOfNetworks", true)
	return &libvirt.ConnectNumOfNetworksRet{Num: int32(len(names))}, err
}

func (s *Server) numOfDefinedNetworks(ctx context.Context, c *conn) (*libvirt.ConnectNumOfDefinedNetworksRet, error) {
	names, err := s.networkNames(ctx, "virConnectNumOfDefinedNetworks", false)
	return &libvirt.ConnectNumOfDefinedNetworksRet{Num: int32(len(names))}, err
}

// limitNames applies a listing's maxnames, as libvirt's remote driver
// refuses a larger one.
func limitNames(names []string, max int32) ([]string, error) {
	if max < 0 || max > proto.NetworkListMax {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "maxnames > REMOTE_NETWORK_LIST_MAX")
	}
	return names[:min(len(names), int(max))], nil
}

func (s *Server) listNetworks(ctx context.Context, c *conn, args *libvirt.ConnectListNetworksArgs) (*libvirt.ConnectListNetworksRet, error) {
	names, err := s.networkNames(ctx, "virConnectListNetworks", true)
	if err == nil {
		names, err = limitNames(names, args.Maxnames)
	}
	return &libvirt.ConnectListNetworksRet{Names: names}, err
}

func (s *Server) listDefinedNetworks(ctx context.Context, c *conn, args *libvirt.ConnectListDefinedNetworksArgs) (*libvirt.ConnectListDefinedNetworksRet, error) {
	names, err := s.networkNames(ctx, "virConnectListDefinedNetworks", false)
	if err == nil {
		names, err = limitNames(names, args.Maxnames)
	}
	return &libvirt.ConnectListDefinedNetworksRet{Names: names}, err
}

func (s *Server) networkLookupByName(ctx context.Context, c *conn, args *libvirt.NetworkLookupByNameArgs) (*libvirt.NetworkLookupByNameRet, error) {
	n, err := s.network(ctx, "virNetworkLookupByName", args.Name)
	if err != nil {
		return nil, err
	}
	return &libvirt.NetworkLookupByNameRet{Net: networkRef(n)}, nil
}

func (s *Server) networkLookupByUUID(ctx context.Context, c *conn, args *libvirt.NetworkLookupByUUIDArgs) (*libvirt.NetworkLookupByUUIDRet, error) {
	nets, err := s.networkList(ctx, "virNetworkLookupByUUID")
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(nets, func(n driverapi.Network) bool { return n.UUID == driverapi.UUID(args.UUID) })
	if i < 0 {
		return nil, virterror.NewFrom(virterror.FromNetwork, libvirt.ErrNoNetwork,
			"Network not found: no network with matching uuid '%s'", driverapi.FormatUUID(driverapi.UUID(args.UUID)))
	}
	return &libvirt.NetworkLookupByUUIDRet{Net: networkRef(nets[i])}, nil
}

// networkOf resolves a network reference by name, as libvirt's network
// driver looks it up by UUID (lxcvirtd's UUIDs follow the names).
func (s *Server) networkOf(ctx context.Context, api string, ref libvirt.Network) (driverapi.Network, error) {
	return s.network(ctx, api, ref.Name)
}

func (s *Server) networkGetXMLDesc(ctx context.Context, c *conn, args *libvirt.NetworkGetXMLDescArgs) (*libvirt.NetworkGetXMLDescRet, error) {
	const api = "virNetworkGetXMLDesc"
	if err := checkFlags(args.Flags, uint32(libvirt.NetworkXMLInactive), api); err != nil {
		return nil, err
	}
	n, err := s.networkOf(ctx, api, args.Net)
	if err != nil {
		return nil, err
	}
	return &libvirt.NetworkGetXMLDescRet{XML: n.XML}, nil
}

func (s *Server) networkGetBridgeName(ctx context.Context, c *conn, args *libvirt.NetworkGetBridgeNameArgs) (*libvirt.NetworkGetBridgeNameRet, error) {
	n, err := s.networkOf(ctx, "virNetworkGetBridgeName", args.Net)
	if err != nil {
		return nil, err
	}
	return &libvirt.NetworkGetBridgeNameRet{Name: n.Bridge}, nil
}

func (s *Server) networkGetAutostart(ctx context.Context, c *conn, args *libvirt.NetworkGetAutostartArgs) (*libvirt.NetworkGetAutostartRet, error) {
	n, err := s.networkOf(ctx, "virNetworkGetAutostart", args.Net)
	if err != nil {
		return nil, err
	}
	return &libvirt.NetworkGetAutostartRet{Autostart: boolInt(n.Autostart)}, nil
}

func (s *Server) networkIsActive(ctx context.Context, c *conn, args *libvirt.NetworkIsActiveArgs) (*libvirt.NetworkIsActiveRet, error) {
	n, err := s.networkOf(ctx, "virNetworkIsActive", args.Net)
	if err != nil {
		return nil, err
	}
	return &libvirt.NetworkIsActiveRet{Active: boolInt(n.Active)}, nil
}

// networkIsPersistent: the networks lxcvirtd serves are configured, so
// persistent.
func (s *Server) networkIsPersistent(ctx context.Context, c *conn, args *libvirt.NetworkIsPersistentArgs) (*libvirt.NetworkIsPersistentRet, error) {
	if _, err := s.networkOf(ctx, "virNetworkIsPersistent", args.Net); err != nil {
		return nil, err
	}
	return &libvirt.NetworkIsPersistentRet{Persistent: 1}, nil
}

// dhcpLeases are the network's leases, of mac alone when it is not "".
func (s *Server) dhcpLeases(ctx context.Context, api, network, mac string) ([]libvirt.NetworkDhcpLease, error) {
	n, err := s.networks(api)
	if err != nil {
		return nil, err
	}
	leases, err := n.NetworkDHCPLeases(ctx, network)
	if err != nil {
		return nil, err
	}
	var out []libvirt.NetworkDhcpLease
	for _, l := range leases {
		if mac != "" && !strings.EqualFold(mac, l.MAC) {
			continue
		}
		out = append(out, leaseToWire(l))
	}
	return out, nil
}

func leaseToWire(l driverapi.DHCPLease) libvirt.NetworkDhcpLease {
	opt := func(s string) libvirt.OptString {
		if s == "" {
			return nil
		}
		return libvirt.OptString{s}
	}
	typ := int32(libvirt.IPAddrTypeIpv4)
	if l.IPv6 {
		typ = int32(libvirt.IPAddrTypeIpv6)
	}
	return libvirt.NetworkDhcpLease{
		Iface: l.Iface, Expirytime: l.ExpiryTime, Type: typ, Mac: opt(l.MAC), Iaid: opt(l.IAID),
		Ipaddr: l.IP, Prefix: l.Prefix, Hostname: opt(l.Hostname), Clientid: opt(l.ClientID),
	}
}

func (s *Server) networkGetDhcpLeases(ctx context.Context, c *conn, args *libvirt.NetworkGetDhcpLeasesArgs) (*libvirt.NetworkGetDhcpLeasesRet, error) {
	const api = "virNetworkGetDHCPLeases"
	if err := checkFlags(args.Flags, 0, api); err != nil {
		return nil, err
	}
	if _, err := s.networkOf(ctx, api, args.Net); err != nil {
		return nil, err
	}
	mac := ""
	if len(args.Mac) == 1 {
		mac = args.Mac[0]
	}
	leases, err := s.dhcpLeases(ctx, api, args.Net.Name, mac)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.NetworkGetDhcpLeasesRet{Ret: uint32(len(leases))}
	if args.NeedResults != 0 {
		ret.Leases = leases
	}
	return ret, nil
}

// networkListAllPorts: lxcvirtd keeps no ports on the networks it serves.
func (s *Server) networkListAllPorts(ctx context.Context, c *conn, args *libvirt.NetworkListAllPortsArgs) (*libvirt.NetworkListAllPortsRet, error) {
	const api = "virNetworkListAllPorts"
	if err := checkFlags(args.Flags, 0, api); err != nil {
		return nil, err
	}
	if _, err := s.networkOf(ctx, api, args.OptNetwork); err != nil {
		return nil, err
	}
	return &libvirt.NetworkListAllPortsRet{}, nil
}

// networkEventRegisterAny accepts a network event callback: the networks
// lxcvirtd serves never change through it, so no event ever comes.
func (s *Server) networkEventRegisterAny(ctx context.Context, c *conn, args *libvirt.ConnectNetworkEventRegisterAnyArgs) (*libvirt.ConnectNetworkEventRegisterAnyRet, error) {
	if args.EventID != int32(libvirt.NetworkEventIDLifecycle) {
		return nil, virterror.New(libvirt.ErrInvalidArg, "unsupported event ID %d", args.EventID)
	}
	return &libvirt.ConnectNetworkEventRegisterAnyRet{CallbackID: c.nextNetworkCallback()}, nil
}

func (s *Server) networkEventDeregisterAny(ctx context.Context, c *conn, args *libvirt.ConnectNetworkEventDeregisterAnyArgs) error {
	c.upMu.Lock()
	defer c.upMu.Unlock()
	if !c.netCallbacks[args.CallbackID] {
		return virterror.New(libvirt.ErrInvalidArg, "callback ID %d not registered", args.CallbackID)
	}
	delete(c.netCallbacks, args.CallbackID)
	return nil
}

// nextNetworkCallback records a new network event callback of the client.
func (c *conn) nextNetworkCallback() int32 {
	c.upMu.Lock()
	defer c.upMu.Unlock()
	if c.netCallbacks == nil {
		c.netCallbacks = map[int32]bool{}
	}
	c.netCallbackID++
	c.netCallbacks[c.netCallbackID] = true
	return c.netCallbackID
}

// Calls that change networks: refused.

func (s *Server) networkDefineXML(ctx context.Context, c *conn, args *libvirt.NetworkDefineXMLArgs) (*libvirt.NetworkDefineXMLRet, error) {
	return nil, noNetworkDriver("virNetworkDefineXML")
}

func (s *Server) networkDefineXMLFlags(ctx context.Context, c *conn, args *libvirt.NetworkDefineXMLFlagsArgs) (*libvirt.NetworkDefineXMLFlagsRet, error) {
	return nil, noNetworkDriver("virNetworkDefineXMLFlags")
}

func (s *Server) networkCreateXML(ctx context.Context, c *conn, args *libvirt.NetworkCreateXMLArgs) (*libvirt.NetworkCreateXMLRet, error) {
	return nil, noNetworkDriver("virNetworkCreateXML")
}

func (s *Server) networkCreateXMLFlags(ctx context.Context, c *conn, args *libvirt.NetworkCreateXMLFlagsArgs) (*libvirt.NetworkCreateXMLFlagsRet, error) {
	return nil, noNetworkDriver("virNetworkCreateXMLFlags")
}

func (s *Server) networkCreate(ctx context.Context, c *conn, args *libvirt.NetworkCreateArgs) error {
	return noNetworkDriver("virNetworkCreate")
}

func (s *Server) networkDestroy(ctx context.Context, c *conn, args *libvirt.NetworkDestroyArgs) error {
	return noNetworkDriver("virNetworkDestroy")
}

func (s *Server) networkUndefine(ctx context.Context, c *conn, args *libvirt.NetworkUndefineArgs) error {
	return noNetworkDriver("virNetworkUndefine")
}

func (s *Server) networkSetAutostart(ctx context.Context, c *conn, args *libvirt.NetworkSetAutostartArgs) error {
	return noNetworkDriver("virNetworkSetAutostart")
}

func (s *Server) networkUpdate(ctx context.Context, c *conn, args *libvirt.NetworkUpdateArgs) error {
	return noNetworkDriver("virNetworkUpdate")
}

func (s *Server) networkPortCreateXML(ctx context.Context, c *conn, args *libvirt.NetworkPortCreateXMLArgs) (*libvirt.NetworkPortCreateXMLRet, error) {
	return nil, noNetworkDriver("virNetworkPortCreateXML")
}

// leaseAddresses answers virDomainInterfaceAddresses from the DHCP leases
// of the domain's networks, as libvirt's virDomainNetDHCPInterfaces does:
// for each <interface type='network'> with a MAC, the leases its network
// holds for that MAC, under the interface's host-side name. Beyond
// libvirt, an <interface type='bridge'> on the bridge of a network
// lxcvirtd serves itself (lxc-net's) is looked up in that network too.
func (s *Server) leaseAddresses(ctx context.Context, c *conn, uuid driverapi.UUID) (*libvirt.DomainInterfaceAddressesRet, error) {
	ret := &libvirt.DomainInterfaceAddressesRet{}
	err := s.domainLeases(ctx, c, uuid, "virDomainInterfaceAddresses", func(ifc *libvirtxml.DomainInterface, leases []libvirt.NetworkDhcpLease) bool {
		out := libvirt.DomainInterface{Hwaddr: libvirt.OptString{strings.ToLower(ifc.MAC.Address)}}
		if ifc.Target != nil {
			out.Name = ifc.Target.Dev
		}
		for _, l := range leases {
			out.Addrs = append(out.Addrs, libvirt.DomainIPAddr{Type: l.Type, Addr: l.Ipaddr, Prefix: l.Prefix})
		}
		ret.Ifaces = append(ret.Ifaces, out)
		return true
	})
	if err != nil {
		return nil, err
	}
	return ret, nil
}

// domainLeases calls fn with the DHCP leases of each of the running
// domain's interfaces that has some, in the order of its live XML, until fn
// returns false: an <interface type='network'> with a MAC, the leases its
// network holds for that MAC; beyond libvirt, an <interface type='bridge'>
// on the bridge of a network lxcvirtd serves itself (lxc-net's) is looked
// up in that network too.
func (s *Server) domainLeases(ctx context.Context, c *conn, uuid driverapi.UUID, api string, fn func(*libvirtxml.DomainInterface, []libvirt.NetworkDhcpLease) bool) error {
	x, err := s.drv().XMLDesc(ctx, uuid, 0)
	if err != nil {
		return err
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(x); err != nil {
		return virterror.New(libvirt.ErrInternalError, "cannot parse the domain's XML: %v", err)
	}
	if dom.Devices == nil {
		return nil
	}
	for i := range dom.Devices.Interfaces {
		ifc := &dom.Devices.Interfaces[i]
		if ifc.Source == nil || ifc.MAC == nil || ifc.MAC.Address == "" {
			continue
		}
		var network string
		switch {
		case ifc.Source.Network != nil:
			network = ifc.Source.Network.Network
		case ifc.Source.Bridge != nil:
			network = c.networkOfBridge(ctx, ifc.Source.Bridge.Bridge)
		}
		if network == "" {
			continue
		}
		leases, err := c.networkLeases(ctx, api, network, ifc.MAC.Address)
		if err != nil {
			return err
		}
		if len(leases) > 0 && !fn(ifc, leases) {
			return nil
		}
	}
	return nil
}

// networkOfBridge names the network lxcvirtd serves itself whose bridge is
// bridge; "" when there is none or libvirt's network driver serves the
// networks (its bridges are its own business, as in libvirt).
func (c *conn) networkOfBridge(ctx context.Context, bridge string) string {
	nets := c.srv.cfg.Networks
	if bridge == "" || nets == nil || c.networkUpstream(ctx) != nil {
		return ""
	}
	list, err := nets.ListNetworks(ctx)
	if err != nil {
		return ""
	}
	for _, n := range list {
		if n.Bridge == bridge {
			return n.Name
		}
	}
	return ""
}
