//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// TestSeedDemo runs libvirt's LXC announcement demo through the driver with
// a real container: define, list, start, inspect, suspend, resume, destroy,
// undefine.
func TestSeedDemo(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("mycontainer")
	rootfs := h.rootfs(testenv.InitShell)

	d, err := l.DefineXML(ctx, seedXML(name, rootfs), 0)
	must(t, err)
	inactive, err := l.ListAll(ctx, uint32(libvirt.ConnectListDomainsInactive))
	must(t, err)
	if len(inactive) != 1 || inactive[0].Name != name || inactive[0].ID != -1 {
		t.Fatalf("inactive list = %+v", inactive)
	}

	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	st := status(t, l, d)
	if st.State != libvirt.DomainRunning || st.ID != d.ID {
		t.Fatalf("after start: %+v", st)
	}
	pid := int(d.ID)
	if !alive(pid) {
		t.Fatalf("ID %d is not a live process", pid)
	}
	// The ID is the container's init: PID 1 in a PID namespace of its own.
	nsInit, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/pid", pid))
	must(t, err)
	nsSelf, err := os.Readlink("/proc/self/ns/pid")
	must(t, err)
	if nsInit == nsSelf {
		t.Fatalf("init %d shares our PID namespace %s", pid, nsSelf)
	}
	procStatus, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	must(t, err)
	if !strings.Contains(string(procStatus), "\nNSpid:\t"+fmt.Sprint(pid)+"\t1\n") {
		t.Errorf("init is not PID 1 in its namespace:\n%s", procStatus)
	}
	if got, err := l.LookupByID(ctx, d.ID); err != nil || got.UUID != d.UUID {
		t.Fatalf("LookupByID(%d) = %+v, %v", d.ID, got, err)
	}
	active, err := l.ListAll(ctx, uint32(libvirt.ConnectListDomainsActive))
	must(t, err)
	if len(active) != 1 || active[0].ID != d.ID {
		t.Fatalf("active list = %+v", active)
	}

	// <memory>500000</memory> KiB is the memory cgroup's limit.
	limit := readTrim(t, cgroupFile(t, pid, "memory", "memory.limit_in_bytes", "memory.max"))
	if limit != fmt.Sprint(500000*1024) {
		t.Errorf("memory limit = %s; want %d", limit, 500000*1024)
	}
	live, err := l.XMLDesc(ctx, d.UUID, 0)
	must(t, err)
	if !strings.Contains(live, fmt.Sprintf("<domain type='lxc' id='%d'>", pid)) {
		t.Errorf("live XML lacks id='%d':\n%s", pid, live)
	}
	info, err := l.Info(ctx, d.UUID)
	must(t, err)
	if info.State != libvirt.DomainRunning || info.MaxMemKiB != 500000 || info.MemKiB == 0 || info.CPUTimeNs == 0 || info.VCPUs != 1 {
		t.Errorf("Info = %+v", info)
	}
	stats, err := l.Stats(ctx, []driverapi.UUID{d.UUID})
	must(t, err)
	if len(stats) != 1 || len(stats[0].Interfaces) != 1 {
		t.Fatalf("Stats = %+v", stats)
	}
	if _, err := os.Stat("/sys/class/net/" + stats[0].Interfaces[0].Name); err != nil {
		t.Errorf("host veth %q: %v", stats[0].Interfaces[0].Name, err)
	}

	freezer := cgroupFile(t, pid, "freezer", "freezer.state", "cgroup.freeze")
	must(t, l.Suspend(ctx, d.UUID))
	if st := status(t, l, d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUser) {
		t.Errorf("after suspend: %+v", st)
	}
	if s := readTrim(t, freezer); s != "FROZEN" && s != "1" {
		t.Errorf("freezer = %q; want frozen", s)
	}
	must(t, l.Resume(ctx, d.UUID))
	if st := status(t, l, d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningUnpaused) {
		t.Errorf("after resume: %+v", st)
	}
	if s := readTrim(t, freezer); s != "THAWED" && s != "0" {
		t.Errorf("freezer = %q; want thawed", s)
	}

	must(t, l.Destroy(ctx, d.UUID, 0))
	st = status(t, l, d)
	if st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffDestroyed) || st.ID != -1 {
		t.Errorf("after destroy: %+v", st)
	}
	waitGone(t, pid)

	must(t, l.Undefine(ctx, d.UUID, 0))
	if left := files(h.stateDir); len(left) != 0 {
		t.Errorf("files left after undefine: %v", left)
	}
	if list, _ := l.ListAll(ctx, 0); len(list) != 0 {
		t.Errorf("domains left: %+v", list)
	}
}

