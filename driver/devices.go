package driver

import (
	"context"
	"crypto/rand"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Device hotplug, as libvirt-lxc's lxcDomainAttachDeviceFlags,
// lxcDomainDetachDeviceFlags and lxcDomainUpdateDeviceFlags (<disk> and
// <hostdev>: devnodes.go): <interface>
// devices of type bridge, network and ethernet (veth pairs) are added to and
// removed from the running container and its live XML, the persistent
// definition, or both. Beyond libvirt-lxc, a live device change is
// reported with the device-added and device-removed events (what Nova's
// detach waits for), interfaces carry aliases (net0, net1 …) in the live
// XML, a hot-plugged interface is set up inside as LXC sets up the
// interfaces of its config (name, addresses, link state, gateway), and
// update-device may change a running interface's link state.

var _ driverapi.DeviceEditor = (*LXC)(nil)

const deviceFlags = driverapi.AffectLive | driverapi.AffectConfig

// AttachDevice adds an interface to the running container (AffectLive),
// the persistent definition (AffectConfig) or both. Both changes are
// checked before either is made; the live one is made first, as libvirt
// does.
func (l *LXC) AttachDevice(ctx context.Context, u driverapi.UUID, devXML string, flags uint32) error {
	if err := checkFlags("lxcDomainAttachDeviceFlags", flags, deviceFlags); err != nil {
		return err
	}
	if node, err := isNodeDevice(devXML); err != nil || node {
		if err != nil {
			return err
		}
		return l.attachNode(ctx, u, devXML, flags)
	}
	return l.withJob(ctx, u, func(d *domain) error {
		live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
		if err != nil {
			return err
		}
		ifc, err := parseInterface(devXML, "attach", affectConfig, affectLive)
		if err != nil {
			return err
		}
		if err := fillMAC(ifc, live, persistent); err != nil {
			return err
		}
		c := deviceChange{event: driverapi.EventDeviceAdded}
		if affectConfig {
			c.edit = func(dom *libvirtxml.Domain) error {
				dom.Devices.Interfaces = append(dom.Devices.Interfaces, *ifc)
				return nil
			}
		}
		if affectLive {
			c.live = func() (string, error) { return l.attachLive(d, live, ifc) }
		}
		return l.apply(d, persistent, c)
	})
}

// DetachDevice removes the interface devXML matches (by MAC address and
// alias, as libvirt's virDomainNetFindIdx) from the running container, the
// persistent definition or both.
func (l *LXC) DetachDevice(ctx context.Context, u driverapi.UUID, devXML string, flags uint32) error {
	if err := checkFlags("lxcDomainDetachDeviceFlags", flags, deviceFlags); err != nil {
		return err
	}
	if node, err := isNodeDevice(devXML); err != nil || node {
		if err != nil {
			return err
		}
		return l.withJob(ctx, u, func(d *domain) error {
			n, err := parseNodeDev(devXML)
			if err != nil {
				return err
			}
			return l.detachNode(ctx, d, flags, n)
		})
	}
	return l.withJob(ctx, u, func(d *domain) error {
		_, _, affectLive, affectConfig, err := d.defsFor(flags)
		if err != nil {
			return err
		}
		want, err := parseInterface(devXML, "detach", affectConfig, affectLive)
		if err != nil {
			return err
		}
		m, err := matcherOf(want)
		if err != nil {
			return err
		}
		return l.detach(d, flags, m)
	})
}

// DetachDeviceAlias removes the interface with the alias, as
// virDomainDetachDeviceAlias (which libvirt-lxc lacks) does: net0 … in the
// live XML, a user alias (ua-…) in either.
func (l *LXC) DetachDeviceAlias(ctx context.Context, u driverapi.UUID, alias string, flags uint32) error {
	if err := checkFlags("lxcDomainDetachDeviceAlias", flags, deviceFlags); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		n, err := l.nodeAliasDevice(d, alias, flags)
		if err != nil {
			return err
		}
		if n != nil {
			return l.detachNode(ctx, d, flags, n)
		}
		return l.detach(d, flags, ifaceMatcher{alias: alias, byAlias: true})
	})
}

