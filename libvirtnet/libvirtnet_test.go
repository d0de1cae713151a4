package libvirtnet

import (
	"path/filepath"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/client/clienttest"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// networkDriver fakes libvirt's network driver with one NAT network on
// virbr5 and records the ports made and deleted.
type networkDriver struct {
	mu      sync.Mutex
	ports   map[libvirt.UUID]libvirtxml.NetworkPort
	deleted []libvirt.UUID
}

var natNet = libvirt.Network{Name: "nat", UUID: libvirt.UUID{9}}

func (n *networkDriver) handlers(t *testing.T) map[int32]clienttest.Handler {
	noNet := wire.NewError(int32(libvirt.ErrNoNetwork), 19, "Network not found: no network with matching name 'x'", "")
	return map[int32]clienttest.Handler{
		proto.ProcNetworkLookupByName: func(b []byte) (any, *wire.ErrorPayload) {
			if clienttest.Decode[libvirt.NetworkLookupByNameArgs](t, b).Name != natNet.Name {
				return nil, noNet
			}
			return &libvirt.NetworkLookupByNameRet{Net: natNet}, nil
		},
		proto.ProcNetworkPortCreateXML: func(b []byte) (any, *wire.ErrorPayload) {
			a := clienttest.Decode[libvirt.NetworkPortCreateXMLArgs](t, b)
			var p libvirtxml.NetworkPort
			if err := p.Unmarshal(a.XML); err != nil || p.UUID == "" {
				return nil, wire.NewError(int32(libvirt.ErrInternalError), 19, "internal error: network port has no uuid", "")
			}
			u, err := parseUUID(p.UUID)
			if err != nil {
				t.Error(err)
			}
			p.Plug = &libvirtxml.NetworkPortPlug{Network: &libvirtxml.NetworkPortPlugNetwork{Bridge: "virbr5"}}
			n.mu.Lock()
			n.ports[u] = p
			n.mu.Unlock()
			return &libvirt.NetworkPortCreateXMLRet{Port: libvirt.NetworkPort{Net: a.OptNetwork, UUID: u}}, nil
		},
		proto.ProcNetworkPortGetXMLDesc: func(b []byte) (any, *wire.ErrorPayload) {
			a := clienttest.Decode[libvirt.NetworkPortGetXMLDescArgs](t, b)
			n.mu.Lock()
			p := n.ports[a.Port.UUID]
			n.mu.Unlock()
			x, _ := p.Marshal()
			return &libvirt.NetworkPortGetXMLDescRet{XML: x}, nil
		},
		proto.ProcNetworkPortDelete: func(b []byte) (any, *wire.ErrorPayload) {
			a := clienttest.Decode[libvirt.NetworkPortDeleteArgs](t, b)
			n.mu.Lock()
			defer n.mu.Unlock()
			if _, ok := n.ports[a.Port.UUID]; !ok {
				return nil, wire.NewError(int32(libvirt.ErrNoNetworkPort), 19, "network port not found", "")
			}
			delete(n.ports, a.Port.UUID)
			n.deleted = append(n.deleted, a.Port.UUID)
			return nil, nil
		},
	}
}

func TestPlugAndUnplug(t *testing.T) {
	nd := &networkDriver{ports: map[libvirt.UUID]libvirtxml.NetworkPort{}}
	d := clienttest.Start(t, nd.handlers(t))
	p := &Ports{Sockets: []string{filepath.Join(t.TempDir(), "absent"), d.Path}}
	id, bridge, ok, err := p.Plug(t.Context(), "nat", "52:54:00:00:00:07", "ct1", [16]byte{1, 2})
	if err != nil || !ok || bridge != "virbr5" {
		t.Fatalf("plug: %q %q %v %v", id, bridge, ok, err)
	}
	u, err := parseUUID(id)
	if err != nil {
		t.Fatal(err)
	}
	port := nd.ports[u]
	if port.Owner == nil || port.Owner.Name != "ct1" || port.Owner.UUID != "01020000-0000-0000-0000-000000000000" ||
		port.MAC == nil || port.MAC.Address != "52:54:00:00:00:07" {
		t.Errorf("port XML owner %+v mac %+v", port.Owner, port.MAC)
	}
	if opens := d.Opens(); len(opens) != 1 || opens[0].Name[0] != client.NetworkURI || opens[0].Flags != 0 {
		t.Errorf("opens %+v", opens)
	}
	if err := p.Unplug(t.Context(), "nat", id); err != nil {
		t.Fatal(err)
	}
	if len(nd.ports) != 0 || len(nd.deleted) != 1 {
		t.Errorf("ports %v after unplug, deleted %v", nd.ports, nd.deleted)
	}
	// A port or network already gone is not an error.
	if err := p.Unplug(t.Context(), "nat", id); err != nil {
		t.Errorf("unplug twice: %v", err)
	}
	if err := p.Unplug(t.Context(), "gone", id); err != nil {
		t.Errorf("unplug on a network that is gone: %v", err)
	}
	_, _, ok, err = p.Plug(t.Context(), "nope", "52:54:00:00:00:08", "ct1", [16]byte{})
	if !ok || !virterror.HasCode(err, libvirt.ErrNoNetwork) {
		t.Errorf("plug on an unknown network: %v %v", ok, err)
	}
}

func TestNoNetworkDriver(t *testing.T) {
	p := &Ports{Sockets: []string{filepath.Join(t.TempDir(), "absent")}}
	if _, _, ok, err := p.Plug(t.Context(), "nat", "52:54:00:00:00:07", "ct1", [16]byte{}); ok || err != nil {
		t.Errorf("plug without a network driver: %v %v", ok, err)
	}
	if err := p.Unplug(t.Context(), "nat", "00000000-0000-4000-8000-000000000001"); err != nil {
		t.Errorf("unplug without a network driver: %v", err)
	}
}
