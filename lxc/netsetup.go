package lxc

import (
	"context"
	"errors"
	"fmt"
	"net"
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
// records on an Open vSwitch port, and the routes other than the default
// gateways, in the container's network namespace. uuid is the domain's.
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
	}
	return c.addRoutes(ifaces)
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

// addRoutes adds each interface's extra routes in the container's network
// namespace, through the device carrying the interface's MAC (its name is
// LXC's choice unless <guest dev> set it), as libvirt-lxc adds them
// (virNetDevIPRouteAdd: destination, gateway, metric).
func (c *Container) addRoutes(ifaces []xmlmap.Interface) error {
	var want bool
	for _, ifc := range ifaces {
		want = want || len(ifc.Routes) > 0
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
		if len(ifc.Routes) == 0 {
			continue
		}
		link := linkByMAC(links, ifc.MAC)
		if link == nil {
			return fmt.Errorf("no device with MAC %s in the container", ifc.MAC)
		}
		for _, r := range ifc.Routes {
			rt := &netlink.Route{
				LinkIndex: link.Attrs().Index,
				Dst:       &net.IPNet{IP: r.Dst.Addr().AsSlice(), Mask: net.CIDRMask(r.Dst.Bits(), r.Dst.Addr().BitLen())},
				Gw:        r.Gateway.AsSlice(),
				Priority:  int(r.Metric),
			}
			if err := h.RouteAdd(rt); err != nil {
				return fmt.Errorf("cannot add route to %s via %s on %s in the container: %w", r.Dst, r.Gateway, link.Attrs().Name, err)
			}
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
