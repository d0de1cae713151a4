package server

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// lockedBuffer is a log sink safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func startLoggedServer(t *testing.T) (*testServer, *lockedBuffer) {
	var logs lockedBuffer
	ts := startServer(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logs, nil)) })
	return ts, &logs
}

// lifecycle reads the next callback lifecycle event.
func (rc *rawClient) lifecycle() libvirt.DomainEventLifecycleMsg {
	rc.t.Helper()
	p := rc.read()
	var m libvirt.DomainEventCallbackLifecycleMsg
	if p.Procedure != proto.ProcDomainEventCallbackLifecycle || wire.Unmarshal(p.Payload, &m) != nil {
		rc.t.Fatalf("not a lifecycle event: %s", p.Header.String())
	}
	return m.Msg
}

func (rc *rawClient) registerLifecycle() {
	rc.t.Helper()
	rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 0}, &libvirt.ConnectDomainEventCallbackRegisterAnyRet{})
}

func waitCond(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestEventsResubscribeAndResync: when the driver's stream ends and the
// driver refuses a new subscription for a while, the server keeps trying;
// once subscribed again it emits the lifecycle change made meanwhile, then
// the driver's events as before.
func TestEventsResubscribeAndResync(t *testing.T) {
	ts, logs := startLoggedServer(t)
	<-ts.drv.subscribed
	d := ts.drv.add("ct1", true)
	rc := dial(t, ts.rw)
	rc.open(0)
	rc.registerLifecycle()
	ts.drv.events <- driverapi.Event{Kind: driverapi.EventLifecycle, Domain: d, Type: int32(libvirt.DomainEventDefined)}
	if m := rc.lifecycle(); m.Dom.Name != "ct1" || m.Event != int32(libvirt.DomainEventDefined) {
		t.Fatalf("first event %+v", m)
	}

	ts.drv.down.Store(true)
	ts.drv.cut <- struct{}{}
	<-ts.drv.refused // the server noticed and tried again
	ts.drv.mu.Lock()
	st := ts.drv.doms[d.UUID]
	st.ID, st.State = 4242, libvirt.DomainRunning
	ts.drv.mu.Unlock()
	ts.drv.down.Store(false)
	<-ts.drv.subscribed

	if m := rc.lifecycle(); m.Dom.Name != "ct1" || m.Event != int32(libvirt.DomainEventStarted) || m.Detail != int32(libvirt.DomainEventStartedBooted) || m.Dom.ID != 4242 {
		t.Fatalf("resync event %+v; want ct1 started booted, id 4242", m)
	}
	d.ID = 4242
	ts.drv.events <- driverapi.Event{Kind: driverapi.EventLifecycle, Domain: d, Type: int32(libvirt.DomainEventSuspended)}
	if m := rc.lifecycle(); m.Event != int32(libvirt.DomainEventSuspended) {
		t.Fatalf("event after the resync %+v", m)
	}
	for _, want := range []string{"driver event stream ended; subscribing again", "driver events unavailable; retrying", "events resynchronised"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

func TestResyncEvents(t *testing.T) {
	st := func(name string, s libvirt.DomainState, persistent bool) driverapi.Status {
		return driverapi.Status{Domain: driverapi.Domain{Name: name, UUID: uuidOf(name), ID: 1}, State: s, Persistent: persistent}
	}
	m := func(ss ...driverapi.Status) map[driverapi.UUID]driverapi.Status {
		out := map[driverapi.UUID]driverapi.Status{}
		for _, s := range ss {
			out[s.UUID] = s
		}
		return out
	}
	destroyed := st("c", libvirt.DomainShutoff, true)
	destroyed.Reason = int32(libvirt.DomainShutoffDestroyed)
	old := m(st("a", libvirt.DomainRunning, true), st("b", libvirt.DomainPaused, false), st("c", libvirt.DomainRunning, true),
		st("d", libvirt.DomainPaused, true), st("same", libvirt.DomainRunning, true))
	fresh := m(st("a", libvirt.DomainPaused, true), destroyed, st("d", libvirt.DomainRunning, true),
		st("new", libvirt.DomainRunning, true), st("same", libvirt.DomainRunning, true))
	got := map[string][]string{}
	for _, ev := range resyncEvents(old, fresh) {
		got[ev.Domain.Name] = append(got[ev.Domain.Name], fmt.Sprint(ev.Type, "/", ev.Detail))
	}
	want := map[string][]string{
		"a":   {"3/0"},        // suspended paused
		"b":   {"5/0"},        // transient, gone: stopped
		"c":   {"5/1"},        // stopped destroyed
		"d":   {"4/0"},        // resumed unpaused
		"new": {"0/0", "2/0"}, // defined added, started booted
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("resync events %v; want %v", got, want)
	}
}

// TestEventCallbackCap: a connection holds at most maxCallbacks
// registrations; the next is refused with an RPC error, a legacy one too,
// and a freed slot can be used again.
func TestEventCallbackCap(t *testing.T) {
	ts := startServer(t, nil)
	rc := dial(t, ts.rw)
	rc.open(0)
	var last libvirt.ConnectDomainEventCallbackRegisterAnyRet
	for range maxCallbacks {
		rc.mustCall(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 0}, &last)
	}
	e := rc.call(proto.ProcConnectDomainEventCallbackRegisterAny, &libvirt.ConnectDomainEventCallbackRegisterAnyArgs{EventID: 0}, nil)
	wantError(t, e, libvirt.ErrRPC, "too many domain event callbacks on this connection: 1025 for limit 1024")
	e = rc.call(proto.ProcConnectDomainEventRegisterAny, &libvirt.ConnectDomainEventRegisterAnyArgs{EventID: 1}, nil)
	wantError(t, e, libvirt.ErrRPC, "too many domain event callbacks on this connection: 1025 for limit 1024")
	rc.mustCall(proto.ProcConnectDomainEventCallbackDeregisterAny, &libvirt.ConnectDomainEventCallbackDeregisterAnyArgs{CallbackID: last.CallbackID}, nil)
	rc.mustCall(proto.ProcConnectDomainEventRegisterAny, &libvirt.ConnectDomainEventRegisterAnyArgs{EventID: 1}, nil)

	// Another connection has its own allowance.
	other := dial(t, ts.rw)
	other.open(0)
	other.registerLifecycle()
}

// TestSlowEventClientDropped: a client that registers the most callbacks
// and never reads is dropped, with one log line, while another client gets
// every event in order.
func TestSlowEventClientDropped(t *testing.T) {
	ts, logs := startLoggedServer(t)
	<-ts.drv.subscribed
	d := ts.drv.add("ct1", true)
	slow := dial(t, ts.rw)
	slow.open(0)
	for range maxCallbacks {
		slow.registerLifecycle()
	}
	fast := dial(t, ts.rw)
	fast.open(0)
	fast.registerLifecycle()

	// In step with the reader: the slow client's queue fills, the fast
	// one's never does.
	const n = eventQueueLen + 100
	for i := range n {
		dd := d
		dd.ID = int32(i)
		ts.drv.events <- driverapi.Event{Kind: driverapi.EventLifecycle, Domain: dd, Type: int32(libvirt.DomainEventSuspended)}
		if m := fast.lifecycle(); m.Dom.ID != int32(i) {
			t.Fatalf("event %d carries id %d", i, m.Dom.ID)
		}
	}
	waitCond(t, "the slow client to be dropped", func() bool { return len(ts.srv.snapshot()) == 1 })
	if got := strings.Count(logs.String(), "dropping client: not reading its events"); got != 1 {
		t.Fatalf("%d drop lines; want 1:\n%s", got, logs)
	}
	if lines := strings.Count(logs.String(), "\n"); lines > 20 {
		t.Fatalf("%d log lines for one slow client:\n%s", lines, logs)
	}
}
