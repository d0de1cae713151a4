//go:build integration

package integration

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/plugin/plugintest"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// superviseDriver runs the real driver plugin on h's directories, as the
// daemon does.
func superviseDriver(t *testing.T, h *host, bin string) *plugin.Supervisor {
	t.Helper()
	set := settings.Defaults()
	set.StateDir, set.LXCPath, set.RunDir, set.ShutdownGrace = h.stateDir, h.lxcPath, h.runDir, h.grace
	s, err := plugin.NewSupervisor(t.Context(), plugin.SupervisorConfig{
		Path:     bin,
		Settings: set,
		Logger:   h.log,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// TestPluginKilledWhileContainersRun kills the driver plugin three times
// while several clients keep calling it and containers run: every call
// succeeds or gets a libvirt error, calls succeed again after each
// kill, the containers keep running with the same IDs, the definitions
// reload, the event subscription made before the kills ends (its
// subscriber resubscribes and resynchronises) and a new one follows the
// last plugin, and the re-adopted containers obey the new plugin.
func TestPluginKilledWhileContainersRun(t *testing.T) {
	h := newHost(t)
	bin := plugintest.Driver(t)
	s := superviseDriver(t, h, bin)
	ctx := t.Context()

	rootfs := h.rootfs(testenv.InitHonoursHalt)
	var doms []driverapi.Domain
	for i := range 3 {
		d, err := s.DefineXML(ctx, smallXML(h.name("plug"), rootfs, ""), 0)
		must(t, err)
		if i < 2 {
			d, err = s.Create(ctx, d.UUID, 0)
			must(t, err)
		}
		doms = append(doms, d)
	}
	events, err := s.Events(ctx)
	must(t, err)

	// Several clients call in a loop through all the kills.
	var (
		stop          = make(chan struct{})
		wg            sync.WaitGroup
		served, erred atomic.Int64
		badMu         sync.Mutex
		bad           []error
	)
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				cctx, cancel := context.WithTimeout(ctx, patience)
				var err error
				switch d := doms[(c+i)%len(doms)]; i % 4 {
				case 0:
					_, err = s.ListAll(cctx, 0)
				case 1:
					_, err = s.Status(cctx, d.UUID)
				case 2:
					_, err = s.XMLDesc(cctx, d.UUID, 0)
				case 3:
					_, err = s.LookupByName(cctx, d.Name)
				}
				cancel()
				if err == nil {
					served.Add(1)
					continue
				}
				erred.Add(1)
				if ve, ok := err.(*virterror.Error); !ok || ve.Code != libvirt.ErrInternalError {
					badMu.Lock()
					bad = append(bad, err)
					badMu.Unlock()
				}
			}
		}()
	}

	var recoveries []time.Duration
	for kill := range 3 {
		// The clients run calls between kills.
		calls := served.Load() + erred.Load()
		waitUntil(t, "eight more client calls", func() bool { return served.Load()+erred.Load() >= calls+8 })
		before, err := s.ListAll(ctx, 0)
		must(t, err)
		pid := s.PID()
		must(t, syscall.Kill(pid, syscall.SIGKILL))
		killed := time.Now()
		// A call racing the kill may still reach the dying plugin and get
		// the internal error; from then on calls wait for the new plugin.
		var after []driverapi.Status
		for {
			cctx, cancel := context.WithTimeout(ctx, patience)
			after, err = s.ListAll(cctx, 0)
			cancel()
			if err == nil {
				break
			}
			if !virterror.HasCode(err, libvirt.ErrInternalError) || time.Since(killed) > patience {
				t.Fatalf("kill %d: no call served after %v: %v", kill+1, patience, err)
			}
		}
		recovery := time.Since(killed)
		recoveries = append(recoveries, recovery)
		t.Logf("kill %d (pid %d): calls served again %v after the kill (new pid %d)", kill+1, pid, recovery.Round(time.Millisecond), s.PID())
		if len(after) != len(before) {
			t.Fatalf("kill %d: %d domains after the restart, want %d", kill+1, len(after), len(before))
		}
		for i, st := range after {
			// The reason is the driver's to keep; identity, state and
			// flags must survive.
			if st.Reason != before[i].Reason {
				t.Logf("kill %d: %s's reason was %d, is %d after the restart", kill+1, st.Name, before[i].Reason, st.Reason)
				st.Reason = before[i].Reason
			}
			if st != before[i] {
				t.Errorf("kill %d: %+v after the restart, was %+v", kill+1, st, before[i])
			}
		}
		for _, d := range doms[:2] {
			if !alive(int(d.ID)) {
				t.Fatalf("kill %d: container %s (init %d) died with the plugin", kill+1, d.Name, d.ID)
			}
		}
		// The new plugin controls the re-adopted container.
		must(t, s.Suspend(ctx, doms[0].UUID))
		if st, err := s.Status(ctx, doms[0].UUID); err != nil || st.State != libvirt.DomainPaused {
			t.Fatalf("kill %d: after suspend: %+v, %v", kill+1, st, err)
		}
		must(t, s.Resume(ctx, doms[0].UUID))
	}
	close(stop)
	wg.Wait()
	t.Logf("concurrent calls: %d served, %d answered with an internal error", served.Load(), erred.Load())
	for _, err := range bad {
		t.Errorf("call failed with something other than a libvirt internal error: %T %v", err, err)
	}
	if served.Load() == 0 {
		t.Error("no concurrent call was served")
	}

	// The subscription made before the kills ended with its plugin; a new
	// one reports what the last plugin does.
	for range events {
	}
	events, err = s.Events(ctx)
	must(t, err)
	must(t, s.Destroy(ctx, doms[1].UUID, 0))
	waitGone(t, int(doms[1].ID))
	deadline := time.After(patience)
	for found := false; !found; {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatal("event subscription closed")
			}
			found = ev.Domain.UUID == doms[1].UUID && ev.Kind == driverapi.EventLifecycle &&
				ev.Type == int32(libvirt.DomainEventStopped) && ev.Detail == int32(libvirt.DomainEventStoppedDestroyed)
		case <-deadline:
			t.Fatal("no stopped event after the restarts")
		}
	}

	// Stopping the plugin (as the daemon does on exit) leaves containers
	// running, and a new one (a restarted daemon) lists them unchanged.
	pid := s.PID()
	must(t, s.Close())
	waitGone(t, pid)
	if !alive(int(doms[0].ID)) {
		t.Fatal("container died when the plugin was closed")
	}
	s2 := superviseDriver(t, h, bin)
	st, err := s2.Status(ctx, doms[0].UUID)
	must(t, err)
	if st.State != libvirt.DomainRunning || st.ID != doms[0].ID {
		t.Errorf("after a daemon restart: %+v, want running with ID %d", st, doms[0].ID)
	}
	if z := zombiesOf(t, os.Getpid()); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
	var worst time.Duration
	for _, r := range recoveries {
		worst = max(worst, r)
	}
	t.Logf("recovery after kill -9: %v (worst %v)", recoveries, worst)
}

// TestPluginStartFailureIsReported: a plugin whose driver cannot open
// with the settings it is sent (a relative state dir) fails NewSupervisor
// with the driver's reason.
func TestPluginStartFailureIsReported(t *testing.T) {
	testenv.RequireRoot(t)
	set := settings.Defaults()
	set.StateDir = "relative/state"
	_, err := plugin.NewSupervisor(t.Context(), plugin.SupervisorConfig{
		Path:     plugintest.Driver(t),
		Settings: set,
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err == nil || !strings.Contains(err.Error(), "must be an absolute, clean path") {
		t.Fatalf("plugin with a bad state dir: %v, want the driver's reason", err)
	}
}
