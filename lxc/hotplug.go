package lxc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Interface hotplug: a veth pair or a macvlan added to a running
// container's network namespace, as libvirt-lxc's
// lxcDomainAttachDeviceNetLive does, and set up inside as LXC sets up the
// interfaces of its config at start; a veth pair removed again, as
// lxcDomainDetachDeviceNetLive does (it refuses to remove a macvlan).

// ErrNoLink is returned for a network device that does not exist.
var ErrNoLink = errors.New("network device not found")

// NetDevice is a veth pair or a macvlan to add to a running container:
// what the lxc.net.N keys of an LXC config say for one interface.
type NetDevice struct {
	HostDev  string // a veth's host end (lxc.net.N.veth.pair)
	GuestDev string // the name inside (lxc.net.N.name); "" for the first free ethN
	Bridge   string // the bridge a veth's host end joins (lxc.net.N.link); "" for none
	// Parent and Mode make a macvlan (lxc.net.N.type = macvlan): its
	// host device (lxc.net.N.link) and lxc.net.N.macvlan.mode.
	Parent string
	Mode   string
	MAC    net.HardwareAddr
	MTU    int  // 0: the bridge's (as LXC), else the kernel's default
	Up     bool // lxc.net.N.flags = up
	// Addrs are the guest's addresses with their prefix; Gateways its
	// default gateways (one per family at most), set only when Up.
	Addrs    []netip.Prefix
	Gateways []netip.Addr
	// Setup is the mapped interface, whose addresses, routes and
	// bandwidth beyond the keys are set up after, as SetupNetwork does
	// at start.
	Setup xmlmap.Interface
}

// NetDeviceFromConfig reads interface i of an LXC config (its lxc.net.i.*
// keys) as the veth or macvlan to hot-plug. Keys that cannot be applied to a running
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
		case "macvlan.mode":
			d.Mode = e.Value
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
	if typ == "macvlan" {
		d.Parent, d.Bridge = d.Bridge, ""
	}
	_, mode := macvlanModes[d.Mode]
	switch {
	case typ == "":
		return d, fmt.Errorf("the config has no interface %d", i)
	case typ == "macvlan" && (!mode || d.Parent == ""):
		return d, fmt.Errorf("%slink and %smacvlan.mode must name the macvlan's device and mode", prefix, prefix)
	case typ != "veth" && typ != "macvlan":
		return d, fmt.Errorf("a %s interface cannot be added to a running container", typ)
	case typ == "veth" && d.HostDev == "":
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

// macvlanModes are LXC's lxc.net.N.macvlan.mode values.
var macvlanModes = map[string]netlink.MacvlanMode{
	"private": netlink.MACVLAN_MODE_PRIVATE, "vepa": netlink.MACVLAN_MODE_VEPA,
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "passthru": netlink.MACVLAN_MODE_PASSTHRU,
}

// AttachInterface creates d in the container's network namespace — a veth
// pair with its guest end there, its host end on d.Bridge and up, or a
// macvlan on d.Parent made there — then sets the guest end up as LXC does
// at start (name, MAC, MTU, addresses, link state, default gateways) and
// does what d.Setup asks beyond the keys, as SetupNetwork does (uuid is
// the domain's). It returns the guest end's name. Nothing is left behind
// when a step fails.
func (c *Container) AttachInterface(ctx context.Context, uuid string, d NetDevice) (guestDev string, err error) {
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
	var remove func()
	if d.Parent != "" {
		remove, err = addMacvlan(guest, ns, guestDev, d)
	} else {
		remove, err = addVeth(ns, guestDev, d)
	}
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			remove()
		}
	}()
	if err := setupGuestEnd(guest, guestDev, d); err != nil {
		return "", err
	}
	ifc := d.Setup
	ifc.HostDev, ifc.GuestDev = d.HostDev, guestDev
	return guestDev, c.SetupNetwork(ctx, uuid, []xmlmap.Interface{ifc})
}

// addVeth creates d's veth pair with its guest end, guestDev, in the
// namespace ns, joins the host end to d.Bridge and brings it up; remove
// deletes the pair.
func addVeth(ns netns.NsHandle, guestDev string, d NetDevice) (remove func(), err error) {
	var bridge netlink.Link
	mtu := d.MTU
	if d.Bridge != "" {
		if bridge, err = netlink.LinkByName(d.Bridge); err != nil {
			return nil, fmt.Errorf("bridge %s: %w", d.Bridge, linkErr(err))
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
		return nil, fmt.Errorf("cannot create veth pair %s/%s: %w", d.HostDev, guestDev, err)
	}
	remove = func() { _ = netlink.LinkDel(veth) }
	if bridge != nil {
		if err := netlink.LinkSetMaster(veth, bridge); err != nil {
			remove()
			return nil, fmt.Errorf("cannot add %s to bridge %s: %w", d.HostDev, d.Bridge, err)
		}
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		remove()
		return nil, fmt.Errorf("cannot set %s up: %w", d.HostDev, err)
	}
	return remove, nil
}

// addMacvlan creates d's macvlan on the host device d.Parent right in the
// namespace ns (guest is a handle in it) as guestDev, with d's MAC and
// MTU (0: the parent's), as LXC makes one at start; remove deletes it.
func addMacvlan(guest *netlink.Handle, ns netns.NsHandle, guestDev string, d NetDevice) (remove func(), err error) {
	parent, err := netlink.LinkByName(d.Parent)
	if err != nil {
		return nil, fmt.Errorf("macvlan device %s: %w", d.Parent, linkErr(err))
	}
	mv := &netlink.Macvlan{
		LinkAttrs: netlink.LinkAttrs{
			Name: guestDev, ParentIndex: parent.Attrs().Index, HardwareAddr: d.MAC, MTU: d.MTU,
			Namespace: netlink.NsFd(int(ns)),
		},
		Mode: macvlanModes[d.Mode],
	}
	if err := netlink.LinkAdd(mv); err != nil {
		return nil, fmt.Errorf("cannot create macvlan %s on %s: %w", guestDev, d.Parent, err)
	}
	return func() {
		if l, err := guest.LinkByName(guestDev); err == nil {
			_ = guest.LinkDel(l)
		}
	}, nil
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
