package driverapi

import "context"

// Networks is implemented by drivers that serve the virtual networks their
// domains' <interface type='network'> name, when the host has no libvirt
// network driver to ask: libvirt's network listing, lookup, XML and DHCP
// lease calls are answered from it. The networks are the host's bridges as
// the driver was configured to know them; they cannot be defined, started
// or stopped through it. It is separate from Driver so drivers without it
// need not stub it. Every error is a *virterror.Error.
type Networks interface {
	// ListNetworks returns every network the driver knows, by name.
	ListNetworks(ctx context.Context) ([]Network, error)
	// NetworkDHCPLeases returns the DHCP leases of the named network (an
	// unknown one is VIR_ERR_NO_NETWORK), as virNetworkGetDHCPLeases.
	NetworkDHCPLeases(ctx context.Context, name string) ([]DHCPLease, error)
}

// Network is one virtual network: a host bridge under a libvirt name.
type Network struct {
	Name   string
	UUID   UUID // stable for the name
	Bridge string
	// Active: the bridge exists and is up.
	Active bool
	// Autostart: something outside the driver brings the bridge up at
	// boot (LXC's lxc-net for its bridge).
	Autostart bool
	// XML is the network's libvirt XML (virNetworkGetXMLDesc).
	XML string
}

// DHCPLease is virNetworkDHCPLease.
type DHCPLease struct {
	Iface      string // the network's bridge
	ExpiryTime int64  // seconds since the epoch
	IPv6       bool
	MAC        string // lower case, colon separated
	IAID       string
	IP         string
	Prefix     uint32
	Hostname   string
	ClientID   string
}
