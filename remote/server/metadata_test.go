package server

import (
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// Set and get metadata over the wire: NULL strings reach the driver as
// "", flags and type unchanged, the driver's error code and message reach
// the client, and the metadata-change event goes to callback
// registrations of ID 23 with a NULL namespace for a title.
func TestMetadataThroughTheWire(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	d := ts.drv.add("ct1", true)
	dom := wireDomain(d)

	var cb libvirt.ConnectDomainEventCallbackRegisterAnyRet
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny,
		&libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: int32(libvirt.DomainEventIDMetadataChange)}, &cb)
	// A legacy registration gets nothing: the event is newer than the
	// legacy procedures.
	rc.mustCall(proto.ProcConnectDomainEventRegisterAny,
		&libvirt.ConnectDomainEventRegisterAnyArgs{EventID: int32(libvirt.DomainEventIDMetadataChange)}, nil)

	ev := setMetadataEvent(t, rc, &libvirt.DomainSetMetadataArgs{
		Dom: dom, Type: int32(libvirt.DomainMetadataTitle), Metadata: libvirt.OptString{"a title"},
		Flags: libvirt.DomainAffectLive | libvirt.DomainAffectConfig,
	})
	if ev.CallbackID != cb.CallbackID || ev.Dom.Name != "ct1" || ev.Type != int32(libvirt.DomainMetadataTitle) || len(ev.Nsuri) != 0 {
		t.Fatalf("title event %+v", ev)
	}
	ev = setMetadataEvent(t, rc, &libvirt.DomainSetMetadataArgs{
		Dom: dom, Type: int32(libvirt.DomainMetadataElement), Metadata: libvirt.OptString{"<a/>"},
		Key: libvirt.OptString{"app"}, Uri: libvirt.OptString{"urn:app"},
	})
	if ev.Type != int32(libvirt.DomainMetadataElement) || len(ev.Nsuri) != 1 || ev.Nsuri[0] != "urn:app" {
		t.Fatalf("element event %+v", ev)
	}

	var got libvirt.DomainGetMetadataRet
	rc.mustCall(proto.ProcDomainGetMetadata, &libvirt.DomainGetMetadataArgs{
		Dom: dom, Type: int32(libvirt.DomainMetadataTitle), Flags: libvirt.DomainAffectLive | libvirt.DomainAffectConfig,
	}, &got)
	if got.Metadata != "|a title" {
		t.Errorf("title = %q", got.Metadata)
	}
	rc.mustCall(proto.ProcDomainGetMetadata, &libvirt.DomainGetMetadataArgs{
		Dom: dom, Type: int32(libvirt.DomainMetadataElement), Uri: libvirt.OptString{"urn:app"},
	}, &got)
	if got.Metadata != "app|<a/>" {
		t.Errorf("element = %q", got.Metadata)
	}
	e := rc.call(proto.ProcDomainGetMetadata, &libvirt.DomainGetMetadataArgs{Dom: dom, Type: int32(libvirt.DomainMetadataDescription)}, nil)
	wantError(t, e, libvirt.ErrNoDomainMetadata, "metadata not found: Requested metadata element is not present")
	if p, err := rc.tryRead(100 * time.Millisecond); err == nil {
		t.Fatalf("unexpected packet %s", p.Header.String())
	}
}

// setMetadataEvent makes a successful SET_METADATA call and returns the
// one event it caused; the event and the reply may come in either order.
func setMetadataEvent(t *testing.T, rc *rawClient, args *libvirt.DomainSetMetadataArgs) libvirt.DomainEventCallbackMetadataChangeMsg {
	t.Helper()
	serial := rc.start(proto.ProcDomainSetMetadata, args)
	var m libvirt.DomainEventCallbackMetadataChangeMsg
	var replied, evented bool
	for !replied || !evented {
		p := rc.read()
		switch {
		case p.Type == wire.Reply && p.Serial == serial && p.Status == wire.OK && !replied:
			replied = true
		case p.Type == wire.Message && p.Procedure == proto.ProcDomainEventCallbackMetadataChange && !evented:
			if err := wire.Unmarshal(p.Payload, &m); err != nil {
				t.Fatal(err)
			}
			evented = true
		default:
			t.Fatalf("unexpected packet %s", p.Header.String())
		}
	}
	return m
}

// A driver without metadata answers "not supported".
func TestMetadataUnsupported(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Driver = struct{ driverapi.Driver }{c.Driver} })
	rc := dial(t, ts.rw)
	rc.open(0)
	dom := wireDomain(ts.drv.add("ct1", true))
	e := rc.call(proto.ProcDomainSetMetadata, &libvirt.DomainSetMetadataArgs{Dom: dom, Type: 1}, nil)
	wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainSetMetadata")
	e = rc.call(proto.ProcDomainGetMetadata, &libvirt.DomainGetMetadataArgs{Dom: dom, Type: 1}, nil)
	wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainGetMetadata")
}
