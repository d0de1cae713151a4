//go:build integration

package integration

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// hostLinks makes veth pairs named n2<tag><hex> (and their peers, with a
// "p" suffix) for a test to use as "physical" NICs and macvlan parents; they
// are deleted when the test ends, wherever they are.
func hostLinks(t *testing.T, tags ...string) []string {
	t.Helper()
	testenv.RequireTool(t, "ip", "iproute2")
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	var names []string
	for _, tag := range tags {
		n := "n2" + tag + hex.EncodeToString(b)
		if out, err := exec.Command("ip", "link", "add", n, "type", "veth", "peer", "name", n+"p").CombinedOutput(); err != nil {
			t.Fatalf("ip link add %s: %v: %s", n, err, out)
		}
		t.Cleanup(func() { _ = exec.Command("ip", "link", "del", n+"p").Run() })
		if out, err := exec.Command("ip", "link", "set", n, "up").CombinedOutput(); err != nil {
			t.Fatalf("ip link set %s up: %v: %s", n, err, out)
		}
		names = append(names, n)
	}
	return names
}

// inNS runs busybox's applet args in the running domain's namespaces with
// virsh lxc-enter-namespace and returns what it printed.
func (d *daemon) inNS(name string, args ...string) string {
	d.t.Helper()
	return d.ok(append([]string{"lxc-enter-namespace", name, "--noseclabel", "--", "/bin/busybox"}, args...)...)
}

func hasLink(dev string) bool {
	_, err := os.Stat("/sys/class/net/" + dev)
	return err == nil
}

