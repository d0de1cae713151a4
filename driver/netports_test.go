package driver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// fakePorts is libvirt's network driver with fixed networks.
type fakePorts struct {
	mu        sync.Mutex
	bridges   map[string]string // network → bridge
	absent    bool              // the network driver is not running
	n         int
	open      map[string]string // port → owner
	unplugged []string
}

func (f *fakePorts) Plug(_ context.Context, network, mac, owner string, _ [16]byte) (string, string, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.absent {
		return "", "", false, nil
	}
	br, ok := f.bridges[network]
	if !ok {
		return "", "", true, virterror.New(libvirt.ErrNoNetwork, "Network not found: no network with matching name '%s'", network)
	}
	f.n++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n)
	f.open[id] = owner + " " + mac
	return id, br, true, nil
}

func (f *fakePorts) Unplug(_ context.Context, network, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.open, id)
	f.unplugged = append(f.unplugged, network+"/"+id)
	return nil
}

func (f *fakePorts) openPorts() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]string{}
	for k, v := range f.open {
		m[k] = v
	}
	return m
}

const netIface = `<interface type='network'><source network='%s'/><mac address='52:54:00:00:00:09'/></interface>`

func netDomXML(name, network string) string {
	return strings.Replace(domXML(name, ""), "<console type='pty'/>", fmt.Sprintf(netIface, network)+"<console type='pty'/>", 1)
}

// TestNetworkPortsOfLibvirt: with libvirt's network driver, a network the
// settings do not map is defined (libvirt checks networks at start), and
// at start the interface gets a port whose bridge the container joins;
// the live XML names the port, and the port is released at stop.
func TestNetworkPortsOfLibvirt(t *testing.T) {
	ports := &fakePorts{bridges: map[string]string{"nat1": "virbr7"}, open: map[string]string{}}
	e := newEnv(t, func(e *env) { e.ports = ports })
	d, err := e.l.DefineXML(t.Context(), netDomXML("pc", "nat1"), 0)
	if err != nil {
		t.Fatal(err)
	}
	e.start(d)
	open := ports.openPorts()
	if len(open) != 1 {
		t.Fatalf("ports after start: %v", open)
	}
	var id string
	for k, v := range open {
		id = k
		if v != "pc 52:54:00:00:00:09" {
			t.Errorf("port owner %q", v)
		}
	}
	conf, _ := e.rt.config("pc")
	if !strings.Contains(conf, "lxc.net.1.link = virbr7") {
		t.Errorf("the container's interface does not join the port's bridge:\n%s", conf)
	}
	x, err := e.l.XMLDesc(t.Context(), d.UUID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(x); err != nil {
		t.Fatal(err)
	}
	src := dom.Devices.Interfaces[1].Source.Network
	if src.Network != "nat1" || src.PortID != id || src.Bridge != "virbr7" {
		t.Errorf("live <source> %+v, want port %s on virbr7", src, id)
	}
	inactive, _ := e.l.XMLDesc(t.Context(), d.UUID, uint32(libvirt.DomainXMLInactive))
	if strings.Contains(inactive, "portid") {
		t.Errorf("the persistent definition names the port:\n%s", inactive)
	}
	if err := e.l.Destroy(t.Context(), d.UUID, 0); err != nil {
		t.Fatal(err)
	}
	if open := ports.openPorts(); len(open) != 0 {
		t.Errorf("ports left after destroy: %v", open)
	}

	// A network the network driver does not have fails the start, with
	// nothing left.
	d2, err := e.l.DefineXML(t.Context(), netDomXML("pc2", "nope"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.l.Create(t.Context(), d2.UUID, 0)
	wantCode(t, err, libvirt.ErrNoNetwork, "'nope'")
	if open := ports.openPorts(); len(open) != 0 {
		t.Errorf("ports left after a failed start: %v", open)
	}
}

// TestNetworkPortsWithoutNetworkDriver: when libvirt's network driver is
// not running, the settings' networks resolve the interface.
func TestNetworkPortsWithoutNetworkDriver(t *testing.T) {
	ports := &fakePorts{absent: true, open: map[string]string{}}
	e := newEnv(t, func(e *env) { e.ports = ports })
	d, err := e.l.DefineXML(t.Context(), netDomXML("pd", "default"), 0)
	if err != nil {
		t.Fatal(err)
	}
	e.start(d)
	conf, _ := e.rt.config("pd")
	if !strings.Contains(conf, "lxc.net.1.link = lxcbr0") {
		t.Errorf("default does not resolve to lxcbr0:\n%s", conf)
	}
	d2, err := e.l.DefineXML(t.Context(), netDomXML("pe", "unmapped"), 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.l.Create(t.Context(), d2.UUID, 0)
	wantCode(t, err, libvirt.ErrNoNetwork, "'unmapped'")
}