// TestShutdownClean: an init that honours the halt signal stops, and the
// driver reports it when init exits: the grace period (longer than the
// test's hang guard) never ends, nothing escalates, the reason is shutdown.
func TestShutdownClean(t *testing.T) {
	h := newHost(t)
	h.grace = 10 * time.Minute
	l := h.open()
	ctx := t.Context()
	name := h.name("halt")
	d, err := l.CreateXML(ctx, seedXML(name, h.rootfs(testenv.InitHonoursHalt)), 0)
	must(t, err)
	evs, err := l.Events(ctx)
	must(t, err)
	testenv.WaitCatches(t, int(d.ID), unix.SIGPWR) // LXC's halt signal
	start := time.Now()
	must(t, l.Shutdown(ctx, d.UUID, 0))
	returned := time.Since(start)
	var stopped driverapi.Event
	guard := time.After(time.Minute)
	for stopped.Type != int32(libvirt.DomainEventStopped) {
		select {
		case stopped = <-evs:
		case <-guard:
			t.Fatal("no stopped event a minute after Shutdown; the halt was not noticed")
		}
	}
	t.Logf("Shutdown returned after %v, domain stopped after %v", returned, time.Since(start))
	if stopped.Detail != int32(libvirt.DomainEventStoppedShutdown) {
		t.Errorf("stopped event = %+v; want detail shutdown", stopped)
	}
	waitGone(t, int(d.ID))
}

