package driver

import (
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

// TestDestroyKillsInit: a destroy kills the handle's init (no lxc-stop) and
// returns once LXC has cleaned up; when LXC already replaced that init (a
// guest reboot with on_reboot=destroy), the new one is killed.
func TestDestroyKillsInit(t *testing.T) {
	e := newEnv(t)
	d := e.start(e.define("web", uuidA))
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	if n, k := e.rt.count("stop web"), e.rt.count("kill web"); n != 0 || k != 1 {
		t.Errorf("destroy ran lxc-stop %d times and killed init %d times; want 0 and 1", n, k)
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
	if pid := e.rt.pid("reb"); pid != 0 {
		t.Errorf("the rebooted container's init %d still runs", pid)
	}
}
