package hostnet

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

func write(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadLXCNet(t *testing.T) {
	dir := t.TempDir()
	// As Debian's /etc/default/lxc sources lxc-net's file.
	lxc := write(t, dir, "lxc", "# defaults\nLXC_AUTO=\"true\"\n[ ! -f /etc/default/lxc-net ] || . /etc/default/lxc-net\nUSE_LXC_BRIDGE=\"false\"\n")
	lxcnet := write(t, dir, "lxc-net", "USE_LXC_BRIDGE=\"true\"\nLXC_BRIDGE=br-lxc\nLXC_ADDR='10.9.0.1' # the host\nLXC_DHCP_RANGE=\"10.9.0.50,10.9.0.60\"\n")
	n, err := ReadLXCNet([]string{lxc, lxcnet, filepath.Join(dir, "absent")})
	if err != nil {
		t.Fatal(err)
	}
	want := LXCNet{Use: true, Bridge: "br-lxc", MAC: "00:16:3e:00:00:00", Addr: "10.9.0.1", Netmask: "255.255.255.0", DHCPRange: "10.9.0.50,10.9.0.60"}
	if n != want {
		t.Errorf("got %+v\nwant %+v", n, want)
	}
	if n, _ := ReadLXCNet(nil); n != lxcNetDefaults {
		t.Errorf("no files: %+v", n)
	}
}

func TestReadLeases(t *testing.T) {
	now = func() time.Time { return time.Unix(1000, 0) }
	t.Cleanup(func() { now = time.Now })
	dir := t.TempDir()
	p := write(t, dir, "dnsmasq.br0.leases", `2000 52:54:00:aa:bb:cc 10.0.3.5 web 01:52:54:00:aa:bb:cc
999 52:54:00:aa:bb:cd 10.0.3.6 old *
0 52:54:00:AA:BB:CE 10.0.3.7 * *
garbage
duid 00:01:00:01:2c:aa
3000 1234 fd00::5 v6host 00:01:00:01
`)
	got, err := readLeases(p, "br0", 24)
	if err != nil {
		t.Fatal(err)
	}
	want := []driverapi.DHCPLease{
		{Iface: "br0", ExpiryTime: 2000, MAC: "52:54:00:aa:bb:cc", IP: "10.0.3.5", Prefix: 24, Hostname: "web", ClientID: "01:52:54:00:aa:bb:cc"},
		{Iface: "br0", ExpiryTime: 0, MAC: "52:54:00:aa:bb:ce", IP: "10.0.3.7", Prefix: 24},
		{Iface: "br0", ExpiryTime: 3000, IPv6: true, IAID: "1234", IP: "fd00::5", Prefix: 64, Hostname: "v6host", ClientID: "00:01:00:01"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("lease %d: got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if l, err := readLeases(filepath.Join(dir, "absent"), "br0", 24); err != nil || l != nil {
		t.Errorf("missing file: %v %v", l, err)
	}
}

func TestNetworks(t *testing.T) {
	dir := t.TempDir()
	lxcnet := write(t, dir, "lxc-net", "LXC_ADDR=10.0.3.1\n")
	write(t, dir, "dnsmasq.lxcbr0.leases", "0 52:54:00:00:00:01 10.0.3.9 c1 *\n")
	_, ipn, _ := net.ParseCIDR("10.0.3.1/24")
	links := map[string]Link{
		"lxcbr0": {Up: true, MAC: "00:16:3e:00:00:00", Addrs: []*net.IPNet{{IP: net.ParseIP("10.0.3.1"), Mask: ipn.Mask}}},
		"br-lab": {Up: false},
	}
	n := New(Config{
		DefaultBridge: "lxcbr0", Networks: map[string]string{"lab": "br-lab", "gone": "br-gone"},
		LXCNetFiles: []string{lxcnet}, LeaseDir: dir,
		Link: func(name string) (Link, error) {
			if l, ok := links[name]; ok {
				return l, nil
			}
			return Link{}, errors.New("no such interface")
		},
	})
	nets, err := n.ListNetworks(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, nw := range nets {
		names = append(names, nw.Name)
		if nw.UUID != NetworkUUID(nw.Name) {
			t.Errorf("%s: uuid not its name's", nw.Name)
		}
	}
	if strings.Join(names, " ") != "default gone lab" {
		t.Fatalf("networks %v", names)
	}
	def, gone, lab := nets[0], nets[1], nets[2]
	if !def.Active || !def.Autostart || def.Bridge != "lxcbr0" || gone.Active || lab.Active || lab.Autostart {
		t.Errorf("states: %+v %+v %+v", def, gone, lab)
	}
	var x libvirtxml.Network
	if err := x.Unmarshal(def.XML); err != nil {
		t.Fatal(err)
	}
	if x.Name != "default" || x.UUID != driverapi.FormatUUID(def.UUID) || x.Forward.Mode != "nat" || x.Bridge.Name != "lxcbr0" ||
		len(x.IPs) != 1 || x.IPs[0].Address != "10.0.3.1" || x.IPs[0].DHCP.Ranges[0].Start != "10.0.3.2" {
		t.Errorf("default's XML:\n%s", def.XML)
	}
	var lx libvirtxml.Network
	if err := lx.Unmarshal(lab.XML); err != nil || lx.Forward.Mode != "bridge" || lx.Bridge.Name != "br-lab" || len(lx.IPs) != 0 {
		t.Errorf("lab's XML (%v):\n%s", err, lab.XML)
	}

	leases, err := n.NetworkDHCPLeases(context.Background(), "default")
	if err != nil || len(leases) != 1 || leases[0].IP != "10.0.3.9" || leases[0].Prefix != 24 || leases[0].Iface != "lxcbr0" {
		t.Errorf("default's leases %+v: %v", leases, err)
	}
	if leases, err := n.NetworkDHCPLeases(context.Background(), "lab"); err != nil || len(leases) != 0 {
		t.Errorf("lab's leases %+v: %v", leases, err)
	}
	_, err = n.NetworkDHCPLeases(context.Background(), "nope")
	if !virterror.HasCode(err, libvirt.ErrNoNetwork) || err.Error() != "Network not found: no network with matching name 'nope'" {
		t.Errorf("unknown network: %v", err)
	}
}
