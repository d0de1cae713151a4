package plugin

import (
	"sync"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// activeMaxAge bounds how long the cache trusts a running domain's entry.
// Every change of a domain is either a call through the supervisor or
// reported by an event, except a freezer written behind LXC's back (not
// with lxc-freeze) and a freeze made while the driver's LXC monitor is
// being restarted; the driver sees those when asked, so a running domain
// is asked again after this long.
const activeMaxAge = time.Second

// maxDropped caps the invalidations remembered while fetches are in
// flight; beyond it the cache is cleared instead.
const maxDropped = 4096

// statusCache is the supervisor's copy of the plugin's answers to state
// queries (Status and the lookups), so the daemon answers the most frequent
// calls — virsh list asks for the state of every domain it lists — without
// a round trip to the plugin. It is filled from the plugin's ListAll and
// Status replies and is never older than what a client could know:
//
//   - it is used only while it follows the current plugin's event stream
//     (attach); when that stream ends or the plugin dies it is cleared and
//     unused until it follows the next stream;
//   - an event drops its domain's entry before any subscriber receives it,
//     so a client that saw the event gets the new state;
//   - a call that changes a domain drops the entry when it starts, keeps
//     the domain out of the cache while it runs and drops the entry again
//     before its caller gets the reply; a call that creates or redefines a
//     domain from XML drops whatever held its UUID, name or ID (everything
//     when it failed);
//   - a reply is stored only when no invalidation of its domain (nor a
//     clearing) happened since the fetch began: generations, so an answer
//     the plugin gave before a change can never land after the change's
//     invalidation.
//
// A running domain's entry also expires after activeMaxAge.
type statusCache struct {
	mu       sync.Mutex
	src      *instance                 // the plugin whose events the cache follows; nil: unused
	seq      uint64                    // counts invalidations
	floor    uint64                    // seq of the last clearing
	dropped  map[driverapi.UUID]uint64 // seq of each domain's last invalidation, while fetches run
	fetching int                       // fetches begun and not finished
	busy     map[driverapi.UUID]int    // changing calls in flight per domain
	entries  map[driverapi.UUID]cachedStatus
	byName   map[string]driverapi.UUID
	byID     map[int32]driverapi.UUID
	now      func() time.Time
}

type cachedStatus struct {
	st driverapi.Status
	at time.Time // when the fetch that brought it began
}

func newStatusCache() *statusCache {
	return &statusCache{
		dropped: map[driverapi.UUID]uint64{},
		busy:    map[driverapi.UUID]int{},
		entries: map[driverapi.UUID]cachedStatus{},
		byName:  map[string]driverapi.UUID{},
		byID:    map[int32]driverapi.UUID{},
		now:     time.Now,
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
	clear(c.byID)
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
	e, ok := c.entries[u]
	if !ok || (e.st.ID >= 0 && c.now().Sub(e.at) > activeMaxAge) {
		return driverapi.Status{}, false
	}
	return e.st, true
}

// named returns the cached domain called name, if the cache may answer
// for inst.
func (c *statusCache) named(inst *instance, name string) (driverapi.Domain, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.byName[name]
	return c.indexedLocked(inst, u, ok)
}

// withID returns the cached running domain whose ID is id, if the cache
// may answer for inst.
func (c *statusCache) withID(inst *instance, id int32) (driverapi.Domain, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	u, ok := c.byID[id]
	return c.indexedLocked(inst, u, ok)
}

func (c *statusCache) indexedLocked(inst *instance, u driverapi.UUID, found bool) (driverapi.Domain, bool) {
	if !found {
		return driverapi.Domain{}, false
	}
	st, ok := c.lookupLocked(inst, u)
	return st.Domain, ok
}

// fetch is a read from the plugin whose reply may be stored.
type fetch struct {
	src *instance
	seq uint64
	at  time.Time
}

// begin records what the cache knows when a fetch from inst starts; every
// begin is matched by one finish.
func (c *statusCache) begin(inst *instance) fetch {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fetching++
	f := fetch{seq: c.seq, at: c.now()}
	if c.src == inst {
		f.src = inst
	}
	return f
}

// finish stores the statuses a fetch brought (none when it failed), each
// unless its domain was invalidated or is being changed since the fetch
// began.
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
		if e, ok := c.entries[u]; ok && e.st == st {
			if f.at.After(e.at) { // the indexes hold it already
				c.entries[u] = cachedStatus{st: st, at: f.at}
			}
			continue
		}
		c.removeLocked(u)
		// Another entry with this name or ID is older than this answer.
		if v, ok := c.byName[st.Name]; ok {
			c.removeLocked(v)
		}
		if v, ok := c.byID[st.ID]; ok && st.ID > 0 {
			c.removeLocked(v)
		}
		c.entries[u] = cachedStatus{st: st, at: f.at}
		c.byName[st.Name] = u
		if st.ID > 0 {
			c.byID[st.ID] = u
		}
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
// entry claims its name or ID. Events and calls that return a domain use it.
func (c *statusCache) invalidate(d driverapi.Domain) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.invalidateLocked(d.UUID)
	if v, ok := c.byName[d.Name]; ok {
		c.invalidateLocked(v)
	}
	if v, ok := c.byID[d.ID]; ok && d.ID > 0 {
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
	e, ok := c.entries[u]
	if !ok {
		return
	}
	delete(c.entries, u)
	if c.byName[e.st.Name] == u {
		delete(c.byName, e.st.Name)
	}
	if c.byID[e.st.ID] == u {
		delete(c.byID, e.st.ID)
	}
}
