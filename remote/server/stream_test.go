package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// consoleFake adds consoles to the fake driver: one session per domain,
// refused or (with ConsoleForce) taken over as the real driver does. Each
// session is a pair of pipes the test holds.
type consoleFake struct {
	*fakeDriver
	mu       sync.Mutex
	open     map[driverapi.UUID]*fakeConsole
	sessions chan *fakeConsole
}

func (f *consoleFake) OpenConsole(ctx context.Context, u driverapi.UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	if _, err := f.get(u); err != nil {
		return nil, err
	}
	if dev != "" {
		return nil, virterror.New(libvirt.ErrInternalError, "cannot find console device '%s'", dev)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if old := f.open[u]; old != nil && !old.isClosed() {
		if flags&driverapi.ConsoleForce == 0 {
			return nil, virterror.New(libvirt.ErrOperationFailed, "Active console session exists for this domain")
		}
		old.takeOver()
	}
	c := &fakeConsole{closed: make(chan struct{})}
	c.typed, c.typedW = io.Pipe()
	c.screenR, c.screen = io.Pipe()
	f.open[u] = c
	f.sessions <- c
	return c, nil
}

// fakeConsole is the driver's end of a session: the test reads what the
// client typed from typed and prints to the client through screen.
type fakeConsole struct {
	typed   *io.PipeReader
	typedW  *io.PipeWriter
	screen  *io.PipeWriter
	screenR *io.PipeReader
	once    sync.Once
	closed  chan struct{}
	mu      sync.Mutex
	cause   error
}

// takeOver ends the session as the driver does for ConsoleForce.
func (c *fakeConsole) takeOver() {
	c.mu.Lock()
	c.cause = driverapi.ErrConsoleTakenOver
	c.mu.Unlock()
	c.Close()
}

func (c *fakeConsole) Read(p []byte) (int, error) {
	n, err := c.screenR.Read(p)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil && c.cause != nil {
		err = c.cause
	}
	return n, err
}

func (c *fakeConsole) Write(p []byte) (int, error) { return c.typedW.Write(p) }
func (c *fakeConsole) Close() error {
	c.once.Do(func() {
		c.typedW.Close()
		c.screenR.Close()
		close(c.closed)
	})
	return nil
}

func (c *fakeConsole) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

func (c *fakeConsole) waitClosed(t *testing.T) {
	t.Helper()
	select {
	case <-c.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("console session not closed")
	}
}

// expectTyped reads exactly want from what the client typed.
func (c *fakeConsole) expectTyped(t *testing.T, want string) {
	t.Helper()
	got := make([]byte, len(want))
	done := make(chan error, 1)
	go func() { _, err := io.ReadFull(c.typed, got); done <- err }()
	select {
	case err := <-done:
		if err != nil || string(got) != want {
			t.Fatalf("console got %q, %v; want %q", got, err, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("console did not get %q", want)
	}
}

// print writes to the client in the background.
func (c *fakeConsole) print(s string) { go c.screen.Write([]byte(s)) }

type consoleServer struct {
	*testServer
	cons *consoleFake
	dom  libvirt.Domain
}

func startConsoleServer(t *testing.T) *consoleServer {
	cs := &consoleServer{}
	cs.testServer = startServer(t, func(cfg *Config) {
		cs.cons = &consoleFake{fakeDriver: cfg.Driver.(*fakeDriver), open: map[driverapi.UUID]*fakeConsole{}, sessions: make(chan *fakeConsole, 4)}
		cfg.Driver = cs.cons
	})
	d := cs.drv.add("ct1", true)
	cs.dom = libvirt.Domain{Name: d.Name, UUID: d.UUID, ID: -1}
	return cs
}

// openConsole opens ct1's console on rc and returns the stream's serial
// and the driver's session.
func (cs *consoleServer) openConsole(t *testing.T, rc *rawClient, flags uint32) (uint32, *fakeConsole) {
	t.Helper()
	if e := rc.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: cs.dom, Flags: flags}, nil); e != nil {
		t.Fatalf("open console: %s", e.Text())
	}
	select {
	case s := <-cs.cons.sessions:
		return rc.serial, s
	case <-time.After(5 * time.Second):
		t.Fatal("no console session")
		return 0, nil
	}
}

// sendStream sends a client STREAM packet for serial.
func (rc *rawClient) sendStream(serial uint32, status wire.Status, payload []byte) {
	rc.t.Helper()
	buf, err := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcDomainOpenConsole,
		Type: wire.Stream, Serial: serial, Status: status}, payload)
	if err != nil {
		rc.t.Fatal(err)
	}
	if _, err := rc.c.Write(buf); err != nil {
		rc.t.Fatal(err)
	}
}

