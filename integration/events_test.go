//go:build integration

package integration

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestVirshEvents drives a real container through every lifecycle change,
// those virsh asks for and those nobody asked for (the guest reboots or
// powers off itself, lxc-freeze behind the daemon's back, kill -9 of init
// from the host), and asserts each line `virsh event --all --loop` prints,
// in order, with libvirt's wording, and the state and reason that follow.
func TestVirshEvents(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("events")
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	ev := d.watchEvents()
	line := func(what string) string { return lifecycleLine(name, what) }
	state := func(want string) {
		t.Helper()
		if got := d.ok("domstate", name, "--reason"); got != want {
			t.Fatalf("domstate --reason = %q; want %q", got, want)
		}
	}
	id := func() int {
		t.Helper()
		n, err := strconv.Atoi(d.ok("domid", name))
		must(t, err)
		return n
	}
	guest := func(argv ...string) {
		t.Helper()
		if out, err := h.inGuest(name, argv...); err != nil {
			t.Fatalf("in the guest, %s: %v: %s", strings.Join(argv, " "), err, out)
		}
	}
	lxc := func(tool string) {
		t.Helper()
		if out, err := runTool(tool, "-P", h.lxcPath, "-n", name); err != nil {
			t.Fatalf("%s: %v: %s", tool, err, out)
		}
	}

	d.ok("define", writeXML(t, guestXML(name, rootfs, "")))
	ev.want(line("Defined Added"))
	d.ok("start", name)
	ev.want(line("Started Booted"))

	// Suspend and resume, through virsh and behind its back.
	d.ok("suspend", name)
	ev.want(line("Suspended Paused"))
	state("paused (user)")
	d.ok("resume", name)
	ev.want(line("Resumed Unpaused"))
	state("running (unpaused)")
	lxc("lxc-freeze")
	ev.want(line("Suspended Paused"))
	state("paused (unknown)")
	lxc("lxc-unfreeze")
	ev.want(line("Resumed Unpaused"))
	state("running (unpaused)")

	// The guest reboots itself (reboot(2)): LXC restarts it under a new
	// init, on_reboot=restart keeps it.
	old := id()
	guest("/sbin/reboot", "-f")
	ev.want("event 'reboot' for domain '" + name + "'")
	if now := id(); now == old || !alive(now) {
		t.Fatalf("after the guest's reboot: id %d (was %d)", now, old)
	}
	state("running (booted)")

	// The guest powers off (reboot(2) power-off).
	guest("/sbin/poweroff", "-f")
	ev.want(line("Shutdown Finished after guest request"), line("Stopped Shutdown"))
	state("shut off (shutdown)")

	// virsh shutdown: init honours LXC's halt signal.
	d.ok("start", name)
	ev.want(line("Started Booted"))
	d.ok("shutdown", name)
	ev.want(line("Shutdown Finished after host request"), line("Stopped Shutdown"))
	state("shut off (shutdown)")

	// kill -9 of init from the host is a crash; on_crash=destroy (the
	// default) leaves it off.
	d.ok("start", name)
	ev.want(line("Started Booted"))
	must(t, unix.Kill(id(), unix.SIGKILL))
	ev.want(line("Stopped Crashed"))
	state("shut off (crashed)")

	// With on_crash=restart it comes back.
	uuid := "<uuid>" + d.ok("domuuid", name) + "</uuid>"
	d.ok("define", writeXML(t, guestXML(name, rootfs, uuid+"<on_crash>restart</on_crash>")))
	ev.want(line("Defined Updated"))
	d.ok("start", name)
	ev.want(line("Started Booted"))
	must(t, unix.Kill(id(), unix.SIGKILL))
	ev.want(line("Stopped Crashed"), line("Started Booted"))
	state("running (booted)")
	d.ok("destroy", name)
	ev.want(line("Stopped Destroyed"))
	state("shut off (destroyed)")

	// With on_reboot=destroy a guest's reboot stops it for good.
	d.ok("define", writeXML(t, guestXML(name, rootfs, uuid+"<on_reboot>destroy</on_reboot>")))
	ev.want(line("Defined Updated"))
	d.ok("start", name)
	ev.want(line("Started Booted"))
	guest("/sbin/reboot", "-f")
	ev.want(line("Shutdown Finished after guest request"), line("Stopped Shutdown"))
	state("shut off (shutdown)")
	if st := lxcState(t, h, name); st != "STOPPED" {
		t.Fatalf("container %s after a reboot with on_reboot=destroy", st)
	}

	d.ok("undefine", name)
	ev.want(line("Undefined Removed"))
	ev.quiet(500 * time.Millisecond)
}
