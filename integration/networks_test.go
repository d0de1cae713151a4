//go:build integration

package integration

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// randomMAC is a locally administered unicast MAC in libvirt's 52:54:00
// prefix.
func randomMAC() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("52:54:00:%02x:%02x:%02x", b[0], b[1], b[2])
}

// dhcpInit is a container init that asks for a DHCP lease on eth0 with
// busybox's udhcpc (sending its host name), configures the address it
// gets and then waits for the halt signal.
const dhcpInit = `#!/bin/sh
trap 'exit 0' PWR TERM
cat > /bin/dhcp-bound <<'EOF'
#!/bin/sh
[ "$1" = bound ] || [ "$1" = renew ] || exit 0
ip addr flush dev "$interface"
ip addr add "$ip/$mask" dev "$interface"
EOF
chmod +x /bin/dhcp-bound
ip link set lo up
ip link set eth0 up
udhcpc -i eth0 -x hostname:"$(hostname)" -s /bin/dhcp-bound -t 60 -T 1 -A 1 -b
while :; do sleep 1; done
`

// dhcpXML is a container on network with the given MAC whose init asks
// for a DHCP lease.
func dhcpXML(name, rootfs, network, mac string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='network'><source network='%s'/><mac address='%s'/></interface>
  </devices>
</domain>`, name, rootfs, network, mac)
}

// leaseRow is one row of `virsh net-dhcp-leases`.
type leaseRow struct{ mac, ip, hostname string }

// waitLease waits until `virsh net-dhcp-leases NETWORK --mac MAC` over
// connURI shows a lease and returns it.
func waitLease(t testing.TB, connURI, network, mac string) leaseRow {
	t.Helper()
	var row leaseRow
	testenv.Eventually(t, 2*time.Minute, 250*time.Millisecond, "DHCP lease for "+mac+" on network "+network, func() (bool, string) {
		out := virshOK(t, connURI, "net-dhcp-leases", network, "--mac", mac)
		for line := range strings.Lines(out) {
			f := strings.Fields(line)
			// Expiry date, time, MAC, protocol, address, hostname, client id.
			if len(f) >= 6 && f[2] == mac {
				row = leaseRow{mac: f[2], ip: f[4], hostname: f[5]}
				return true, ""
			}
		}
		return false, out
	})
	return row
}

// checkDomifaddrLease checks that `virsh domifaddr --source lease` shows
// the lease.
func checkDomifaddrLease(t testing.TB, connURI, name string, l leaseRow) {
	t.Helper()
	out := virshOK(t, connURI, "domifaddr", name, "--source", "lease")
	found := false
	for line := range strings.Lines(out) {
		f := strings.Fields(line)
		if len(f) == 4 && f[1] == l.mac && f[2] == "ipv4" && f[3] == l.ip {
			found = true
		}
	}
	if !found {
		t.Errorf("domifaddr --source lease does not show %s %s:\n%s", l.mac, l.ip, out)
	}
}

// bridgeIPv4 is the host bridge's IPv4 address.
func bridgeIPv4(t testing.TB, bridge string) string {
	t.Helper()
	ifc, err := net.InterfaceByName(bridge)
	must(t, err)
	addrs, err := ifc.Addrs()
	must(t, err)
	for _, a := range addrs {
		if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
			return ipn.IP.String()
		}
	}
	t.Fatalf("bridge %s has no IPv4 address", bridge)
	return ""
}

// TestNetworksServedByLxcvirtd: without libvirt's network driver,
// lxcvirtd serves lxc-net's bridge as the network "default" to real virsh:
// net-list, net-info, net-dumpxml, net-dhcp-leases with the lease a busybox
// container gets from lxc-net's dnsmasq, domifaddr --source lease; and it
// refuses to define or change networks, changing nothing.
func TestNetworksServedByLxcvirtd(t *testing.T) {
	testenv.RequireLXCNet(t)
	h := newHost(t)
	d := startDaemon(t, h)
	u := uri(d.sock)

	list := d.ok("net-list", "--all")
	if !regexpLine(list, `default\s+active\s+yes\s+yes`) {
		t.Errorf("net-list --all does not show default active, autostarted, persistent:\n%s", list)
	}
	if ro := d.virshOn(d.ro, "net-list", "--all"); ro.code != 0 || strings.TrimSpace(ro.stdout) != list {
		t.Errorf("net-list on the read-only socket: %d %s%s", ro.code, ro.stdout, ro.stderr)
	}
	info := d.ok("net-info", "default")
	if !regexpLine(info, `Bridge:\s+`+testenv.Bridge) || !regexpLine(info, `Active:\s+yes`) {
		t.Errorf("net-info default:\n%s", info)
	}
	var nx libvirtxml.Network
	must(t, nx.Unmarshal(d.ok("net-dumpxml", "default")))
	if nx.Bridge == nil || nx.Bridge.Name != testenv.Bridge || nx.Forward == nil || nx.Forward.Mode != "nat" {
		t.Errorf("net-dumpxml default: bridge %+v forward %+v", nx.Bridge, nx.Forward)
	}
	if len(nx.IPs) != 1 || nx.IPs[0].Address != bridgeIPv4(t, testenv.Bridge) || nx.IPs[0].DHCP == nil || len(nx.IPs[0].DHCP.Ranges) != 1 {
		t.Errorf("net-dumpxml default: <ip> %+v, want the bridge's address %s with a DHCP range", nx.IPs, bridgeIPv4(t, testenv.Bridge))
	}

	name, mac := h.name("n1net"), randomMAC()
	d.ok("define", writeXML(t, dhcpXML(name, h.rootfs(dhcpInit), "default", mac)))
	d.ok("start", name)
	l := waitLease(t, u, "default", mac)
	if l.hostname != name {
		t.Errorf("lease hostname %q, want %q", l.hostname, name)
	}
	ip, _, _ := strings.Cut(l.ip, "/")
	leases, err := os.ReadFile(testenv.LXCNetLeases)
	must(t, err)
	if !regexpLine(string(leases), `\d+ `+mac+` `+regexp.QuoteMeta(ip)+` .*`) {
		t.Errorf("dnsmasq's lease file has no lease of %s for %s:\n%s", ip, mac, leases)
	}
	checkDomifaddrLease(t, u, name, l)
	// The container configured the address it leased.
	waitFor(t, "the container holds its leased address", func() (bool, string) {
		out, err := h.inGuest(name, "ip", "-4", "addr", "show", "eth0")
		return err == nil && strings.Contains(out, " "+l.ip+" "), out
	})

	// Beyond libvirt: an <interface type='bridge'> on lxc-net's bridge
	// finds its lease in the network "default" too (the seed demo's).
	bname, bmac := h.name("n1br"), randomMAC()
	bxml := strings.Replace(dhcpXML(bname, h.rootfs(dhcpInit), "default", bmac),
		"<interface type='network'><source network='default'/>", "<interface type='bridge'><source bridge='"+testenv.Bridge+"'/>", 1)
	d.ok("define", writeXML(t, bxml))
	d.ok("start", bname)
	checkDomifaddrLease(t, u, bname, waitLease(t, u, "default", bmac))

	// Changes are refused, pointing at libvirt's network daemon.
	other := writeXML(t, `<network><name>n1-refused</name><bridge name='n1br-refused'/></network>`)
	for _, args := range [][]string{
		{"net-define", other}, {"net-create", other}, {"net-destroy", "default"},
		{"net-undefine", "default"}, {"net-autostart", "default", "--disable"},
	} {
		if e := d.failsOn(d.sock, args...); !strings.Contains(e, "this function is not supported by the connection driver") ||
			!strings.Contains(e, "virtnetworkd") {
			t.Errorf("virsh %s: %s", strings.Join(args, " "), e)
		}
	}
	if e := d.failsOn(d.ro, "net-define", other); !strings.Contains(e, "read only access prevents virNetworkDefineXML") {
		t.Errorf("net-define on the read-only socket: %s", e)
	}
	if after := d.ok("net-list", "--all"); after != list {
		t.Errorf("net-list changed after the refused calls:\n%s\nwas:\n%s", after, list)
	}
	if _, err := os.Stat("/sys/class/net/n1br-refused"); err == nil {
		t.Errorf("a refused net-create made its bridge")
	}
	if info := d.ok("net-info", "default"); !regexpLine(info, `Active:\s+yes`) {
		t.Errorf("default is no longer active after the refused calls:\n%s", info)
	}
}

// regexpLine reports whether a line of text, leading and trailing blanks
// aside, matches the regular expression re.
func regexpLine(text, re string) bool {
	return regexp.MustCompile(`(?m)^\s*` + re + `\s*$`).MatchString(text)
}

// waitFor polls cond until it holds, for at most a minute.
func waitFor(t testing.TB, what string, cond func() (bool, string)) {
	t.Helper()
	testenv.Eventually(t, time.Minute, 200*time.Millisecond, what, cond)
}

// TestNetworksForwardedToLibvirt: with Debian's libvirtd (its network
// driver) running a NAT network the test makes, lxcvirtd forwards the
// network calls to it: `virsh -c lxc:// net-list` shows that network, a
// container on it gets a port of libvirt's network driver (released when
// it stops) and a lease from libvirt's dnsmasq, shown by net-dhcp-leases
// and domifaddr --source lease over the lxc:// connection.
func TestNetworksForwardedToLibvirt(t *testing.T) {
	testenv.RequireTool(t, "dnsmasq", "dnsmasq-base")
	lockListenDefault(t)
	useSystemLibvirtd(t)
	const netURI = "network:///system"
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	suffix := hex.EncodeToString(b)
	network, bridge := "n1nat-"+suffix, "n1br-"+suffix
	netXML := writeXML(t, fmt.Sprintf(`<network>
  <name>%s</name>
  <forward mode='nat'/>
  <bridge name='%s'/>
  <ip address='192.168.211.1' netmask='255.255.255.0'>
    <dhcp><range start='192.168.211.10' end='192.168.211.99'/></dhcp>
  </ip>
</network>`, network, bridge))
	// A network an interrupted run of this test left behind would hold the
	// subnet: remove it (the prefix is this test's own).
	for name := range strings.Lines(virshOK(t, netURI, "net-list", "--name")) {
		if name = strings.TrimSpace(name); strings.HasPrefix(name, "n1nat-") {
			virshOK(t, netURI, "net-destroy", name)
		}
	}
	virshOK(t, netURI, "net-create", netXML)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if r, err := runVirshURI(ctx, netURI, "net-destroy", network); err != nil || r.code != 0 {
			t.Errorf("net-destroy %s: %v %s", network, err, r.stderr)
		}
	})

	h := newHost(t)
	d := startDaemon(t, h, "--network-driver", libvirtdSock)
	u := uri(d.sock)
	if list := d.ok("net-list"); !regexpLine(list, network+`\s+active\s+no\s+no`) {
		t.Errorf("net-list over lxc:// does not show libvirt's network %s:\n%s", network, list)
	}
	if br := d.ok("net-info", network); !regexpLine(br, `Bridge:\s+`+bridge) {
		t.Errorf("net-info %s over lxc://:\n%s", network, br)
	}
	if e := d.failsOn(d.ro, "net-destroy", network); !strings.Contains(e, "read only access prevents virNetworkDestroy") {
		t.Errorf("net-destroy on the read-only socket: %s", e)
	}

	name, mac := h.name("n1fwd"), randomMAC()
	d.ok("define", writeXML(t, dhcpXML(name, h.rootfs(dhcpInit), network, mac)))
	d.ok("start", name)
	var live libvirtxml.Domain
	must(t, live.Unmarshal(d.ok("dumpxml", name)))
	src := live.Devices.Interfaces[0].Source.Network
	if src.PortID == "" || src.Bridge != bridge {
		t.Fatalf("live <source> %+v: want the port of libvirt's network driver on %s", src, bridge)
	}
	ports := virshOK(t, netURI, "net-port-list", network)
	if !strings.Contains(ports, src.PortID) {
		t.Errorf("libvirt's network driver has no port %s:\n%s", src.PortID, ports)
	}
	if master := readLink(t, "/sys/class/net/"+live.Devices.Interfaces[0].Target.Dev+"/master"); master != bridge {
		t.Errorf("the container's veth is attached to %q, want %s", master, bridge)
	}
	l := waitLease(t, u, network, mac)
	if theirs := virshOK(t, netURI, "net-dhcp-leases", network, "--mac", mac); !strings.Contains(theirs, l.ip) {
		t.Errorf("libvirt's own net-dhcp-leases does not show %s:\n%s", l.ip, theirs)
	}
	checkDomifaddrLease(t, u, name, l)

	d.ok("destroy", name)
	if ports := virshOK(t, netURI, "net-port-list", network); strings.Contains(ports, src.PortID) {
		t.Errorf("port %s is still there after the container stopped:\n%s", src.PortID, ports)
	}
}

// readLink is the base name a symlink points to, or "" when there is none.
func readLink(t testing.TB, path string) string {
	t.Helper()
	target, err := os.Readlink(path)
	if err != nil {
		return ""
	}
	return target[strings.LastIndexByte(target, '/')+1:]
}