// TestInterfaceBreadth starts, through virsh, a container with what
// libvirt-lxc gives beyond a plain veth and checks it inside the container
// and on the host: a macvlan in bridge mode (<interface type='direct'>),
// a host NIC moved in (<hostdev type='net'>) and back after the stop, an
// address without a prefix (libvirt's classful default, with its
// broadcast), a route beyond the default gateway, <link state='down'>
// with lo still up, and <bandwidth><inbound> as HTB on the host veth.
func TestInterfaceBreadth(t *testing.T) {
	testenv.RequireTool(t, "tc", "iproute2")
	h := newHost(t)
	d := startDaemon(t, h)
	links := hostLinks(t, "mv", "ph")
	parent, nic := links[0], links[1]
	name := h.name("n2net")
	hostVeth := "n2v" + name[len(name)-8:]
	xml := fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='bridge'>
      <source bridge='%s'/>
      <target dev='%s'/>
      <guest dev='eth0'/>
      <ip address='10.77.0.5'/>
      <route address='172.20.0.0' prefix='16' gateway='10.77.0.1'/>
      <bandwidth><inbound average='1000' peak='2000' burst='256'/></bandwidth>
    </interface>
    <interface type='direct'>
      <source dev='%s' mode='bridge'/>
      <guest dev='ethm'/>
      <ip address='192.168.77.5' prefix='24'/>
    </interface>
    <interface type='bridge'>
      <source bridge='%s'/>
      <guest dev='ethd'/>
      <link state='down'/>
    </interface>
    <hostdev mode='capabilities' type='net'>
      <source><interface>%s</interface></source>
    </hostdev>
  </devices>
</domain>`, name, h.rootfs(testenv.InitHonoursHalt), testenv.Bridge, hostVeth, parent, testenv.Bridge, nic)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)

	addrs := d.inNS(name, "ip", "-o", "-4", "addr", "show", "dev", "eth0")
	if !strings.Contains(addrs, "inet 10.77.0.5/8 brd 10.255.255.255") {
		t.Errorf("eth0 without <ip prefix>: %s", addrs)
	}
	if routes := d.inNS(name, "ip", "route", "show", "172.20.0.0/16"); !strings.Contains(routes, "172.20.0.0/16 via 10.77.0.1 dev eth0") {
		t.Errorf("route: %q", routes)
	}
	mv := d.inNS(name, "cat", "/sys/class/net/ethm/address", "/sys/class/net/ethm/iflink", "/sys/class/net/ethm/operstate")
	if !strings.Contains(d.inNS(name, "ip", "-o", "-4", "addr", "show", "dev", "ethm"), "192.168.77.5/24 brd 192.168.77.255") {
		t.Errorf("macvlan without its address: %s", mv)
	}
	parentIndex := readTrim(t, "/sys/class/net/"+parent+"/ifindex")
	if f := strings.Fields(mv); len(f) != 3 || f[1] != parentIndex {
		t.Errorf("ethm (address, iflink, operstate) = %q; want a link on %s (ifindex %s)", mv, parent, parentIndex)
	}
	// busybox's ip prints no link details: the kernel's view, from the host.
	detail, err := exec.Command("nsenter", "-t", d.ok("domid", name), "-n", "ip", "-d", "link", "show", "ethm").CombinedOutput()
	if err != nil || !strings.Contains(string(detail), "macvlan mode bridge") {
		t.Errorf("ethm is not a macvlan in bridge mode: %s (%v)", detail, err)
	}
	if down := d.inNS(name, "ip", "link", "show", "ethd"); regexp.MustCompile(`<[^>]*\bUP\b`).MatchString(down) {
		t.Errorf("<link state='down'> interface is up: %s", down)
	}
	if lo := d.inNS(name, "ip", "link", "show", "lo"); !regexp.MustCompile(`<[^>]*\bUP\b`).MatchString(lo) {
		t.Errorf("lo is not up: %s", lo)
	}
	if hasLink(nic) {
		t.Errorf("host NIC %s is still on the host", nic)
	}
	if inside := d.inNS(name, "ip", "link", "show", nic); !strings.Contains(inside, nic) {
		t.Errorf("host NIC %s not in the container: %s", nic, inside)
	}

	qdisc, err := exec.Command("tc", "qdisc", "show", "dev", hostVeth).CombinedOutput()
	must(t, err)
	if !strings.Contains(string(qdisc), "qdisc htb 1: root") || !strings.Contains(string(qdisc), "default 0x1") {
		t.Errorf("qdiscs on %s: %s", hostVeth, qdisc)
	}
	class, err := exec.Command("tc", "class", "show", "dev", hostVeth).CombinedOutput()
	must(t, err)
	// average 1000 kB/s and peak 2000 kB/s are 8 and 16 Mbit/s; burst 256 KiB.
	if !regexp.MustCompile(`class htb 1:1 root (leaf 2: )?prio 0 rate 8Mbit ceil 16Mbit burst 256Kb`).Match(class) {
		t.Errorf("class on %s: %s", hostVeth, class)
	}

	d.ok("destroy", name)
	waitUntil(t, "the host NIC back on the host", func() bool { return hasLink(nic) })
	if hasLink(hostVeth) {
		t.Errorf("host veth %s left behind", hostVeth)
	}
}

// TestOutboundBandwidth: what the guest sends is policed on the host
// veth's ingress, as libvirt does; on a kernel without the police action
// (act_police) the start fails saying so rather than leaving it unlimited.
func TestOutboundBandwidth(t *testing.T) {
	testenv.RequireTool(t, "tc", "iproute2")
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("n2bw")
	hostVeth := "n2o" + name[len(name)-8:]
	xml := strings.Replace(guestXML(name, h.rootfs(testenv.InitHonoursHalt), ""),
		"<source bridge='"+testenv.Bridge+"'/>",
		"<source bridge='"+testenv.Bridge+"'/><target dev='"+hostVeth+"'/><bandwidth><outbound average='500' burst='64'/></bandwidth>", 1)
	d.ok("define", writeXML(t, xml))

	if !policeSupported(t) {
		msg := d.failsOn(d.sock, "start", name)
		if !strings.Contains(msg, "cannot set outbound bandwidth on "+hostVeth) || !strings.Contains(msg, "not supported by the kernel") {
			t.Fatalf("start without act_police: %s", msg)
		}
		if st := d.ok("domstate", name); st != "shut off" {
			t.Fatalf("state after the failed start: %s", st)
		}
		return
	}
	d.ok("start", name)
	f, err := exec.Command("tc", "filter", "show", "dev", hostVeth, "parent", "ffff:").CombinedOutput()
	must(t, err)
	if !strings.Contains(string(f), "police") || !strings.Contains(string(f), "rate 4Mbit burst 64Kb") || !strings.Contains(string(f), "drop") {
		t.Errorf("ingress filter on %s: %s", hostVeth, f)
	}
	d.ok("destroy", name)
}

// policeSupported probes the kernel for tc's police action on a scratch
// veth pair.
func policeSupported(t *testing.T) bool {
	dev := hostLinks(t, "pp")[0]
	must(t, exec.Command("tc", "qdisc", "add", "dev", dev, "ingress").Run())
	err := exec.Command("tc", "filter", "add", "dev", dev, "parent", "ffff:", "protocol", "all", "u32", "match", "u32", "0", "0",
		"police", "rate", "1mbit", "burst", "10k", "drop", "flowid", ":1").Run()
	return err == nil
}

// TestOpenVSwitchPort: <virtualport type='openvswitch'> (what Neutron's
// OVS agent writes) puts the veth on the Open vSwitch bridge with its vlan
// tag and the external-ids libvirt sets; a host without Open vSwitch
// refuses it at start, naming the element.
func TestOpenVSwitchPort(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("n2ovs")
	hostVeth := "n2s" + name[len(name)-8:] // and its trunk, hostVeth+"t"
	br := "n2br" + name[len(name)-8:]
	const ifaceID = "0a3e4b5c-1111-4222-8333-944455556666"
	xml := fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='bridge'>
      <source bridge='%s'/>
      <virtualport type='openvswitch'><parameters interfaceid='%s'/></virtualport>
      <vlan><tag id='42'/></vlan>
      <target dev='%s'/>
    </interface>
    <interface type='bridge'>
      <source bridge='%[3]s'/>
      <virtualport type='openvswitch'/>
      <vlan trunk='yes'><tag id='10' nativeMode='untagged'/><tag id='20'/><tag id='30'/></vlan>
      <target dev='%[5]st'/>
    </interface>
  </devices>
</domain>`, name, h.rootfs(testenv.InitHonoursHalt), br, ifaceID, hostVeth)
	d.ok("define", writeXML(t, xml))
	if _, err := exec.LookPath("ovs-vsctl"); err != nil {
		msg := d.failsOn(d.sock, "start", name)
		if !strings.Contains(msg, "<virtualport type='openvswitch'>") || !strings.Contains(msg, "Open vSwitch is not installed") {
			t.Fatalf("start without Open vSwitch: %s", msg)
		}
		return
	}
	// The userspace datapath works with or without the kernel's module.
	if out, err := exec.Command("ovs-vsctl", "add-br", br, "--", "set", "bridge", br, "datapath_type=netdev").CombinedOutput(); err != nil {
		t.Fatalf("ovs-vsctl add-br: %v: %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("ovs-vsctl", "--if-exists", "del-br", br).Run() })
	d.ok("start", name)
	mac := regexp.MustCompile(`mac address='([^']+)'`).FindStringSubmatch(d.ok("dumpxml", name))[1]
	for col, want := range map[string]string{
		"Port " + hostVeth + " tag":                            "42",
		"Interface " + hostVeth + " external-ids:iface-id":     `"` + ifaceID + `"`,
		"Interface " + hostVeth + " external-ids:iface-status": "active",
		"Interface " + hostVeth + " external-ids:vm-id":        `"` + d.ok("domuuid", name) + `"`,
		"Interface " + hostVeth + " external-ids:attached-mac": `"` + mac + `"`,
		"Port " + hostVeth + "t tag":                           "10",
		"Port " + hostVeth + "t trunks":                        "[20, 30]",
		"Port " + hostVeth + "t vlan_mode":                     "native-untagged",
	} {
		f := strings.Fields(col)
		out, err := exec.Command("ovs-vsctl", "get", f[0], f[1], f[2]).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("ovs-vsctl get %s = %q (%v); want %s", col, out, err, want)
		}
	}
	d.ok("destroy", name)
	// As libvirt removes the port at the stop, so does LXC.
	if out, err := exec.Command("ovs-vsctl", "list-ports", br).CombinedOutput(); err != nil || strings.Contains(string(out), hostVeth) {
		t.Errorf("ports of %s after the stop: %s (%v)", br, out, err)
	}
}

