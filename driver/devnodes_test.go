package driver

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// withDevices is domXML with devs among its devices.
func withDevices(name, uuid, devs string) string {
	return strings.Replace(domXML(name, uuid), "<console type='pty'/>", devs+"<console type='pty'/>", 1)
}

func (e *env) devices(d driverapi.Domain, inactive bool) *libvirtxml.DomainDeviceList {
	e.t.Helper()
	var flags uint32
	if inactive {
		flags = driverapi.XMLInactive
	}
	text, err := e.l.XMLDesc(e.t.Context(), d.UUID, flags)
	must(e.t, err)
	var dom libvirtxml.Domain
	must(e.t, dom.Unmarshal(text))
	return dom.Devices
}

const startDevs = `<filesystem type='file'><source file='/var/img/data.img'/><target dir='/data'/></filesystem>
<disk type='block'><source dev='/dev/vdb'/><target dev='sdb'/></disk>`

// A start attaches image files to loop devices, gives the config the
// devices' keys, and every way the run ends detaches the loop devices.
func TestStartWithDevices(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	def, err := e.l.DefineXML(ctx, withDevices("devs", uuidA, startDevs), 0)
	must(t, err)
	d := e.start(def)
	cfg := e.rt.configs["devs"]
	for _, line := range []string{
		"lxc.mount.entry = /dev/loop1 data ext4 rw,create=dir 0 0",
		"lxc.mount.entry = /dev/vdb dev/sdb none bind,create=file 0 0",
		"lxc.cgroup2.devices.allow = b 7:1 rw",
		"lxc.cgroup2.devices.allow = b 7:2 rwm",
	} {
		if !strings.Contains(cfg, line+"\n") {
			t.Errorf("config lacks %q:\n%s", line, cfg)
		}
	}
	if got := e.rt.attachedLoops(); !slices.Equal(got, []string{"/dev/loop1"}) {
		t.Errorf("loops while running = %v", got)
	}
	if devs := e.devices(d, false); devs.Disks[0].Alias == nil || devs.Disks[0].Alias.Name != "disk0" {
		t.Errorf("live disk alias = %+v; want disk0", devs.Disks[0].Alias)
	}
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	if got := e.rt.attachedLoops(); len(got) != 0 {
		t.Errorf("loops after destroy = %v", got)
	}

	// A start that fails after the loop devices were attached leaves none.
	e.rt.failOn["start"] = errors.New("boom")
	if _, err := e.l.Create(ctx, d.UUID, 0); err == nil {
		t.Fatal("start succeeded")
	}
	if got := e.rt.attachedLoops(); len(got) != 0 {
		t.Errorf("loops after a failed start = %v", got)
	}
	delete(e.rt.failOn, "start")

	// A disk without media fails the start as libvirt-lxc's does.
	nomedia, err := e.l.DefineXML(ctx, withDevices("nomedia", uuidB, `<disk type='block'><target dev='sdb'/></disk>`), 0)
	must(t, err)
	_, err = e.l.Create(ctx, nomedia.UUID, 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "Can't setup disk without media")
}

const hotDisk = `<disk type='block' device='disk'><source dev='/dev/loop5'/><target dev='sdc'/></disk>`

