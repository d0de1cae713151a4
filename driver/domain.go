package driver

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// domain is one domain object. Like libvirt's virDomainObj it has two locks:
//
//   - job: held for a whole operation that changes the domain (start, stop,
//     define …), so operations on one domain serialise while operations on
//     different domains run in parallel. It is a one-slot channel so waiting
//     honours a context.
//   - mu: guards the fields below for short reads and writes; queries such as
//     ListAll take only mu and never wait for a job.
//
// Lock order: job, then the driver's define lock, then the table lock, then
// mu. No lock is held while waiting on anything but another of these.
type domain struct {
	uuid driverapi.UUID
	name string // fixed for the object's life (a rename is a new object)
	job  chan struct{}

	mu         sync.Mutex
	persistent *definition    // the persistent definition; nil for a transient domain
	live       *xmlmap.Mapped // the running definition; nil while shut off
	// booted is the running definition the container started with, which
	// LXC brings back when it restarts the container in place (a guest
	// reboot): devices attached or detached since changed only live.
	booted    *xmlmap.Mapped
	liveXML   string // live, formatted (run state; a transient domain restarts from it)
	autostart bool
	state     libvirt.DomainState
	reason    int32
	pid       int
	startedAt time.Time
	consoles  []string   // host pty path of each console, once relayed (console.go)
	loops     []lxc.Loop // loop devices attached for this run's image files
	removed   bool       // dropped from the table; a waiting job must give up
	snaps     snapTree   // the domain's snapshots (snapshot.go)
	// jobStarted is when the save in progress began its dump (zero when
	// none), for virDomainGetJobInfo.
	jobStarted time.Time
	// managedSave: the domain has a managed save image (save.go).
	managedSave bool

	// Changed only by the job holder (under mu).
	ct Container // the running init's handle
	// abortJob cancels the start or suspend in progress (nil when none),
	// so that destroy need not wait for one that hangs.
	abortJob context.CancelCauseFunc
	pending  pending // what the driver asked the running container to do

	reconcileQueued atomic.Bool // a check against LXC's state is waiting for the job
}

func newDomain(uuid driverapi.UUID, name string) *domain {
	return &domain{
		uuid:   uuid,
		name:   name,
		job:    make(chan struct{}, 1),
		state:  libvirt.DomainShutoff,
		reason: int32(libvirt.DomainShutoffUnknown),
	}
}

// beginJob takes d's job lock, waiting at most jobTimeout; a domain removed
// while the caller waited reports not found.
func (d *domain) beginJob(ctx context.Context, jobTimeout time.Duration) error {
	t := time.NewTimer(jobTimeout)
	defer t.Stop()
	select {
	case d.job <- struct{}{}:
	case <-ctx.Done():
		return runtimeErr("lock", d.name, ctx.Err())
	case <-t.C:
		return errJobTimeout()
	}
	d.mu.Lock()
	removed := d.removed
	d.mu.Unlock()
	if removed {
		d.endJob()
		return errNoUUID(d.uuid)
	}
	return nil
}

func (d *domain) endJob() { <-d.job }

// active reports whether the container runs (running or paused). Caller
// holds mu.
func (d *domain) activeLocked() bool { return d.live != nil }

func (d *domain) active() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.activeLocked()
}

// ref is d's identity as the API returns it. Caller holds mu.
func (d *domain) refLocked() driverapi.Domain {
	id := int32(-1)
	if d.activeLocked() {
		id = int32(d.pid)
	}
	return driverapi.Domain{Name: d.name, UUID: d.uuid, ID: id}
}

func (d *domain) ref() driverapi.Domain {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.refLocked()
}

// sizesLocked are the sizes of the definition that describes d now: the
// live one while it runs, else the persistent one; false when d has
// neither. Caller holds mu.
func (d *domain) sizesLocked() (sizes, bool) {
	switch {
	case d.live != nil:
		return sizesOf(d.live), true
	case d.persistent != nil:
		return d.persistent.sizes, true
	}
	return sizes{}, false
}

