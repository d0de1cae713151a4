package driver

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Hotplug of <disk> and <hostdev> devices, as libvirt-lxc's
// lxcDomainAttachDeviceDiskLive, lxcDomainAttachDeviceHostdev*Live, their
// detach counterparts and lxcDomainAttachDeviceConfig/DetachDeviceConfig:
// live, a block device node is made in (or removed from) the running
// container's /dev and its device cgroup; with the config flag the
// persistent definition gains or loses the device. A disk is found by its
// target, a hostdev by its source, as libvirt finds them. Beyond
// libvirt-lxc, the live XML names them with aliases (disk0, hostdev0 …)
// that the device-added and device-removed events carry.

// nodeDev is the <disk> or <hostdev> of a device call.
type nodeDev struct {
	disk    *libvirtxml.DomainDisk
	hostdev *libvirtxml.DomainHostdev
}

// isNodeDevice reports whether devXML is a <disk> or <hostdev>.
func isNodeDevice(devXML string) (bool, error) {
	root, err := rootElement(devXML)
	return root == "disk" || root == "hostdev", err
}

func parseNodeDev(devXML string) (*nodeDev, error) {
	root, err := rootElement(devXML)
	if err != nil {
		return nil, err
	}
	n := &nodeDev{}
	var alias **libvirtxml.DomainAlias
	if root == "disk" {
		n.disk = &libvirtxml.DomainDisk{}
		err, alias = n.disk.Unmarshal(devXML), &n.disk.Alias
	} else {
		n.hostdev = &libvirtxml.DomainHostdev{}
		err, alias = n.hostdev.Unmarshal(devXML), &n.hostdev.Alias
	}
	if err != nil {
		return nil, virterror.New(libvirt.ErrXMLError, "<%s>: %v", root, err)
	}
	// Parsed as inactive XML: only a user alias (ua-…) is kept.
	if *alias != nil && !strings.HasPrefix((*alias).Name, "ua-") {
		*alias = nil
	}
	if n.disk != nil && (n.disk.Target == nil || n.disk.Target.Dev == "") {
		return nil, virterror.New(libvirt.ErrXMLError, "missing <target dev> in <disk>")
	}
	return n, nil
}

// find is the index of the device n names in devs (a disk by target, a
// hostdev by source), -1 when there is none.
func (n *nodeDev) find(devs *libvirtxml.DomainDeviceList) int {
	if n.disk != nil {
		for i, x := range devs.Disks {
			if x.Target != nil && x.Target.Dev == n.disk.Target.Dev {
				return i
			}
		}
		return -1
	}
	want := hostdevKey(n.hostdev, true)
	for i := range devs.Hostdevs {
		// A USB device is matched by its address when the call gives
		// one, else by vendor and product (virDomainHostdevMatchSubsysUSB).
		if k := hostdevKey(&devs.Hostdevs[i], strings.HasPrefix(want, "usb ")); k != "" && k == want {
			return i
		}
	}
	return -1
}

// hostdevKey names a hostdev's source as virDomainHostdevFind compares it;
// a USB device by its address when it has one and byAddress, else by its
// vendor and product.
func hostdevKey(h *libvirtxml.DomainHostdev, byAddress bool) string {
	switch {
	case h.CapsStorage != nil && h.CapsStorage.Source != nil:
		return "storage " + h.CapsStorage.Source.Block
	case h.CapsMisc != nil && h.CapsMisc.Source != nil:
		return "misc " + h.CapsMisc.Source.Char
	case h.CapsNet != nil && h.CapsNet.Source != nil:
		return "net " + h.CapsNet.Source.Interface
	case h.SubsysUSB != nil && h.SubsysUSB.Source != nil:
		s := h.SubsysUSB.Source
		if a := s.Address; byAddress && a != nil && a.Bus != nil && a.Device != nil {
			return fmt.Sprintf("usb %d:%d", *a.Bus, *a.Device)
		}
		if s.Vendor != nil && s.Product != nil {
			return "usb-id " + strings.ToLower(s.Vendor.ID) + ":" + strings.ToLower(s.Product.ID)
		}
	}
	return ""
}

func (n *nodeDev) insert(devs *libvirtxml.DomainDeviceList, alias string) {
	if n.disk != nil {
		x := *n.disk
		if alias != "" {
			x.Alias = &libvirtxml.DomainAlias{Name: alias}
		}
		devs.Disks = append(devs.Disks, x)
		return
	}
	x := *n.hostdev
	if alias != "" {
		x.Alias = &libvirtxml.DomainAlias{Name: alias}
	}
	devs.Hostdevs = append(devs.Hostdevs, x)
}

// remove drops device i and returns its alias.
func (n *nodeDev) remove(devs *libvirtxml.DomainDeviceList, i int) string {
	var a *libvirtxml.DomainAlias
	if n.disk != nil {
		a = devs.Disks[i].Alias
		devs.Disks = append(devs.Disks[:i], devs.Disks[i+1:]...)
	} else {
		a = devs.Hostdevs[i].Alias
		devs.Hostdevs = append(devs.Hostdevs[:i], devs.Hostdevs[i+1:]...)
	}
	if a == nil {
		return ""
	}
	return a.Name
}