// detach removes the interface m finds from the definitions flags select.
func (l *LXC) detach(d *domain, flags uint32, m ifaceMatcher) error {
	live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
	if err != nil {
		return err
	}
	c := deviceChange{event: driverapi.EventDeviceRemoved}
	if affectConfig {
		c.edit = func(dom *libvirtxml.Domain) error {
			i, err := m.find(dom.Devices.Interfaces)
			if err != nil {
				return err
			}
			dom.Devices.Interfaces = append(dom.Devices.Interfaces[:i], dom.Devices.Interfaces[i+1:]...)
			return nil
		}
	}
	if affectLive {
		c.live = func() (string, error) { return l.detachLive(d, live, m) }
	}
	return l.apply(d, persistent, c)
}

// deviceChange is one device call's changes: edit changes a copy of the
// persistent definition, live the running container and its definition
// (returning the device's alias); event announces a live change (0:
// none). A nil function is no change.
type deviceChange struct {
	edit  func(*libvirtxml.Domain) error
	live  func() (alias string, err error)
	event driverapi.EventKind
}

// apply makes c's changes in libvirt's order: the definition's edit is
// checked first (nothing saved yet), then the live change is made, then
// the definition saved, then the event sent.
func (l *LXC) apply(d *domain, persistent *definition, c deviceChange) error {
	var newDef *definition
	if c.edit != nil {
		var err error
		if newDef, err = l.editDefinition(d, persistent, c.edit); err != nil {
			return err
		}
	}
	var alias string
	if c.live != nil {
		var err error
		if alias, err = c.live(); err != nil {
			return err
		}
	}
	if err := l.commitDefinition(d, newDef); err != nil {
		return err
	}
	if c.live != nil && c.event != 0 {
		l.events.publish(driverapi.Event{Kind: c.event, Domain: d.ref(), Alias: alias})
	}
	return nil
}

// UpdateDevice replaces the interface devXML matches in the persistent
// definition (AffectConfig), as libvirt-lxc does. Live, libvirt-lxc
// changes nothing ("Unable to modify live devices"); lxcvirt changes a
// running interface's link state (virsh domif-setlink) and refuses any
// other change.
func (l *LXC) UpdateDevice(ctx context.Context, u driverapi.UUID, devXML string, flags uint32) error {
	if err := checkFlags("lxcDomainUpdateDeviceFlags", flags, deviceFlags); err != nil {
		return err
	}
	return l.withJob(ctx, u, func(d *domain) error {
		live, persistent, affectLive, affectConfig, err := d.defsFor(flags)
		if err != nil {
			return err
		}
		ifc, err := parseInterface(devXML, "update", affectConfig, affectLive)
		if err != nil {
			return err
		}
		m, err := matcherOf(ifc)
		if err != nil {
			return err
		}
		var c deviceChange
		if affectConfig {
			c.edit = func(dom *libvirtxml.Domain) error {
				i, err := m.find(dom.Devices.Interfaces)
				if err != nil {
					return err
				}
				dom.Devices.Interfaces[i] = *ifc
				return nil
			}
		}
		if affectLive {
			c.live = func() (string, error) { return "", l.updateLive(d, live, m, ifc) }
		}
		return l.apply(d, persistent, c)
	})
}

// defsFor resolves flags against d's state (see impactLocked) and returns
// its definitions.
func (d *domain) defsFor(flags uint32) (live *xmlmap.Mapped, persistent *definition, affectLive, affectConfig bool, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	affectLive, affectConfig, err = d.impactLocked(flags)
	return d.live, d.persistent, affectLive, affectConfig, err
}

