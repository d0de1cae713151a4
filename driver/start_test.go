package driver

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStartFindsInitThroughTheMonitor: a start learns init's PID as the
// only child of LXC's monitor, whose PID lxc-start wrote, without asking
// LXC; when the monitor does not tell, it asks LXC.
func TestStartFindsInitThroughTheMonitor(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("web", uuidA))
	if pid := e.rt.pid("web"); pid <= 0 || d.ID != int32(pid) {
		t.Fatalf("Create = %+v; want ID %d", d, pid)
	}
	if n := e.rt.count("state web"); n != 0 {
		t.Errorf("the start asked LXC for the state %d times", n)
	}
	if _, err := os.Stat(filepath.Join(e.stateDir, "lxc", "web", "monitor.pid")); err != nil {
		t.Errorf("lxc-start got no pid file: %v", err)
	}
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))

	e.rt.mu.Lock()
	e.rt.noPID = true
	e.rt.mu.Unlock()
	must(t, os.Remove(filepath.Join(e.stateDir, "lxc", "web", "monitor.pid")))
	d = e.start(d)
	if pid := e.rt.pid("web"); pid <= 0 || d.ID != int32(pid) {
		t.Fatalf("Create without a pid file = %+v; want ID %d", d, pid)
	}
	if n := e.rt.count("state web"); n != 1 {
		t.Errorf("without a pid file the start asked LXC %d times; want once", n)
	}
}
