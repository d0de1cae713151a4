package driver

import (
	"context"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// NetworkPorts connects interfaces to the networks of libvirt's network
// driver, as libvirt's LXC driver allocates a network port for each
// <interface type='network'> at start and releases it at stop
// (virNetworkPortCreateXML, virNetworkPortDelete). libvirtnet implements
// it.
type NetworkPorts interface {
	// Plug creates a port on the named network for an interface with mac
	// of the domain owner and returns its UUID and the bridge to attach
	// the interface to. ok is false, with no error, when libvirt's network
	// driver is not running.
	Plug(ctx context.Context, network, mac, owner string, ownerUUID [16]byte) (portID, bridge string, ok bool, err error)
	// Unplug deletes a port; one already gone is not an error.
	Unplug(ctx context.Context, network, portID string) error
}

// port is a network port made for a start.
type port struct{ network, id string }

// unplugWait bounds releasing a stopped domain's ports.
const unplugWait = 30 * time.Second

// plugNetworks gives each <interface type='network'> of dom, the running
// definition being made, a port of libvirt's network driver when it runs:
// the interface's <source> then carries the port's UUID and its bridge,
// as libvirt's live XML shows them. It returns the ports made, also on
// failure.
func (l *LXC) plugNetworks(ctx context.Context, d *domain, dom *libvirtxml.Domain) ([]port, error) {
	if dom.Devices == nil {
		return nil, nil
	}
	if l.cfg.Ports == nil {
		clearPorts(dom)
		return nil, nil
	}
	var made []port
	for i := range dom.Devices.Interfaces {
		ifc := &dom.Devices.Interfaces[i]
		if ifc.Source == nil || ifc.Source.Network == nil || ifc.MAC == nil {
			continue
		}
		src := ifc.Source.Network
		id, bridge, ok, err := l.cfg.Ports.Plug(ctx, src.Network, ifc.MAC.Address, d.name, d.uuid)
		if err != nil {
			return made, virterror.Wrap(err)
		}
		if !ok {
			clearPorts(dom) // no network driver: the networks setting resolves them
			return made, nil
		}
		made = append(made, port{src.Network, id})
		src.PortID, src.Bridge = id, bridge
		l.log.Debug("network port made", "domain", d.name, "network", src.Network, "port", id, "bridge", bridge)
	}
	return made, nil
}

// clearPorts forgets the ports a definition's interfaces name: a start
// without libvirt's network driver makes none.
func clearPorts(dom *libvirtxml.Domain) {
	for i := range dom.Devices.Interfaces {
		if src := dom.Devices.Interfaces[i].Source; src != nil && src.Network != nil {
			src.Network.PortID, src.Network.Bridge = "", ""
		}
	}
}

// unplugNetworks releases ports; failures are logged.
func (l *LXC) unplugNetworks(name string, ports []port) {
	if len(ports) == 0 || l.cfg.Ports == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), unplugWait)
	defer cancel()
	for _, p := range ports {
		if err := l.cfg.Ports.Unplug(ctx, p.network, p.id); err != nil {
			l.log.Warn("cannot release network port", "domain", name, "network", p.network, "port", p.id, "err", err)
		}
	}
}

// portsOf lists the network ports a running definition's interfaces hold.
func portsOf(liveXML string) []port {
	if liveXML == "" {
		return nil
	}
	var dom libvirtxml.Domain
	if dom.Unmarshal(liveXML) != nil || dom.Devices == nil {
		return nil
	}
	var out []port
	for _, ifc := range dom.Devices.Interfaces {
		if ifc.Source != nil && ifc.Source.Network != nil && ifc.Source.Network.PortID != "" {
			out = append(out, port{ifc.Source.Network.Network, ifc.Source.Network.PortID})
		}
	}
	return out
}
