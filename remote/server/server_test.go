package server

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"

	"github.com/lxcvirt/lxcvirt/host"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// testServer runs a Server on a read-write and a read-only socket in a
// temporary directory.
type testServer struct {
	srv      *Server
	drv      *fakeDriver
	rw, ro   string
	serveErr chan error
}

func startServer(t *testing.T, mod func(*Config)) *testServer {
	t.Helper()
	dir := t.TempDir()
	ts := &testServer{drv: newFakeDriver(), rw: filepath.Join(dir, "sock"), ro: filepath.Join(dir, "sock-ro"), serveErr: make(chan error, 2)}
	cfg := Config{Driver: ts.drv, Host: host.Facts{Host: host.Local}}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts.srv = srv
	for _, s := range []struct {
		path string
		ro   bool
	}{{ts.rw, false}, {ts.ro, true}} {
		l, err := ListenUnix(s.path, 0o600)
		if err != nil {
			t.Fatal(err)
		}
		go func() { ts.serveErr <- srv.Serve(l, s.ro) }()
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return ts
}

// rawClient speaks the wire protocol by hand.
type rawClient struct {
	t      *testing.T
	c      net.Conn
	r      *bufio.Reader
	serial uint32
}

func dial(t *testing.T, path string) *rawClient {
	t.Helper()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, c: c, r: bufio.NewReader(c)}
}

func (rc *rawClient) send(h wire.Header, args any) {
	rc.t.Helper()
	payload, err := wire.Marshal(args)
	if err != nil {
		rc.t.Fatal(err)
	}
	buf, err := wire.AppendPacket(nil, h, payload)
	if err != nil {
		rc.t.Fatal(err)
	}
	if _, err := rc.c.Write(buf); err != nil {
		rc.t.Fatal(err)
	}
}

// start sends a REMOTE call and returns its serial.
func (rc *rawClient) start(proc int32, args any) uint32 {
	rc.t.Helper()
	rc.serial++
	rc.send(wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proc, Type: wire.Call, Serial: rc.serial}, args)
	return rc.serial
}

// read returns the next packet, failing the test after a few seconds.
func (rc *rawClient) read() *wire.Packet {
	rc.t.Helper()
	p, err := rc.tryRead(5 * time.Second)
	if err != nil {
		rc.t.Fatalf("read: %v", err)
	}
	return p
}

func (rc *rawClient) tryRead(d time.Duration) (*wire.Packet, error) {
	rc.c.SetReadDeadline(time.Now().Add(d))
	return wire.ReadPacket(rc.r)
}

// call makes a call and decodes its reply into ret (nil: none expected).
// It returns the error payload of an error reply.
func (rc *rawClient) call(proc int32, args, ret any) *wire.ErrorPayload {
	rc.t.Helper()
	serial := rc.start(proc, args)
	p := rc.read()
	if p.Serial != serial || p.Type != wire.Reply || p.Procedure != proc {
		rc.t.Fatalf("reply header %s for serial %d", p.Header.String(), serial)
	}
	if p.Status == wire.Error {
		var e wire.ErrorPayload
		if err := wire.Unmarshal(p.Payload, &e); err != nil {
			rc.t.Fatal(err)
		}
		return &e
	}
	if ret == nil {
		if len(p.Payload) != 0 {
			rc.t.Fatalf("unexpected payload %x", p.Payload)
		}
		return nil
	}
	if err := wire.Unmarshal(p.Payload, ret); err != nil {
		rc.t.Fatal(err)
	}
	return nil
}

func (rc *rawClient) mustCall(proc int32, args, ret any) {
	rc.t.Helper()
	if e := rc.call(proc, args, ret); e != nil {
		rc.t.Fatalf("proc %d: %s", proc, e.Text())
	}
}

// open runs virsh's connection sequence.
func (rc *rawClient) open(flags libvirt.ConnectFlags) {
	rc.t.Helper()
	var auth libvirt.AuthListRet
	rc.mustCall(proto.ProcAuthList, nil, &auth)
	if len(auth.Types) != 1 || auth.Types[0] != 0 {
		rc.t.Fatalf("auth list %v", auth.Types)
	}
	rc.mustCall(proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{"lxc:///system"}, Flags: flags}, nil)
}