// TestMissingHostNIC: a host NIC or macvlan parent that is not there fails
// the start with an error naming it, and nothing is left running.
func TestMissingHostNIC(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	for _, dev := range []string{
		`<hostdev mode='capabilities' type='net'><source><interface>n2nonic0</interface></source></hostdev>`,
		`<interface type='direct'><source dev='n2nonic1' mode='bridge'/></interface>`,
	} {
		name := h.name("n2miss")
		d.ok("define", writeXML(t, strings.Replace(smallXML(name, rootfs, ""), "</devices>", dev+"</devices>", 1)))
		msg := d.failsOn(d.sock, "start", name)
		if !strings.Contains(msg, "n2nonic") {
			t.Errorf("start with %s: %s", dev, msg)
		}
		if st := d.ok("domstate", name); st != "shut off" {
			t.Errorf("state after the failed start: %s", st)
		}
	}
}

// TestVirtInstallDirect: virt-install's --network type=direct makes a
// container with a macvlan on the given device in the given mode.
func TestVirtInstallDirect(t *testing.T) {
	testenv.RequireTool(t, "virt-install", "virtinst")
	h := newHost(t)
	d := startDaemon(t, h)
	parent := hostLinks(t, "vi")[0]
	name := h.name("n2vi")
	install := []string{"--connect", uri(d.sock), "--name", name, "--memory", "128",
		"--filesystem", h.rootfs(testenv.InitHonoursHalt) + ",/", "--init", "/sbin/init", "--noautoconsole",
		"--network", "type=direct,source=" + parent + ",source.mode=private"}
	_, _, err := viRun(t, "virt-install", install...)
	must(t, err)
	detail, err := exec.Command("nsenter", "-t", d.ok("domid", name), "-n", "ip", "-d", "-o", "link").CombinedOutput()
	if err != nil || !regexp.MustCompile(`@if`+readTrim(t, "/sys/class/net/"+parent+"/ifindex")+`\b.*macvlan mode private`).Match(detail) {
		t.Errorf("no private-mode macvlan on %s in the container: %s (%v)", parent, detail, err)
	}
	if x := d.ok("dumpxml", name); !strings.Contains(x, "<source dev='"+parent+"' mode='private'/>") {
		t.Errorf("live XML: %s", x)
	}
	d.ok("destroy", name)
}

// TestLinkDownKeepsLoUp: a container whose only interface is down still
// has lo up (LXC brings lo up only beside an interface it brings up;
// libvirt-lxc always does).
func TestLinkDownKeepsLoUp(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("n2lo")
	xml := strings.Replace(guestXML(name, h.rootfs(testenv.InitHonoursHalt), ""),
		"<source bridge='"+testenv.Bridge+"'/>", "<source bridge='"+testenv.Bridge+"'/><guest dev='eth0'/><link state='down'/>", 1)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)
	up := regexp.MustCompile(`<[^>]*\bUP\b`)
	if eth0 := d.inNS(name, "ip", "link", "show", "eth0"); up.MatchString(eth0) {
		t.Errorf("eth0 with <link state='down'> is up: %s", eth0)
	}
	if lo := d.inNS(name, "ip", "link", "show", "lo"); !up.MatchString(lo) {
		t.Errorf("lo is not up: %s", lo)
	}
	d.ok("destroy", name)
}
