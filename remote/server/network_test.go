package server

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/client/clienttest"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakeNetworks is a driverapi.Networks with fixed networks and leases.
type fakeNetworks struct {
	nets   []driverapi.Network
	leases map[string][]driverapi.DHCPLease
}

func (f *fakeNetworks) ListNetworks(ctx context.Context) ([]driverapi.Network, error) {
	return f.nets, nil
}

func (f *fakeNetworks) NetworkDHCPLeases(ctx context.Context, name string) ([]driverapi.DHCPLease, error) {
	for _, n := range f.nets {
		if n.Name == name {
			return f.leases[name], nil
		}
	}
	return nil, virterror.New(libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", name)
}

func testNetworks() *fakeNetworks {
	return &fakeNetworks{
		nets: []driverapi.Network{
			{Name: "default", UUID: uuidOf("net-default"), Bridge: "lxcbr0", Active: true, Autostart: true, XML: "<network><name>default</name></network>"},
			{Name: "lab", UUID: uuidOf("net-lab"), Bridge: "br-lab", XML: "<network><name>lab</name></network>"},
		},
		leases: map[string][]driverapi.DHCPLease{"default": {
			{Iface: "lxcbr0", ExpiryTime: 100, MAC: "52:54:00:00:00:01", IP: "10.0.3.5", Prefix: 24, Hostname: "a"},
			{Iface: "lxcbr0", ExpiryTime: 200, MAC: "52:54:00:00:00:02", IP: "10.0.3.6", Prefix: 24},
		}},
	}
}

// TestNetworksServedByTheDriver: without libvirt's network driver the
// network calls are answered from driverapi.Networks, and every change is
// refused as libvirt refuses it without a network driver.
func TestNetworksServedByTheDriver(t *testing.T) {
	nets := testNetworks()
	ts := startServer(t, func(c *Config) {
		c.Networks = nets
		c.NetworkSockets = []string{filepath.Join(t.TempDir(), "no-such-sock")}
	})
	rc := dial(t, ts.rw)
	rc.open(0)

	var all libvirt.ConnectListAllNetworksRet
	rc.mustCall(proto.ProcConnectListAllNetworks, &libvirt.ConnectListAllNetworksArgs{NeedResults: 1}, &all)
	if all.Ret != 2 || len(all.Nets) != 2 || all.Nets[0].Name != "default" || all.Nets[0].UUID != libvirt.UUID(uuidOf("net-default")) {
		t.Errorf("list all networks: %+v", all)
	}
	rc.mustCall(proto.ProcConnectListAllNetworks, &libvirt.ConnectListAllNetworksArgs{NeedResults: 1, Flags: libvirt.ConnectListNetworksInactive}, &all)
	if all.Ret != 1 || all.Nets[0].Name != "lab" {
		t.Errorf("list inactive networks: %+v", all)
	}
	var num libvirt.ConnectNumOfNetworksRet
	rc.mustCall(proto.ProcConnectNumOfNetworks, nil, &num)
	var names libvirt.ConnectListDefinedNetworksRet
	rc.mustCall(proto.ProcConnectListDefinedNetworks, &libvirt.ConnectListDefinedNetworksArgs{Maxnames: 10}, &names)
	if num.Num != 1 || len(names.Names) != 1 || names.Names[0] != "lab" {
		t.Errorf("active count %d, defined %v", num.Num, names.Names)
	}

	var byName libvirt.NetworkLookupByNameRet
	rc.mustCall(proto.ProcNetworkLookupByName, &libvirt.NetworkLookupByNameArgs{Name: "default"}, &byName)
	var bridge libvirt.NetworkGetBridgeNameRet
	rc.mustCall(proto.ProcNetworkGetBridgeName, &libvirt.NetworkGetBridgeNameArgs{Net: byName.Net}, &bridge)
	var auto libvirt.NetworkGetAutostartRet
	rc.mustCall(proto.ProcNetworkGetAutostart, &libvirt.NetworkGetAutostartArgs{Net: byName.Net}, &auto)
	var desc libvirt.NetworkGetXMLDescRet
	rc.mustCall(proto.ProcNetworkGetXMLDesc, &libvirt.NetworkGetXMLDescArgs{Net: byName.Net}, &desc)
	if bridge.Name != "lxcbr0" || auto.Autostart != 1 || desc.XML != nets.nets[0].XML {
		t.Errorf("bridge %q autostart %d xml %q", bridge.Name, auto.Autostart, desc.XML)
	}
	e := rc.call(proto.ProcNetworkLookupByName, &libvirt.NetworkLookupByNameArgs{Name: "nope"}, nil)
	wantError(t, e, libvirt.ErrNoNetwork, "Network not found: no network with matching name 'nope'")

	var leases libvirt.NetworkGetDhcpLeasesRet
	rc.mustCall(proto.ProcNetworkGetDhcpLeases, &libvirt.NetworkGetDhcpLeasesArgs{Net: byName.Net, Mac: libvirt.OptString{"52:54:00:00:00:02"}, NeedResults: 1}, &leases)
	if leases.Ret != 1 || len(leases.Leases) != 1 || leases.Leases[0].Ipaddr != "10.0.3.6" || leases.Leases[0].Prefix != 24 || len(leases.Leases[0].Hostname) != 0 {
		t.Errorf("leases of one MAC: %+v", leases)
	}

	var cb libvirt.ConnectNetworkEventRegisterAnyRet
	rc.mustCall(proto.ProcConnectNetworkEventRegisterAny, &libvirt.ConnectNetworkEventRegisterAnyArgs{EventID: int32(libvirt.NetworkEventIDLifecycle)}, &cb)
	rc.mustCall(proto.ProcConnectNetworkEventDeregisterAny, &libvirt.ConnectNetworkEventDeregisterAnyArgs{CallbackID: cb.CallbackID}, nil)
	e = rc.call(proto.ProcConnectNetworkEventDeregisterAny, &libvirt.ConnectNetworkEventDeregisterAnyArgs{CallbackID: cb.CallbackID}, nil)
	if e == nil || e.Code != int32(libvirt.ErrInvalidArg) {
		t.Errorf("deregistering twice: %+v", e)
	}

	e = rc.call(proto.ProcNetworkDefineXML, &libvirt.NetworkDefineXMLArgs{XML: "<network/>"}, nil)
	if e == nil || e.Code != int32(libvirt.ErrNoSupport) || !strings.Contains(e.Text(), "virNetworkDefineXML") || !strings.Contains(e.Text(), "virtnetworkd") {
		t.Errorf("define: %+v", e)
	}
	e = rc.call(proto.ProcNetworkDestroy, &libvirt.NetworkDestroyArgs{Net: byName.Net}, nil)
	if e == nil || e.Code != int32(libvirt.ErrNoSupport) {
		t.Errorf("destroy: %+v", e)
	}

	ro := dial(t, ts.ro)
	ro.open(0)
	ro.mustCall(proto.ProcConnectNumOfNetworks, nil, &num)
	e = ro.call(proto.ProcNetworkDefineXML, &libvirt.NetworkDefineXMLArgs{XML: "<network/>"}, nil)
	wantError(t, e, libvirt.ErrOperationDenied, "operation forbidden: read only access prevents virNetworkDefineXML")
}

// TestNetworkListingsWithoutNetworks: a driver without networks lists
// none rather than failing, as clients expect of a connection without a
// network driver.
func TestNetworkListingsWithoutNetworks(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	var all libvirt.ConnectListAllNetworksRet
	rc.mustCall(proto.ProcConnectListAllNetworks, &libvirt.ConnectListAllNetworksArgs{NeedResults: 1}, &all)
	if all.Ret != 0 || len(all.Nets) != 0 {
		t.Errorf("list all networks: %+v", all)
	}
}

// upstreamHandlers are a network driver's answers: one network, an error
// for a define, and callback 7 for event registrations.
func upstreamHandlers() map[int32]clienttest.Handler {
	return map[int32]clienttest.Handler{
		proto.ProcConnectListAllNetworks: func([]byte) (any, *wire.ErrorPayload) {
			return &libvirt.ConnectListAllNetworksRet{Nets: []libvirt.Network{{Name: "upstream-net"}}, Ret: 1}, nil
		},
		proto.ProcNetworkDefineXML: func([]byte) (any, *wire.ErrorPayload) {
			return nil, wire.NewError(int32(libvirt.ErrNetworkExist), int32(virterror.FromNetwork), "operation failed: upstream says no", "upstream says no")
		},
		proto.ProcConnectNetworkEventRegisterAny: func([]byte) (any, *wire.ErrorPayload) {
			return &libvirt.ConnectNetworkEventRegisterAnyRet{CallbackID: 7}, nil
		},
	}
}

// TestNetworksForwarded: with libvirt's network driver on a socket, each
// client's network calls go to it on a connection of the client's own,
// opened on network:///system (read-only for a read-only client), with
// the driver's answers, errors and events passed through; the connection
// ends with the client's.
func TestNetworksForwarded(t *testing.T) {
	up := clienttest.Start(t, upstreamHandlers())
	ts := startServer(t, func(c *Config) {
		c.Networks = testNetworks()
		c.NetworkSockets = []string{filepath.Join(t.TempDir(), "absent"), up.Path}
	})
	rc := dial(t, ts.rw)
	rc.open(0)
	var all libvirt.ConnectListAllNetworksRet
	rc.mustCall(proto.ProcConnectListAllNetworks, &libvirt.ConnectListAllNetworksArgs{NeedResults: 1}, &all)
	if all.Ret != 1 || all.Nets[0].Name != "upstream-net" {
		t.Errorf("forwarded listing: %+v", all)
	}
	e := rc.call(proto.ProcNetworkDefineXML, &libvirt.NetworkDefineXMLArgs{XML: "<network/>"}, nil)
	wantError(t, e, libvirt.ErrNetworkExist, "operation failed: upstream says no")
	if e.Domain != int32(virterror.FromNetwork) {
		t.Errorf("error domain %d, want the network driver's", e.Domain)
	}

	var cb libvirt.ConnectNetworkEventRegisterAnyRet
	rc.mustCall(proto.ProcConnectNetworkEventRegisterAny, &libvirt.ConnectNetworkEventRegisterAnyArgs{EventID: int32(libvirt.NetworkEventIDLifecycle)}, &cb)
	up.Event(proto.ProcNetworkEventLifecycle, &libvirt.NetworkEventLifecycleMsg{CallbackID: cb.CallbackID, Net: libvirt.Network{Name: "upstream-net"}, Event: 2})
	p := rc.read()
	var m libvirt.NetworkEventLifecycleMsg
	if p.Type != wire.Message || p.Procedure != proto.ProcNetworkEventLifecycle {
		t.Fatalf("packet %s, want the network driver's event", p.Header.String())
	}
	if err := wire.Unmarshal(p.Payload, &m); err != nil || m.CallbackID != 7 || m.Net.Name != "upstream-net" {
		t.Errorf("event %+v: %v", m, err)
	}

	ro := dial(t, ts.ro)
	ro.open(0)
	ro.mustCall(proto.ProcConnectListAllNetworks, &libvirt.ConnectListAllNetworksArgs{NeedResults: 1}, &all)
	e = ro.call(proto.ProcNetworkDefineXML, &libvirt.NetworkDefineXMLArgs{XML: "<network/>"}, nil)
	wantError(t, e, libvirt.ErrOperationDenied, "operation forbidden: read only access prevents virNetworkDefineXML")

	opens, calls := up.Opens(), up.Calls()
	if len(opens) != 2 || opens[0].Name[0] != "network:///system" || opens[0].Flags != 0 || opens[1].Flags != libvirt.ConnectRo {
		t.Errorf("upstream opens %+v: want network:///system, then read-only for the read-only client", opens)
	}
	defines := 0
	for _, p := range calls {
		if p == proto.ProcNetworkDefineXML {
			defines++
		}
	}
	if defines != 1 {
		t.Errorf("%d defines reached the network driver, want the read-write client's alone", defines)
	}

	rc.c.Close()
	ro.c.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		if up.Closed() == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the upstream connections did not end with their clients")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestUpstreamUnavailable: a socket that answers but has no network
// driver leaves the networks to the driver.
func TestUpstreamUnavailable(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(dir, "mute"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close() // not a libvirt daemon
		}
	}()
	ts := startServer(t, func(c *Config) {
		c.Networks = testNetworks()
		c.NetworkSockets = []string{filepath.Join(dir, "mute")}
	})
	rc := dial(t, ts.rw)
	rc.open(0)
	var num libvirt.ConnectNumOfNetworksRet
	rc.mustCall(proto.ProcConnectNumOfNetworks, nil, &num)
	if num.Num != 1 {
		t.Errorf("active networks %d, want the driver's 1", num.Num)
	}
}
