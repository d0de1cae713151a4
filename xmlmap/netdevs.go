package xmlmap

import (
	"crypto/sha256"
	"fmt"
	"strconv"

	"libvirt.org/go/libvirtxml"
)

// macvlanModes are libvirt's <source mode> values of a direct interface;
// LXC's lxc.net.N.macvlan.mode takes the same words.
var macvlanModes = map[string]bool{"vepa": true, "private": true, "bridge": true, "passthru": true}

// direct maps <interface type='direct'>: a macvlan on <source dev> in
// <source mode> (libvirt's default is vepa, LXC's private, so the mode is
// always written).
func (mp *mapper) direct(out *Interface, d *libvirtxml.DomainInterfaceSourceDirect) error {
	if err := refuseOthers("source", d, "Dev", "Mode"); err != nil {
		return err
	}
	if d.Dev == "" {
		return xmlErr("<interface type='direct'> needs <source dev=…>")
	}
	if err := checkNetdev("<interface type='direct'><source dev>", d.Dev); err != nil {
		return err
	}
	if d.Mode == "" {
		d.Mode = "vepa"
	}
	if !macvlanModes[d.Mode] {
		return xmlErr("<interface type='direct'><source mode='%s'>: unknown mode", d.Mode)
	}
	out.Type, out.Link, out.Mode = "direct", d.Dev, d.Mode
	return nil
}

// portOptions handles <vlan>, <virtualport> and <bandwidth> of interface
// i, as libvirt-lxc does: a macvlan takes neither bandwidth nor port
// profile; vlan tags need an Open vSwitch port (or an SR-IOV VF behind a
// passthru macvlan, which lxcvirt does not drive); bandwidth is applied on
// the host end of the veth after start.
func (mp *mapper) portOptions(i int, p string, out *Interface, x *libvirtxml.DomainInterface) error {
	if out.Type == "direct" {
		switch {
		case x.Bandwidth != nil:
			return unsupported("Unable to set network bandwidth on direct interfaces")
		case x.VirtualPort != nil:
			return unsupported("Unable to set port profile on direct interfaces")
		case x.VLan != nil && out.Mode == "passthru":
			return unsupported("<interface type='direct' mode='passthru'><vlan>: vlan tags need an SR-IOV virtual function, which the LXC driver does not support")
		}
	}
	if x.VirtualPort != nil {
		ovs, err := mp.virtualPort(i, out, x.VirtualPort)
		if err != nil {
			return err
		}
		out.OVS = ovs
	}
	if x.VLan != nil {
		if err := checkVLAN(x.VLan); err != nil {
			return err
		}
		if out.OVS == nil {
			return unsupported("interface %s - vlan tag not supported for this connection type", out.MAC)
		}
		if err := mp.ovsVLAN(p, x.VLan); err != nil {
			return err
		}
	}
	if x.Bandwidth != nil {
		bw, err := bandwidth(out, x.Bandwidth)
		if err != nil {
			return err
		}
		out.Bandwidth = bw
	}
	return nil
}

// virtualPort accepts <virtualport type='openvswitch'> on a bridge
// interface: LXC adds the veth to the Open vSwitch bridge (lxc.net.N.link
// names one), and the driver sets the port's external-ids after start as
// libvirt does. A missing interfaceid is filled in, as libvirt generates
// one; it is derived from the UUID so it is stable.
func (mp *mapper) virtualPort(i int, out *Interface, v *libvirtxml.DomainInterfaceVirtualPort) (*OVSPort, error) {
	var ovs *libvirtxml.DomainInterfaceVirtualPortParamsOpenVSwitch
	if v.Params != nil {
		if err := refuseOthers("virtualport", v.Params, "OpenVSwitch"); err != nil {
			return nil, err
		}
		ovs = v.Params.OpenVSwitch
	}
	if ovs == nil {
		return nil, unsupported("<interface><virtualport> other than type='openvswitch' is not supported by the LXC driver")
	}
	if out.Type != "bridge" {
		return nil, unsupported("<interface type='%s'><virtualport type='openvswitch'> is not supported by the LXC driver (only type='bridge')", out.Type)
	}
	if mp.opts.NoOpenVSwitch {
		return nil, unsupported("<interface><virtualport type='openvswitch'>: Open vSwitch is not installed on this host (no ovs-vsctl)")
	}
	if ovs.InterfaceID == "" {
		h := sha256.Sum256(append(mp.uuid[:], 'o', 'v', 's', byte(i), byte(i>>8)))
		h[6] = h[6]&0x0f | 0x40
		h[8] = h[8]&0x3f | 0x80
		ovs.InterfaceID = formatUUID([16]byte(h[:16]))
	} else if _, err := parseUUID(ovs.InterfaceID); err != nil {
		return nil, xmlErr("<virtualport><parameters interfaceid='%s'>: not a UUID", ovs.InterfaceID)
	}
	if err := checkText("<virtualport><parameters profileid>", ovs.ProfileID); err != nil {
		return nil, err
	}
	return &OVSPort{Bridge: out.Bridge, InterfaceID: ovs.InterfaceID, ProfileID: ovs.ProfileID}, nil
}

