package server

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// At the anonymous limit the read-only socket stops accepting, the
// read-write one serves on, and a queued client is served once a slot
// frees.
func TestAnonymousLimitPerSocket(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Limits.MaxAnonymousClients = 2 })
	idle := []*rawClient{dial(t, ts.ro), dial(t, ts.ro)}
	var auth libvirt.AuthListRet
	for _, rc := range idle {
		rc.mustCall(proto.ProcAuthList, nil, &auth) // accepted, not opened
	}
	queued := dial(t, ts.ro) // waits in the backlog
	serial := queued.start(proto.ProcAuthList, nil)

	rw := dial(t, ts.rw)
	rw.open(0)
	var typ libvirt.ConnectGetTypeRet
	rw.mustCall(proto.ProcConnectGetType, nil, &typ)

	// An opened client no longer counts as anonymous.
	idle[0].mustCall(proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{"lxc:///system"}}, nil)
	if p := queued.read(); p.Serial != serial || p.Status != wire.OK {
		t.Fatalf("queued client's reply %s", p.Header.String())
	}
}

// At max_clients a socket stops accepting until a client leaves.
func TestClientLimit(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Limits.MaxClients = 1 })
	first := dial(t, ts.ro)
	first.open(0)
	second := dial(t, ts.ro)
	serial := second.start(proto.ProcAuthList, nil)
	rw := dial(t, ts.rw)
	rw.open(0)
	first.c.Close()
	if p := second.read(); p.Serial != serial || p.Status != wire.OK {
		t.Fatalf("second client's reply %s", p.Header.String())
	}
}

// A client that never opens is dropped after OpenTimeout; an opened one
// is not.
func TestOpenTimeout(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Limits.OpenTimeout = 200 * time.Millisecond })
	opened := dial(t, ts.rw)
	opened.open(0)
	lurker := dial(t, ts.ro)
	if _, err := lurker.tryRead(10 * time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("unopened client not dropped: %v", err)
	}
	var typ libvirt.ConnectGetTypeRet
	opened.mustCall(proto.ProcConnectGetType, nil, &typ)
}

// Before CONNECT_OPEN a packet may not exceed anonymousPacketMax: a large
// announced length is answered and the client dropped without a buffer.
func TestAnonymousPacketLimit(t *testing.T) {
	ts := startServer(t, nil)
	bad := dial(t, ts.ro)
	hdr, _ := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcAuthList, Serial: 3}, nil)
	if _, err := bad.c.Write(append(binary.BigEndian.AppendUint32(nil, wire.MessageMax), hdr[4:]...)); err != nil {
		t.Fatal(err)
	}
	p := bad.read()
	var e wire.ErrorPayload
	if p.Serial != 3 || p.Status != wire.Error || wire.Unmarshal(p.Payload, &e) != nil || !strings.Contains(e.Text(), "larger than the 65536-byte limit") {
		t.Fatalf("reply %s %q", p.Header.String(), e.Text())
	}
	if _, err := bad.tryRead(5 * time.Second); !errors.Is(err, io.EOF) {
		t.Fatalf("client not dropped: %v", err)
	}
	if used := ts.srv.buffers.Used(); used != 0 {
		t.Fatalf("%d buffer bytes held", used)
	}
}

// Opened clients' partial packets share MaxTotalBuffer: the one that
// finds it full is dropped, the others keep being served, and a dropped
// client's buffer is given back.
func TestTotalBufferLimit(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Limits.MaxTotalBuffer = 1 << 20 })
	good := dial(t, ts.rw)
	good.open(0)
	hog := dial(t, ts.ro)
	hog.open(0)
	hdr, _ := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcConnectGetType, Type: wire.Call, Serial: 9}, nil)
	big := append(binary.BigEndian.AppendUint32(nil, wire.MessageMax), hdr[4:]...)
	go hog.c.Write(append(big, make([]byte, 2<<20)...)) // blocks once the server stops reading
	// The server closes with the hog's bytes unread: a reset.
	if p, err := hog.tryRead(10 * time.Second); !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("hog not dropped: %v %+v", err, p)
	}
	var typ libvirt.ConnectGetTypeRet
	good.mustCall(proto.ProcConnectGetType, nil, &typ)
	deadline := time.Now().Add(10 * time.Second)
	for ts.srv.buffers.Used() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d buffer bytes still held", ts.srv.buffers.Used())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// emfileListener fails its first accepts with EMFILE, as a daemon out of
// descriptors sees.
type emfileListener struct {
	net.Listener
	fails atomic.Int32
}

func (l *emfileListener) Accept() (net.Conn, error) {
	if l.fails.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "unix", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// Accept errors back off; Serve keeps serving.
func TestAcceptErrorsBackOff(t *testing.T) {
	ts := startServer(t, nil)
	path := ts.rw + "-emfile"
	l, err := ListenUnix(path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	el := &emfileListener{Listener: l}
	el.fails.Store(5)
	go ts.srv.Serve(el, false)
	rc := dial(t, path)
	rc.open(0)
	if n := el.fails.Load(); n >= 0 {
		t.Fatalf("%d failures left", n)
	}
	select {
	case err := <-ts.serveErr:
		t.Fatalf("serve returned %v", err)
	default:
	}
}

// Names no domain can have and definitions too large to report back are
// refused at the server with VIR_ERR_INVALID_ARG, before the driver.
func TestBoundaryChecks(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	var r libvirt.DomainLookupByNameRet
	e := rc.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "\xff\xfe"}, &r)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: domain name is not valid UTF-8")
	e = rc.call(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: strings.Repeat("n", 4<<20)}, &r)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: domain name of 4194304 bytes is longer than 64 bytes")
	big := "<domain type='lxc'><name>big</name><description>" + strings.Repeat("x", 4<<20-200) + "</description></domain>"
	var d libvirt.DomainDefineXMLRet
	e = rc.call(proto.ProcDomainDefineXML, &libvirt.DomainDefineXMLArgs{XML: big}, &d)
	wantError(t, e, libvirt.ErrInvalidArg, fmt.Sprintf("invalid argument: domain XML of %d bytes is larger than the 2097152-byte limit", len(big)))
	var l libvirt.ConnectListAllDomainsRet
	rc.mustCall(proto.ProcConnectListAllDomains, &libvirt.ConnectListAllDomainsArgs{NeedResults: 1}, &l)
	if len(l.Domains) != 0 {
		t.Fatalf("a refused definition left %v", l.Domains)
	}
}