// readStream reads the next packet, which must belong to the stream.
func (rc *rawClient) readStream(serial uint32) *wire.Packet {
	rc.t.Helper()
	p := rc.read()
	if p.Type != wire.Stream || p.Serial != serial || p.Procedure != proto.ProcDomainOpenConsole || p.Program != proto.RemoteProgram {
		rc.t.Fatalf("packet %s, want a stream packet of serial %d", p.Header.String(), serial)
	}
	return p
}

// readData reads stream data until it has want.
func (rc *rawClient) readData(serial uint32, want string) {
	rc.t.Helper()
	var got []byte
	for len(got) < len(want) {
		p := rc.readStream(serial)
		if p.Status != wire.Continue || len(p.Payload) == 0 {
			rc.t.Fatalf("packet %s after %d bytes, want data", p.Header.String(), len(got))
		}
		if len(p.Payload) > streamChunk {
			rc.t.Fatalf("packet of %d bytes", len(p.Payload))
		}
		got = append(got, p.Payload...)
	}
	if string(got) != want {
		rc.t.Fatalf("stream data %q, want %q", got, want)
	}
}

func (rc *rawClient) expectStatus(serial uint32, status wire.Status) *wire.Packet {
	rc.t.Helper()
	p := rc.readStream(serial)
	if p.Status != status {
		rc.t.Fatalf("packet %s, want status %d", p.Header.String(), status)
	}
	return p
}

// expectQuiet asserts nothing arrives for a moment, then that the
// connection still answers calls.
func (rc *rawClient) expectQuiet() {
	rc.t.Helper()
	if p, err := rc.tryRead(200 * time.Millisecond); err == nil {
		rc.t.Fatalf("unexpected packet %s", p.Header.String())
	}
	var ret libvirt.ConnectGetTypeRet
	rc.mustCall(proto.ProcConnectGetType, nil, &ret)
}

func TestConsoleStreamFinish(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	serial, s := cs.openConsole(t, rc, 0)

	rc.sendStream(serial, wire.Continue, []byte("echo hi\x1d\x01\n"))
	s.expectTyped(t, "echo hi\x1d\x01\n")
	rc.sendStream(serial, wire.Continue, nil) // empty data is nothing
	rc.sendStream(serial, wire.Continue, []byte("more"))
	s.expectTyped(t, "more")

	s.print("hi\r\n")
	rc.readData(serial, "hi\r\n")
	big := strings.Repeat("x", 3*streamChunk+5)
	s.print(big)
	rc.readData(serial, big)

	// Finish: the session closes, then the server confirms.
	rc.sendStream(serial, wire.OK, nil)
	if p := rc.expectStatus(serial, wire.OK); len(p.Payload) != 0 {
		t.Errorf("confirmation payload %x", p.Payload)
	}
	s.waitClosed(t)
	// Late packets of the finished stream are dropped.
	rc.sendStream(serial, wire.Continue, []byte("late"))
	rc.sendStream(serial, wire.OK, nil)
	rc.expectQuiet()
}

func TestConsoleStreamEOFThenFinish(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	serial, s := cs.openConsole(t, rc, 0)
	s.print("bye\r\n")
	rc.readData(serial, "bye\r\n")
	s.screen.Close() // the container stopped

	// End of data is an empty CONTINUE packet, never an unsolicited OK.
	if p := rc.expectStatus(serial, wire.Continue); len(p.Payload) != 0 {
		t.Fatalf("EOF packet with %d bytes", len(p.Payload))
	}
	rc.expectQuiet()
	rc.sendStream(serial, wire.OK, nil)
	rc.expectStatus(serial, wire.OK)
	s.waitClosed(t)
}

func TestConsoleStreamAbort(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	serial, s := cs.openConsole(t, rc, 0)
	e, err := wire.Marshal(wire.NewError(int32(libvirt.ErrInternalError), 0, "cannot terminate console stream", ""))
	if err != nil {
		t.Fatal(err)
	}
	rc.sendStream(serial, wire.Error, e)
	rc.expectStatus(serial, wire.OK)
	s.waitClosed(t)
	rc.expectQuiet()
}

func TestConsoleStreamServerError(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	serial, s := cs.openConsole(t, rc, 0)
	s.screen.CloseWithError(errors.New("pty gone"))
	p := rc.expectStatus(serial, wire.Error)
	var ep wire.ErrorPayload
	if err := wire.Unmarshal(p.Payload, &ep); err != nil {
		t.Fatal(err)
	}
	if ep.Code != int32(libvirt.ErrRPC) || ep.Domain != int32(fromStreams) || ep.Text() != "stream had I/O failure: pty gone" {
		t.Errorf("stream error %d/%d %q", ep.Code, ep.Domain, ep.Text())
	}
	s.waitClosed(t)
	// The stream is gone: the client's abort gets no answer.
	rc.sendStream(serial, wire.Error, nil)
	rc.expectQuiet()
}

