//go:build integration

package integration

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestGoLibvirtLifecycle drives the daemon with go-libvirt, a pure-Go client
// with its own XDR code.
func TestGoLibvirtLifecycle(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	l := dialGo(t, d.sock)

	if _, err := l.DomainLookupByName("nosuch"); !libvirt.IsNotFound(err) {
		t.Fatalf("lookup of a missing domain: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events, err := l.LifecycleEvents(ctx)
	if err != nil {
		t.Fatal(err)
	}

	name := h.name("golibvirt")
	dom, err := l.DomainDefineXML(seedXML(name, h.rootfs(testenv.InitHonoursHalt)))
	if err != nil {
		t.Fatal(err)
	}
	expectEvent := func(want libvirt.DomainEventType) {
		t.Helper()
		select {
		case ev := <-events:
			if ev.Dom.Name != name || ev.Event != int32(want) {
				t.Fatalf("event %+v, want %v", ev, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no %v event", want)
		}
	}
	expectEvent(libvirt.DomainEventDefined)

	started, err := l.DomainCreateWithFlags(dom, 0)
	if err != nil {
		t.Fatal(err)
	}
	expectEvent(libvirt.DomainEventStarted)
	if _, err := os.Stat("/proc/" + strconv.Itoa(int(started.ID))); started.ID <= 0 || err != nil {
		t.Fatalf("started with Id %d: %v", started.ID, err)
	}
	if byID, err := l.DomainLookupByID(started.ID); err != nil || byID.UUID != dom.UUID {
		t.Fatalf("lookup by id: %+v %v", byID, err)
	}
	state, reason, err := l.DomainGetState(started, 0)
	if err != nil || state != int32(libvirt.DomainRunning) || reason != int32(libvirt.DomainRunningBooted) {
		t.Fatalf("state %d %d %v", state, reason, err)
	}
	if err := l.DomainSuspend(started); err != nil {
		t.Fatal(err)
	}
	expectEvent(libvirt.DomainEventSuspended)
	if err := l.DomainResume(started); err != nil {
		t.Fatal(err)
	}
	expectEvent(libvirt.DomainEventResumed)

	recs, err := l.ConnectGetAllDomainStats([]libvirt.Domain{started}, 0, 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("stats %v %v", recs, err)
	}
	params := map[string]any{}
	for _, p := range recs[0].Params {
		params[p.Field] = p.Value.I
	}
	if params["state.state"] != int32(libvirt.DomainRunning) || params["balloon.maximum"] != uint64(500000) || params["net.count"] != uint32(1) {
		t.Fatalf("stats params %v", params)
	}
	if _, ok := params["cpu.time"].(uint64); !ok {
		t.Fatalf("cpu.time %v", params["cpu.time"])
	}

	xml, err := l.DomainGetXMLDesc(started, 0)
	if err != nil || !containsAll(xml, "<name>"+name+"</name>", "id='"+strconv.Itoa(int(started.ID))+"'") {
		t.Fatalf("XML %v:\n%s", err, xml)
	}
	if err := l.DomainShutdown(started); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		state, reason, err = l.DomainGetState(started, 0)
		if err == nil && state == int32(libvirt.DomainShutoff) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still %d/%d (%v) after shutdown", state, reason, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if reason != int32(libvirt.DomainShutoffShutdown) {
		t.Fatalf("shut off reason %d", reason)
	}
	if err := l.DomainUndefineFlags(dom, 0); err != nil {
		t.Fatal(err)
	}
	doms, _, err := l.ConnectListAllDomains(1, 0)
	if err != nil || len(doms) != 0 {
		t.Fatalf("left %v %v", doms, err)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
