//go:build integration

package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// hotBridge creates a bridge of the test's own (removed when it ends) and
// returns its name.
func hotBridge(t testing.TB) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "n3br" + hex.EncodeToString(b)
	for _, argv := range [][]string{{"link", "add", name, "type", "bridge"}, {"link", "set", name, "up"}} {
		if out, err := runTool("ip", argv...); err != nil {
			t.Fatalf("ip %s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	t.Cleanup(func() { _, _ = runTool("ip", "link", "del", name) })
	return name
}

// hotMAC is a MAC address in libvirt-lxc's OUI, unique to the test.
func hotMAC() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("00:16:3e:%02x:%02x:%02x", b[0], b[1], b[2])
}

// hotGuest defines and starts a busybox guest and returns its name.
func (d *daemon) hotGuest(prefix string) string {
	d.t.Helper()
	name := d.h.name(prefix)
	d.ok("define", writeXML(d.t, guestXML(name, d.h.rootfs(testenv.InitHonoursHalt), "")))
	d.ok("start", name)
	return name
}

// iface is the interface with mac in name's domain XML (virsh dumpxml
// with args), or nil.
func (d *daemon) iface(name, mac string, args ...string) *libvirtxml.DomainInterface {
	d.t.Helper()
	var dom libvirtxml.Domain
	must(d.t, dom.Unmarshal(d.ok(append([]string{"dumpxml", name}, args...)...)))
	if dom.Devices == nil {
		return nil
	}
	for i, x := range dom.Devices.Interfaces {
		if x.MAC != nil && strings.EqualFold(x.MAC.Address, mac) {
			return &dom.Devices.Interfaces[i]
		}
	}
	return nil
}

// guestLink is the container's network device with mac: its name and
// operstate, read from the container's /sys; "" when there is none.
func (d *daemon) guestLink(name, mac string) (dev, state string) {
	d.t.Helper()
	out, err := d.h.inGuest(name, "sh", "-c", `for i in /sys/class/net/*; do echo "$(cat $i/address) ${i##*/} $(cat $i/operstate)"; done`)
	if err != nil {
		d.t.Fatalf("listing the container's devices: %v\n%s", err, out)
	}
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 3 && strings.EqualFold(f[0], mac) {
			return f[1], f[2]
		}
	}
	return "", ""
}

// hostMaster is the bridge host device dev is enslaved to ("" for none);
// ok is false when dev does not exist.
func hostMaster(dev string) (master string, ok bool) {
	if _, err := os.Stat("/sys/class/net/" + dev); err != nil {
		return "", false
	}
	link, err := os.Readlink("/sys/class/net/" + dev + "/master")
	if err != nil {
		return "", true
	}
	return filepath.Base(link), true
}

