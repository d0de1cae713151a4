// Package hostnet serves the virtual networks lxcvirt knows without
// libvirt's network driver (driverapi.Networks): the bridge of LXC's
// lxc-net as "default" and the bridges the settings name, described as
// libvirt network XML from the host's bridges and lxc-net's settings, with
// the DHCP leases of lxc-net's dnsmasq. It reads the host; it changes
// nothing.
package hostnet

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"slices"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// DefaultLeaseDir is where lxc-net's dnsmasq keeps its lease file,
// dnsmasq.BRIDGE.leases.
const DefaultLeaseDir = "/var/lib/misc"

// Config says which networks there are.
type Config struct {
	// DefaultBridge backs the network "default" unless Networks names it.
	DefaultBridge string
	// Networks maps network names to host bridges.
	Networks map[string]string
	// LXCNetFiles are lxc-net's settings files (default LXCNetFiles).
	LXCNetFiles []string
	// LeaseDir holds dnsmasq's lease files (default DefaultLeaseDir).
	LeaseDir string
	// Link looks up a host interface (default: the host's, by net.InterfaceByName).
	Link func(name string) (Link, error)
}

// Link is what a network's description needs of its bridge.
type Link struct {
	Up    bool
	MAC   string
	Addrs []*net.IPNet
}

// Networks is driverapi.Networks over the host's bridges.
type Networks struct{ cfg Config }

var _ driverapi.Networks = (*Networks)(nil)

// New returns the networks of cfg.
func New(cfg Config) *Networks {
	if cfg.LXCNetFiles == nil {
		cfg.LXCNetFiles = LXCNetFiles
	}
	if cfg.LeaseDir == "" {
		cfg.LeaseDir = DefaultLeaseDir
	}
	if cfg.Link == nil {
		cfg.Link = hostLink
	}
	return &Networks{cfg: cfg}
}

// bridges maps each network name to its bridge.
func (n *Networks) bridges() map[string]string {
	m := map[string]string{}
	if n.cfg.DefaultBridge != "" {
		m["default"] = n.cfg.DefaultBridge
	}
	for k, v := range n.cfg.Networks {
		m[k] = v
	}
	return m
}

// ListNetworks describes every network, by name.
func (n *Networks) ListNetworks(ctx context.Context) ([]driverapi.Network, error) {
	lxcnet, err := ReadLXCNet(n.cfg.LXCNetFiles)
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot read lxc-net's settings: %v", err)
	}
	bridges := n.bridges()
	names := make([]string, 0, len(bridges))
	for name := range bridges {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make([]driverapi.Network, 0, len(names))
	for _, name := range names {
		nw, err := n.describe(name, bridges[name], lxcnet)
		if err != nil {
			return nil, err
		}
		out = append(out, nw)
	}
	return out, nil
}

// NetworkDHCPLeases returns the unexpired leases of the named network's
// dnsmasq lease file (none when there is no file).
func (n *Networks) NetworkDHCPLeases(ctx context.Context, name string) ([]driverapi.DHCPLease, error) {
	bridge, ok := n.bridges()[name]
	if !ok {
		return nil, NoNetworkError(name)
	}
	prefix := uint32(0)
	if l, err := n.cfg.Link(bridge); err == nil {
		for _, a := range l.Addrs {
			if a.IP.To4() != nil {
				ones, _ := a.Mask.Size()
				prefix = uint32(ones)
				break
			}
		}
	}
	return readLeases(leaseFile(n.cfg.LeaseDir, bridge), bridge, prefix)
}

// NoNetworkError is libvirt's error for a network name it does not know.
func NoNetworkError(name string) error {
	return virterror.NewFrom(virterror.FromNetwork, libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", name)
}

func leaseFile(dir, bridge string) string {
	return fmt.Sprintf("%s/dnsmasq.%s.leases", strings.TrimRight(dir, "/"), bridge)
}

// describe builds the network name on bridge: lxc-net's bridge is a NAT
// network with lxc-net's address and DHCP range; any other bridge is a
// host bridge (libvirt's forward mode 'bridge').
func (n *Networks) describe(name, bridge string, lxcnet LXCNet) (driverapi.Network, error) {
	nw := driverapi.Network{Name: name, UUID: NetworkUUID(name), Bridge: bridge}
	link, err := n.cfg.Link(bridge)
	exists := err == nil
	nw.Active = exists && link.Up
	doc := libvirtxml.Network{Name: name, UUID: driverapi.FormatUUID(nw.UUID), Bridge: &libvirtxml.NetworkBridge{Name: bridge}}
	if lxcnet.Use && bridge == lxcnet.Bridge {
		nw.Autostart = true
		doc.Forward = &libvirtxml.NetworkForward{Mode: "nat"}
		doc.MAC = &libvirtxml.NetworkMAC{Address: lxcnet.MAC}
		if exists && link.MAC != "" {
			doc.MAC.Address = link.MAC
		}
		if lxcnet.Domain != "" {
			doc.Domain = &libvirtxml.NetworkDomain{Name: lxcnet.Domain}
		}
		ip := libvirtxml.NetworkIP{Address: lxcnet.Addr, Netmask: lxcnet.Netmask}
		if first, last, ok := strings.Cut(lxcnet.DHCPRange, ","); ok {
			ip.DHCP = &libvirtxml.NetworkDHCP{Ranges: []libvirtxml.NetworkDHCPRange{{Start: first, End: last}}}
		}
		doc.IPs = []libvirtxml.NetworkIP{ip}
	} else {
		doc.Forward = &libvirtxml.NetworkForward{Mode: "bridge"}
	}
	x, err := doc.Marshal()
	if err != nil {
		return nw, virterror.New(libvirt.ErrInternalError, "network %s: %v", name, err)
	}
	nw.XML = x + "\n"
	return nw, nil
}

// NetworkUUID is the stable UUID of a network name: a name-based (version
// 5 style) UUID, so every lookup and every client sees the same one.
func NetworkUUID(name string) driverapi.UUID {
	h := sha256.Sum256([]byte("lxcvirt network " + name))
	var u driverapi.UUID
	copy(u[:], h[:16])
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

// hostLink reads a host interface.
func hostLink(name string) (Link, error) {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return Link{}, err
	}
	l := Link{Up: ifc.Flags&net.FlagUp != 0, MAC: ifc.HardwareAddr.String()}
	addrs, err := ifc.Addrs()
	if err != nil {
		return l, err
	}
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok {
			l.Addrs = append(l.Addrs, ipn)
		}
	}
	return l, nil
}