// Disks and hostdevs attach and detach live (a node in the container,
// device events with their alias) and in the definition, with
// libvirt-lxc's errors.
func TestAttachDetachNodes(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("nodes", uuidA))
	evs, err := e.l.Events(ctx)
	must(t, err)

	must(t, e.l.AttachDevice(ctx, d.UUID, hotDisk, affectLive|affectConfig))
	if got := e.rt.nodesOf("nodes"); !maps.Equal(got, map[string]string{"/dev/sdc": "/dev/loop5"}) {
		t.Errorf("nodes = %v", got)
	}
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceAdded, Domain: d, Alias: "disk0"})
	if n := len(e.devices(d, true).Disks); n != 1 {
		t.Errorf("definition has %d disks; want 1", n)
	}
	wantCode(t, e.l.AttachDevice(ctx, d.UUID, hotDisk, affectLive), libvirt.ErrOperationFailed, "target sdc already exists")
	wantCode(t, e.l.AttachDevice(ctx, d.UUID, hotDisk, affectConfig), libvirt.ErrInvalidArg, "target sdc already exists.")
	wantCode(t, e.l.AttachDevice(ctx, d.UUID, `<disk type='file'><source file='/x.img'/><target dev='sdd'/></disk>`, affectLive),
		libvirt.ErrConfigUnsupported, "Can't setup disk for non-block device")

	misc := `<hostdev mode='capabilities' type='misc'><source><char>/dev/ttyS3</char></source></hostdev>`
	must(t, e.l.AttachDevice(ctx, d.UUID, misc, affectLive))
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceAdded, Domain: d, Alias: "hostdev0"})
	if got := e.rt.nodesOf("nodes")["/dev/ttyS3"]; got != "/dev/ttyS3" {
		t.Errorf("hostdev node source = %q", got)
	}
	wantCode(t, e.l.AttachDevice(ctx, d.UUID, misc, affectLive), libvirt.ErrOperationFailed, "host device already exists")

	must(t, e.l.DetachDevice(ctx, d.UUID, `<disk type='block'><target dev='sdc'/></disk>`, affectLive|affectConfig))
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceRemoved, Domain: d, Alias: "disk0"})
	if _, ok := e.rt.nodesOf("nodes")["/dev/sdc"]; ok {
		t.Error("/dev/sdc still in the container")
	}
	if n := len(e.devices(d, true).Disks); n != 0 {
		t.Errorf("definition has %d disks after detach; want 0", n)
	}
	wantCode(t, e.l.DetachDevice(ctx, d.UUID, `<disk type='block'><target dev='sdc'/></disk>`, affectLive), libvirt.ErrOperationFailed, "disk sdc not found")
	wantCode(t, e.l.DetachDevice(ctx, d.UUID, `<disk type='block'><target dev='sdc'/></disk>`, affectConfig), libvirt.ErrInvalidArg, "no target device sdc")

	must(t, e.l.DetachDeviceAlias(ctx, d.UUID, "hostdev0", affectLive))
	wantEvents(t, evs, driverapi.Event{Kind: driverapi.EventDeviceRemoved, Domain: d, Alias: "hostdev0"})
	if got := e.rt.nodesOf("nodes"); len(got) != 0 {
		t.Errorf("nodes after detaching all = %v", got)
	}
	usb := `<hostdev mode='subsystem' type='usb'><source><address bus='1' device='2'/></source></hostdev>`
	wantCode(t, e.l.DetachDevice(ctx, d.UUID, usb, affectLive), libvirt.ErrOperationFailed, "usb device not found")
	wantCode(t, e.l.UpdateDevice(ctx, d.UUID, hotDisk, affectConfig), libvirt.ErrConfigUnsupported, "persistent update of device is not supported")
}

// The loop devices of a run outlive a driver restart: a new instance
// releases those of a domain that stopped meanwhile, and those of a
// re-adopted one when it stops.
func TestLoopsAcrossDriverRestart(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	img := `<filesystem type='file'><source file='/var/img/%s.img'/><target dir='/data'/></filesystem>`
	a, err := e.l.DefineXML(ctx, withDevices("loopa", uuidA, fmt.Sprintf(img, "a")), 0)
	must(t, err)
	b, err := e.l.DefineXML(ctx, withDevices("loopb", uuidB, fmt.Sprintf(img, "b")), 0)
	must(t, err)
	e.start(a)
	e.start(b)
	if got := e.rt.attachedLoops(); len(got) != 2 {
		t.Fatalf("loops = %v; want two", got)
	}
	must(t, e.l.Close())
	e.rt.exitInit("loopb", wsExit0) // stops while no driver watches

	l2 := e.open()
	if got := e.rt.attachedLoops(); len(got) != 1 {
		t.Fatalf("loops after the restart = %v; want loopa's only", got)
	}
	must(t, l2.Destroy(ctx, a.UUID, 0))
	if got := e.rt.attachedLoops(); len(got) != 0 {
		t.Errorf("loops after destroying the re-adopted domain = %v", got)
	}
}

// A USB device given by vendor and product is found at start; the
// running definition shows its address, and it can be detached by vendor
// and product or by that address, not attached live without one.
func TestUSBByVendorProduct(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	usb := `<hostdev mode='subsystem' type='usb'><source><vendor id='0x0781'/><product id='0x5567'/></source></hostdev>`
	def, err := e.l.DefineXML(ctx, withDevices("usb", uuidA, usb), 0)
	must(t, err)
	d := e.start(def)
	h := e.devices(d, false).Hostdevs[0]
	if a := h.SubsysUSB.Source.Address; a == nil || *a.Bus != 1 || *a.Device != 1 {
		t.Errorf("live USB address = %+v; want bus 1 device 1", a)
	}
	if !strings.Contains(e.rt.configs["usb"], "lxc.mount.entry = /dev/bus/usb/001/001 dev/bus/usb/001/001 none bind,create=file 0 0\n") {
		t.Errorf("config lacks the USB node:\n%s", e.rt.configs["usb"])
	}
	if n := e.devices(d, true).Hostdevs[0]; n.SubsysUSB.Source.Address != nil {
		t.Error("the definition gained the address")
	}
	wantCode(t, e.l.AttachDevice(ctx, d.UUID, strings.Replace(usb, "5567", "5583", 1), affectLive), libvirt.ErrConfigUnsupported, "<address bus device>")
	must(t, e.l.DetachDevice(ctx, d.UUID, usb, affectLive))
	if n := len(e.devices(d, false).Hostdevs); n != 0 {
		t.Errorf("%d hostdevs after detaching by vendor and product", n)
	}
}