func wantError(t *testing.T, e *wire.ErrorPayload, code libvirt.ErrorNumber, msg string) {
	t.Helper()
	if e == nil {
		t.Fatalf("no error, want %q", msg)
	}
	if e.Code != int32(code) || e.Text() != msg || e.Level != wire.LevelError {
		t.Fatalf("error %d %q (level %d), want %d %q", e.Code, e.Text(), e.Level, code, msg)
	}
}

func TestConnectionSequence(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	var feat libvirt.ConnectSupportsFeatureRet
	// Before open only auth, feature 10 and open are served.
	wantError(t, rc.call(proto.ProcConnectGetType, nil, nil), libvirt.ErrInternalError, "internal error: connection not open")
	rc.open(0)
	for f, want := range map[int32]int32{featureProgramKeepalive: 1, featureRemoteEventCB: 1, featureRemoteCloseCB: 1, 8: 0, 1: 0} {
		rc.mustCall(proto.ProcConnectSupportsFeature, &libvirt.ConnectSupportsFeatureArgs{Feature: f}, &feat)
		if feat.Supported != want {
			t.Errorf("feature %d = %d, want %d", f, feat.Supported, want)
		}
	}
	rc.mustCall(proto.ProcConnectRegisterCloseCallback, nil, nil)
	var typ libvirt.ConnectGetTypeRet
	rc.mustCall(proto.ProcConnectGetType, nil, &typ)
	var lib libvirt.ConnectGetLibVersionRet
	rc.mustCall(proto.ProcConnectGetLibVersion, nil, &lib)
	var uri libvirt.ConnectGetUriRet
	rc.mustCall(proto.ProcConnectGetUri, nil, &uri)
	if typ.Type != "LXC" || lib.LibVer != 9000000 || uri.Uri != "lxc:///system" {
		t.Fatalf("type %q lib %d uri %q", typ.Type, lib.LibVer, uri.Uri)
	}
	var model libvirt.NodeGetSecurityModelRet
	rc.mustCall(proto.ProcNodeGetSecurityModel, nil, &model)
	if string(int8s(model.Model)) != "none\x00" || string(int8s(model.Doi)) != "0\x00" {
		t.Fatalf("security model %v %v", model.Model, model.Doi)
	}
	rc.mustCall(proto.ProcConnectUnregisterCloseCallback, nil, nil)
	rc.mustCall(proto.ProcConnectClose, nil, nil)
}

func int8s(v []int8) []byte {
	b := make([]byte, len(v))
	for i, c := range v {
		b[i] = byte(c)
	}
	return b
}

func TestOpenRefusesOtherDrivers(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	e := rc.call(proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{"qemu:///system"}}, nil)
	wantError(t, e, libvirt.ErrNoConnect, "no connection driver available for qemu:///system")
	e = rc.call(proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{"lxc:///session"}}, nil)
	if e == nil || !strings.Contains(e.Text(), "try lxc:///system") {
		t.Fatalf("session URI: %+v", e)
	}
	rc.mustCall(proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{}, nil) // NULL URI: probe
}

func TestUnsupportedAndUnknownProcedures(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	d := ts.drv.add("ct1", true)
	// A procedure of the table without a handler.
	e := rc.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: wireDomain(d)}, nil)
	wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainOpenConsole")
	e = rc.call(proto.ProcDomainSnapshotNum, &libvirt.DomainSnapshotNumArgs{Dom: wireDomain(d)}, nil)
	wantError(t, e, libvirt.ErrNoSupport, "this function is not supported by the connection driver: virDomainSnapshotNum")
	// A number libvirt does not have, and a program it does not have.
	wantError(t, rc.call(9999, nil, nil), libvirt.ErrRPC, "unknown procedure: 9999")
	rc.serial++
	rc.send(wire.Header{Program: 0x12345, Version: 1, Procedure: 1, Type: wire.Call, Serial: rc.serial}, nil)
	if p := rc.read(); p.Status != wire.Error || p.Serial != rc.serial || p.Program != 0x12345 {
		t.Fatalf("unknown program reply %s", p.Header.String())
	}
	// Arguments that do not decode.
	rc.serial++
	buf, _ := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcDomainLookupByName, Serial: rc.serial}, []byte{0, 0, 0, 9, 'x'})
	rc.c.Write(buf)
	p := rc.read()
	var ep wire.ErrorPayload
	if p.Status != wire.Error || wire.Unmarshal(p.Payload, &ep) != nil || !strings.HasPrefix(ep.Text(), "Unable to decode message payload") {
		t.Fatalf("bad args reply %s %q", p.Header.String(), ep.Text())
	}
	// The connection still works.
	var got libvirt.DomainLookupByNameRet
	rc.mustCall(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "ct1"}, &got)
	if got.Dom != wireDomain(d) {
		t.Fatalf("lookup %+v", got.Dom)
	}
}

