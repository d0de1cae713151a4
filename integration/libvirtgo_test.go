//go:build integration && cgo

package integration

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"libvirt.org/go/libvirt"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// runEventLoop drives libvirt's default event loop (which the C client also
// uses for keepalive) until the test ends.
func runEventLoop(t *testing.T) {
	t.Helper()
	if err := libvirt.EventRegisterDefaultImpl(); err != nil {
		t.Fatal(err)
	}
	// A periodic timer wakes the loop so that it notices the stop.
	timer, err := libvirt.EventAddTimeout(100, func(int) {})
	if err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := libvirt.EventRunDefaultImpl(); err != nil {
				t.Errorf("event loop: %v", err)
				return
			}
		}
	}()
	t.Cleanup(func() {
		close(stop)
		<-done
		_ = libvirt.EventRemoveTimeout(timer)
	})
}

// TestLibvirtGoLifecycle drives the daemon with libvirt's own C client
// library through libvirt.org/go/libvirt.
func TestLibvirtGoLifecycle(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	runEventLoop(t)

	conn, err := libvirt.NewConnect(uri(d.sock))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()

	if typ, err := conn.GetType(); err != nil || typ != "LXC" {
		t.Fatalf("type %q %v", typ, err)
	}
	if v, err := conn.GetLibVersion(); err != nil || v != 9000000 {
		t.Fatalf("lib version %d %v", v, err)
	}
	if caps, err := conn.GetCapabilities(); err != nil || !strings.Contains(caps, "<os_type>exe</os_type>") {
		t.Fatalf("capabilities %v", err)
	}
	_, err = conn.LookupDomainByName("nosuch")
	var lerr libvirt.Error
	if !errors.As(err, &lerr) || lerr.Code != libvirt.ERR_NO_DOMAIN {
		t.Fatalf("lookup of a missing domain: %v", err)
	}

	var mu sync.Mutex
	var events []string
	cb, err := conn.DomainEventLifecycleRegister(nil, func(_ *libvirt.Connect, dom *libvirt.Domain, ev *libvirt.DomainEventLifecycle) {
		name, _ := dom.GetName()
		mu.Lock()
		events = append(events, fmt.Sprintf("%s %d %d", name, ev.Event, ev.Detail))
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.DomainEventDeregister(cb)

	name := h.name("libvirtgo")
	dom, err := conn.DomainDefineXML(seedXML(name, h.rootfs(testenv.InitHonoursHalt)))
	if err != nil {
		t.Fatal(err)
	}
	defer dom.Free()
	if err := dom.Create(); err != nil {
		t.Fatal(err)
	}
	if st, reason, err := dom.GetState(); err != nil || st != libvirt.DOMAIN_RUNNING || reason != int(libvirt.DOMAIN_RUNNING_BOOTED) {
		t.Fatalf("state %v %v %v", st, reason, err)
	}
	// A fresh lookup carries the init PID as the Id.
	running, err := conn.LookupDomainByName(name)
	if err != nil {
		t.Fatal(err)
	}
	defer running.Free()
	id, err := running.GetID()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", id)); err != nil {
		t.Fatalf("Id %d is not a process: %v", id, err)
	}
	info, err := running.GetInfo()
	if err != nil || info.MaxMem != 500000 || info.NrVirtCpu != 1 || info.State != libvirt.DOMAIN_RUNNING {
		t.Fatalf("info %+v %v", info, err)
	}
	if err := running.Suspend(); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := running.GetState(); st != libvirt.DOMAIN_PAUSED {
		t.Fatalf("after suspend: %v", st)
	}
	if err := running.Resume(); err != nil {
		t.Fatal(err)
	}
	stats, err := conn.GetAllDomainStats([]*libvirt.Domain{running}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != 1 || stats[0].State == nil || stats[0].State.State != libvirt.DOMAIN_RUNNING ||
		stats[0].Cpu == nil || !stats[0].Cpu.TimeSet || stats[0].Balloon == nil || stats[0].Balloon.Maximum != 500000 || len(stats[0].Net) != 1 {
		t.Fatalf("stats %+v", stats)
	}
	for _, s := range stats {
		_ = s.Domain.Free()
	}
	if err := running.SetAutostart(true); err != nil {
		t.Fatal(err)
	}
	if auto, err := running.GetAutostart(); err != nil || !auto {
		t.Fatalf("autostart %v %v", auto, err)
	}
	if err := running.Create(); err == nil {
		t.Fatal("starting a running domain succeeded")
	} else if !errors.As(err, &lerr) || lerr.Code != libvirt.ERR_OPERATION_INVALID {
		t.Fatalf("starting a running domain: %v", err)
	}
	if err := running.Destroy(); err != nil {
		t.Fatal(err)
	}
	if err := running.Undefine(); err != nil {
		t.Fatal(err)
	}
	if doms, err := conn.ListAllDomains(0); err != nil || len(doms) != 0 {
		t.Fatalf("left %d domains: %v", len(doms), err)
	}

	want := []string{
		fmt.Sprintf("%s %d 0", name, libvirt.DOMAIN_EVENT_DEFINED),
		fmt.Sprintf("%s %d 0", name, libvirt.DOMAIN_EVENT_STARTED),
		fmt.Sprintf("%s %d 0", name, libvirt.DOMAIN_EVENT_SUSPENDED),
		fmt.Sprintf("%s %d 0", name, libvirt.DOMAIN_EVENT_RESUMED),
		fmt.Sprintf("%s %d 1", name, libvirt.DOMAIN_EVENT_STOPPED), // destroyed
		fmt.Sprintf("%s %d 0", name, libvirt.DOMAIN_EVENT_UNDEFINED),
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		got := strings.Join(events, "\n")
		mu.Unlock()
		if got == strings.Join(want, "\n") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lifecycle events:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
