package plugin

import (
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
)

func newTestInstance() *instance {
	return &instance{proc: &process{done: make(chan struct{})}}
}

func running(name string, u driverapi.UUID, id int32) driverapi.Status {
	return driverapi.Status{Domain: driverapi.Domain{Name: name, UUID: u, ID: id}, State: libvirt.DomainRunning, Persistent: true}
}

func shutoff(name string, u driverapi.UUID) driverapi.Status {
	return driverapi.Status{Domain: driverapi.Domain{Name: name, UUID: u, ID: -1}, State: libvirt.DomainShutoff, Persistent: true}
}

// attachedCache is a cache following inst.
func attachedCache(t *testing.T) (*statusCache, *instance) {
	t.Helper()
	c := newStatusCache()
	inst := newTestInstance()
	c.attach(inst)
	return c, inst
}

// fill stores sts through one fetch from inst.
func fill(c *statusCache, inst *instance, sts ...driverapi.Status) {
	c.finish(c.begin(inst), sts...)
}

func wantHit(t *testing.T, c *statusCache, inst *instance, want driverapi.Status) {
	t.Helper()
	got, ok := c.status(inst, want.UUID)
	if !ok || got != want {
		t.Fatalf("status(%s) = %+v, %v; want %+v from the cache", want.Name, got, ok, want)
	}
}

func wantMiss(t *testing.T, c *statusCache, inst *instance, u driverapi.UUID) {
	t.Helper()
	if got, ok := c.status(inst, u); ok {
		t.Fatalf("status(%x) answered %+v from the cache; want a miss", u, got)
	}
}

func TestCacheAnswersOnlyWhileFollowingEvents(t *testing.T) {
	c := newStatusCache()
	inst := newTestInstance()
	a := shutoff("a", uuidA)
	fill(c, inst, a)
	wantMiss(t, c, inst, uuidA) // not following any stream: nothing stored

	early := c.begin(inst) // a fetch that began before the stream was subscribed
	c.attach(inst)
	c.finish(early, a)
	wantMiss(t, c, inst, uuidA)

	fill(c, inst, a)
	wantHit(t, c, inst, a)
	if _, ok := c.status(newTestInstance(), uuidA); ok {
		t.Fatal("the cache answered for another plugin instance")
	}

	c.detach(newTestInstance()) // another instance's stream: no effect
	wantHit(t, c, inst, a)
	c.detach(inst)
	wantMiss(t, c, inst, uuidA)
	fill(c, inst, a)
	wantMiss(t, c, inst, uuidA)

	c.attach(inst)
	fill(c, inst, a)
	close(inst.proc.done) // the plugin died; the run loop has not detached yet
	wantMiss(t, c, inst, uuidA)
}

func TestCacheDropsAnswersThatRacedAnInvalidation(t *testing.T) {
	c, inst := attachedCache(t)
	a, b := shutoff("a", uuidA), shutoff("b", uuidB)

	f := c.begin(inst)
	c.invalidate(a.Domain) // an event for a while the fetch was in flight
	c.finish(f, a, b)
	wantMiss(t, c, inst, uuidA)
	wantHit(t, c, inst, b)

	f = c.begin(inst)
	c.clear() // a failed DefineXML: any domain may have changed
	c.finish(f, a)
	wantMiss(t, c, inst, uuidA)

	// An invalidation that came before the fetch began does not matter.
	c.invalidate(a.Domain)
	fill(c, inst, a)
	wantHit(t, c, inst, a)

	c.invalidate(b.Domain)
	wantMiss(t, c, inst, uuidB)
	wantHit(t, c, inst, a)
}