func TestDriverErrorsReachTheClient(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	e := rc.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "nope"}, nil)
	wantError(t, e, libvirt.ErrNoDomain, "Domain not found: no domain with matching name 'nope'")
	if e.Domain != 17 || len(e.Str1) != 1 || e.Str1[0] != "no domain with matching name 'nope'" {
		t.Fatalf("domain %d str1 %v", e.Domain, e.Str1)
	}
	d := ts.drv.add("ct1", true)
	rc.mustCall(proto.ProcDomainCreate, &libvirt.DomainCreateArgs{Dom: wireDomain(d)}, nil)
	e = rc.call(proto.ProcDomainCreate, &libvirt.DomainCreateArgs{Dom: wireDomain(d)}, nil)
	wantError(t, e, libvirt.ErrOperationInvalid, "Requested operation is not valid: domain is already running")
	e = rc.call(proto.ProcDomainGetState, &libvirt.DomainGetStateArgs{Dom: wireDomain(d), Flags: 4}, nil)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x4) in function virDomainGetState")
}

func TestReadOnlySocketRefusesChanges(t *testing.T) {
	ts := startServer(t, nil)
	d := ts.drv.add("ct1", true)
	for _, tc := range []struct {
		name  string
		path  string
		flags libvirt.ConnectFlags
	}{{"read-only socket", ts.ro, 0}, {"read-only open flag", ts.rw, libvirt.ConnectRo}} {
		t.Run(tc.name, func(t *testing.T) {
			rc := dial(t, tc.path)
			rc.open(tc.flags)
			var list libvirt.ConnectListAllDomainsRet
			rc.mustCall(proto.ProcConnectListAllDomains, &libvirt.ConnectListAllDomainsArgs{NeedResults: 1}, &list)
			if list.Ret != 1 || len(list.Domains) != 1 {
				t.Fatalf("list %+v", list)
			}
			dom := wireDomain(d)
			for _, c := range []struct {
				proc int32
				args any
				api  string
			}{
				{proto.ProcDomainCreate, &libvirt.DomainCreateArgs{Dom: dom}, "virDomainCreate"},
				{proto.ProcDomainDestroy, &libvirt.DomainDestroyArgs{Dom: dom}, "virDomainDestroy"},
				{proto.ProcDomainUndefine, &libvirt.DomainUndefineArgs{Dom: dom}, "virDomainUndefine"},
				{proto.ProcDomainSetAutostart, &libvirt.DomainSetAutostartArgs{Dom: dom, Autostart: 1}, "virDomainSetAutostart"},
				{proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: dom}, "virDomainOpenConsole"},
				{proto.ProcDomainSetMetadata, &libvirt.DomainSetMetadataArgs{Dom: dom, Type: 1, Metadata: libvirt.OptString{"t"}}, "virDomainSetMetadata"},
				// The @acl says domain:read; libvirt's public API refuses it.
				{proto.ProcDomainSetSchedulerParameters, &libvirt.DomainSetSchedulerParametersArgs{Dom: dom}, "virDomainSetSchedulerParameters"},
			} {
				e := rc.call(c.proc, c.args, nil)
				wantError(t, e, libvirt.ErrOperationDenied, "operation forbidden: read only access prevents "+c.api)
			}
			e := rc.call(proto.ProcDomainDefineXML, &libvirt.DomainDefineXMLArgs{XML: "<domain><name>x</name></domain>"}, nil)
			wantError(t, e, libvirt.ErrOperationDenied, "operation forbidden: read only access prevents virDomainDefineXML")
			// dumpxml works; --security-info and --migratable do not.
			var x libvirt.DomainGetXMLDescRet
			rc.mustCall(proto.ProcDomainGetXMLDesc, &libvirt.DomainGetXMLDescArgs{Dom: dom}, &x)
			for _, f := range []libvirt.DomainXMLFlags{libvirt.DomainXMLSecure, libvirt.DomainXMLMigratable} {
				e := rc.call(proto.ProcDomainGetXMLDesc, &libvirt.DomainGetXMLDescArgs{Dom: dom, Flags: f}, &x)
				wantError(t, e, libvirt.ErrOperationDenied, "operation forbidden: virDomainGetXMLDesc with secure flag")
			}
		})
	}
	if st, _ := ts.drv.Status(context.Background(), d.UUID); st.ID != -1 || st.Autostart {
		t.Fatalf("a read-only client changed the domain: %+v", st)
	}
}

