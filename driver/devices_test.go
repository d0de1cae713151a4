package driver

import (
	"errors"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

const (
	affectLive   = driverapi.AffectLive
	affectConfig = driverapi.AffectConfig
)

// ifaces reads the interfaces of d's live (or, with inactive, persistent)
// XML.
func (e *env) ifaces(d driverapi.Domain, inactive bool) []libvirtxml.DomainInterface {
	e.t.Helper()
	var flags uint32
	if inactive {
		flags = driverapi.XMLInactive
	}
	text, err := e.l.XMLDesc(e.t.Context(), d.UUID, flags)
	must(e.t, err)
	var dom libvirtxml.Domain
	must(e.t, dom.Unmarshal(text))
	if dom.Devices == nil {
		return nil
	}
	return dom.Devices.Interfaces
}

// byMAC finds the interface with mac in ifs.
func byMAC(ifs []libvirtxml.DomainInterface, mac string) *libvirtxml.DomainInterface {
	for i := range ifs {
		if ifs[i].MAC != nil && ifs[i].MAC.Address == mac {
			return &ifs[i]
		}
	}
	return nil
}

const hotMAC = "00:16:3e:0a:0b:0c"

var hotIface = `<interface type='bridge'><source bridge='n3br0'/><mac address='` + hotMAC + `'/>
  <ip address='192.168.77.5' prefix='24'/><route gateway='192.168.77.1'/><mtu size='1400'/></interface>`

// An interface attached live is created in the container as its config
// says, shows in the live XML (alias, host and guest device names) but not
// in the definition, is announced with device-added, and leaves again with
// detach-device and device-removed.
func TestAttachDetachInterfaceLive(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("hot", uuidA))
	evs, err := e.l.Events(ctx)
	must(t, err)

	must(t, e.l.AttachDevice(ctx, d.UUID, hotIface, affectLive))
	got := byMAC(e.ifaces(d, false), hotMAC)
	if got == nil {
		t.Fatalf("live XML lacks the attached interface: %+v", e.ifaces(d, false))
	}
	hostDev := vethName(d.UUID, 1)
	if got.Alias == nil || got.Alias.Name != "net1" || got.Target == nil || got.Target.Dev != hostDev || got.Guest == nil || got.Guest.Dev == "" {
		t.Errorf("attached interface = alias %+v target %+v guest %+v; want net1, %s and a guest name", got.Alias, got.Target, got.Guest, hostDev)
	}
	if first := e.ifaces(d, false)[0]; first.Alias == nil || first.Alias.Name != "net0" {
		t.Errorf("interface from the definition has alias %+v; want net0", first.Alias)
	}
	if byMAC(e.ifaces(d, true), hotMAC) != nil {
		t.Error("a live attach changed the persistent definition")
	}
	link := e.rt.link("hot", hostDev)
	if link == nil {
		t.Fatalf("no veth %s in the container", hostDev)
	}
	if dv := link.dev; dv.Bridge != "n3br0" || dv.MAC.String() != hotMAC || dv.MTU != 1400 || !dv.Up ||
		len(dv.Addrs) != 1 || dv.Addrs[0].String() != "192.168.77.5/24" || len(dv.Gateways) != 1 || dv.Gateways[0].String() != "192.168.77.1" {
		t.Errorf("veth = %+v", dv)
	}
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceAdded, Domain: d, Alias: "net1"})

	must(t, e.l.DetachDevice(ctx, d.UUID, `<interface type='bridge'><mac address='`+strings.ToUpper(hotMAC)+`'/></interface>`, affectLive))
	if byMAC(e.ifaces(d, false), hotMAC) != nil {
		t.Error("live XML still has the detached interface")
	}
	if e.rt.link("hot", hostDev) != nil {
		t.Error("the veth is still there")
	}
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceRemoved, Domain: d, Alias: "net1"})

	// The interface from the definition can be detached too (its veth was
	// made by LXC at start).
	must(t, e.l.DetachDeviceAlias(ctx, d.UUID, "net0", affectLive))
	if n := len(e.ifaces(d, false)); n != 0 {
		t.Errorf("%d interfaces left", n)
	}
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceRemoved, Domain: d, Alias: "net0"})
}

