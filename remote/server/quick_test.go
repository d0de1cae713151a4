package server

import (
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// cachingDriver is the fake driver plus statuses it knows at once, as
// plugin.Supervisor's cache does; they differ from the fake's own answers
// so a test can tell where an answer came from.
type cachingDriver struct {
	*fakeDriver
	mu     sync.Mutex
	cached map[driverapi.UUID]driverapi.Status
}

func (d *cachingDriver) CachedStatus(u driverapi.UUID) (driverapi.Status, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	st, ok := d.cached[u]
	return st, ok
}

// TestGetStateFromTheDriversCache: GET_STATE is answered from what the
// driver knows at once, after the usual checks, even while another call of
// the same client waits; everything else takes the normal path.
func TestGetStateFromTheDriversCache(t *testing.T) {
	cd := &cachingDriver{cached: map[driverapi.UUID]driverapi.Status{}}
	ts := startServer(t, func(c *Config) {
		cd.fakeDriver = c.Driver.(*fakeDriver)
		c.Driver = cd
	})
	known, other := ts.drv.add("known", true), ts.drv.add("other", true)
	cd.cached[known.UUID] = driverapi.Status{Domain: known, State: libvirt.DomainPaused, Reason: int32(libvirt.DomainPausedUser), Persistent: true}
	state := func(rc *rawClient, d driverapi.Domain, flags uint32) (libvirt.DomainGetStateRet, *wire.ErrorPayload) {
		t.Helper()
		var ret libvirt.DomainGetStateRet
		e := rc.call(proto.ProcDomainGetState, &libvirt.DomainGetStateArgs{Dom: wireDomain(d), Flags: flags}, &ret)
		return ret, e
	}

	rc := dial(t, ts.rw)
	_, e := state(rc, known, 0)
	wantError(t, e, libvirt.ErrInternalError, "internal error: connection not open")
	rc.open(0)

	if ret, e := state(rc, known, 0); e != nil || ret.State != int32(libvirt.DomainPaused) || ret.Reason != int32(libvirt.DomainPausedUser) {
		t.Fatalf("cached domain: %+v %v; want paused (user) from the cache", ret, e)
	}
	if ret, e := state(rc, other, 0); e != nil || ret.State != int32(libvirt.DomainShutoff) {
		t.Fatalf("uncached domain: %+v %v; want the driver's shut off", ret, e)
	}
	_, e = state(rc, known, 1)
	wantError(t, e, libvirt.ErrInvalidArg, "invalid argument: unsupported flags (0x1) in function virDomainGetState")
	_, e = state(rc, driverapi.Domain{Name: "gone", UUID: uuidOf("gone")}, 0)
	wantError(t, e, libvirt.ErrNoDomain, "Domain not found: no domain with matching uuid")

	// A call that waits does not hold up the answer.
	blocked := rc.start(proto.ProcDomainLookupByName, &libvirt.DomainLookupByNameArgs{Name: "block1"})
	<-ts.drv.entered
	serial := rc.start(proto.ProcDomainGetState, &libvirt.DomainGetStateArgs{Dom: wireDomain(known)})
	if p := rc.read(); p.Serial != serial || p.Status != wire.OK {
		t.Fatalf("first reply %s; want GET_STATE's (serial %d) while the lookup waits", p.Header.String(), serial)
	}
	close(ts.drv.release)
	if p := rc.read(); p.Serial != blocked {
		t.Fatalf("second reply %s; want the lookup's (serial %d)", p.Header.String(), blocked)
	}

	// The read-only socket answers from the cache too.
	ro := dial(t, ts.ro)
	ro.open(libvirt.ConnectRo)
	if ret, e := state(ro, known, 0); e != nil || ret.State != int32(libvirt.DomainPaused) {
		t.Fatalf("read-only client: %+v %v", ret, e)
	}
}