func TestLifecycleThroughTheWire(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	var def libvirt.DomainDefineXMLFlagsRet
	rc.mustCall(proto.ProcDomainDefineXMLFlags, &libvirt.DomainDefineXMLFlagsArgs{XML: "<domain type='lxc'><name>ct1</name></domain>"}, &def)
	dom := def.Dom
	var cnt libvirt.ConnectNumOfDefinedDomainsRet
	rc.mustCall(proto.ProcConnectNumOfDefinedDomains, nil, &cnt)
	var names libvirt.ConnectListDefinedDomainsRet
	rc.mustCall(proto.ProcConnectListDefinedDomains, &libvirt.ConnectListDefinedDomainsArgs{Maxnames: 10}, &names)
	if cnt.Num != 1 || len(names.Names) != 1 || names.Names[0] != "ct1" {
		t.Fatalf("defined %d %v", cnt.Num, names.Names)
	}
	var started libvirt.DomainCreateWithFlagsRet
	rc.mustCall(proto.ProcDomainCreateWithFlags, &libvirt.DomainCreateWithFlagsArgs{Dom: dom}, &started)
	if started.Dom.ID <= 0 {
		t.Fatalf("started %+v", started.Dom)
	}
	var ids libvirt.ConnectListDomainsRet
	rc.mustCall(proto.ProcConnectListDomains, &libvirt.ConnectListDomainsArgs{Maxids: 10}, &ids)
	var byID libvirt.DomainLookupByIDRet
	rc.mustCall(proto.ProcDomainLookupByID, &libvirt.DomainLookupByIDArgs{ID: started.Dom.ID}, &byID)
	if len(ids.Ids) != 1 || ids.Ids[0] != started.Dom.ID || byID.Dom.Name != "ct1" {
		t.Fatalf("ids %v lookup %+v", ids.Ids, byID.Dom)
	}
	var info libvirt.DomainGetInfoRet
	rc.mustCall(proto.ProcDomainGetInfo, &libvirt.DomainGetInfoArgs{Dom: dom}, &info)
	var state libvirt.DomainGetStateRet
	rc.mustCall(proto.ProcDomainGetState, &libvirt.DomainGetStateArgs{Dom: dom}, &state)
	var active libvirt.DomainIsActiveRet
	rc.mustCall(proto.ProcDomainIsActive, &libvirt.DomainIsActiveArgs{Dom: dom}, &active)
	var ostype libvirt.DomainGetOsTypeRet
	rc.mustCall(proto.ProcDomainGetOsType, &libvirt.DomainGetOsTypeArgs{Dom: dom}, &ostype)
	if info.State != 1 || info.MaxMem != 500000 || info.NrVirtCPU != 2 || state.State != 1 || active.Active != 1 || ostype.Type != "exe" {
		t.Fatalf("info %+v state %+v active %d os %q", info, state, active.Active, ostype.Type)
	}
	rc.mustCall(proto.ProcDomainSetAutostart, &libvirt.DomainSetAutostartArgs{Dom: dom, Autostart: 1}, nil)
	var auto libvirt.DomainGetAutostartRet
	rc.mustCall(proto.ProcDomainGetAutostart, &libvirt.DomainGetAutostartArgs{Dom: dom}, &auto)
	if auto.Autostart != 1 {
		t.Fatal("autostart not set")
	}
	rc.mustCall(proto.ProcDomainDestroyFlags, &libvirt.DomainDestroyFlagsArgs{Dom: dom}, nil)
	rc.mustCall(proto.ProcDomainUndefineFlags, &libvirt.DomainUndefineFlagsArgs{Dom: dom}, nil)
	var all libvirt.ConnectListAllDomainsRet
	rc.mustCall(proto.ProcConnectListAllDomains, &libvirt.ConnectListAllDomainsArgs{NeedResults: 1}, &all)
	if all.Ret != 0 {
		t.Fatalf("left %+v", all)
	}
}

