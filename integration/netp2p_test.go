//go:build integration

package integration

import (
	"crypto/rand"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// ipOut runs the host's ip with args and returns what it printed.
func ipOut(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("ip", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// testOctet is a random octet for addresses only this test uses.
func testOctet() int {
	b := make([]byte, 1)
	_, _ = rand.Read(b)
	return 10 + int(b[0])%200
}

// TestEthernetHostIP: an ethernet interface's host-side <source><ip> and
// <route> are on the host end of its veth after the start, as libvirt-lxc
// adds them, and after an in-place reboot, and gone with it after the
// destroy; a point-to-point <ip peer> is on the guest's device with the
// default gateway through its peer. A hot-plugged ethernet interface's
// host side comes and goes with it.
func TestEthernetHostIP(t *testing.T) {
	testenv.RequireTool(t, "ip", "iproute2")
	h := newHost(t)
	d := startDaemon(t, h)
	br := hotBridge(t)
	name := h.name("nets-hip")
	hostVeth := "nth" + name[len(name)-8:]
	o := testOctet()
	xml := fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='ethernet'>
      <source>
        <ip address='10.231.%[5]d.1' prefix='24'/>
        <ip address='10.235.%[5]d.1' prefix='32' peer='10.235.%[5]d.2'/>
        <route family='ipv4' address='10.232.%[5]d.0' prefix='24' gateway='10.231.%[5]d.2' metric='7'/>
      </source>
      <target dev='%[3]s'/>
      <guest dev='eth0'/>
      <ip address='10.231.%[5]d.2' prefix='24'/>
    </interface>
    <interface type='bridge'>
      <source bridge='%[4]s'/>
      <guest dev='ethp'/>
      <ip address='10.233.%[5]d.2' prefix='32' peer='10.233.%[5]d.1'/>
      <route gateway='10.233.%[5]d.1'/>
    </interface>
  </devices>
</domain>`, name, h.rootfs(testenv.InitHonoursHalt), hostVeth, br, o)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)

	check := func(when string) {
		t.Helper()
		addrs := ipOut(t, "-o", "-4", "addr", "show", "dev", hostVeth)
		for _, want := range []string{
			fmt.Sprintf("inet 10.231.%d.1/24 brd 10.231.%d.255", o, o),
			fmt.Sprintf("inet 10.235.%d.1 peer 10.235.%d.2/32", o, o),
		} {
			if !strings.Contains(addrs, want) {
				t.Errorf("%s: host end %s lacks %q: %s", when, hostVeth, want, addrs)
			}
		}
		route := fmt.Sprintf("10.232.%d.0/24 via 10.231.%d.2", o, o)
		if routes := ipOut(t, "-4", "route", "show", "dev", hostVeth); !strings.Contains(routes, route) || !strings.Contains(routes, "metric 7") {
			t.Errorf("%s: host routes through %s: %q; want %s metric 7", when, hostVeth, routes, route)
		}
		if a := d.inNS(name, "ip", "-o", "-4", "addr", "show", "dev", "ethp"); !strings.Contains(a, fmt.Sprintf("inet 10.233.%d.2 peer 10.233.%d.1/32", o, o)) {
			t.Errorf("%s: ethp in the container: %s", when, a)
		}
		if r := d.inNS(name, "ip", "route"); !regexp.MustCompile(fmt.Sprintf(`default via 10\.233\.%d\.1 dev ethp`, o)).MatchString(r) {
			t.Errorf("%s: routes in the container: %s", when, r)
		}
		if a := d.inNS(name, "ip", "-o", "-4", "addr", "show", "dev", "eth0"); !strings.Contains(a, fmt.Sprintf("inet 10.231.%d.2/24", o)) {
			t.Errorf("%s: eth0 in the container: %s", when, a)
		}
	}
	check("after the start")

	// A reboot LXC performs in place (no console) makes the veths again:
	// the driver sets them up again.
	id := d.ok("domid", name)
	d.ok("reboot", name)
	waitUntil(t, "the rebooted container", func() bool {
		newID := d.ok("domid", name)
		return newID != id && newID != "-"
	})
	d.waitState(name, "running (booted)")
	check("after an in-place reboot")

	// Hot-plugged, an ethernet interface gets its host side as at start,
	// and loses it with the veth.
	mac := hotMAC()
	hot := "ntp" + name[len(name)-8:]
	dev := writeXML(t, fmt.Sprintf(`<interface type='ethernet'><mac address='%s'/><target dev='%s'/>
  <source><ip address='10.236.%d.1' prefix='30'/></source></interface>`, mac, hot, o))
	d.ok("attach-device", name, dev, "--live")
	if a := ipOut(t, "-o", "-4", "addr", "show", "dev", hot); !strings.Contains(a, fmt.Sprintf("inet 10.236.%d.1/30 brd 10.236.%d.3", o, o)) {
		t.Errorf("hot-plugged host end %s: %s", hot, a)
	}
	d.ok("detach-device", name, dev, "--live")
	if a := ipOut(t, "-o", "-4", "addr"); hasLink(hot) || strings.Contains(a, fmt.Sprintf("10.236.%d.1/", o)) {
		t.Errorf("detached: %s left, addresses %s", hot, a)
	}

	d.ok("destroy", name)
	waitUntil(t, "the host end gone", func() bool { return !hasLink(hostVeth) })
	if a := ipOut(t, "-o", "-4", "addr"); strings.Contains(a, fmt.Sprintf("10.231.%d.1/", o)) || strings.Contains(a, fmt.Sprintf("10.235.%d.1 ", o)) {
		t.Errorf("host addresses left behind: %s", a)
	}
	if r := ipOut(t, "-4", "route"); strings.Contains(r, fmt.Sprintf("10.232.%d.0/24", o)) {
		t.Errorf("host route left behind: %s", r)
	}
}

// TestDirectHotplug: virsh attach-device and attach-interface add a
// macvlan on a device of the test's (a veth, as the
// kernel may lack dummy devices) to a running container, as
// libvirt-lxc does (device-added, live XML), set up inside as at start;
// detaching it live is refused as libvirt-lxc refuses it; after a restart
// it is gone, as it was never in the definition.
func TestDirectHotplug(t *testing.T) {
	testenv.RequireTool(t, "ip", "iproute2")
	h := newHost(t)
	d := startDaemon(t, h)
	parent := hostLinks(t, "mv")[0]
	ipOut(t, "link", "set", parent+"p", "up") // the parent's carrier
	name := d.hotGuest("nets-mv")
	ev := d.watchEvents()
	o := testOctet()

	mac := hotMAC()
	dev := writeXML(t, fmt.Sprintf(`<interface type='direct'><source dev='%s' mode='bridge'/><mac address='%s'/><guest dev='ethmv'/>
  <ip address='10.234.%d.2' prefix='24'/></interface>`, parent, mac, o))
	d.ok("attach-device", name, dev, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net1", name))
	x := d.iface(name, mac)
	if x == nil || x.Source == nil || x.Source.Direct == nil || x.Source.Direct.Dev != parent || x.Guest == nil || x.Guest.Dev != "ethmv" {
		t.Fatalf("live XML interface = %+v", x)
	}
	if g, state := d.guestLink(name, mac); g != "ethmv" || state != "up" {
		t.Errorf("in the container: %q %q; want ethmv up", g, state)
	}
	detail, err := exec.Command("nsenter", "-t", d.ok("domid", name), "-n", "ip", "-d", "-o", "link", "show", "ethmv").CombinedOutput()
	if err != nil || !regexp.MustCompile(`@if`+readTrim(t, "/sys/class/net/"+parent+"/ifindex")+`\b.*macvlan mode bridge`).Match(detail) {
		t.Errorf("ethmv is not a bridge-mode macvlan on %s: %s (%v)", parent, detail, err)
	}
	if a := d.inNS(name, "ip", "-o", "-4", "addr", "show", "dev", "ethmv"); !strings.Contains(a, fmt.Sprintf("inet 10.234.%d.2/24", o)) {
		t.Errorf("ethmv's address: %s", a)
	}

	msg := d.failsOn(d.sock, "detach-device", name, dev, "--live")
	if !strings.Contains(msg, "Only bridged veth devices can be detached") {
		t.Errorf("live detach of a direct interface: %s", msg)
	}
	if g, _ := d.guestLink(name, mac); g != "ethmv" {
		t.Error("a refused detach removed the macvlan")
	}

	mac2 := hotMAC()
	d.ok("attach-interface", name, "--type", "direct", "--source", parent, "--mac", mac2, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': net2", name))
	if g, _ := d.guestLink(name, mac2); g == "" {
		t.Error("attach-interface --type direct: no device in the container")
	}

	d.ok("destroy", name)
	d.ok("start", name)
	for _, m := range []string{mac, mac2} {
		if g, _ := d.guestLink(name, m); g != "" || d.iface(name, m) != nil {
			t.Errorf("after a restart the container still has %s (%s)", m, g)
		}
	}
	d.ok("destroy", name)
}