// editDefinition applies edit to a copy of the persistent definition and
// validates the result; nothing is saved.
func (l *LXC) editDefinition(d *domain, def *definition, edit func(*libvirtxml.Domain) error) (*definition, error) {
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(def.xml); err != nil {
		return nil, internalErr("cannot read the definition of '%s': %v", d.name, err)
	}
	if dom.Devices == nil {
		dom.Devices = &libvirtxml.DomainDeviceList{}
	}
	if err := edit(&dom); err != nil {
		return nil, err
	}
	text, err := formatBounded(&dom)
	if err != nil {
		return nil, err
	}
	_, _, newDef, err := l.parseDefinition(text)
	return newDef, err
}

// commitDefinition saves newDef as d's persistent definition; nil is no
// change.
func (l *LXC) commitDefinition(d *domain, newDef *definition) error {
	if newDef == nil {
		return nil
	}
	if err := l.store.saveDef(d.uuid, []byte(newDef.xml)); err != nil {
		return internalErr("cannot save definition of '%s': %v", d.name, err)
	}
	d.mu.Lock()
	d.persistent = newDef
	d.mu.Unlock()
	return nil
}

// liveCopy is a deep copy of the running definition's domain, to edit.
func liveCopy(d *domain, live *xmlmap.Mapped) (*libvirtxml.Domain, error) {
	text, err := xmlmap.FormatDomain(live.Domain)
	if err != nil {
		return nil, internalErr("cannot copy the running definition of '%s': %v", d.name, err)
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(text); err != nil {
		return nil, internalErr("cannot copy the running definition of '%s': %v", d.name, err)
	}
	if dom.Devices == nil {
		dom.Devices = &libvirtxml.DomainDeviceList{}
	}
	return &dom, nil
}

// setLive makes m d's running definition and persists the run state.
func (l *LXC) setLive(d *domain, m *xmlmap.Mapped) error {
	text, err := xmlmap.FormatDomain(m.Domain)
	if err != nil {
		return internalErr("cannot format the running definition of '%s': %v", d.name, err)
	}
	d.mu.Lock()
	d.live, d.liveXML = m, text
	d.mu.Unlock()
	if err := l.saveRun(d); err != nil {
		l.log.Error("cannot update run state", "domain", d.name, "err", err)
	}
	return nil
}

// container is d's running init, or the error a domain without one gets.
func (d *domain) container() (Container, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ct == nil {
		return nil, errNotRunning()
	}
	return d.ct, nil
}

// attachLive adds ifc to the running container: the running definition
// with ifc is mapped as a start maps it (which resolves a network to its
// bridge), the veth its config describes is created and set up, and the
// running definition is updated. It returns the interface's alias.
func (l *LXC) attachLive(d *domain, live *xmlmap.Mapped, ifc *libvirtxml.DomainInterface) (string, error) {
	ct, err := d.container()
	if err != nil {
		return "", err
	}
	dom, err := liveCopy(d, live)
	if err != nil {
		return "", err
	}
	n := *ifc
	if n.Target == nil || n.Target.Dev == "" {
		n.Target = &libvirtxml.DomainInterfaceTarget{Dev: freeVethName(d.uuid, dom.Devices.Interfaces)}
	}
	if n.Alias == nil {
		n.Alias = &libvirtxml.DomainAlias{Name: nextNetAlias(dom.Devices.Interfaces)}
	}
	idx := len(dom.Devices.Interfaces)
	dom.Devices.Interfaces = append(dom.Devices.Interfaces, n)
	m, err := l.mapLive(dom)
	if err != nil {
		return "", err
	}
	nd, err := lxc.NetDeviceFromConfig(m.Config, idx)
	if err != nil {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "cannot attach <interface> to a running container: %v", err)
	}
	guestDev, err := ct.AttachInterface(nd)
	if err != nil {
		return "", attachErr("attach", d.name, err)
	}
	m.Domain.Devices.Interfaces[idx].Guest = &libvirtxml.DomainInterfaceGuest{Dev: guestDev}
	m.Interfaces[idx].GuestDev = guestDev
	if err := l.setLive(d, m); err != nil {
		return "", err
	}
	l.log.Info("interface attached", "domain", d.name, "alias", n.Alias.Name, "host_dev", nd.HostDev, "guest_dev", guestDev)
	return n.Alias.Name, nil
}