func TestConsoleStreamHoleAborts(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	serial, s := cs.openConsole(t, rc, 0)
	buf, err := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proto.ProcDomainOpenConsole,
		Type: wire.StreamHole, Serial: serial, Status: wire.Continue}, make([]byte, 12))
	if err != nil {
		t.Fatal(err)
	}
	rc.c.Write(buf)
	p := rc.expectStatus(serial, wire.Error)
	var ep wire.ErrorPayload
	if err := wire.Unmarshal(p.Payload, &ep); err != nil || ep.Text() != "Unexpected stream hole" {
		t.Errorf("hole: %q %v", ep.Text(), err)
	}
	s.waitClosed(t)
}

func TestConsoleSecondClientRefusedThenForced(t *testing.T) {
	cs := startConsoleServer(t)
	first := dial(t, cs.rw)
	first.open(0)
	serial1, s1 := cs.openConsole(t, first, 0)

	second := dial(t, cs.rw)
	second.open(0)
	e := second.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: cs.dom}, nil)
	wantError(t, e, libvirt.ErrOperationFailed, "operation failed: Active console session exists for this domain")

	serial2, s2 := cs.openConsole(t, second, uint32(libvirt.DomainConsoleForce))
	p := first.expectStatus(serial1, wire.Error)
	var ep wire.ErrorPayload
	if err := wire.Unmarshal(p.Payload, &ep); err != nil {
		t.Fatal(err)
	}
	want := driverapi.ErrConsoleTakenOver
	if ep.Code != int32(want.Code) || ep.Domain != int32(want.Domain) || ep.Text() != want.Message {
		t.Errorf("forced-off client got %d/%d %q", ep.Code, ep.Domain, ep.Text())
	}
	s1.waitClosed(t)
	// The forced-off client's abort (what virsh sends next) is ignored.
	first.sendStream(serial1, wire.Error, nil)
	first.expectQuiet()

	second.sendStream(serial2, wire.Continue, []byte("ls\n"))
	s2.expectTyped(t, "ls\n")
	s2.print("bin\r\n")
	second.readData(serial2, "bin\r\n")
}

func TestConsoleClientGoneClosesSession(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	_, s := cs.openConsole(t, rc, 0)
	rc.c.Close()
	s.waitClosed(t)
}

func TestConsoleShutdownClosesSessions(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	_, s := cs.openConsole(t, rc, 0)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := cs.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	s.waitClosed(t)
}

func TestConsoleOpenErrors(t *testing.T) {
	cs := startConsoleServer(t)
	rc := dial(t, cs.rw)
	rc.open(0)
	e := rc.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: cs.dom, DevName: libvirt.OptString{"serial0"}}, nil)
	wantError(t, e, libvirt.ErrInternalError, "internal error: cannot find console device 'serial0'")
	e = rc.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: libvirt.Domain{Name: "nope"}}, nil)
	if e == nil || e.Code != int32(libvirt.ErrNoDomain) {
		t.Errorf("unknown domain: %+v", e)
	}
	// Consoles write to the domain: the read-only socket refuses them.
	ro := dial(t, cs.ro)
	ro.open(0)
	e = ro.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: cs.dom}, nil)
	if e == nil || e.Code != int32(libvirt.ErrOperationDenied) {
		t.Errorf("read-only open: %+v", e)
	}

	// A driver without consoles.
	plain := startServer(t, nil)
	pc := dial(t, plain.rw)
	pc.open(0)
	e = pc.call(proto.ProcDomainOpenConsole, &libvirt.DomainOpenConsoleArgs{Dom: cs.dom}, nil)
	if e == nil || e.Code != int32(libvirt.ErrNoSupport) {
		t.Errorf("driver without consoles: %+v", e)
	}
}

// go-libvirt's console reader, written independently of this server,
// reads the stream to its end.
func TestConsoleGoLibvirtClient(t *testing.T) {
	cs := startConsoleServer(t)
	c, err := net.Dial("unix", cs.rw)
	if err != nil {
		t.Fatal(err)
	}
	l := libvirt.NewWithDialer(dialers.NewAlreadyConnected(c))
	if err := l.ConnectToURI("lxc:///system"); err != nil {
		t.Fatal(err)
	}
	defer l.Disconnect()
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- l.DomainOpenConsole(cs.dom, nil, &out, 0) }()
	s := <-cs.cons.sessions
	// A pipe write returns once the server has read it all: the text is
	// on its way before the end of the stream.
	if _, err := s.screen.Write([]byte("hello from the console\r\n")); err != nil {
		t.Fatal(err)
	}
	s.screen.Close()
	select {
	case err := <-done:
		if err != nil || out.String() != "hello from the console\r\n" {
			t.Fatalf("DomainOpenConsole = %v, read %q", err, out.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("go-libvirt did not see the end of the stream")
	}
}
