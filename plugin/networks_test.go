package plugin

import (
	"context"
	"reflect"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeNets serves one network with one lease.
type fakeNets struct{}

var (
	fakeNetwork = driverapi.Network{Name: "default", UUID: driverapi.UUID{1, 2, 3}, Bridge: "lxcbr0", Active: true, Autostart: true, XML: "<network/>"}
	fakeLeases  = []driverapi.DHCPLease{
		{Iface: "lxcbr0", ExpiryTime: 42, MAC: "52:54:00:00:00:01", IP: "10.0.3.5", Prefix: 24, Hostname: "h", ClientID: "c"},
		{Iface: "lxcbr0", IPv6: true, IAID: "7", IP: "fd00::7", Prefix: 64},
	}
)

func (fakeNets) ListNetworks(context.Context) ([]driverapi.Network, error) {
	return []driverapi.Network{fakeNetwork}, nil
}

func (fakeNets) NetworkDHCPLeases(_ context.Context, name string) ([]driverapi.DHCPLease, error) {
	if name != "default" {
		return nil, virterror.New(libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", name)
	}
	return fakeLeases, nil
}

// netDriver is a driver with networks, as lxcvirt-driver-lxc serves.
type netDriver struct {
	*fakeDriver
	fakeNets
}

func TestNetworksCrossTheBoundary(t *testing.T) {
	c := connect(t, netDriver{fakeDriver: sampleFake()})
	nets, err := c.ListNetworks(t.Context())
	if err != nil || !reflect.DeepEqual(nets, []driverapi.Network{fakeNetwork}) {
		t.Errorf("networks %+v: %v", nets, err)
	}
	leases, err := c.NetworkDHCPLeases(t.Context(), "default")
	if err != nil || !reflect.DeepEqual(leases, fakeLeases) {
		t.Errorf("leases %+v: %v", leases, err)
	}
	_, err = c.NetworkDHCPLeases(t.Context(), "nope")
	if !virterror.HasCode(err, libvirt.ErrNoNetwork) || err.Error() != "Network not found: no network with matching name 'nope'" {
		t.Errorf("unknown network: %v", err)
	}
}

func TestNetworksOfADriverWithout(t *testing.T) {
	c := connect(t, sampleFake())
	if _, err := c.ListNetworks(t.Context()); !virterror.HasCode(err, libvirt.ErrNoSupport) {
		t.Errorf("driver without networks: %v", err)
	}
}