// detachLive removes the interface m finds from the running container and
// its running definition, and returns its alias.
func (l *LXC) detachLive(d *domain, live *xmlmap.Mapped, m ifaceMatcher) (string, error) {
	ct, err := d.container()
	if err != nil {
		return "", err
	}
	dom, err := liveCopy(d, live)
	if err != nil {
		return "", err
	}
	i, err := m.find(dom.Devices.Interfaces)
	if err != nil {
		return "", err
	}
	if i >= len(live.Interfaces) || !vethType(live.Interfaces[i].Type) {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Only bridged veth devices can be detached")
	}
	hostDev := live.Interfaces[i].HostDev
	if err := ct.DetachInterface(hostDev); err != nil {
		return "", attachErr("detach", d.name, err)
	}
	var alias string
	if a := dom.Devices.Interfaces[i].Alias; a != nil {
		alias = a.Name
	}
	dom.Devices.Interfaces = append(dom.Devices.Interfaces[:i], dom.Devices.Interfaces[i+1:]...)
	mapped, err := l.mapLive(dom)
	if err != nil {
		return "", err
	}
	if err := l.setLive(d, mapped); err != nil {
		return "", err
	}
	l.log.Info("interface detached", "domain", d.name, "alias", alias, "host_dev", hostDev)
	return alias, nil
}

// updateLive changes the link state of the running interface m finds to
// what ifc says; any other difference is refused, as libvirt-lxc refuses
// every live change.
func (l *LXC) updateLive(d *domain, live *xmlmap.Mapped, m ifaceMatcher, ifc *libvirtxml.DomainInterface) error {
	ct, err := d.container()
	if err != nil {
		return err
	}
	dom, err := liveCopy(d, live)
	if err != nil {
		return err
	}
	i, err := m.find(dom.Devices.Interfaces)
	if err != nil {
		return err
	}
	old := dom.Devices.Interfaces[i]
	if a, b := ifc.Alias, old.Alias; a != nil && b != nil && a.Name != b.Name {
		return virterror.New(libvirt.ErrOperationDenied, "changing device alias is not allowed")
	}
	// What the live XML adds is kept; the rest is normalised as a start
	// would, so that only a real change differs.
	upd := *ifc
	if upd.Target == nil {
		upd.Target = old.Target
	}
	if upd.Guest == nil {
		upd.Guest = old.Guest
	}
	if upd.Alias == nil {
		upd.Alias = old.Alias
	}
	dom.Devices.Interfaces[i] = upd
	mapped, err := l.mapLive(dom)
	if err != nil {
		return err
	}
	same, err := sameButLink(&live.Domain.Devices.Interfaces[i], &mapped.Domain.Devices.Interfaces[i])
	if err != nil {
		return err
	}
	if !same {
		return errLiveModify()
	}
	up := linkUp(ifc)
	if up == linkUp(&old) {
		return nil
	}
	mac, err := net.ParseMAC(old.MAC.Address)
	if err != nil {
		return internalErr("interface %d of '%s' has a bad MAC address: %v", i, d.name, err)
	}
	if err := ct.SetInterfaceLink(mac, up); err != nil {
		return attachErr("update", d.name, err)
	}
	return l.setLive(d, mapped)
}

func errLiveModify() error {
	return virterror.New(libvirt.ErrOperationUnsupported, "Unable to modify live devices")
}

// attachErr is a failed change of a running container's devices.
func attachErr(op, name string, err error) error {
	if errors.Is(err, lxc.ErrNotRunning) {
		return errNotRunning()
	}
	return virterror.New(libvirt.ErrOperationFailed, "cannot %s device of domain '%s': %v", op, name, err)
}

func vethType(t string) bool { return t == "bridge" || t == "network" || t == "ethernet" }

func linkUp(x *libvirtxml.DomainInterface) bool { return x.Link == nil || x.Link.State != "down" }