func TestCacheKeepsDomainsOutWhileTheyChange(t *testing.T) {
	c, inst := attachedCache(t)
	a := shutoff("a", uuidA)
	fill(c, inst, a)

	c.hold(uuidA)
	wantMiss(t, c, inst, uuidA)
	fill(c, inst, a) // a read while the change runs is not stored
	wantMiss(t, c, inst, uuidA)
	c.hold(uuidA) // two changes at once
	c.release(uuidA)
	fill(c, inst, a)
	wantMiss(t, c, inst, uuidA)

	f := c.begin(inst) // a read racing the end of the change
	c.release(uuidA)
	c.finish(f, a)
	wantMiss(t, c, inst, uuidA)

	fill(c, inst, a)
	wantHit(t, c, inst, a)
}

func TestCacheIndexesNames(t *testing.T) {
	c, inst := attachedCache(t)
	a, b := shutoff("a", uuidA), shutoff("b", uuidB)
	fill(c, inst, a, b)
	if d, ok := c.named(inst, "a"); !ok || d != a.Domain {
		t.Fatalf("named(a) = %+v, %v", d, ok)
	}
	if _, ok := c.named(inst, "c"); ok {
		t.Fatal("an unknown name was found")
	}

	// b takes a's name (a was undefined, b redefined): whatever returns b
	// evicts a's entry by name.
	c.invalidate(driverapi.Domain{Name: "a", UUID: uuidB, ID: -1})
	wantMiss(t, c, inst, uuidA)
	wantMiss(t, c, inst, uuidB)

	// A newer answer evicts an older entry holding its name.
	fill(c, inst, a)
	b2 := shutoff("a", uuidB)
	fill(c, inst, b2)
	wantMiss(t, c, inst, uuidA)
	if d, ok := c.named(inst, "a"); !ok || d != b2.Domain {
		t.Fatalf("named(a) after the newer answer = %+v, %v", d, ok)
	}
}

// A running or paused domain can change behind the driver's back, so
// only shut-off domains are stored; an answer that a domain is active
// drops its entry and any entry holding its name.
func TestCacheHoldsOnlyShutOffDomains(t *testing.T) {
	c, inst := attachedCache(t)
	a, b := shutoff("a", uuidA), shutoff("b", uuidB)
	paused := running("p", driverapi.UUID{9}, 8)
	paused.State = libvirt.DomainPaused
	fill(c, inst, running("r", driverapi.UUID{7}, 7), paused, a, b)
	wantMiss(t, c, inst, driverapi.UUID{7})
	wantMiss(t, c, inst, driverapi.UUID{9})
	if _, ok := c.named(inst, "r"); ok {
		t.Fatal("a running domain was found by name")
	}
	wantHit(t, c, inst, a)

	fill(c, inst, running("a", uuidA, 42)) // a was started behind the supervisor's back
	wantMiss(t, c, inst, uuidA)
	if _, ok := c.named(inst, "a"); ok {
		t.Fatal("a started domain was still found by name")
	}
	fill(c, inst, running("b", driverapi.UUID{8}, 43)) // another domain now holds b's name
	wantMiss(t, c, inst, uuidB)
}

func TestCacheBoundsItsMemoryOfInvalidations(t *testing.T) {
	c, inst := attachedCache(t)
	a := shutoff("a", uuidA)
	f := c.begin(inst)
	for i := range maxDropped {
		c.invalidate(driverapi.Domain{UUID: driverapi.UUID{byte(i), byte(i >> 8), 1}})
	}
	if len(c.dropped) != maxDropped {
		t.Fatalf("%d invalidations remembered, want %d", len(c.dropped), maxDropped)
	}
	c.invalidate(driverapi.Domain{UUID: uuidB}) // one more clears the cache instead
	if len(c.dropped) != 0 {
		t.Fatalf("%d invalidations remembered after the overflow", len(c.dropped))
	}
	c.finish(f, a)
	wantMiss(t, c, inst, uuidA)

	fill(c, inst, a)
	c.invalidate(driverapi.Domain{UUID: uuidB})
	if len(c.dropped) != 0 {
		t.Fatal("an invalidation was remembered with no fetch in flight")
	}
	wantHit(t, c, inst, a)
}
