//go:build integration

package integration

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestSideBySideWithQEMU runs Debian's libvirtd with its QEMU driver (TCG)
// and `lxcvirtd --listen-default` on one host: stock virsh reaches each
// through its plain URI, with no ?socket=, and each connection sees its own
// running guest and not the other's.
func TestSideBySideWithQEMU(t *testing.T) {
	h := newHost(t)
	lockListenDefault(t)
	useSystemLibvirtd(t)
	d := startDaemon(t, h, "--listen-default")

	qemuName := startQEMUGuest(t)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	lxcName := h.name("sbs")
	virshOK(t, "lxc:///system", "create", writeXML(t, smallXML(lxcName, rootfs, "")))

	// The container made through lxc:///system is the test daemon's.
	if got := d.ok("domstate", lxcName); got != "running" {
		t.Fatalf("the test daemon sees %s as %q, want running", lxcName, got)
	}
	pid, err := strconv.Atoi(virshOK(t, "lxc:///system", "domid", lxcName))
	must(t, err)
	if !alive(pid) {
		t.Fatalf("container init (pid %d) is not alive", pid)
	}
	qemuPid, err := os.ReadFile("/run/libvirt/qemu/" + qemuName + ".pid")
	must(t, err)
	if qp, err := strconv.Atoi(strings.TrimSpace(string(qemuPid))); err != nil || !alive(qp) {
		t.Fatalf("qemu of %s (pid file %q) is not alive: %v", qemuName, qemuPid, err)
	}

	for _, c := range []struct{ uri, mine, other string }{
		{"qemu:///system", qemuName, lxcName},
		{"lxc:///system", lxcName, qemuName},
	} {
		out := virshOK(t, c.uri, "list")
		if _, state, ok := listRow(out, c.mine); !ok || state != "running" {
			t.Errorf("virsh -c %s list: %s is not listed as running:\n%s", c.uri, c.mine, out)
		}
		if _, _, ok := listRow(out, c.other); ok {
			t.Errorf("virsh -c %s list shows the other connection's %s:\n%s", c.uri, c.other, out)
		}
		if got := virshOK(t, c.uri, "domstate", c.mine); got != "running" {
			t.Errorf("virsh -c %s domstate %s = %q, want running", c.uri, c.mine, got)
		}
	}

	// The read-only socket beside it answers `virsh -r` (virsh's --readonly).
	out := virshOK(t, "lxc:///system", "--readonly", "list")
	if _, state, ok := listRow(out, lxcName); !ok || state != "running" {
		t.Errorf("virsh -r -c lxc:///system list: %s is not listed as running:\n%s", lxcName, out)
	}

	for _, c := range []struct{ uri, name string }{{"qemu:///system", qemuName}, {"lxc:///system", lxcName}} {
		virshOK(t, c.uri, "destroy", c.name)
		if _, _, ok := listRow(virshOK(t, c.uri, "list", "--all"), c.name); ok {
			t.Errorf("virsh -c %s list --all still shows the destroyed transient %s", c.uri, c.name)
		}
	}
	waitGone(t, pid)
}
