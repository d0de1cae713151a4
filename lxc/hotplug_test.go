package lxc

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// The veth to hot-plug is what interface i's lxc.net keys say; an address
// without a prefix gets libvirt's default; keys that cannot be applied to
// a running container, other types than veth and macvlan and a missing
// host name are refused.
func TestNetDeviceFromConfig(t *testing.T) {
	cfg := xmlmap.Config{
		{Key: "lxc.net.0.type", Value: "veth"}, {Key: "lxc.net.0.veth.pair", Value: "other"},
		{Key: "lxc.net.1.type", Value: "veth"}, {Key: "lxc.net.1.link", Value: "br0"},
		{Key: "lxc.net.1.flags", Value: "up"}, {Key: "lxc.net.1.hwaddr", Value: "00:16:3e:01:02:03"},
		{Key: "lxc.net.1.veth.pair", Value: "vx1"}, {Key: "lxc.net.1.name", Value: "eth7"},
		{Key: "lxc.net.1.mtu", Value: "1400"}, {Key: "lxc.net.1.ipv4.address", Value: "10.1.2.3"},
		{Key: "lxc.net.1.ipv4.address", Value: "192.168.1.2/25"}, {Key: "lxc.net.1.ipv4.gateway", Value: "192.168.1.1"},
		{Key: "lxc.net.1.ipv6.address", Value: "fd00::5"}, {Key: "lxc.net.1.ipv6.gateway", Value: "fd00::1"},
	}
	d, err := NetDeviceFromConfig(cfg, 1)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%s %s %s %s %d %v %v %v", d.HostDev, d.GuestDev, d.Bridge, d.MAC, d.MTU, d.Up, d.Addrs, d.Gateways)
	want := "vx1 eth7 br0 00:16:3e:01:02:03 1400 true [10.1.2.3/8 192.168.1.2/25 fd00::5/64] [192.168.1.1 fd00::1]"
	if got != want {
		t.Errorf("device = %s\nwant      %s", got, want)
	}

	mv := xmlmap.Config{
		{Key: "lxc.net.0.type", Value: "macvlan"}, {Key: "lxc.net.0.link", Value: "eno1"},
		{Key: "lxc.net.0.macvlan.mode", Value: "bridge"}, {Key: "lxc.net.0.flags", Value: "up"},
		{Key: "lxc.net.0.hwaddr", Value: "00:16:3e:01:02:04"}, {Key: "lxc.net.0.name", Value: "ethm"},
	}
	if d, err = NetDeviceFromConfig(mv, 0); err != nil {
		t.Fatal(err)
	}
	if got, want := fmt.Sprintf("%q %s %q %s %s %s %v", d.HostDev, d.GuestDev, d.Bridge, d.Parent, d.Mode, d.MAC, d.Up), `"" ethm "" eno1 bridge 00:16:3e:01:02:04 true`; got != want {
		t.Errorf("macvlan = %s\nwant      %s", got, want)
	}
	for _, c := range []struct {
		cfg  xmlmap.Config
		want string
	}{
		{xmlmap.Config{{Key: "lxc.net.0.type", Value: "macvlan"}, {Key: "lxc.net.0.link", Value: "eno1"}}, "macvlan.mode must name"},
		{xmlmap.Config{{Key: "lxc.net.0.type", Value: "vlan"}}, "a vlan interface cannot be added"},
		{xmlmap.Config{{Key: "lxc.net.0.type", Value: "veth"}, {Key: "lxc.net.0.hwaddr", Value: "00:16:3e:01:02:03"}}, "veth.pair is not set"},
		{xmlmap.Config{{Key: "lxc.net.0.type", Value: "veth"}, {Key: "lxc.net.0.veth.vlan.id", Value: "5"}}, "lxc.net.0.veth.vlan.id cannot be applied"},
		{xmlmap.Config{{Key: "lxc.net.0.type", Value: "veth"}, {Key: "lxc.net.0.ipv4.address", Value: "240.0.0.1"}}, "no default prefix"},
		{xmlmap.Config{}, "no interface 0"},
	} {
		if _, err := NetDeviceFromConfig(c.cfg, 0); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v; want %q", c.cfg, err, c.want)
		}
	}
}