// virsh attach-interface and detach-interface, live and --config, on a
// running busybox container: the veth appears inside with its MAC and up,
// its host end on the test's bridge, with device-added and device-removed
// events; a --config interface is there after a restart; domif-setlink
// takes it down and up; attach-device sets up an ethernet interface's
// name, MTU, address and gateway inside; detach-device-alias removes one
// by alias; the read-only socket refuses all of it.
func TestInterfaceHotplugVirsh(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	br := hotBridge(t)
	name := d.hotGuest("n3hp")
	ev := d.watchEvents()

	mac := hotMAC()
	if out := d.ok("attach-interface", name, "--type", "bridge", "--source", br, "--mac", mac, "--live"); !strings.Contains(out, "Interface attached successfully") {
		t.Errorf("attach-interface: %q", out)
	}
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net1", name))
	x := d.iface(name, mac)
	if x == nil || x.Target == nil || x.Alias == nil || x.Alias.Name != "net1" {
		t.Fatalf("live XML interface = %+v; want it with target dev and alias net1", x)
	}
	if d.iface(name, mac, "--inactive") != nil {
		t.Error("a live attach changed the definition")
	}
	if master, ok := hostMaster(x.Target.Dev); !ok || master != br {
		t.Errorf("host end %s: exists %v, master %q; want on %s", x.Target.Dev, ok, master, br)
	}
	dev, state := d.guestLink(name, mac)
	if dev == "" || state == "down" || x.Guest == nil || x.Guest.Dev != dev {
		t.Errorf("in the container: %q %q (live XML guest %+v); want the device up", dev, state, x.Guest)
	}

	out := d.failsOn(d.ro, "attach-interface", name, "--type", "bridge", "--source", br, "--live")
	if !strings.Contains(out, "read only") && !strings.Contains(out, "read-only") {
		t.Errorf("read-only attach-interface: %q", out)
	}
	d.failsOn(d.ro, "detach-interface", name, "--type", "bridge", "--mac", mac, "--live")

	d.ok("domif-setlink", name, mac, "down")
	if _, state := d.guestLink(name, mac); state != "down" {
		t.Errorf("after domif-setlink down: operstate %q", state)
	}
	if got := d.ok("domif-getlink", name, mac); !strings.Contains(got, "down") {
		t.Errorf("domif-getlink: %q", got)
	}
	d.ok("domif-setlink", name, mac, "up")
	if _, state := d.guestLink(name, mac); state == "down" {
		t.Error("after domif-setlink up: still down")
	}

	if out := d.ok("detach-interface", name, "--type", "bridge", "--mac", mac, "--live"); !strings.Contains(out, "Interface detached successfully") {
		t.Errorf("detach-interface: %q", out)
	}
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': net1", name))
	if dev, _ := d.guestLink(name, mac); dev != "" {
		t.Errorf("%s still in the container", dev)
	}
	if _, ok := hostMaster(x.Target.Dev); ok {
		t.Errorf("host end %s still exists", x.Target.Dev)
	}
	if d.iface(name, mac) != nil {
		t.Error("live XML still has the detached interface")
	}

	// attach-device with an ethernet interface (not on a bridge) and its
	// guest name, MTU, an address without a prefix (libvirt's default: the
	// class's, /8 here) and a default gateway, set up inside as at start.
	mac3 := hotMAC()
	ethXML := writeXML(t, fmt.Sprintf(`<interface type='ethernet'><mac address='%s'/><guest dev='n3x0'/><mtu size='1400'/>
  <ip address='10.213.7.5'/><route gateway='10.213.7.1'/></interface>`, mac3))
	d.ok("attach-device", name, ethXML, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net1", name))
	x3 := d.iface(name, mac3)
	if x3 == nil || x3.Target == nil {
		t.Fatal("live XML lacks the ethernet interface")
	}
	if master, ok := hostMaster(x3.Target.Dev); !ok || master != "" {
		t.Errorf("host end %s: exists %v, master %q; want it on no bridge", x3.Target.Dev, ok, master)
	}
	for argv, want := range map[string]string{
		"/bin/busybox ip -o addr show dev n3x0": "inet 10.213.7.5/8",
		"/bin/busybox ip route":                 "default via 10.213.7.1 dev n3x0",
		"cat /sys/class/net/n3x0/mtu":           "1400",
		"cat /sys/class/net/n3x0/address":       mac3,
	} {
		out, err := d.h.inGuest(name, strings.Fields(argv)...)
		if err != nil || !strings.Contains(out, want) {
			t.Errorf("in the container, %s: %q (%v); want %q", argv, out, err, want)
		}
	}
	d.ok("detach-device", name, ethXML, "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': net1", name))
	if dev, _ := d.guestLink(name, mac3); dev != "" {
		t.Errorf("%s still in the container", dev)
	}

	// type='network': the network's bridge (the daemon maps "default" to
	// the host bridge), resolved as a start resolves it.
	mac4 := hotMAC()
	d.ok("attach-interface", name, "--type", "network", "--source", "default", "--mac", mac4, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net1", name))
	if x4 := d.iface(name, mac4); x4 == nil || x4.Target == nil {
		t.Error("live XML lacks the network interface")
	} else if master, _ := hostMaster(x4.Target.Dev); master != testenv.Bridge {
		t.Errorf("network interface's host end is on %q; want %s", master, testenv.Bridge)
	}
	d.ok("detach-interface", name, "--type", "network", "--mac", mac4, "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': net1", name))

	// --config: the definition only, until the next start.
	mac2 := hotMAC()
	d.ok("attach-interface", name, "--type", "bridge", "--source", br, "--mac", mac2, "--config")
	if d.iface(name, mac2, "--inactive") == nil || d.iface(name, mac2) != nil {
		t.Fatal("--config attach: want the interface in the definition only")
	}
	ev.quiet(time.Second)
	d.ok("destroy", name)
	d.ok("start", name)
	ev.want(lifecycleLine(name, "Stopped Destroyed"), lifecycleLine(name, "Started Booted"))
	x2 := d.iface(name, mac2)
	if x2 == nil || x2.Target == nil {
		t.Fatal("after a restart the live XML lacks the --config interface")
	}
	if dev, _ := d.guestLink(name, mac2); dev == "" {
		t.Error("after a restart the container lacks the --config interface")
	}
	if master, _ := hostMaster(x2.Target.Dev); master != br {
		t.Errorf("after a restart the host end is on %q; want %s", master, br)
	}
	d.ok("detach-interface", name, "--type", "bridge", "--mac", mac2, "--config")
	if d.iface(name, mac2, "--inactive") != nil || d.iface(name, mac2) == nil {
		t.Error("--config detach: want the interface gone from the definition only")
	}
	d.ok("detach-device-alias", name, x2.Alias.Name, "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': %s", name, x2.Alias.Name))
	if dev, _ := d.guestLink(name, mac2); dev != "" {
		t.Errorf("%s still in the container after detach-device-alias", dev)
	}
}