// sameButLink reports whether two normalised interfaces differ at most in
// their link state.
func sameButLink(a, b *libvirtxml.DomainInterface) (bool, error) {
	x, y := *a, *b
	x.Link, y.Link = nil, nil
	xs, err := x.Marshal()
	if err != nil {
		return false, internalErr("cannot compare interfaces: %v", err)
	}
	ys, err := y.Marshal()
	if err != nil {
		return false, internalErr("cannot compare interfaces: %v", err)
	}
	return xs == ys, nil
}

// freeVethName is the first of domain u's stable host-side device names
// (vethName) no interface in ifs uses.
func freeVethName(u driverapi.UUID, ifs []libvirtxml.DomainInterface) string {
	used := map[string]bool{}
	for _, x := range ifs {
		if x.Target != nil {
			used[x.Target.Dev] = true
		}
	}
	for i := 0; ; i++ {
		if name := vethName(u, i); !used[name] {
			return name
		}
	}
}

// nextNetAlias is the alias for an interface added to ifs: one past the
// highest netN in use, as libvirt numbers hot-plugged devices.
func nextNetAlias(ifs []libvirtxml.DomainInterface) string {
	next := 0
	for _, x := range ifs {
		if x.Alias == nil {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimPrefix(x.Alias.Name, "net")); err == nil && strings.HasPrefix(x.Alias.Name, "net") && n >= next {
			next = n + 1
		}
	}
	return "net" + strconv.Itoa(next)
}

// netAliases gives each interface without an alias libvirt's netN, N its
// index.
func netAliases(ifs []libvirtxml.DomainInterface) {
	for i := range ifs {
		if ifs[i].Alias == nil {
			ifs[i].Alias = &libvirtxml.DomainAlias{Name: "net" + strconv.Itoa(i)}
		}
	}
}

// fillMAC gives ifc a generated MAC address when it has none, one no
// interface of either definition has; both definitions get the same.
func fillMAC(ifc *libvirtxml.DomainInterface, live *xmlmap.Mapped, persistent *definition) error {
	if ifc.MAC != nil && ifc.MAC.Address != "" {
		return nil
	}
	used := map[string]bool{}
	if live != nil {
		for _, x := range live.Interfaces {
			used[strings.ToLower(x.MAC)] = true
		}
	}
	if persistent != nil {
		var dom libvirtxml.Domain
		if err := dom.Unmarshal(persistent.xml); err == nil && dom.Devices != nil {
			for _, x := range dom.Devices.Interfaces {
				if x.MAC != nil {
					used[strings.ToLower(x.MAC.Address)] = true
				}
			}
		}
	}
	for {
		var b [3]byte
		if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
			return internalErr("cannot generate a MAC address: %v", err)
		}
		if mac := xmlmap.GeneratedMAC(b); !used[mac] {
			ifc.MAC = &libvirtxml.DomainInterfaceMAC{Address: mac}
			return nil
		}
	}
}

// libvirt's device element names (virDomainDeviceType) and the type each
// is reported as.
var deviceTypes = map[string]string{
	"disk": "disk", "lease": "lease", "filesystem": "filesystem", "interface": "interface",
	"input": "input", "sound": "sound", "video": "video", "hostdev": "hostdev",
	"watchdog": "watchdog", "controller": "controller", "graphics": "graphics", "hub": "hub",
	"redirdev": "redirdev", "smartcard": "smartcard", "serial": "chr", "parallel": "chr",
	"console": "chr", "channel": "chr", "memballoon": "memballoon", "nvram": "nvram",
	"rng": "rng", "shmem": "shmem", "tpm": "tpm", "panic": "panic", "memory": "memory",
	"iommu": "iommu", "vsock": "vsock", "audio": "audio", "crypto": "crypto",
}