// TestShutdownEscalates: an init that ignores the halt signal is killed
// after the grace period, not before; Shutdown returns at once, and the
// driver reports reason destroyed.
func TestShutdownEscalates(t *testing.T) {
	h := newHost(t)
	h.grace = time.Second
	l := h.open()
	ctx := t.Context()
	name := h.name("stubborn")
	d, err := l.DefineXML(ctx, smallXML(name, h.rootfs(testenv.InitIgnoresHalt), ""), 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	start := time.Now()
	must(t, l.Shutdown(ctx, d.UUID, 0))
	// Shutdown returns without waiting for the grace: the domain still runs.
	if st := status(t, l, d); st.State != libvirt.DomainRunning {
		t.Fatalf("stopped before the grace: %+v", st)
	}
	st := waitStatus(t, l, d, "shut off", isShutoff)
	took := time.Since(start)
	t.Logf("escalated and stopped after %v", took)
	if took < h.grace {
		t.Errorf("stopped after %v, before the %v grace", took, h.grace)
	}
	if st.Reason != int32(libvirt.DomainShutoffDestroyed) {
		t.Errorf("reason = %d; want destroyed (%d)", st.Reason, libvirt.DomainShutoffDestroyed)
	}
	waitGone(t, int(d.ID))
}

// TestGuestPoweroffAndReboot: init exiting on its own is noticed at once
// (no polling), and a reboot brings the container back under a new ID.
func TestGuestPoweroffAndReboot(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("guest")
	d, err := l.DefineXML(ctx, smallXML(name, h.rootfs(testenv.InitHonoursHalt), ""), 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)

	evs, err := l.Events(ctx)
	must(t, err)
	// lxc-stop -r sends LXC's reboot signal, SIGINT, which init must catch:
	// PID 1 drops a signal it has no handler for, and a shell cannot trap
	// one ignored when it started — as it is when this test runs from a
	// shell's background job (init inherits it through lxc-start).
	testenv.WaitCatches(t, int(d.ID), unix.SIGINT)
	must(t, l.Reboot(ctx, d.UUID, 0))
	select {
	case ev := <-evs:
		if ev.Kind != driverapi.EventReboot {
			t.Fatalf("event = %+v; want reboot", ev)
		}
	case <-time.After(patience):
		st, err := l.Status(ctx, d.UUID)
		t.Fatalf("no reboot event after %v; domain %+v (%v); first init %d: %s", patience, st, err, d.ID, testenv.SignalState(int(d.ID)))
	}
	st := status(t, l, d)
	if st.State != libvirt.DomainRunning || st.ID == d.ID || !alive(int(st.ID)) {
		t.Fatalf("after reboot: %+v (old ID %d)", st, d.ID)
	}
	waitGone(t, int(d.ID))

	// The guest powers off: its init exits (SIGTERM from the host reaches
	// it because it handles the signal).
	testenv.WaitCatches(t, int(st.ID), unix.SIGTERM)
	start := time.Now()
	must(t, unix.Kill(int(st.ID), unix.SIGTERM))
	st = waitStatus(t, l, d, "shut off", isShutoff)
	t.Logf("guest poweroff noticed after %v", time.Since(start))
	if st.Reason != int32(libvirt.DomainShutoffShutdown) {
		t.Errorf("reason = %d; want shutdown", st.Reason)
	}
	must(t, l.Undefine(ctx, d.UUID, 0))
}

// TestDestroyPaused: a frozen container can be destroyed.
func TestDestroyPaused(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	d, err := l.CreateXML(ctx, smallXML(h.name("frozen"), h.rootfs(testenv.InitIgnoresHalt), ""), 0)
	must(t, err)
	must(t, l.Suspend(ctx, d.UUID))
	must(t, l.Destroy(ctx, d.UUID, 0))
	waitGone(t, int(d.ID))
	if _, err := l.LookupByUUID(ctx, d.UUID); err == nil {
		t.Error("destroyed transient domain still listed")
	}
	if left := files(h.stateDir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
}

// TestPersistenceReadoption: a second driver instance on the same state dir
// lists the same definitions and re-adopts the running container with the
// same ID.
func TestPersistenceReadoption(t *testing.T) {
	h := newHost(t)
	l1 := h.open()
	ctx := t.Context()
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	run, err := l1.DefineXML(ctx, smallXML(h.name("run"), rootfs, ""), 0)
	must(t, err)
	run, err = l1.Create(ctx, run.UUID, 0)
	must(t, err)
	off, err := l1.DefineXML(ctx, smallXML(h.name("off"), rootfs, ""), 0)
	must(t, err)
	trans, err := l1.CreateXML(ctx, smallXML(h.name("trans"), h.rootfs(testenv.InitHonoursHalt), ""), 0)
	must(t, err)
	before, err := l1.ListAll(ctx, 0)
	must(t, err)
	must(t, l1.Close())

	l2 := h.open()
	after, err := l2.ListAll(ctx, 0)
	must(t, err)
	if !slices.Equal(before, after) {
		t.Fatalf("second instance lists\n%+v\nwant\n%+v", after, before)
	}
	for _, d := range []driverapi.Domain{run, trans} {
		st := status(t, l2, d)
		if st.ID != d.ID || st.State != libvirt.DomainRunning || !alive(int(st.ID)) {
			t.Errorf("%s not re-adopted: %+v (ID was %d)", d.Name, st, d.ID)
		}
	}
	if st := status(t, l2, off); st.State != libvirt.DomainShutoff {
		t.Errorf("off = %+v", st)
	}
	xml, err := l2.XMLDesc(ctx, run.UUID, 0)
	must(t, err)
	if !strings.Contains(xml, fmt.Sprintf("id='%d'", run.ID)) {
		t.Errorf("re-adopted live XML lacks the ID:\n%s", xml)
	}
	// The new instance watches the adopted inits: a shutdown completes.
	must(t, l2.Shutdown(ctx, run.UUID, 0))
	if st := waitStatus(t, l2, run, "shut off", isShutoff); st.Reason != int32(libvirt.DomainShutoffShutdown) {
		t.Errorf("after shutdown: %+v", st)
	}
	must(t, l2.Destroy(ctx, trans.UUID, 0))
	if _, err := l2.LookupByUUID(ctx, trans.UUID); err == nil {
		t.Error("transient domain survives its destroy")
	}
}

// TestAutostart: a new driver instance in a new host boot starts the
// autostart domains; in the same boot it does not start them again.
func TestAutostart(t *testing.T) {
	h := newHost(t)
	l1 := h.open()
	ctx := t.Context()
	d, err := l1.DefineXML(ctx, smallXML(h.name("auto"), h.rootfs(testenv.InitHonoursHalt), ""), 0)
	must(t, err)
	must(t, l1.SetAutostart(ctx, d.UUID, true))
	must(t, l1.Close())
	if st := status(t, h.open(), d); st.State != libvirt.DomainShutoff || !st.Autostart {
		t.Fatalf("same boot: %+v; want shut off with autostart set", st)
	}

	h.runDir = filepath.Join(filepath.Dir(h.runDir), "run-next-boot")
	l2 := h.open()
	st := waitStatus(t, l2, d, "running", func(s driverapi.Status) bool { return s.State == libvirt.DomainRunning })
	if !alive(int(st.ID)) {
		t.Fatalf("autostarted domain has no live init: %+v", st)
	}
	// The marker is written once every autostart attempt has ended; with
	// it present a driver decides in New, before it returns, to start
	// nothing.
	marker := filepath.Join(h.runDir, "autostarted")
	waitUntil(t, "autostart marker written", func() bool { _, err := os.Stat(marker); return err == nil })
	must(t, l2.Destroy(ctx, d.UUID, 0))
	must(t, l2.Close())
	l3 := h.open()
	if st := status(t, l3, d); st.State != libvirt.DomainShutoff {
		t.Errorf("autostart ran twice in one boot: %+v", st)
	}
}

// TestHostileXML: bad input gets the right libvirt error and leaves no file
// and no container behind.
func TestHostileXML(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	ok := h.name("hostile")
	cases := []struct {
		name string
		xml  string
		code libvirt.ErrorNumber
	}{
		{"newline in name", smallXML(ok+"\nlxc.apparmor.profile = unconfined", rootfs, ""), libvirt.ErrXMLError},
		{"dotdot name", smallXML("../"+ok, rootfs, ""), libvirt.ErrXMLError},
		{"dotdot rootfs", smallXML(ok, rootfs+"/../../etc", ""), libvirt.ErrXMLError},
		{"relative rootfs", smallXML(ok, "srv/x", ""), libvirt.ErrXMLError},
		{"init option", strings.Replace(smallXML(ok, rootfs, ""), "<init>/sbin/init</init>", "<init>-n</init>", 1), libvirt.ErrXMLError},
		{"huge memory", strings.Replace(smallXML(ok, rootfs, ""), "<memory unit='MiB'>128</memory>", "<memory unit='EiB'>16</memory>", 1), libvirt.ErrXMLError},
		{"qcow2 disk", strings.Replace(smallXML(ok, rootfs, ""), "</devices>", "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/var/lib/x.qcow2'/><target dev='sda'/></disk></devices>", 1), libvirt.ErrConfigUnsupported},
	}
	for _, c := range cases {
		for _, op := range []string{"define", "create"} {
			var err error
			if op == "define" {
				_, err = l.DefineXML(ctx, c.xml, 0)
			} else {
				_, err = l.CreateXML(ctx, c.xml, 0)
			}
			t.Logf("%s %s: %v", op, c.name, err)
			if err == nil {
				t.Errorf("%s %s: accepted", op, c.name)
				continue
			}
			wantCodeSoft(t, fmt.Sprintf("%s %s", op, c.name), err, c.code)
		}
	}
	if left := files(h.stateDir); len(left) != 0 {
		t.Errorf("files left: %v", left)
	}
	entries, err := os.ReadDir(h.lxcPath)
	must(t, err)
	if len(entries) != 0 {
		t.Errorf("lxcpath not empty: %v", entries)
	}
	if list, _ := l.ListAll(ctx, 0); len(list) != 0 {
		t.Errorf("domains left: %+v", list)
	}
	// An init argument starting with '-' is the init's own business: it
	// reaches only lxc.init.cmd, never an lxc-* argv, and the container runs.
	d, err := l.CreateXML(ctx, strings.Replace(smallXML(ok, rootfs, ""), "<init>/sbin/init</init>", "<init>/sbin/init</init><initarg>--verbose</initarg>", 1), 0)
	must(t, err)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", d.ID))
	must(t, err)
	if !strings.Contains(string(cmdline), "/sbin/init\x00--verbose") {
		t.Errorf("init cmdline = %q", cmdline)
	}
	must(t, l.Destroy(ctx, d.UUID, 0))
}

func wantCodeSoft(t *testing.T, what string, err error, code libvirt.ErrorNumber) {
	t.Helper()
	if e := virterror.As(err); e == nil || e.Code != code {
		t.Errorf("%s: err = %v; want libvirt error code %v", what, err, code)
	}
}
