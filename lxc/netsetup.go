package lxc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// OpenVSwitch reports whether Open vSwitch's ovs-vsctl is installed, which
// <virtualport type='openvswitch'> needs (xmlmap.Options.NoOpenVSwitch).
func (rt *Runtime) OpenVSwitch() bool {
	_, err := exec.LookPath("ovs-vsctl")
	return err == nil
}

// MissingNetDevice returns the first of devs that is not a network device
// of the host, "" when all are: a missing bridge, macvlan parent or NIC to
// move in otherwise fails lxc-start without naming it.
func (rt *Runtime) MissingNetDevice(devs []string) string {
	for _, d := range devs {
		if _, err := os.Stat(filepath.Join(rt.sys.netRoot, d)); err != nil {
			return d
		}
	}
	return ""
}

// SetupNetwork does for a started container what its interfaces ask and LXC
// has no keys for, as libvirt-lxc does when it starts one: the <bandwidth>
// of each veth on its host end (SetBandwidth), the external-ids libvirt
// records on an Open vSwitch port, an ethernet interface's host-side
// addresses and routes on its host end, and, in the container's network
// namespace, the point-to-point addresses and the routes other than the
// default gateways. uuid is the domain's.
func (c *Container) SetupNetwork(ctx context.Context, uuid string, ifaces []xmlmap.Interface) error {
	for _, ifc := range ifaces {
		if ifc.Bandwidth != nil {
			if err := SetBandwidth(ifc.HostDev, ifc.Bandwidth, c.rt.log); err != nil {
				return err
			}
		}
		if ifc.OVS != nil {
			if err := c.ovsExternalIDs(ctx, uuid, ifc); err != nil {
				return err
			}
		}
		if err := hostIP(ifc); err != nil {
			return err
		}
	}
	return c.guestIP(ifaces)
}

// hostIP adds an ethernet interface's host-side addresses, then its
// routes, to the host end of its veth, as libvirt's
// virNetDevIPInfoAddToDev does; they go when the veth goes.
func hostIP(ifc xmlmap.Interface) error {
	if len(ifc.HostAddrs) == 0 && len(ifc.HostRoutes) == 0 {
		return nil
	}
	link, err := netlink.LinkByName(ifc.HostDev)
	if err != nil {
		return fmt.Errorf("host end %s: %w", ifc.HostDev, linkErr(err))
	}
	return addIP(&netlink.Handle{}, link, "on the host", ifc.HostAddrs, ifc.HostRoutes)
}

// addIP adds addrs and then routes to link through h (a zero Handle for
// the host's namespace), as libvirt's virNetDevIPAddrAdd and
// virNetDevIPRouteAdd do: an IPv4 address without a peer gets its
// broadcast, one with a peer none; a route goes through link to its
// gateway with its metric. where names the namespace in errors.
func addIP(h *netlink.Handle, link netlink.Link, where string, addrs []xmlmap.Addr, routes []xmlmap.Route) error {
	name := link.Attrs().Name
	for _, a := range addrs {
		ipnet := prefixNet(a.Local)
		addr := &netlink.Addr{IPNet: ipnet}
		switch {
		case a.Peer.IsValid():
			addr.Peer = &net.IPNet{IP: a.Peer.AsSlice(), Mask: ipnet.Mask}
			if a.Local.Addr().Is4() {
				addr.Broadcast = net.IPv4zero // none (netlink would compute one)
			}
		case a.Local.Addr().Is4():
			addr.Broadcast = broadcast(a.Local)
		}
		if err := h.AddrAdd(link, addr); err != nil {
			desc := a.Local.String()
			if a.Peer.IsValid() {
				desc += " peer " + a.Peer.String()
			}
			return fmt.Errorf("cannot add address %s to %s %s: %w", desc, name, where, err)
		}
	}
	for _, r := range routes {
		rt := &netlink.Route{
			LinkIndex: link.Attrs().Index,
			Dst:       prefixNet(r.Dst),
			Gw:        r.Gateway.AsSlice(),
			Priority:  int(r.Metric),
		}
		if err := h.RouteAdd(rt); err != nil {
			return fmt.Errorf("cannot add route to %s via %s on %s %s: %w", r.Dst, r.Gateway, name, where, err)
		}
	}
	return nil
}

func prefixNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// broadcast is an IPv4 prefix's broadcast address, as libvirt's
// virSocketAddrBroadcastByPrefix computes it.
func broadcast(p netip.Prefix) net.IP {
	b := p.Addr().As4()
	m := net.CIDRMask(p.Bits(), 32)
	for i := range b {
		b[i] |= ^m[i]
	}
	return net.IP(b[:])
}

// ovsExternalIDs sets on the port of ifc what virNetDevOpenvswitchAddPort
// sets: the guest's MAC, Neutron's interface ID, the domain UUID, the
// port profile, and iface-status=active, which Neutron's agent waits for.
// LXC has already added the port (lxc.net.N.link) and set its vlan tags.
func (c *Container) ovsExternalIDs(ctx context.Context, uuid string, ifc xmlmap.Interface) error {
	dev := ifc.HostDev
	argv := []string{"ovs-vsctl", "--timeout=5",
		"--", "set", "Interface", dev, fmt.Sprintf("external-ids:attached-mac=%q", ifc.MAC),
		"--", "set", "Interface", dev, fmt.Sprintf("external-ids:iface-id=%q", ifc.OVS.InterfaceID),
		"--", "set", "Interface", dev, fmt.Sprintf("external-ids:vm-id=%q", uuid),
		"--", "set", "Interface", dev, "external-ids:iface-status=active"}
	if ifc.OVS.ProfileID != "" {
		argv = append(argv, "--", "set", "Port", dev, fmt.Sprintf("external-ids:port-profile=%q", ifc.OVS.ProfileID))
	}
	res, err := c.rt.r.exec.Run(ctx, argv, nil)
	if err == nil && res.ExitCode != 0 {
		err = fmt.Errorf("exit status %d: %s", res.ExitCode, strings.TrimSpace(string(res.Stderr)))
	}
	if err != nil {
		return fmt.Errorf("cannot set the Open vSwitch port %s of bridge %s: %w", dev, ifc.OVS.Bridge, err)
	}
	return nil
}

// guestIP adds each interface's point-to-point addresses and then its
// extra routes in the container's network namespace, through the device
// carrying the interface's MAC (its name is LXC's choice unless <guest
// dev> set it), as libvirt-lxc adds them (virNetDevIPInfoAddToDev).
func (c *Container) guestIP(ifaces []xmlmap.Interface) error {
	var want bool
	for _, ifc := range ifaces {
		want = want || len(ifc.Routes) > 0 || len(ifc.Addrs) > 0
	}
	if !want {
		return nil
	}
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
	for _, ifc := range ifaces {
		if len(ifc.Routes) == 0 && len(ifc.Addrs) == 0 {
			continue
		}
		link := linkByMAC(links, ifc.MAC)
		if link == nil {
			return fmt.Errorf("no device with MAC %s in the container", ifc.MAC)
		}
		if err := addIP(h, link, "in the container", ifc.Addrs, ifc.Routes); err != nil {
			return err
		}
	}
	return nil
}

// netns opens init's network namespace; the pidfd check after opening
// makes sure it is this container's.
func (c *Container) netns() (netns.NsHandle, error) {
	p := filepath.Join(c.rt.sys.procRoot, strconv.Itoa(c.pid), "ns", "net")
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return netns.None(), ErrNotRunning
		}
		return netns.None(), fmt.Errorf("cannot open %s: %w", p, err)
	}
	if !c.Running() {
		unix.Close(fd)
		return netns.None(), ErrNotRunning
	}
	return netns.NsHandle(fd), nil
}

func linkByMAC(links []netlink.Link, mac string) netlink.Link {
	for _, l := range links {
		if strings.EqualFold(l.Attrs().HardwareAddr.String(), mac) {
			return l
		}
	}
	return nil
}