// With AffectConfig the definition gets the interface and keeps it across
// a driver restart; the next start's LXC config has it. On a shut-off
// domain AffectCurrent is the definition.
func TestAttachInterfaceConfig(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("cfg", uuidA)
	must(t, e.l.AttachDevice(ctx, d.UUID, hotIface, driverapi.AffectCurrent))
	if byMAC(e.ifaces(d, true), hotMAC) == nil {
		t.Fatal("definition lacks the attached interface")
	}
	e.l = e.open()
	d = e.start(d)
	cfg, _ := e.rt.config("cfg")
	if !strings.Contains(cfg, "lxc.net.1.hwaddr = "+hotMAC) || !strings.Contains(cfg, "lxc.net.1.link = n3br0") {
		t.Errorf("LXC config lacks the attached interface:\n%s", cfg)
	}
	must(t, e.l.DetachDevice(ctx, d.UUID, `<interface type='bridge'><mac address='`+hotMAC+`'/></interface>`, affectConfig))
	if byMAC(e.ifaces(d, true), hotMAC) != nil {
		t.Error("definition still has the detached interface")
	}
	if byMAC(e.ifaces(d, false), hotMAC) == nil {
		t.Error("a config detach removed the running interface")
	}
}

// Live and config at once give both the same generated MAC address; a
// network interface joins the network's bridge; the live attach survives
// a driver restart (the run state has it).
func TestAttachInterfaceLiveAndConfig(t *testing.T) {
	e := newEnv(t, func(e *env) { e.networks = map[string]string{"n3net": "n3br1"} })
	ctx := t.Context()
	d := e.start(e.define("both", uuidA))
	must(t, e.l.AttachDevice(ctx, d.UUID, `<interface type='network'><source network='n3net'/></interface>`, affectLive|affectConfig))
	live, def := e.ifaces(d, false), e.ifaces(d, true)
	if len(live) != 2 || len(def) != 2 || live[1].MAC == nil || def[1].MAC == nil || live[1].MAC.Address != def[1].MAC.Address {
		t.Fatalf("live %+v, definition %+v: want the same new interface in both", live, def)
	}
	if !strings.HasPrefix(live[1].MAC.Address, "00:16:3e:") || live[1].MAC.Address == live[0].MAC.Address {
		t.Errorf("generated MAC %s", live[1].MAC.Address)
	}
	if l := e.rt.link("both", vethName(d.UUID, 1)); l == nil || l.dev.Bridge != "n3br1" {
		t.Errorf("veth = %+v; want it on the network's bridge n3br1", l)
	}
	must(t, e.l.Close())
	e.l = e.open()
	if live := e.ifaces(d, false); len(live) != 2 {
		t.Errorf("after a driver restart the live XML has %d interfaces; want 2", len(live))
	}
	err := e.l.AttachDevice(ctx, d.UUID, `<interface type='network'><source network='nonet'/></interface>`, affectLive)
	wantCode(t, err, libvirt.ErrNoNetwork, "nonet")
}

// Update changes the link state of a running interface (domif-setlink
// sends the live XML with <link state>), refuses any other live change as
// libvirt-lxc does, and replaces the interface in the definition.
func TestUpdateInterface(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("upd", uuidA))
	must(t, e.l.AttachDevice(ctx, d.UUID, hotIface, affectLive|affectConfig))
	cur := byMAC(e.ifaces(d, false), hotMAC)
	cur.Link = &libvirtxml.DomainInterfaceLink{State: "down"}
	text, err := cur.Marshal()
	must(t, err)
	must(t, e.l.UpdateDevice(ctx, d.UUID, text, affectLive))
	if l := e.rt.link("upd", vethName(d.UUID, 1)); l == nil || l.guestUp {
		t.Errorf("guest end still up: %+v", l)
	}
	if got := byMAC(e.ifaces(d, false), hotMAC); got.Link == nil || got.Link.State != "down" {
		t.Errorf("live XML link = %+v; want down", got.Link)
	}
	up := `<interface type='bridge'><source bridge='n3br0'/><mac address='` + hotMAC + `'/>
  <ip address='192.168.77.5' prefix='24'/><route gateway='192.168.77.1'/><mtu size='1400'/><link state='up'/></interface>`
	must(t, e.l.UpdateDevice(ctx, d.UUID, up, affectLive))
	if l := e.rt.link("upd", vethName(d.UUID, 1)); !l.guestUp {
		t.Error("guest end not up again")
	}
	wantCode(t, e.l.UpdateDevice(ctx, d.UUID, strings.Replace(up, "1400", "1300", 1), affectLive),
		libvirt.ErrOperationUnsupported, "Unable to modify live devices")
	wantCode(t, e.l.UpdateDevice(ctx, d.UUID, `<sound model='ich6'/>`, affectLive), libvirt.ErrOperationUnsupported, "Unable to modify live devices")

	must(t, e.l.UpdateDevice(ctx, d.UUID, strings.Replace(up, "1400", "1300", 1), affectConfig))
	if got := byMAC(e.ifaces(d, true), hotMAC); got.MTU == nil || got.MTU.Size != 1300 {
		t.Errorf("definition MTU = %+v; want 1300", got.MTU)
	}
	wantCode(t, e.l.UpdateDevice(ctx, d.UUID, `<sound model='ich6'/>`, affectConfig), libvirt.ErrConfigUnsupported, "persistent update of device is not supported")
}

