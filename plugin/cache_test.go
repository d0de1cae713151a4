package plugin

import (
	"testing"
	"time"

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

// attachedCache is a cache following inst, with a clock the test moves.
func attachedCache(t *testing.T) (*statusCache, *instance, *time.Time) {
	t.Helper()
	c := newStatusCache()
	now := time.Unix(1000, 0)
	c.now = func() time.Time { return now }
	inst := newTestInstance()
	c.attach(inst)
	return c, inst, &now
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
	c, inst, _ := attachedCache(t)
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
	c, inst, _ := attachedCache(t)
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

func TestCacheIndexesNamesAndIDs(t *testing.T) {
	c, inst, _ := attachedCache(t)
	a := running("a", uuidA, 4242)
	b := shutoff("b", uuidB)
	fill(c, inst, a, b)
	if d, ok := c.named(inst, "a"); !ok || d != a.Domain {
		t.Fatalf("named(a) = %+v, %v", d, ok)
	}
	if d, ok := c.withID(inst, 4242); !ok || d != a.Domain {
		t.Fatalf("withID(4242) = %+v, %v", d, ok)
	}
	if _, ok := c.withID(inst, -1); ok {
		t.Fatal("an inactive domain was found by ID -1")
	}
	if _, ok := c.named(inst, "c"); ok {
		t.Fatal("an unknown name was found")
	}

	// b is started under a's old ID (a stopped, its PID was reused) and
	// takes a's name (a was undefined, b redefined): whatever returns b
	// evicts a's entry by ID and by name.
	c.invalidate(driverapi.Domain{Name: "b", UUID: uuidB, ID: 4242})
	wantMiss(t, c, inst, uuidA)
	wantMiss(t, c, inst, uuidB)
	fill(c, inst, a)
	c.invalidate(driverapi.Domain{Name: "a", UUID: uuidB, ID: -1})
	wantMiss(t, c, inst, uuidA)

	// A newer answer evicts an older entry holding its name or ID.
	fill(c, inst, a)
	b2 := running("a", uuidB, 4242)
	fill(c, inst, b2)
	wantMiss(t, c, inst, uuidA)
	if d, ok := c.named(inst, "a"); !ok || d != b2.Domain {
		t.Fatalf("named(a) after the newer answer = %+v, %v", d, ok)
	}
}

func TestCacheExpiresRunningDomains(t *testing.T) {
	c, inst, now := attachedCache(t)
	a, b := running("a", uuidA, 7), shutoff("b", uuidB)
	fill(c, inst, a, b)
	*now = now.Add(activeMaxAge)
	wantHit(t, c, inst, a)
	*now = now.Add(time.Millisecond)
	wantMiss(t, c, inst, uuidA)
	if _, ok := c.withID(inst, 7); ok {
		t.Fatal("an expired entry was found by ID")
	}
	wantHit(t, c, inst, b) // shut off: every change of it is reported

	// A newer answer, even an unchanged one, renews the entry.
	fill(c, inst, a)
	*now = now.Add(activeMaxAge / 2)
	fill(c, inst, a)
	*now = now.Add(activeMaxAge * 3 / 4)
	wantHit(t, c, inst, a)
}

func TestCacheBoundsItsMemoryOfInvalidations(t *testing.T) {
	c, inst, _ := attachedCache(t)
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