func TestConcurrentCallsMatchSerials(t *testing.T) {
	ts := startServer(t, nil)
	ts.drv.add("fast", true)
	rc := dial(t, ts.rw)
	rc.open(0)
	slow := rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "blocked"})
	<-ts.drv.entered
	fast := rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "fast"})
	if p := rc.read(); p.Serial != fast || p.Status != wire.OK {
		t.Fatalf("first reply %s, want serial %d", p.Header.String(), fast)
	}
	close(ts.drv.release)
	if p := rc.read(); p.Serial != slow || p.Status != wire.Error {
		t.Fatalf("second reply %s, want serial %d (no such domain)", p.Header.String(), slow)
	}
}

func TestDisconnectCancelsCalls(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "blocked"})
	<-ts.drv.entered
	rc.c.Close()
	select {
	case name := <-ts.drv.cancelled:
		if name != "blocked" {
			t.Fatalf("cancelled %q", name)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the call of a departed client was not cancelled")
	}
}

func TestShutdownFinishesCallsInFlight(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	serial := rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "blocked"})
	<-ts.drv.entered
	done := make(chan error)
	go func() { done <- ts.srv.Shutdown(context.Background()) }()
	// Shutdown begins: the socket stops accepting...
	deadline := time.Now().Add(time.Minute)
	for {
		c, err := net.Dial("unix", ts.rw)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("still accepting after shutdown began")
		}
		time.Sleep(10 * time.Millisecond)
	}
	// ...but does not return while the call is in flight.
	select {
	case err := <-done:
		t.Fatalf("shutdown returned with a call in flight: %v", err)
	default:
	}
	close(ts.drv.release)
	if p := rc.read(); p.Serial != serial {
		t.Fatalf("reply %s", p.Header.String())
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := <-ts.serveErr; !errors.Is(err, ErrServerClosed) {
			t.Fatalf("serve: %v", err)
		}
	}
	if _, err := rc.tryRead(time.Second); err == nil {
		t.Fatal("connection still open")
	}
}

func TestShutdownDeadlineCancelsCalls(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "blocked"})
	<-ts.drv.entered
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown: %v", err)
	}
	if name := <-ts.drv.cancelled; name != "blocked" {
		t.Fatal(name)
	}
}

func TestKeepalive(t *testing.T) {
	const count = 2
	ts := startServer(t, func(c *Config) {
		c.KeepaliveInterval = 200 * time.Millisecond
		c.KeepaliveCount = count
	})
	rc := dial(t, ts.rw)
	// The client pings; the server pongs with serial 0.
	rc.send(keepaliveHeader(proto.KeepaliveProcPing), nil)
	p := rc.read()
	if p.Program != proto.KeepaliveProgram || p.Procedure != proto.KeepaliveProcPong || p.Type != wire.Message || p.Serial != 0 || len(p.Payload) != 0 {
		t.Fatalf("pong %s", p.Header.String())
	}
	// Asking about feature 10 enables the server's own pings.
	var feat libvirt.ConnectSupportsFeatureRet
	rc.mustCall(proto.ProcConnectSupportsFeature, &libvirt.ConnectSupportsFeatureArgs{Feature: featureProgramKeepalive}, &feat)
	// Answering every ping keeps the connection alive for more pings than
	// KeepaliveCount.
	for range 2*count + 1 {
		p := rc.read()
		if p.Program != proto.KeepaliveProgram || p.Procedure != proto.KeepaliveProcPing {
			t.Fatalf("unexpected %s", p.Header.String())
		}
		rc.send(keepaliveHeader(proto.KeepaliveProcPong), nil)
	}
	// A silent client is dropped after KeepaliveCount unanswered pings.
	for {
		p, err := rc.tryRead(time.Minute)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("want EOF, got %v", err)
			}
			break
		}
		if p.Procedure != proto.KeepaliveProcPing {
			t.Fatalf("unexpected %s", p.Header.String())
		}
	}
}