// Errors as libvirt-lxc's: the impact flags against the state, devices it
// cannot hot-plug, a device that matches nothing or several, and a
// failure in the container, which leaves nothing changed.
func TestDeviceErrors(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	off := e.define("off", uuidA)
	wantCode(t, e.l.AttachDevice(ctx, off.UUID, hotIface, affectLive), libvirt.ErrOperationInvalid, "domain is not running")
	wantCode(t, e.l.AttachDevice(ctx, off.UUID, hotIface, 1<<4), libvirt.ErrInvalidArg, "unsupported flags")
	wantCode(t, e.l.AttachDevice(ctx, off.UUID, `<sound model='ich6'/>`, affectConfig), libvirt.ErrConfigUnsupported, "persistent attach of device is not supported")
	wantCode(t, e.l.AttachDevice(ctx, off.UUID, `<disk type='file'><driver type='qcow2'/><source file='/x.qcow2'/><target dev='sdb'/></disk>`, affectConfig), libvirt.ErrConfigUnsupported, "qemu-nbd")
	wantCode(t, e.l.AttachDevice(ctx, off.UUID, `<gizmo/>`, affectConfig), libvirt.ErrXMLError, "unknown device type 'gizmo'")
	// A direct interface can be added to the definition (it is mapped at the
	// next start), not hot-plugged (below).
	must(t, e.l.AttachDevice(ctx, off.UUID, `<interface type='direct'><source dev='eth0' mode='bridge'/></interface>`, affectConfig))
	wantCode(t, e.l.DetachDevice(ctx, off.UUID, `<interface type='bridge'><mac address='00:16:3e:99:99:99'/></interface>`, affectConfig),
		libvirt.ErrDeviceMissing, "no device found at address '(<null>)' matching MAC address '00:16:3e:99:99:99' and alias '(<null>)'")
	must(t, e.l.AttachDevice(ctx, off.UUID, `<interface type='bridge'><source bridge='n3br0'/></interface>`, affectConfig))
	wantCode(t, e.l.DetachDevice(ctx, off.UUID, `<interface type='bridge'/>`, affectConfig), libvirt.ErrOperationFailed, "multiple matching devices found")

	tr, err := e.l.CreateXML(ctx, domXML("tr", uuidB), 0)
	must(t, err)
	wantCode(t, e.l.AttachDevice(ctx, tr.UUID, hotIface, affectConfig), libvirt.ErrOperationInvalid, "transient domains do not have any persistent config")
	wantCode(t, e.l.AttachDevice(ctx, tr.UUID, `<sound model='ich6'/>`, affectLive), libvirt.ErrConfigUnsupported, "device type 'sound' cannot be attached")
	wantCode(t, e.l.DetachDevice(ctx, tr.UUID, `<sound model='ich6'/>`, affectLive), libvirt.ErrConfigUnsupported, "device type 'sound' cannot be detached")
	wantCode(t, e.l.DetachDeviceAlias(ctx, tr.UUID, "net7", affectLive), libvirt.ErrDeviceMissing, "no device found with alias net7")
	if err := e.l.AttachDevice(ctx, tr.UUID, `<interface type='direct'><source dev='eth0' mode='bridge'/></interface>`, affectLive); err == nil {
		t.Error("a direct interface was hot-plugged")
	}

	e.rt.mu.Lock()
	e.rt.failOn["attach-interface"] = errors.New("no such bridge")
	e.rt.mu.Unlock()
	wantCode(t, e.l.AttachDevice(ctx, tr.UUID, hotIface, affectLive), libvirt.ErrOperationFailed, "no such bridge")
	if n := len(e.ifaces(tr, false)); n != 1 {
		t.Errorf("a failed attach left %d interfaces in the live XML", n)
	}
}

// A guest reboot LXC performs in place brings back the container it
// started, without the interfaces attached since: the live XML follows.
func TestGuestRebootDropsHotplug(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("rb", uuidA))
	must(t, e.l.AttachDevice(ctx, d.UUID, hotIface, affectLive))
	evs, err := e.l.Events(ctx)
	must(t, err)
	e.rt.guestReboot("rb")
	if ev := nextEvent(t, evs); ev.Kind != driverapi.EventReboot {
		t.Fatalf("event = %+v; want reboot", ev)
	}
	if byMAC(e.ifaces(d, false), hotMAC) != nil || len(e.ifaces(d, false)) != 1 {
		t.Errorf("after an in-place reboot the live XML has %+v; want only the defined interface", e.ifaces(d, false))
	}
}