// parseInterface reads the device XML of a device call (op: attach, detach
// or update; config and live say which definitions it changes) and returns
// its <interface>. Other devices are refused as libvirt-lxc refuses them:
// an update of the running domain at all, else with config the error of
// its persistent change, else that of its live one. (<disk> and
// <hostdev> are attached and detached in devnodes.go.)
func parseInterface(devXML, op string, config, live bool) (*libvirtxml.DomainInterface, error) {
	root, err := rootElement(devXML)
	if err != nil {
		return nil, err
	}
	typ, ok := deviceTypes[root]
	if !ok {
		return nil, virterror.New(libvirt.ErrXMLError, "unknown device type '%s'", root)
	}
	switch {
	case typ == "interface":
	case op == "update" && live:
		return nil, errLiveModify()
	case config:
		return nil, virterror.New(libvirt.ErrConfigUnsupported, "persistent %s of device is not supported", op)
	default:
		return nil, virterror.New(libvirt.ErrConfigUnsupported, "device type '%s' cannot be %sed", typ, strings.TrimSuffix(op, "e"))
	}
	var ifc libvirtxml.DomainInterface
	if err := ifc.Unmarshal(devXML); err != nil {
		return nil, virterror.New(libvirt.ErrXMLError, "<interface>: %v", err)
	}
	// libvirt parses the device as inactive XML: an alias that is not a
	// user alias (ua-…) is dropped.
	if ifc.Alias != nil && !strings.HasPrefix(ifc.Alias.Name, "ua-") {
		ifc.Alias = nil
	}
	return &ifc, nil
}

// rootElement is the name of xml's root element.
func rootElement(text string) (string, error) {
	dec := xml.NewDecoder(strings.NewReader(text))
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", virterror.New(libvirt.ErrXMLError, "device XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Local, nil
		}
	}
}

// ifaceMatcher finds an interface as libvirt's virDomainNetFindIdx does:
// by MAC address when one is given, and by alias where both have one; or,
// with byAlias, by alias alone (virDomainDefFindDevice).
type ifaceMatcher struct {
	mac     string // lower case; "" matches any
	alias   string
	byAlias bool
}

// matcherOf is the matcher for the interface a device call describes.
func matcherOf(x *libvirtxml.DomainInterface) (ifaceMatcher, error) {
	var m ifaceMatcher
	if x.MAC != nil && x.MAC.Address != "" {
		hw, err := net.ParseMAC(x.MAC.Address)
		if err != nil {
			return m, virterror.New(libvirt.ErrXMLError, "unable to parse mac address '%s'", x.MAC.Address)
		}
		m.mac = hw.String()
	}
	if x.Alias != nil {
		m.alias = x.Alias.Name
	}
	return m, nil
}

func (m ifaceMatcher) find(ifs []libvirtxml.DomainInterface) (int, error) {
	match := -1
	for i, x := range ifs {
		var alias string
		if x.Alias != nil {
			alias = x.Alias.Name
		}
		if m.byAlias {
			if alias == m.alias {
				return i, nil
			}
			continue
		}
		if m.mac != "" {
			hw, err := net.ParseMAC(macOf(&x))
			if err != nil || hw.String() != m.mac {
				continue
			}
		}
		if m.alias != "" && alias != "" && alias != m.alias {
			continue
		}
		if match >= 0 {
			if m.mac != "" {
				return -1, virterror.New(libvirt.ErrOperationFailed, "multiple devices matching MAC address %s found", m.mac)
			}
			return -1, virterror.New(libvirt.ErrOperationFailed, "multiple matching devices found")
		}
		match = i
	}
	if match >= 0 {
		return match, nil
	}
	if m.byAlias {
		return -1, virterror.New(libvirt.ErrDeviceMissing, "no device found with alias %s", m.alias)
	}
	return -1, virterror.New(libvirt.ErrDeviceMissing, "no device found at address '%s' matching MAC address '%s' and alias '%s'",
		"(<null>)", orNull(m.mac), orNull(m.alias))
}

func macOf(x *libvirtxml.DomainInterface) string {
	if x.MAC == nil {
		return ""
	}
	return x.MAC.Address
}

func orNull(s string) string {
	if s == "" {
		return "(<null>)"
	}
	return s
}
