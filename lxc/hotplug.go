package lxc

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Interface hotplug: a veth pair added to or removed from a running
// container's network namespace, as libvirt-lxc's
// lxcDomainAttachDeviceNetLive and lxcDomainDetachDeviceNetLive do, and set
// up inside as LXC sets up the veths of its config at start.

// ErrNoLink is returned for a network device that does not exist.
var ErrNoLink = errors.New("network device not found")

// NetDevice is a veth pair to add to a running container: what the
// lxc.net.N keys of an LXC config say for one interface.
type NetDevice struct {
	HostDev  string // the host end (lxc.net.N.veth.pair)
	GuestDev string // the name inside (lxc.net.N.name); "" for the first free ethN
	Bridge   string // the bridge the host end joins (lxc.net.N.link); "" for none
	MAC      net.HardwareAddr
	MTU      int  // 0: the bridge's (as LXC), else the kernel's default
	Up       bool // lxc.net.N.flags = up
	// Addrs are the guest's addresses with their prefix; Gateways its
	// default gateways (one per family at most), set only when Up.
	Addrs    []netip.Prefix
	Gateways []netip.Addr
}

// NetDeviceFromConfig reads interface i of an LXC config (its lxc.net.i.*
// keys) as the veth to hot-plug. Keys that cannot be applied to a running
// container are refused, naming the key.
func NetDeviceFromConfig(cfg xmlmap.Config, i int) (NetDevice, error) {
	var d NetDevice
	prefix := fmt.Sprintf("lxc.net.%d.", i)
	typ := ""
	for _, e := range cfg {
		key, ok := strings.CutPrefix(e.Key, prefix)
		if !ok {
			continue
		}
		var err error
		switch key {
		case "type":
			typ = e.Value
		case "link":
			d.Bridge = e.Value
		case "flags":
			d.Up = e.Value == "up"
		case "hwaddr":
			d.MAC, err = net.ParseMAC(e.Value)
		case "veth.pair":
			d.HostDev = e.Value
		case "name":
			d.GuestDev = e.Value
		case "mtu":
			d.MTU, err = strconv.Atoi(e.Value)
		case "ipv4.address", "ipv6.address":
			// An IPv4 address may carry its broadcast after a blank,
			// which the kernel derives from the prefix again.
			addr, _, _ := strings.Cut(e.Value, " ")
			var p netip.Prefix
			if p, err = parsePrefix(addr); err == nil {
				d.Addrs = append(d.Addrs, p)
			}
		case "ipv4.gateway", "ipv6.gateway":
			var a netip.Addr
			if a, err = netip.ParseAddr(e.Value); err == nil {
				d.Gateways = append(d.Gateways, a)
			}
		default:
			return d, fmt.Errorf("%s%s cannot be applied to a running container", prefix, key)
		}
		if err != nil {
			return d, fmt.Errorf("%s%s = %s: %w", prefix, key, e.Value, err)
		}
	}
	switch {
	case typ == "":
		return d, fmt.Errorf("the config has no interface %d", i)
	case typ != "veth":
		return d, fmt.Errorf("a %s interface cannot be added to a running container", typ)
	case d.HostDev == "":
		return d, fmt.Errorf("%sveth.pair is not set", prefix)
	case d.MAC == nil:
		return d, fmt.Errorf("%shwaddr is not set", prefix)
	}
	return d, nil
}

// parsePrefix reads an address with an optional prefix; without one it
// gets libvirt's default (virSocketAddrGetIPPrefix): the IPv4 class's
// netmask, /64 for IPv6.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		return netip.ParsePrefix(s)
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	bits := 64
	if a.Is4() {
		switch b := a.As4()[0]; {
		case b < 128:
			bits = 8
		case b < 192:
			bits = 16
		case b < 224:
			bits = 24
		default:
			return netip.Prefix{}, fmt.Errorf("%s has no default prefix", s)
		}
	}
	return netip.PrefixFrom(a, bits), nil
}