// virt-xml --add-device --network … --update hot-plugs the interface
// (attachDeviceFlags, live) and defines the definition with it (virt-xml
// 4.1 changes the definition by redefining it, never with --config); --edit … --network link.state=down --update changes the
// running link; --remove-device … --update unplugs and undefines it.
func TestInterfaceHotplugVirtXML(t *testing.T) {
	virtXML := testenv.RequireTool(t, "virt-xml", "virtinst")
	h := newHost(t)
	d := startDaemon(t, h)
	br := hotBridge(t)
	name := d.hotGuest("n3vx")
	ev := d.watchEvents()
	run := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), patience)
		defer cancel()
		cmd := exec.CommandContext(ctx, virtXML, append([]string{"--connect", uri(d.sock), name}, args...)...)
		out, err := cmd.CombinedOutput()
		t.Logf("$ virt-xml %s\n%s", strings.Join(args, " "), out)
		if err != nil {
			t.Fatalf("virt-xml: %v", err)
		}
	}

	mac := hotMAC()
	defined := lifecycleLine(name, "Defined Updated")
	run("--add-device", "--network", "bridge="+br+",mac="+mac, "--update")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net1", name), defined)
	if d.iface(name, mac) == nil || d.iface(name, mac, "--inactive") == nil {
		t.Fatal("want the interface in the live XML and the definition")
	}
	if dev, state := d.guestLink(name, mac); dev == "" || state == "down" {
		t.Errorf("in the container: %q %q; want the device up", dev, state)
	}

	run("--edit", "mac="+mac, "--network", "link.state=down", "--update")
	ev.want(defined)
	if _, state := d.guestLink(name, mac); state != "down" {
		t.Errorf("after --edit link.state=down: operstate %q", state)
	}
	if x := d.iface(name, mac, "--inactive"); x == nil || x.Link == nil || x.Link.State != "down" {
		t.Errorf("definition link = %+v; want down", x)
	}

	run("--remove-device", "--network", "mac="+mac, "--update")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': net1", name), defined)
	if dev, _ := d.guestLink(name, mac); dev != "" {
		t.Errorf("%s still in the container", dev)
	}
	if d.iface(name, mac) != nil || d.iface(name, mac, "--inactive") != nil {
		t.Error("want the interface gone from the live XML and the definition")
	}
}
