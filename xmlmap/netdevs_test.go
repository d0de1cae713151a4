package xmlmap

import (
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/subid"
)

// TestNetworkBreadthMapped checks what the driver gets beside the config
// for network-breadth.xml: the routes LXC has no key for, bandwidth in
// libvirt's units, the Open vSwitch ports and the host NICs.
func TestNetworkBreadthMapped(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(goldenDir, "network-breadth.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(text, testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Interfaces) != 4 {
		t.Fatalf("%d interfaces", len(m.Interfaces))
	}
	d, blocked, ovs, trunk := m.Interfaces[0], m.Interfaces[1], m.Interfaces[2], m.Interfaces[3]
	if d.Type != "direct" || d.Link != "eno1" || d.Mode != "bridge" || blocked.Mode != "vepa" {
		t.Errorf("direct: %+v %+v", d, blocked)
	}
	wantRoutes := []Route{
		{Dst: netip.MustParsePrefix("172.16.0.0/12"), Gateway: netip.MustParseAddr("10.20.0.1")},
		{Dst: netip.MustParsePrefix("fd00:99::/48"), Gateway: netip.MustParseAddr("fd00:20::1"), Metric: 5},
	}
	if !reflect.DeepEqual(d.Routes, wantRoutes) {
		t.Errorf("routes %+v, want %+v", d.Routes, wantRoutes)
	}
	if want := []Route{{Dst: netip.MustParsePrefix("192.168.60.0/24"), Gateway: netip.MustParseAddr("192.168.50.2")}}; !reflect.DeepEqual(ovs.Routes, want) {
		t.Errorf("routes %+v, want %+v (the default one goes to LXC)", ovs.Routes, want)
	}
	wantBW := &Bandwidth{Inbound: &Rate{Average: 1000, Peak: 5000, Burst: 1024}, Outbound: &Rate{Average: 128}}
	if !reflect.DeepEqual(ovs.Bandwidth, wantBW) {
		t.Errorf("bandwidth %+v", ovs.Bandwidth)
	}
	if want := (&OVSPort{Bridge: "br-int", InterfaceID: "0a3e4b5c-1111-4222-8333-944455556666"}); !reflect.DeepEqual(ovs.OVS, want) {
		t.Errorf("ovs %+v", ovs.OVS)
	}
	if trunk.OVS == nil || trunk.OVS.InterfaceID == "" || trunk.OVS.InterfaceID != m.Domain.Devices.Interfaces[3].VirtualPort.Params.OpenVSwitch.InterfaceID {
		t.Errorf("generated interfaceid not kept in the XML: %+v", trunk.OVS)
	}
	if !reflect.DeepEqual(m.HostNICs, []string{"n2phys0"}) {
		t.Errorf("host NICs %v", m.HostNICs)
	}

	opts := testOptions(CgroupV1)
	opts.NoOpenVSwitch = true
	_, err = Parse(text, opts)
	wantErr(t, err, libvirt.ErrConfigUnsupported, "Open vSwitch is not installed")
}

func TestNaturalPrefix(t *testing.T) {
	for a, want := range map[string]int{
		"10.1.2.3": 8, "172.16.0.1": 16, "192.168.1.1": 24, "224.0.0.1": -1, "240.0.0.1": -1,
		"0.0.0.0": 0, "fd00::1": 64, "::": 0,
	} {
		if got := naturalPrefix(netip.MustParseAddr(a)); got != want {
			t.Errorf("naturalPrefix(%s) = %d, want %d", a, got, want)
		}
	}
}