// AttachInterface creates d's veth pair with its guest end in the
// container's network namespace, joins the host end to d.Bridge and brings
// it up, then sets the guest end up as LXC does at start: name, MAC, MTU,
// addresses, link state and default gateways. It returns the guest end's
// name. Nothing is left behind when a step fails.
func (c *Container) AttachInterface(d NetDevice) (guestDev string, err error) {
	ns, err := c.netns()
	if err != nil {
		return "", err
	}
	defer ns.Close()
	guest, err := netlink.NewHandleAt(ns)
	if err != nil {
		return "", fmt.Errorf("cannot open the container's network namespace: %w", err)
	}
	defer guest.Close()
	if guestDev = d.GuestDev; guestDev == "" {
		if guestDev, err = freeEthName(guest); err != nil {
			return "", err
		}
	} else if _, err := guest.LinkByName(guestDev); err == nil {
		return "", fmt.Errorf("the container already has a network device %s", guestDev)
	}
	var bridge netlink.Link
	mtu := d.MTU
	if d.Bridge != "" {
		if bridge, err = netlink.LinkByName(d.Bridge); err != nil {
			return "", fmt.Errorf("bridge %s: %w", d.Bridge, linkErr(err))
		}
		if mtu == 0 {
			mtu = bridge.Attrs().MTU
		}
	}
	veth := &netlink.Veth{
		LinkAttrs:        netlink.LinkAttrs{Name: d.HostDev, MTU: mtu},
		PeerName:         guestDev,
		PeerHardwareAddr: d.MAC,
		PeerNamespace:    netlink.NsFd(int(ns)),
		PeerMTU:          uint32(mtu),
	}
	if err := netlink.LinkAdd(veth); err != nil {
		return "", fmt.Errorf("cannot create veth pair %s/%s: %w", d.HostDev, guestDev, err)
	}
	defer func() {
		if err != nil {
			_ = netlink.LinkDel(veth)
		}
	}()
	if bridge != nil {
		if err := netlink.LinkSetMaster(veth, bridge); err != nil {
			return "", fmt.Errorf("cannot add %s to bridge %s: %w", d.HostDev, d.Bridge, err)
		}
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		return "", fmt.Errorf("cannot set %s up: %w", d.HostDev, err)
	}
	return guestDev, setupGuestEnd(guest, guestDev, d)
}

// setupGuestEnd gives the guest end its addresses, link state and default
// gateways.
func setupGuestEnd(h *netlink.Handle, name string, d NetDevice) error {
	link, err := h.LinkByName(name)
	if err != nil {
		return fmt.Errorf("%s in the container: %w", name, linkErr(err))
	}
	for _, p := range d.Addrs {
		addr := &netlink.Addr{IPNet: &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}}
		if err := h.AddrAdd(link, addr); err != nil {
			return fmt.Errorf("cannot add address %s to %s in the container: %w", p, name, err)
		}
	}
	if !d.Up {
		return nil
	}
	if err := h.LinkSetUp(link); err != nil {
		return fmt.Errorf("cannot set %s up in the container: %w", name, err)
	}
	for _, gw := range d.Gateways {
		r := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: gw.AsSlice()}
		if err := h.RouteAdd(r); err != nil {
			return fmt.Errorf("cannot add default gateway %s via %s in the container: %w", gw, name, err)
		}
	}
	return nil
}

// freeEthName is the first ethN the namespace h works in does not have.
func freeEthName(h *netlink.Handle) (string, error) {
	links, err := h.LinkList()
	if err != nil {
		return "", fmt.Errorf("cannot list the container's network devices: %w", err)
	}
	used := map[string]bool{}
	for _, l := range links {
		used[l.Attrs().Name] = true
	}
	for n := 0; ; n++ {
		if name := "eth" + strconv.Itoa(n); !used[name] {
			return name, nil
		}
	}
}

// DetachInterface deletes the veth pair whose host end is hostDev, which
// removes its guest end from the container too. A pair already gone is
// not an error.
func (c *Container) DetachInterface(hostDev string) error {
	link, err := netlink.LinkByName(hostDev)
	if err != nil {
		if errors.Is(linkErr(err), ErrNoLink) {
			return nil
		}
		return fmt.Errorf("%s: %w", hostDev, err)
	}
	if _, ok := link.(*netlink.Veth); !ok {
		return fmt.Errorf("%s is a %s device, not a veth", hostDev, link.Type())
	}
	if err := netlink.LinkDel(link); err != nil {
		return fmt.Errorf("cannot delete %s: %w", hostDev, err)
	}
	return nil
}

// SetInterfaceLink sets the container's network device with MAC address
// mac up or down.
func (c *Container) SetInterfaceLink(mac net.HardwareAddr, up bool) error {
	ns, err := c.netns()
	if err != nil {
		return err
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return fmt.Errorf("cannot open the container's network namespace: %w", err)
	}
	defer h.Close()
	links, err := h.LinkList()
	if err != nil {
		return fmt.Errorf("cannot list the container's network devices: %w", err)
	}
	for _, l := range links {
		if l.Attrs().HardwareAddr.String() != mac.String() {
			continue
		}
		if up {
			err = h.LinkSetUp(l)
		} else {
			err = h.LinkSetDown(l)
		}
		if err != nil {
			return fmt.Errorf("cannot set %s in the container up or down: %w", l.Attrs().Name, err)
		}
		return nil
	}
	return fmt.Errorf("the container has no network device with MAC address %s: %w", mac, ErrNoLink)
}

// linkErr turns netlink's "not found" into ErrNoLink.
func linkErr(err error) error {
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		return fmt.Errorf("%w: %v", ErrNoLink, err)
	}
	return err
}