// Clients that send garbage, truncated or oversized packets are dropped
// (the oversized one after an error reply); another client is unaffected.
func TestBadClientsDoNotAffectOthers(t *testing.T) {
	ts := startServer(t, nil)
	ts.drv.add("ct1", true)
	good := dial(t, ts.rw)
	good.open(0)
	lookup := func() {
		t.Helper()
		var r libvirt.DomainLookupByNameRet
		good.mustCall(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "ct1"}, &r)
	}
	hdr := func(serial uint32) []byte {
		b, _ := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcConnectGetType, Serial: serial}, nil)
		return b[4:]
	}
	for _, tc := range []struct {
		name  string
		bytes []byte
		close bool // the bad client hangs up after sending
		reply bool // the server answers before dropping it
	}{
		{"garbage", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), false, false},
		{"length below the header", []byte{0, 0, 0, 5, 1, 2, 3, 4}, false, false},
		{"truncated", append(binary.BigEndian.AppendUint32(nil, 100), hdr(1)...), true, false},
		{"oversized", append(binary.BigEndian.AppendUint32(nil, 64<<20), hdr(7)...), false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := dial(t, ts.rw)
			if _, err := bad.c.Write(tc.bytes); err != nil {
				t.Fatal(err)
			}
			if tc.close {
				bad.c.(*net.UnixConn).CloseWrite()
			}
			lookup()
			if tc.reply {
				p := bad.read()
				var e wire.ErrorPayload
				if p.Serial != 7 || p.Status != wire.Error || wire.Unmarshal(p.Payload, &e) != nil || !strings.Contains(e.Text(), "larger than the 33554432-byte limit") {
					t.Fatalf("oversized reply %s %q", p.Header.String(), e.Text())
				}
			}
			if _, err := bad.tryRead(2 * time.Second); !errors.Is(err, io.EOF) {
				t.Fatalf("bad client not dropped: %v", err)
			}
			lookup()
		})
	}
}

func TestEvents(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	d := ts.drv.add("ct1", true)
	other := ts.drv.add("ct2", true)

	var all, onlyCt1 libvirt.ConnectDomainEventCallbackRegisterAnyRet
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 0}, &all)
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 1, Dom: libvirt.OptDomain{wireDomain(d)}}, &onlyCt1)
	for id := int32(2); id < domainEventIDs; id++ { // virsh event --all
		rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: id}, &libvirt.ConnectDomainEventCallbackRegisterAnyRet{})
	}
	e := rc.call(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: domainEventIDs}, nil)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: unsupported event ID 27")
	rc.mustCall(proto.ProcConnectDomainEventRegisterAny, &libvirt.ConnectDomainEventRegisterAnyArgs{EventID: 0}, nil)

	ts.drv.emit(0, d, 2, 0) // started, booted
	got := map[int32]*wire.Packet{}
	for range 2 {
		p := rc.read()
		if p.Type != wire.Message || p.Serial != 1 || p.Program != proto.RemoteProgram {
			t.Fatalf("event header %s", p.Header.String())
		}
		got[p.Procedure] = p
	}
	var cbMsg libvirt.DomainEventCallbackLifecycleMsg
	if p := got[proto.ProcDomainEventCallbackLifecycle]; p == nil || wire.Unmarshal(p.Payload, &cbMsg) != nil {
		t.Fatalf("no callback lifecycle event: %v", got)
	}
	if cbMsg.CallbackID != all.CallbackID || cbMsg.Msg.Dom.Name != "ct1" || cbMsg.Msg.Event != 2 {
		t.Fatalf("callback event %+v", cbMsg)
	}
	var legacy libvirt.DomainEventLifecycleMsg
	if p := got[proto.ProcDomainEventLifecycle]; p == nil || wire.Unmarshal(p.Payload, &legacy) != nil || legacy.Dom.Name != "ct1" {
		t.Fatalf("legacy event %+v", legacy)
	}

	// The reboot registration filters on ct1.
	ts.drv.emit(1, other, 0, 0)
	ts.drv.emit(1, d, 0, 0)
	p := rc.read()
	var reboot libvirt.DomainEventCallbackRebootMsg
	if p.Procedure != proto.ProcDomainEventCallbackReboot || wire.Unmarshal(p.Payload, &reboot) != nil || reboot.CallbackID != onlyCt1.CallbackID || reboot.Msg.Dom.Name != "ct1" {
		t.Fatalf("reboot event %s %+v", p.Header.String(), reboot)
	}

	rc.mustCall(proto.ProcConnectDomainEventCallbackDeregisterAny, &libvirt.ConnectDomainEventCallbackDeregisterAnyArgs{CallbackID: all.CallbackID}, nil)
	rc.mustCall(proto.ProcConnectDomainEventDeregisterAny, &libvirt.ConnectDomainEventDeregisterAnyArgs{EventID: 0}, nil)
	e = rc.call(proto.ProcConnectDomainEventCallbackDeregisterAny, &libvirt.ConnectDomainEventCallbackDeregisterAnyArgs{CallbackID: all.CallbackID}, nil)
	if e == nil || e.Code != int32(libvirt.ErrInvalidArg) {
		t.Fatalf("second deregister: %+v", e)
	}
	ts.drv.emit(0, d, 3, 0)
	if p, err := rc.tryRead(200 * time.Millisecond); err == nil {
		t.Fatalf("event after deregistering: %s", p.Header.String())
	}
}