func (n *nodeDev) usb() bool { return n.hostdev != nil && n.hostdev.SubsysUSB != nil }

func (n *nodeDev) name() string {
	if n.disk != nil {
		return n.disk.Target.Dev
	}
	return strings.TrimPrefix(hostdevKey(n.hostdev, true), "storage ")
}

// attachNode is AttachDevice for a <disk> or <hostdev>.
func (l *LXC) attachNode(ctx context.Context, u driverapi.UUID, devXML string, flags uint32) error {
	return l.withJob(ctx, u, func(d *domain) error {
		live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
		if err != nil {
			return err
		}
		n, err := parseNodeDev(devXML)
		if err != nil {
			return err
		}
		c := deviceChange{event: driverapi.EventDeviceAdded}
		if affectConfig {
			c.edit = func(dom *libvirtxml.Domain) error {
				if n.find(dom.Devices) >= 0 {
					if n.disk != nil {
						return virterror.New(libvirt.ErrInvalidArg, "target %s already exists.", n.disk.Target.Dev)
					}
					return virterror.New(libvirt.ErrInvalidArg, "device is already in the domain configuration")
				}
				n.insert(dom.Devices, "")
				return nil
			}
		}
		if affectLive {
			c.live = func() (string, error) { return l.attachNodeLive(ctx, d, live, n) }
		}
		return l.apply(d, persistent, c)
	})
}

// attachNodeLive makes n's node in the running container and adds n to
// the running definition; it returns n's alias.
func (l *LXC) attachNodeLive(ctx context.Context, d *domain, live *xmlmap.Mapped, n *nodeDev) (string, error) {
	ct, err := d.container()
	if err != nil {
		return "", err
	}
	dom, err := liveCopy(d, live)
	if err != nil {
		return "", err
	}
	if n.find(dom.Devices) >= 0 {
		switch {
		case n.disk != nil:
			return "", virterror.New(libvirt.ErrOperationFailed, "target %s already exists", n.disk.Target.Dev)
		case n.usb():
			return "", virterror.New(libvirt.ErrOperationFailed, "host USB device already exists")
		}
		return "", virterror.New(libvirt.ErrOperationFailed, "host device already exists")
	}
	var typ byte
	switch {
	case n.disk != nil && (n.disk.Source == nil || n.disk.Source.Block == nil && n.disk.Source.File == nil):
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Can't setup disk without media")
	case n.disk != nil && n.disk.Source.Block == nil:
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Can't setup disk for non-block device")
	case n.disk != nil:
		typ = 'b'
	case n.hostdev.CapsNet != nil:
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Unsupported host device type net")
	}
	prefix, aliases := "hostdev", hostdevAliases(dom.Devices.Hostdevs)
	if n.disk != nil {
		prefix, aliases = "disk", diskAliases(dom.Devices.Disks)
	}
	alias := nextAlias(prefix, aliases)
	n.insert(dom.Devices, alias)
	m, err := l.mapLive(dom)
	if err != nil {
		return "", err
	}
	dev, ok := addedDevice(live.Devices, m.Devices)
	if !ok {
		return "", internalErr("cannot find the device attached to '%s' in its mapping", d.name)
	}
	if dev.USB != nil {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "%s: a USB device is attached to a running container by its <address bus device>", dev.Elem)
	}
	if typ == 0 {
		typ = dev.Type
	}
	err = ct.AddNode(ctx, lxc.DeviceNode{Source: dev.Source, Path: dev.Target, Type: typ, Access: dev.Access})
	if err != nil {
		return "", nodeErr("attach", d.name, err)
	}
	if err := l.setLive(d, m); err != nil {
		return "", err
	}
	l.log.Info("device attached", "domain", d.name, "alias", alias, "source", dev.Source, "node", dev.Target)
	return alias, nil
}

// detachNode is DetachDevice for a <disk> or <hostdev>.
func (l *LXC) detachNode(ctx context.Context, d *domain, flags uint32, n *nodeDev) error {
	live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
	if err != nil {
		return err
	}
	c := deviceChange{event: driverapi.EventDeviceRemoved}
	if affectConfig {
		c.edit = func(dom *libvirtxml.Domain) error {
			i := n.find(dom.Devices)
			if i < 0 {
				if n.disk != nil {
					return virterror.New(libvirt.ErrInvalidArg, "no target device %s", n.disk.Target.Dev)
				}
				return virterror.New(libvirt.ErrInvalidArg, "device not present in domain configuration")
			}
			n.remove(dom.Devices, i)
			return nil
		}
	}
	if affectLive {
		c.live = func() (string, error) { return l.detachNodeLive(ctx, d, live, n) }
	}
	return l.apply(d, persistent, c)
}