// checkVLAN validates <vlan> as libvirt's parser does.
func checkVLAN(v *libvirtxml.DomainInterfaceVLan) error {
	if len(v.Tags) == 0 {
		return xmlErr("missing tag id - each <vlan> must have at least one <tag id='n'/> subelement")
	}
	native := 0
	for _, t := range v.Tags {
		if t.ID > 4095 {
			return xmlErr("vlan tag id %d too large (maximum 4095)", t.ID)
		}
		switch t.NativeMode {
		case "":
		case "tagged", "untagged":
			native++
		default:
			return xmlErr("Attribute \"nativeMode\" has invalid value of \"%s\"", t.NativeMode)
		}
	}
	switch {
	case native > 1:
		return xmlErr("duplicate native vlan setting")
	case v.Trunk != "" && v.Trunk != "yes" && v.Trunk != "no":
		return xmlErr("invalid \"trunk='%s'\" in <vlan> - trunk='yes' or trunk='no' is required", v.Trunk)
	case v.Trunk == "no" && len(v.Tags) > 1:
		return xmlErr("invalid \"trunk='no'\" setting in <vlan> - trunk='yes' is required for more than one vlan tag")
	case native > 0 && v.Trunk == "no":
		return xmlErr("invalid configuration in <vlan> - \"trunk='no'\" is not allowed with a native vlan id")
	}
	return nil
}

// ovsVLAN maps the tags of an Open vSwitch port to LXC's keys: one tag
// makes an access port (veth.vlan.id); a trunk lists its tags
// (veth.vlan.tagged.id), its untagged native vlan as veth.vlan.id (LXC
// then sets vlan_mode=native-untagged). A native-tagged vlan has no LXC
// key.
func (mp *mapper) ovsVLAN(p string, v *libvirtxml.DomainInterfaceVLan) error {
	if len(v.Tags) == 1 && v.Trunk != "yes" && v.Tags[0].NativeMode == "" {
		mp.add(p+"veth.vlan.id", strconv.Itoa(int(v.Tags[0].ID)))
		return nil
	}
	for _, t := range v.Tags {
		switch t.NativeMode {
		case "tagged":
			return unsupported("<vlan><tag nativeMode='tagged'> is not supported by the LXC driver")
		case "untagged":
			mp.add(p+"veth.vlan.id", strconv.Itoa(int(t.ID)))
		}
	}
	for _, t := range v.Tags {
		if t.NativeMode == "" {
			mp.add(p+"veth.vlan.tagged.id", strconv.Itoa(int(t.ID)))
		}
	}
	return nil
}

// maxRate bounds <bandwidth> values (KiB/s and KiB): tc keeps a burst in a
// 32-bit count of bytes.
const maxRate = 1<<32/1024 - 1

// bandwidth validates <bandwidth> as libvirt does. floor needs a libvirt
// network with inbound QoS, which the networks lxcvirt knows never have.
func bandwidth(out *Interface, b *libvirtxml.DomainInterfaceBandwidth) (*Bandwidth, error) {
	var bw Bandwidth
	for _, d := range []struct {
		name string
		p    *libvirtxml.DomainInterfaceBandwidthParams
		r    **Rate
	}{{"inbound", b.Inbound, &bw.Inbound}, {"outbound", b.Outbound, &bw.Outbound}} {
		if d.p == nil {
			continue
		}
		var r Rate
		for _, v := range []struct {
			attr string
			val  *int
			dst  *uint64
		}{{"average", d.p.Average, &r.Average}, {"peak", d.p.Peak, &r.Peak}, {"burst", d.p.Burst, &r.Burst}, {"floor", d.p.Floor, nil}} {
			if v.val == nil {
				continue
			}
			if *v.val < 0 || *v.val > maxRate {
				return nil, xmlErr("<bandwidth><%s %s='%d'> is out of range [0, %d]", d.name, v.attr, *v.val, maxRate)
			}
			if v.dst != nil {
				*v.dst = uint64(*v.val)
			}
		}
		if d.p.Floor != nil {
			switch {
			case d.name != "inbound":
				return nil, xmlErr("floor attribute allowed only in <inbound> element")
			case out.Type != "network":
				return nil, xmlErr("floor attribute is supported only for interfaces of type network")
			default:
				return nil, unsupported("Invalid use of 'floor' on interface with MAC address %s - network '%s' has no inbound QoS set", out.MAC, out.Network)
			}
		}
		if d.p.Average == nil {
			return nil, xmlErr("Missing mandatory average or floor attributes")
		}
		*d.r = &r
	}
	if bw.Inbound == nil && bw.Outbound == nil {
		return nil, nil
	}
	return &bw, nil
}

// hostNIC maps <hostdev mode='capabilities' type='net'> to LXC's phys
// network n: the host NIC is moved into the container and keeps its name;
// LXC returns it to the host when the container stops. As libvirt-lxc,
// the NIC is neither brought up nor given the <ip>/<route> listed with it
// (accepted and ignored).
func (mp *mapper) hostNIC(n int, h *libvirtxml.DomainHostdev) (string, error) {
	if h.CapsNet == nil {
		return "", unsupported("<hostdev> other than mode='capabilities' type='net' is not supported by the LXC driver")
	}
	if err := refuseOthers("hostdev", h, "CapsNet", "Alias"); err != nil {
		return "", err
	}
	if h.CapsNet.Source == nil || h.CapsNet.Source.Interface == "" {
		return "", xmlErr("<hostdev type='net'> needs <source><interface>")
	}
	nic := h.CapsNet.Source.Interface
	if err := checkNetdev("<hostdev><source><interface>", nic); err != nil {
		return "", err
	}
	if len(h.CapsNet.IP) > 0 || len(h.CapsNet.Route) > 0 {
		mp.ignore("<hostdev type='net'><ip>/<route>")
	}
	p := fmt.Sprintf("lxc.net.%d.", n)
	mp.add(p+"type", "phys")
	mp.add(p+"link", nic)
	return nic, nil
}
