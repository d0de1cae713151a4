package driver

import (
	"os"
	"path/filepath"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
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

// TestKillThroughInitsPidfd: a destroy kills init through its pidfd (no
// lxc-stop) and returns once LXC's monitor has cleaned up; when the
// driver's watch is of an init LXC already replaced (a guest reboot with
// on_reboot=destroy), lxc-stop -k kills the new one.
func TestKillThroughInitsPidfd(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("web", uuidA))
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	if n := e.rt.count("stop web"); n != 0 {
		t.Errorf("destroy ran lxc-stop %d times", n)
	}
	if pid := e.rt.pid("web"); pid != 0 {
		t.Errorf("LXC still runs init %d after the destroy", pid)
	}
	if st := e.status(d); st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffDestroyed) {
		t.Fatalf("after Destroy: %+v", st)
	}

	r := e.start(e.define("reb", uuidB, "<on_reboot>destroy</on_reboot>"))
	e.rt.guestReboot("reb")
	if st := e.waitState(r, libvirt.DomainShutoff); st.Reason != int32(libvirt.DomainShutoffShutdown) {
		t.Fatalf("after the guest's reboot: %+v", st)
	}
	if n := e.rt.count("stop reb"); n != 1 {
		t.Errorf("lxc-stop ran %d times for the rebooted container; want once", n)
	}
	if pid := e.rt.pid("reb"); pid != 0 {
		t.Errorf("the rebooted container's init %d still runs", pid)
	}
}