// detachNodeLive removes n's node from the running container and n from
// the running definition; it returns n's alias.
func (l *LXC) detachNodeLive(ctx context.Context, d *domain, live *xmlmap.Mapped, n *nodeDev) (string, error) {
	ct, err := d.container()
	if err != nil {
		return "", err
	}
	dom, err := liveCopy(d, live)
	if err != nil {
		return "", err
	}
	i := n.find(dom.Devices)
	switch {
	case i < 0 && n.disk != nil:
		return "", virterror.New(libvirt.ErrOperationFailed, "disk %s not found", n.disk.Target.Dev)
	case i < 0 && n.usb():
		return "", virterror.New(libvirt.ErrOperationFailed, "usb device not found")
	case i < 0:
		return "", virterror.New(libvirt.ErrOperationFailed, "hostdev %s not found", n.name())
	case n.hostdev != nil && n.hostdev.CapsNet != nil:
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Unsupported host device type net")
	}
	alias := n.remove(dom.Devices, i)
	m, err := l.mapLive(dom)
	if err != nil {
		return "", err
	}
	dev, ok := addedDevice(m.Devices, live.Devices)
	if !ok {
		return "", internalErr("cannot find the device detached from '%s' in its mapping", d.name)
	}
	if err := ct.RemoveNode(ctx, dev.Target); err != nil {
		return "", nodeErr("detach", d.name, err)
	}
	if err := l.setLive(d, m); err != nil {
		return "", err
	}
	l.log.Info("device detached", "domain", d.name, "alias", alias, "node", dev.Target)
	return alias, nil
}

// nodeAliasDevice is the <disk> or <hostdev> with alias in the definition
// a detach by alias changes (the running one when it affects it); nil
// when no such device has it.
func (l *LXC) nodeAliasDevice(d *domain, alias string, flags uint32) (*nodeDev, error) {
	live, persistent, affectLive, _, err := d.defsFor(flags)
	if err != nil {
		return nil, err
	}
	var dom *libvirtxml.Domain
	if affectLive {
		if dom, err = liveCopy(d, live); err != nil {
			return nil, err
		}
	} else {
		dom = &libvirtxml.Domain{}
		if err := dom.Unmarshal(persistent.xml); err != nil {
			return nil, internalErr("cannot read the definition of '%s': %v", d.name, err)
		}
		if dom.Devices == nil {
			return nil, nil
		}
	}
	for i := range dom.Devices.Disks {
		if a := dom.Devices.Disks[i].Alias; a != nil && a.Name == alias {
			return &nodeDev{disk: &dom.Devices.Disks[i]}, nil
		}
	}
	for i := range dom.Devices.Hostdevs {
		if a := dom.Devices.Hostdevs[i].Alias; a != nil && a.Name == alias && dom.Devices.Hostdevs[i].CapsNet == nil {
			return &nodeDev{hostdev: &dom.Devices.Hostdevs[i]}, nil
		}
	}
	return nil, nil
}

// addedDevice is the device of after whose target before lacks.
func addedDevice(before, after []xmlmap.Device) (xmlmap.Device, bool) {
	had := map[string]bool{}
	for _, x := range before {
		had[x.Target] = true
	}
	for _, x := range after {
		if !had[x.Target] {
			return x, true
		}
	}
	return xmlmap.Device{}, false
}

// nodeErr is a failed change of a running container's device nodes; a
// source of the wrong kind is libvirt-lxc's unsupported configuration.
func nodeErr(op, name string, err error) error {
	if errors.Is(err, lxc.ErrDeviceType) {
		return virterror.New(libvirt.ErrConfigUnsupported, "%v", err)
	}
	return attachErr(op, name, err)
}

func diskAliases(xs []libvirtxml.DomainDisk) []string {
	var out []string
	for _, x := range xs {
		if x.Alias != nil {
			out = append(out, x.Alias.Name)
		}
	}
	return out
}

func hostdevAliases(xs []libvirtxml.DomainHostdev) []string {
	var out []string
	for _, x := range xs {
		if x.Alias != nil {
			out = append(out, x.Alias.Name)
		}
	}
	return out
}

// nextAlias is one past the highest prefixN in aliases.
func nextAlias(prefix string, aliases []string) string {
	next := 0
	for _, a := range aliases {
		if n, err := strconv.Atoi(strings.TrimPrefix(a, prefix)); err == nil && strings.HasPrefix(a, prefix) && n >= next {
			next = n + 1
		}
	}
	return prefix + strconv.Itoa(next)
}

// nodeAliases gives each disk and hostdev without an alias libvirt's
// diskN / hostdevN, N its index, as a start names them.
func nodeAliases(devs *libvirtxml.DomainDeviceList) {
	for i := range devs.Disks {
		if devs.Disks[i].Alias == nil {
			devs.Disks[i].Alias = &libvirtxml.DomainAlias{Name: "disk" + strconv.Itoa(i)}
		}
	}
	for i := range devs.Hostdevs {
		if devs.Hostdevs[i].Alias == nil {
			devs.Hostdevs[i].Alias = &libvirtxml.DomainAlias{Name: "hostdev" + strconv.Itoa(i)}
		}
	}
}
