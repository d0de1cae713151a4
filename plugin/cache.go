package plugin

import (
	"sync"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// maxDropped caps the invalidations remembered while fetches are in
// flight; beyond it the cache is cleared instead.
const maxDropped = 4096

// statusCache is the supervisor's copy of the plugin's answers about
// shut-off domains (Status and the lookups), so the daemon answers the most
// frequent calls — virsh list asks for the state of every domain it lists —
// without a round trip to the plugin. It holds only domains that are shut
// off: a running or paused container can change behind the driver's back
// (a freezer written by hand, an init killed) in ways the driver sees only
// when asked, so the plugin is asked each time. A shut-off domain changes
// only by a call through the supervisor or with an event from the driver
// (a container started with lxc-start behind its back, an on_* restart).
// The cache is filled from the plugin's ListAll and Status replies and is
// never older than what a client could know:
//
//   - it is used only while it follows the current plugin's event stream
//     (attach); when that stream ends or the plugin dies it is cleared and
//     unused until it follows the next stream;
//   - an event drops its domain's entry before any subscriber receives it,
//     so a client that saw the event gets the new state;
//   - a call that changes a domain drops the entry when it starts, keeps
//     the domain out of the cache while it runs and drops the entry again
//     before its caller gets the reply; a call that creates or redefines a
//     domain from XML drops whatever held its UUID or name (everything
//     when it failed);
//   - a reply is stored only when no invalidation of its domain (nor a
//     clearing) happened since the fetch began: generations, so an answer
//     the plugin gave before a change can never land after the change's
//     invalidation.
//
// Between the driver's change of a shut-off domain and its event reaching
// the supervisor the cache still answers the old state, as the driver did
// a moment earlier; no client that received the event gets it.
type statusCache struct {
	mu       sync.Mutex
	src      *instance                           // the plugin whose events the cache follows; nil: unused
	seq      uint64                              // counts invalidations
	floor    uint64                              // seq of the last clearing
	dropped  map[driverapi.UUID]uint64           // seq of each domain's last invalidation, while fetches run
	fetching int                                 // fetches begun and not finished
	busy     map[driverapi.UUID]int              // changing calls in flight per domain
	entries  map[driverapi.UUID]driverapi.Status // shut-off domains only
	byName   map[string]driverapi.UUID
}

func newStatusCache() *statusCache {
	return &statusCache{
		dropped: map[driverapi.UUID]uint64{},
		busy:    map[driverapi.UUID]int{},
		entries: map[driverapi.UUID]driverapi.Status{},
		byName:  map[string]driverapi.UUID{},
	}
}

// attach makes the cache follow inst, whose event stream has just been
// subscribed: from now on every change in inst is a call through the
// supervisor or an event.
func (c *statusCache) attach(inst *instance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.src = inst
	c.clearLocked()
}

// detach stops using the cache when the event stream of inst ended.
func (c *statusCache) detach(inst *instance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.src == inst {
		c.src = nil
		c.clearLocked()
	}
}

// clear drops every entry: a change whose domain is unknown.
func (c *statusCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.clearLocked()
}

func (c *statusCache) clearLocked() {
	c.seq++
	c.floor = c.seq
	clear(c.dropped)
	clear(c.entries)
	clear(c.byName)
}

// usableLocked reports whether inst's answers may come from the cache.
func (c *statusCache) usableLocked(inst *instance) bool {
	return inst != nil && c.src == inst && !inst.exited()
}

// status returns u's cached status, if the cache may answer for inst.
func (c *statusCache) status(inst *instance, u driverapi.UUID) (driverapi.Status, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookupLocked(inst, u)
}

func (c *statusCache) lookupLocked(inst *instance, u driverapi.UUID) (driverapi.Status, bool) {
	if !c.usableLocked(inst) { // a domain being changed has no entry (hold, finish)
		return driverapi.Status{}, false
	}
	st, ok := c.entries[u]
	return st, ok
}

// named returns the cached domain called name, if the cache may answer
// for inst.
func (c *statusCache) named(inst *instance, name string) (driverapi.Domain, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.byName[name]
	if !ok {
		return driverapi.Domain{}, false
	}
	st, ok := c.lookupLocked(inst, u)
	return st.Domain, ok
}

// fetch is a read from the plugin whose reply may be stored.
type fetch struct {
	src *instance
	seq uint64
}

// begin records what the cache knows when a fetch from inst starts; every
// begin is matched by one finish.
func (c *statusCache) begin(inst *instance) fetch {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetching++
	f := fetch{seq: c.seq}
	if c.src == inst {
		f.src = inst
	}
	return f
}

// finish stores the shut-off domains among the statuses a fetch brought
// (none when it failed), each unless its domain was invalidated or is
// being changed since the fetch began; an active domain's status drops
// whatever the cache held for its UUID or name.
func (c *statusCache) finish(f fetch, sts ...driverapi.Status) {
	c.mu.Lock()
	defer c.mu.Unlock()
	defer func() {
		if c.fetching--; c.fetching == 0 {
			clear(c.dropped) // no fetch can predate these invalidations any more
		}
	}()
	if f.src == nil || f.src != c.src || f.seq < c.floor {
		return
	}
	for _, st := range sts {
		u := st.UUID
		if c.busy[u] > 0 || c.dropped[u] > f.seq {
			continue
		}
		if e, ok := c.entries[u]; ok && e == st {
			continue
		}
		c.removeLocked(u)
		// Another entry with this name is older than this answer.
		if v, ok := c.byName[st.Name]; ok {
			c.removeLocked(v)
		}
		if st.ID >= 0 || st.State != libvirt.DomainShutoff {
			continue
		}
		c.entries[u] = st
		c.byName[st.Name] = u
	}
}

// hold keeps u out of the cache while a call changes it; release ends that
// once the call returned. Both drop u's entry.
func (c *statusCache) hold(u driverapi.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy[u]++
	c.invalidateLocked(u)
}

func (c *statusCache) release(u driverapi.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.busy[u]--; c.busy[u] <= 0 {
		delete(c.busy, u)
	}
	c.invalidateLocked(u)
}

// invalidate drops what the cache holds for d: its UUID, and whatever other
// entry claims its name. Events and calls that return a domain use it.
func (c *statusCache) invalidate(d driverapi.Domain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidateLocked(d.UUID)
	if v, ok := c.byName[d.Name]; ok {
		c.invalidateLocked(v)
	}
}

func (c *statusCache) invalidateLocked(u driverapi.UUID) {
	c.seq++
	if c.fetching > 0 {
		if len(c.dropped) >= maxDropped {
			c.clearLocked()
			return
		}
		c.dropped[u] = c.seq
	}
	c.removeLocked(u)
}

// removeLocked deletes u's entry and its index entries.
func (c *statusCache) removeLocked(u driverapi.UUID) {
	st, ok := c.entries[u]
	if !ok {
		return
	}
	delete(c.entries, u)
	if c.byName[st.Name] == u {
		delete(c.byName, st.Name)
	}
}
