package driver

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// A start that hangs (a hung lxc-start) is preempted by destroy: the start
// is aborted, its runtime call ends, and destroy returns with the domain
// shut off, reason destroyed; the domain starts normally afterwards.
func TestDestroyPreemptsHungStart(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("stuck", uuidA)
	e.rt.mu.Lock()
	e.rt.hang["stuck"] = true
	e.rt.mu.Unlock()
	started := make(chan error, 1)
	go func() {
		_, err := e.l.Create(ctx, d.UUID, 0)
		started <- err
	}()
	e.rt.waitCalls("start stuck", 1)
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	if n := e.rt.count("killed stuck"); n != 1 {
		t.Fatalf("destroy returned before the hung start was killed (%d kills)", n)
	}
	wantCode(t, <-started, libvirt.ErrOperationAborted, "destroyed while it started")
	st := e.status(d)
	if st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffDestroyed) {
		t.Fatalf("after destroy: %+v; want shut off, destroyed", st)
	}
	e.rt.mu.Lock()
	e.rt.hang["stuck"] = false
	e.rt.mu.Unlock()
	if st := e.status(e.start(d)); st.State != libvirt.DomainRunning {
		t.Fatalf("start after the preempted one: %+v", st)
	}
}

// A transient domain whose start hangs is gone after destroy, which
// succeeds.
func TestDestroyPreemptsHungCreateXML(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	e.rt.mu.Lock()
	e.rt.hang["tstuck"] = true
	e.rt.mu.Unlock()
	started := make(chan error, 1)
	go func() {
		_, err := e.l.CreateXML(ctx, domXML("tstuck", uuidB), 0)
		started <- err
	}()
	e.rt.waitCalls("start tstuck", 1)
	d, err := e.l.LookupByName(ctx, "tstuck")
	must(t, err)
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	wantCode(t, <-started, libvirt.ErrOperationAborted, "destroyed while it started")
	if _, err := e.l.LookupByName(ctx, "tstuck"); !virterror.HasCode(err, libvirt.ErrNoDomain) {
		t.Fatalf("transient domain after destroy: %v; want gone", err)
	}
}

// A freeze that hangs half way (a task the freezer cannot stop) is
// preempted by destroy: the suspend fails as aborted, the half-frozen
// container is thawed and then killed, and the domain is shut off,
// reason destroyed.
func TestDestroyPreemptsHungSuspend(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("icy", uuidA))
	e.rt.mu.Lock()
	e.rt.hangFreeze["icy"] = true
	e.rt.mu.Unlock()
	suspended := make(chan error, 1)
	go func() { suspended <- e.l.Suspend(ctx, d.UUID) }()
	e.rt.waitCalls("freeze icy", 1)
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	wantCode(t, <-suspended, libvirt.ErrOperationAborted, "destroyed while it was being suspended")
	e.rt.mu.Lock()
	calls := append([]string(nil), e.rt.calls...)
	e.rt.mu.Unlock()
	var order []string
	for _, c := range calls {
		switch c {
		case "freeze killed icy", "unfreeze icy", "kill icy":
			order = append(order, c)
		}
	}
	if want := []string{"freeze killed icy", "unfreeze icy", "kill icy"}; !slices.Equal(order, want) {
		t.Fatalf("calls %q; want %q in that order", order, want)
	}
	st := e.status(d)
	if st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffDestroyed) {
		t.Fatalf("after destroy: %+v; want shut off, destroyed", st)
	}
}

// autostartEnv defines n autostart domains on a driver, closes it and
// returns the env with a fresh run dir (a new boot), not yet reopened.
func autostartEnv(t *testing.T, names []string, opts ...func(*env)) (*env, []driverapi.Domain) {
	e := newEnv(t, opts...)
	var doms []driverapi.Domain
	for _, n := range names {
		d := e.define(n, "")
		must(t, e.l.SetAutostart(t.Context(), d.UUID, true))
		doms = append(doms, d)
	}
	must(t, e.l.Close())
	e.runDir = t.TempDir()
	return e, doms
}

// Autostart starts at most AutostartParallel domains at once, and writes
// its marker only after every start finished.
func TestAutostartParallel(t *testing.T) {
	names := []string{"a1", "a2", "a3", "a4", "a5", "a6"}
	e, doms := autostartEnv(t, names)
	var (
		mu             sync.Mutex
		inFlight, peak int
	)
	release := make(chan struct{})
	e.rt.hook = func(op, name string) {
		if op != "start" {
			return
		}
		mu.Lock()
		inFlight++
		peak = max(peak, inFlight)
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
	}
	e.l = e.open()
	marker := filepath.Join(e.runDir, autostartMarker)
	for _, n := range names[:4] {
		e.rt.waitCalls("start "+n, 1)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("autostart marker written while starts are still running")
	}
	mu.Lock()
	if inFlight != 4 {
		t.Errorf("%d starts in flight; want 4", inFlight)
	}
	mu.Unlock()
	close(release)
	for _, d := range doms {
		e.waitState(d, libvirt.DomainRunning)
	}
	waitFile(t, marker)
	mu.Lock()
	defer mu.Unlock()
	if peak != 4 {
		t.Errorf("peak of %d parallel starts; want 4 (AutostartParallel's default)", peak)
	}
}

// A failed autostart is retried after a backoff that doubles; a domain
// that keeps failing is given up after autostartAttempts, and the marker
// is written only then. One that fails twice runs after two retries.
func TestAutostartRetriesWithBackoff(t *testing.T) {
	for _, tc := range []struct {
		fails, starts int
		state         libvirt.DomainState
	}{
		{fails: 2, starts: 3, state: libvirt.DomainRunning},
		{fails: 100, starts: autostartAttempts, state: libvirt.DomainShutoff},
	} {
		clock := newFakeClock()
		e, doms := autostartEnv(t, []string{"flaky"}, withClock(clock))
		e.rt.mu.Lock()
		e.rt.failStarts["flaky"] = tc.fails
		e.rt.mu.Unlock()
		e.l = e.open()
		marker := filepath.Join(e.runDir, autostartMarker)
		var backoffs []time.Duration
		for i := 1; i < tc.starts; i++ {
			e.rt.waitCalls("start flaky", i)
			tm := clock.fireNext(t, time.Hour)
			if _, err := os.Stat(marker); err == nil {
				t.Fatalf("marker written before attempt %d", i+1)
			}
			backoffs = append(backoffs, tm.d)
		}
		waitFile(t, marker)
		if n := e.rt.count("start flaky"); n != tc.starts {
			t.Errorf("%d failures: %d starts; want %d", tc.fails, n, tc.starts)
		}
		if st := e.status(doms[0]); st.State != tc.state {
			t.Errorf("%d failures: %+v; want state %v", tc.fails, st, tc.state)
		}
		for i, d := range backoffs {
			if want := autostartBackoff << i; d != want {
				t.Errorf("%d failures: backoff %d = %v; want %v", tc.fails, i+1, d, want)
			}
		}
	}
}

func waitFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