// go-libvirt, a client written independently of this server, decodes
// replies, errors, typed parameters and events.
func TestGoLibvirtClient(t *testing.T) {
	ts := startServer(t, nil)
	c, err := net.Dial("unix", ts.rw)
	if err != nil {
		t.Fatal(err)
	}
	l := libvirt.NewWithDialer(dialers.NewAlreadyConnected(c))
	if err := l.ConnectToURI("lxc:///system"); err != nil {
		t.Fatal(err)
	}
	defer l.Disconnect()
	if _, err := l.DomainLookupByName("nope"); !libvirt.IsNotFound(err) {
		t.Fatalf("lookup error %v is not a not-found", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := l.LifecycleEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dom, err := l.DomainDefineXML("<domain type='lxc'><name>ct1</name></domain>")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case ev := <-events:
		if ev.Dom.Name != "ct1" || ev.Event != int32(libvirt.DomainEventDefined) {
			t.Fatalf("event %+v", ev)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no defined event")
	}
	if err := l.DomainCreate(dom); err != nil {
		t.Fatal(err)
	}
	recs, err := l.ConnectGetAllDomainStats(nil, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Dom.Name != "ct1" {
		t.Fatalf("stats %+v", recs)
	}
	params := map[string]any{}
	for _, p := range recs[0].Params {
		params[p.Field] = p.Value.I
	}
	for field, want := range map[string]any{
		"state.state":     int32(1),
		"cpu.time":        uint64(7e9),
		"balloon.current": uint64(2048),
		"vcpu.current":    uint32(2),
		"net.count":       uint32(1),
		"net.0.name":      "veth0",
		"net.0.tx.pkts":   uint64(4),
	} {
		if params[field] != want {
			t.Errorf("%s = %#v, want %#v", field, params[field], want)
		}
	}
	caps, err := l.Capabilities()
	if err != nil || !strings.Contains(string(caps), "<domain type=\"lxc\">") || !strings.Contains(string(caps), "<os_type>exe</os_type>") {
		t.Fatalf("capabilities %v:\n%s", err, caps)
	}
}

func TestListenUnix(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "sock")
	l, err := ListenUnix(path, 0o666)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o666 || fi.Mode().Type() != os.ModeSocket {
		t.Fatalf("socket %v %v", fi, err)
	}
	if _, err := ListenUnix(path, 0o600); err == nil || !strings.Contains(err.Error(), "another daemon") {
		t.Fatalf("second listener: %v", err)
	}
	if l.Addr().String() != path {
		t.Fatalf("addr %s", l.Addr())
	}
	l.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket left behind: %v", err)
	}
	// A stale socket file (its listener gone without cleanup) is replaced.
	stale, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	stale.SetUnlinkOnClose(false)
	stale.Close()
	l, err = ListenUnix(path, 0o600)
	if err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	defer l.Close()
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
}