// restartDefLocked is what d starts from when the driver restarts it
// itself: the persistent definition, or the one a transient domain runs.
// Caller holds mu.
func (d *domain) restartDefLocked() *definition {
	if d.persistent != nil || d.live == nil {
		return d.persistent
	}
	return &definition{xml: d.liveXML, sizes: sizesOf(d.live)}
}

// definition is a persistent definition as a domain keeps it: the
// normalised XML — what domains/<uuid>.xml holds and an inactive dumpxml
// returns — and the sizes that queries report. The parsed form
// (*xmlmap.Mapped, several KiB per domain) is rebuilt from the XML when a
// start needs it, so that defined domains cost the driver little memory.
type definition struct {
	xml   string
	sizes sizes
}

// sizes are the resources a definition declares, as statistics report
// them.
type sizes struct {
	maxMemKiB, curMemKiB uint64
	vcpus                uint
}

func sizesOf(m *xmlmap.Mapped) sizes {
	return sizes{maxMemKiB: m.MaxMemKiB, curMemKiB: m.CurMemKiB, vcpus: m.VCPUs}
}

// definitionOf formats a parsed definition for keeping.
func definitionOf(m *xmlmap.Mapped) (*definition, error) {
	text, err := xmlmap.FormatDomain(m.Domain)
	if err != nil {
		return nil, err
	}
	return &definition{xml: text, sizes: sizesOf(m)}, nil
}

func (d *domain) setState(state libvirt.DomainState, reason int32) {
	d.mu.Lock()
	d.state, d.reason = state, reason
	d.mu.Unlock()
}

// table indexes the domain objects by UUID, name and ID (init PID).
type table struct {
	mu     sync.RWMutex
	byUUID map[driverapi.UUID]*domain
	byName map[string]*domain
	byID   map[int32]*domain
	sorted []*domain // every domain by name, built when all needs it; nil after a change
}

func newTable() *table {
	return &table{byUUID: map[driverapi.UUID]*domain{}, byName: map[string]*domain{}, byID: map[int32]*domain{}}
}

func (t *table) get(u driverapi.UUID) *domain {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byUUID[u]
}

func (t *table) getName(name string) *domain {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byName[name]
}

func (t *table) getID(id int32) *domain {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.byID[id]
}

func (t *table) add(d *domain) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.byUUID[d.uuid] = d
	t.byName[d.name] = d
	t.sorted = nil
}

// remove drops d from every index and marks it removed.
func (t *table) remove(d *domain) {
	t.mu.Lock()
	if t.byUUID[d.uuid] == d {
		delete(t.byUUID, d.uuid)
	}
	if t.byName[d.name] == d {
		delete(t.byName, d.name)
	}
	for id, x := range t.byID {
		if x == d {
			delete(t.byID, id)
		}
	}
	t.sorted = nil
	t.mu.Unlock()
	d.mu.Lock()
	d.removed = true
	d.mu.Unlock()
}

// setID moves d's ID index entry from old to id (0 = none).
func (t *table) setID(d *domain, old, id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old > 0 && t.byID[int32(old)] == d {
		delete(t.byID, int32(old))
	}
	if id > 0 {
		t.byID[int32(id)] = d
	}
}

// all returns every domain sorted by name. The order is kept until the
// set changes, so listing a thousand domains does not sort them each time;
// callers must not modify the slice (appending copies it).
func (t *table) all() []*domain {
	t.mu.RLock()
	sorted := t.sorted
	t.mu.RUnlock()
	if sorted != nil {
		return sorted[:len(sorted):len(sorted)]
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sorted == nil {
		t.sorted = make([]*domain, 0, len(t.byUUID))
		for _, d := range t.byUUID {
			t.sorted = append(t.sorted, d)
		}
		slices.SortFunc(t.sorted, func(a, b *domain) int { return strings.Compare(a.name, b.name) })
	}
	return t.sorted[:len(t.sorted):len(t.sorted)]
}