func TestBroadcast(t *testing.T) {
	for in, want := range map[string]string{
		"10.77.0.5/8": "10.255.255.255", "192.168.77.5/24": "192.168.77.255", "172.16.5.9/12": "172.31.255.255",
		"10.0.0.1/32": "10.0.0.1", "10.0.0.0/31": "10.0.0.1", "1.2.3.4/0": "255.255.255.255", "10.1.2.3/20": "10.1.15.255",
	} {
		p := netip.MustParsePrefix(in)
		if got := broadcast(p.Addr(), p.Bits()); got != want {
			t.Errorf("broadcast(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestPointToPointMapped: libvirt's lxc-ethernet-hostip.xml gives the
// driver the host side's addresses (one with a peer) and routes (a
// default one too) and the guest's peer address; none reaches the LXC
// config. A default gateway of a family with a peer address is added
// after it, not by LXC; one of another family stays LXC's.
func TestPointToPointMapped(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(conformanceDir, "lxcxml2xml", "lxc-ethernet-hostip.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(text, testOptions(CgroupV2))
	if err != nil {
		t.Fatal(err)
	}
	ifc := m.Interfaces[0]
	p, a := netip.MustParsePrefix, netip.MustParseAddr
	if want := []Addr{{Local: p("192.168.122.12/24"), Peer: a("192.168.122.1")}, {Local: p("192.168.122.13/24")}}; !reflect.DeepEqual(ifc.HostAddrs, want) {
		t.Errorf("host addresses %+v, want %+v", ifc.HostAddrs, want)
	}
	if want := []Route{{Dst: p("0.0.0.0/0"), Gateway: a("192.168.122.1")}, {Dst: p("192.168.124.0/24"), Gateway: a("192.168.124.1")}}; !reflect.DeepEqual(ifc.HostRoutes, want) {
		t.Errorf("host routes %+v, want %+v", ifc.HostRoutes, want)
	}
	if want := []Addr{{Local: p("192.168.122.1/32"), Peer: a("192.168.122.12")}}; !reflect.DeepEqual(ifc.Addrs, want) {
		t.Errorf("guest addresses %+v, want %+v", ifc.Addrs, want)
	}
	for _, e := range m.Config {
		if strings.Contains(e.Key, "ipv4") || strings.Contains(e.Key, "ipv6") {
			t.Errorf("config has %s = %s", e.Key, e.Value)
		}
	}

	x := strings.Replace(string(text), "<guest dev='eth2'/>", `<guest dev='eth2'/><ip address='fd00::2' prefix='64'/>
      <route family='ipv4' address='0.0.0.0' gateway='192.168.122.12'/><route family='ipv6' gateway='fd00::1'/>`, 1)
	if m, err = Parse([]byte(x), testOptions(CgroupV2)); err != nil {
		t.Fatal(err)
	}
	if want := []Route{{Dst: p("0.0.0.0/0"), Gateway: a("192.168.122.12")}}; !reflect.DeepEqual(m.Interfaces[0].Routes, want) {
		t.Errorf("routes %+v, want %+v", m.Interfaces[0].Routes, want)
	}
	cfg := string(m.Config.Marshal())
	if !strings.Contains(cfg, "lxc.net.0.ipv6.gateway = fd00::1\n") || strings.Contains(cfg, "ipv4.gateway") {
		t.Errorf("config:\n%s", cfg)
	}

	opts := testOptions(CgroupV2)
	opts.UserNS = &UserNS{UIDs: []subid.Range{{Start: 100000, Count: 100000}}, GIDs: []subid.Range{{Start: 100000, Count: 100000}}}
	_, err = Parse(text, opts)
	wantErr(t, err, libvirt.ErrConfigUnsupported, "<source><ip>/<route>", "unprivileged")
}

// TestHostIPFormatted: an ethernet interface's <source> with only <ip>s or
// only <route>s survives formatting (libvirtxml writes it only with both)
// and so reaches the mapping of a formatted definition.
func TestHostIPFormatted(t *testing.T) {
	for _, src := range []string{
		`<source><ip address='10.236.1.1' prefix='30'/></source>`,
		`<source><route address='10.237.0.0' prefix='16' gateway='10.236.1.2'/></source>`,
	} {
		m, err := Parse([]byte(edit{devs: `<interface type='ethernet'><mac address='00:16:3e:00:00:01'/>` + src + `<target dev='ntpx'/></interface>`}.xml()), testOptions(CgroupV2))
		if err != nil {
			t.Fatal(err)
		}
		text, err := FormatDomain(m.Domain)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "<mac address='00:16:3e:00:00:01'/>\n      <source>\n        <") {
			t.Errorf("formatted without %s:\n%s", src, text)
		}
		back, err := ToConfig(m.Domain, testOptions(CgroupV2))
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for _, ifc := range back.Interfaces {
			if ifc.MAC == "00:16:3e:00:00:01" {
				n = len(ifc.HostAddrs) + len(ifc.HostRoutes)
			}
		}
		if n != 1 {
			t.Errorf("%s mapped again: %+v", src, back.Interfaces)
		}
	}
}
