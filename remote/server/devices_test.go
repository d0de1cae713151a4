package server

import (
	"slices"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// The device procedures reach the driver with their flags (the calls
// without flags as AFFECT_LIVE); device-added goes to callback
// registrations, device-removed to callback and legacy ones, each with the
// alias; the read-only socket refuses every device call.
func TestDevicesThroughTheWire(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	dom := wireDomain(ts.drv.add("ct1", true))

	var added, removed libvirt.ConnectDomainEventCallbackRegisterAnyRet
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny,
		&libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: int32(libvirt.DomainEventIDDeviceAdded)}, &added)
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny,
		&libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: int32(libvirt.DomainEventIDDeviceRemoved)}, &removed)
	rc.mustCall(proto.ProcConnectDomainEventRegisterAny,
		&libvirt.ConnectDomainEventRegisterAnyArgs{EventID: int32(libvirt.DomainEventIDDeviceRemoved)}, nil)

	// Each call's reply and the events it caused, which may come in any
	// order.
	call := func(proc int32, args any, events ...int32) map[int32][]byte {
		t.Helper()
		serial := rc.start(proc, args)
		got := map[int32][]byte{}
		replied := false
		for !replied || len(got) < len(events) {
			p := rc.read()
			switch {
			case p.Type == wire.Reply && p.Serial == serial && p.Status == wire.OK:
				replied = true
			case p.Type == wire.Message && slices.Contains(events, p.Procedure):
				got[p.Procedure] = p.Payload
			default:
				t.Fatalf("unexpected packet %s", p.Header.String())
			}
		}
		return got
	}
	evs := call(proto.ProcDomainAttachDevice, &libvirt.DomainAttachDeviceArgs{Dom: dom, XML: "<interface/>"}, proto.ProcDomainEventCallbackDeviceAdded)
	var a libvirt.DomainEventCallbackDeviceAddedMsg
	unmarshal(t, evs[proto.ProcDomainEventCallbackDeviceAdded], &a)
	if a.CallbackID != added.CallbackID || a.Dom.Name != "ct1" || a.DevAlias != "net9" {
		t.Errorf("device-added = %+v", a)
	}
	evs = call(proto.ProcDomainDetachDeviceFlags, &libvirt.DomainDetachDeviceFlagsArgs{Dom: dom, XML: "<interface/>", Flags: 2},
		proto.ProcDomainEventCallbackDeviceRemoved, proto.ProcDomainEventDeviceRemoved)
	var r libvirt.DomainEventCallbackDeviceRemovedMsg
	unmarshal(t, evs[proto.ProcDomainEventCallbackDeviceRemoved], &r)
	var legacy libvirt.DomainEventDeviceRemovedMsg
	unmarshal(t, evs[proto.ProcDomainEventDeviceRemoved], &legacy)
	if r.CallbackID != removed.CallbackID || r.Msg.DevAlias != "net9" || legacy.DevAlias != "net9" || legacy.Dom.Name != "ct1" {
		t.Errorf("device-removed = %+v, legacy %+v", r, legacy)
	}
	call(proto.ProcDomainAttachDeviceFlags, &libvirt.DomainAttachDeviceFlagsArgs{Dom: dom, XML: "<interface/>", Flags: 3},
		proto.ProcDomainEventCallbackDeviceAdded)
	call(proto.ProcDomainDetachDevice, &libvirt.DomainDetachDeviceArgs{Dom: dom, XML: "<interface/>"},
		proto.ProcDomainEventCallbackDeviceRemoved, proto.ProcDomainEventDeviceRemoved)
	call(proto.ProcDomainUpdateDeviceFlags, &libvirt.DomainUpdateDeviceFlagsArgs{Dom: dom, XML: "<interface/>", Flags: 2})
	call(proto.ProcDomainDetachDeviceAlias, &libvirt.DomainDetachDeviceAliasArgs{Dom: dom, Alias: "net0", Flags: 1},
		proto.ProcDomainEventCallbackDeviceRemoved, proto.ProcDomainEventDeviceRemoved)
	want := []deviceCall{
		{"attach", "<interface/>", 1}, {"detach", "<interface/>", 2}, {"attach", "<interface/>", 3},
		{"detach", "<interface/>", 1}, {"update", "<interface/>", 2}, {"detach-alias", "net0", 1},
	}
	ts.drv.mu.Lock()
	got := slices.Clone(ts.drv.deviceCalls)
	ts.drv.mu.Unlock()
	if !slices.Equal(got, want) {
		t.Errorf("driver got %+v; want %+v", got, want)
	}

	ro := dial(t, ts.ro)
	ro.open(libvirt.ConnectRo)
	for _, c := range []struct {
		proc int32
		args any
		api  string
	}{
		{proto.ProcDomainAttachDevice, &libvirt.DomainAttachDeviceArgs{Dom: dom, XML: "<interface/>"}, "virDomainAttachDevice"},
		{proto.ProcDomainAttachDeviceFlags, &libvirt.DomainAttachDeviceFlagsArgs{Dom: dom, XML: "<interface/>"}, "virDomainAttachDeviceFlags"},
		{proto.ProcDomainDetachDevice, &libvirt.DomainDetachDeviceArgs{Dom: dom, XML: "<interface/>"}, "virDomainDetachDevice"},
		{proto.ProcDomainDetachDeviceFlags, &libvirt.DomainDetachDeviceFlagsArgs{Dom: dom, XML: "<interface/>"}, "virDomainDetachDeviceFlags"},
		{proto.ProcDomainUpdateDeviceFlags, &libvirt.DomainUpdateDeviceFlagsArgs{Dom: dom, XML: "<interface/>"}, "virDomainUpdateDeviceFlags"},
		{proto.ProcDomainDetachDeviceAlias, &libvirt.DomainDetachDeviceAliasArgs{Dom: dom, Alias: "net0"}, "virDomainDetachDeviceAlias"},
	} {
		wantError(t, ro.call(c.proc, c.args, nil), libvirt.ErrOperationDenied, "operation forbidden: read only access prevents "+c.api)
	}
}

func unmarshal(t *testing.T, payload []byte, v any) {
	t.Helper()
	if err := wire.Unmarshal(payload, v); err != nil {
		t.Fatal(err)
	}
}
