//go:build integration

package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestVirshSnapshots drives snapshots of a real busybox container through
// stock virsh: a disk-only snapshot of the running container (frozen for
// the rsync copy, thawed and running after it), the listing, tree, info,
// current and XML commands, a revert that brings a changed file back and
// deletes one made since (with libvirt's from-snapshot events), a delete
// that removes the copy, and undefine's refusal while snapshots exist.
func TestVirshSnapshots(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("snap")
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	marker := filepath.Join(rootfs, "marker")
	must(t, os.WriteFile(marker, []byte("one\n"), 0o644))
	line := func(what string) string { return lifecycleLine(name, what) }
	state := func(want string) {
		t.Helper()
		if got := d.ok("domstate", name, "--reason"); got != want {
			t.Fatalf("domstate --reason = %q; want %q", got, want)
		}
	}
	lxcState := func() string {
		t.Helper()
		out, err := exec.Command("lxc-info", "-P", h.lxcPath, "-n", name, "-s", "-H").CombinedOutput()
		if err != nil {
			t.Fatalf("lxc-info: %v: %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}

	d.ok("define", writeXML(t, guestXML(name, rootfs, "")))
	d.ok("start", name)
	ev := d.watchEvents()

	logStart := len(d.log())
	if out := d.ok("snapshot-create-as", name, "s1", "--description", "first", "--disk-only"); out != "Domain snapshot s1 created" {
		t.Fatalf("snapshot-create-as: %q", out)
	}
	// The copy ran between the freeze and the thaw, and the container runs.
	log := d.log()[logStart:]
	freeze, copyAt, thaw := strings.Index(log, "lxc-freeze"), strings.Index(log, "rsync"), strings.Index(log, "lxc-unfreeze")
	if freeze < 0 || copyAt < freeze || thaw < copyAt {
		t.Fatalf("freeze at %d, rsync at %d, unfreeze at %d in the daemon's log", freeze, copyAt, thaw)
	}
	state("running (booted)") // the freeze was no pause of the user's
	if s := lxcState(); s != "RUNNING" {
		t.Fatalf("lxc-info after the snapshot: %s", s)
	}
	copyDir := filepath.Join(h.lxcPath, name, "snaps", "s1", "rootfs")
	if b, err := os.ReadFile(filepath.Join(copyDir, "marker")); err != nil || string(b) != "one\n" {
		t.Fatalf("the copy's marker: %q %v", b, err)
	}

	// The rootfs changes; a second snapshot is s1's child.
	must(t, os.WriteFile(marker, []byte("two\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(rootfs, "extra"), []byte("x"), 0o644))
	d.ok("snapshot-create-as", name, "s2", "--disk-only")

	list := d.ok("snapshot-list", name)
	for _, want := range []string{"s1", "s2", "disk-snapshot"} {
		if !strings.Contains(list, want) {
			t.Fatalf("snapshot-list lacks %q:\n%s", want, list)
		}
	}
	if tree := d.ok("snapshot-list", name, "--tree"); !strings.Contains(tree, "s1\n  |\n  +- s2") {
		t.Fatalf("snapshot-list --tree:\n%s", tree)
	}
	if got := d.ok("snapshot-list", name, "--roots", "--name"); got != "s1" {
		t.Fatalf("snapshot-list --roots --name: %q", got)
	}
	if got := d.ok("snapshot-parent", name, "s2"); got != "s1" {
		t.Fatalf("snapshot-parent: %q", got)
	}
	if got := d.ok("snapshot-current", name, "--name"); got != "s2" {
		t.Fatalf("snapshot-current --name: %q", got)
	}
	info := d.ok("snapshot-info", name, "s1")
	for _, want := range []string{"Name:           s1", "State:          disk-snapshot", "Current:        no", "Children:       1", "Metadata:       yes"} {
		if !strings.Contains(info, want) {
			t.Fatalf("snapshot-info lacks %q:\n%s", want, info)
		}
	}
	dump := d.ok("snapshot-dumpxml", name, "s1")
	for _, want := range []string{"<name>s1</name>", "<description>first</description>", "<state>disk-snapshot</state>", "<memory snapshot='no'/>", "<domain type='lxc'>", "<name>" + name + "</name>"} {
		if !strings.Contains(dump, want) {
			t.Fatalf("snapshot-dumpxml lacks %q:\n%s", want, dump)
		}
	}

	// Revert: the running container stops, its rootfs and definition come
	// back, and it starts again.
	d.ok("snapshot-revert", name, "s1", "--running")
	ev.want(line("Stopped Snapshot"), line("Defined Snapshot"), line("Started Snapshot"))
	state("running (from snapshot)")
	if b, err := os.ReadFile(marker); err != nil || string(b) != "one\n" {
		t.Fatalf("marker after revert: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "extra")); !os.IsNotExist(err) {
		t.Fatalf("a file made after the snapshot survived the revert: %v", err)
	}
	if out, err := h.inGuest(name, "/bin/cat", "/marker"); err != nil || out != "one\n" {
		t.Fatalf("the guest reads %q (%v)", out, err)
	}
	if got := d.ok("snapshot-current", name, "--name"); got != "s1" {
		t.Fatalf("snapshot-current after revert: %q", got)
	}

	// Delete removes the copy; the parent keeps its own.
	d.ok("snapshot-delete", name, "s2")
	if _, err := os.Stat(filepath.Join(h.lxcPath, name, "snaps", "s2")); !os.IsNotExist(err) {
		t.Fatalf("the copy of a deleted snapshot is left: %v", err)
	}
	if _, err := os.Stat(copyDir); err != nil {
		t.Fatalf("the copy of s1: %v", err)
	}

	// A shut-off domain's snapshot; undefine refuses while snapshots exist.
	d.ok("destroy", name)
	d.ok("snapshot-create-as", name, "off")
	if got := d.ok("snapshot-list", name, "--inactive", "--name"); got != "off" {
		t.Fatalf("snapshot-list --inactive: %q", got)
	}
	if msg := d.failsOn(d.sock, "undefine", name); !strings.Contains(msg, "cannot delete inactive domain with 2 snapshots") {
		t.Fatalf("undefine with snapshots: %q", msg)
	}
	d.ok("undefine", name, "--snapshots-metadata")
	if _, err := os.Stat(filepath.Join(h.lxcPath, name)); !os.IsNotExist(err) {
		t.Fatalf("the container directory (and its copies) is left: %v", err)
	}
}

// TestVirtManagerSnapshots runs virt-manager's own snapshot code (virtinst,
// the calls its snapshot view makes) against a shut-off container: the
// support probe, a new internal snapshot, the list with state and current
// flag, the current snapshot, revert and delete. On a running (CRIU
// dumpable) container its internal snapshot is a full system one: listed
// running, and the revert leaves the container running.
func TestVirtManagerSnapshots(t *testing.T) {
	if out, err := exec.Command(vmPython, "-c", "import sys; sys.path.insert(0, '/usr/share/virt-manager'); import virtinst, libvirt").CombinedOutput(); err != nil {
		testenv.Missing(t, "needs virt-manager and python3-libvirt (make deps): %v: %s", err, out)
	}
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("snapvmm")
	d.ok("define", writeXML(t, guestXML(name, h.rootfs(testenv.InitHonoursHalt), "")))
	run := func() (string, error) {
		out, err := exec.Command(vmPython, "clients/vmm_snapshots.py", uri(d.sock), name, "vmm1").CombinedOutput()
		t.Logf("vmm_snapshots.py:\n%s", out)
		return string(out), err
	}
	out, err := run()
	must(t, err)
	for _, want := range []string{"supported", "created vmm1", "listed vmm1 shutoff internal current from virt-manager", "current vmm1", "reverted shutoff", "deleted 0"} {
		if !strings.Contains(out, want+"\n") {
			t.Fatalf("virt-manager's calls: no %q", want)
		}
	}
	requireCRIU(t)
	name = h.name("snapvmm2")
	d.ok("define", writeXML(t, criuXML(name, h.rootfs(counterInit))))
	d.ok("start", name)
	raw, err := exec.Command(vmPython, "clients/vmm_snapshots.py", uri(d.sock), name, "vmm2").CombinedOutput()
	out = string(raw)
	t.Logf("vmm_snapshots.py on a running container:\n%s", out)
	must(t, err)
	for _, want := range []string{"created vmm2", "listed vmm2 running internal current from virt-manager", "current vmm2", "reverted active", "deleted 0"} {
		if !strings.Contains(out, want+"\n") {
			t.Fatalf("virt-manager's calls on a running container: no %q", want)
		}
	}
	if got := d.ok("domstate", name, "--reason"); got != "running (from snapshot)" {
		t.Fatalf("after virt-manager's revert: %q", got)
	}
}

// TestSnapshotFullSystem: a running counter container's snapshot without
// --disk-only holds its processes (a CRIU dump of the frozen container,
// which runs on); reverting to it brings back the rootfs and the counter
// process, with its PID and the count it had at snapshot time.
func TestSnapshotFullSystem(t *testing.T) {
	requireCRIU(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("fullsnap")
	rootfs := h.rootfs(counterInit)
	marker := filepath.Join(rootfs, "marker")
	must(t, os.WriteFile(marker, []byte("one\n"), 0o644))
	line := func(what string) string { return lifecycleLine(name, what) }
	// count reads the counter's file from the host (the shell truncates
	// it before each write: an empty read is retried).
	count := func() int {
		t.Helper()
		n := 0
		testenv.Eventually(t, patience, 10*time.Millisecond, "the count file holds a number", func() (bool, string) {
			b, err := os.ReadFile(filepath.Join(rootfs, "tmp", "count"))
			if err != nil {
				return false, err.Error()
			}
			n, err = strconv.Atoi(strings.TrimSpace(string(b)))
			return err == nil, string(b)
		})
		return n
	}
	d.ok("define", writeXML(t, criuXML(name, rootfs)))
	d.ok("start", name)
	pid := counterPID(t, h, name)
	ev := d.watchEvents()

	if out := d.ok("snapshot-create-as", name, "full1", "--description", "with memory"); out != "Domain snapshot full1 created" {
		t.Fatalf("snapshot-create-as: %q", out)
	}
	atSnapshot := count() // the count at snapshot time is at most this
	if got := d.ok("domstate", name, "--reason"); got != "running (booted)" {
		t.Fatalf("after the snapshot: %q", got)
	}
	info := d.ok("snapshot-info", name, "full1")
	for _, want := range []string{"State:          running", "Location:       internal", "Current:        yes"} {
		if !strings.Contains(info, want) {
			t.Fatalf("snapshot-info lacks %q:\n%s", want, info)
		}
	}
	if dump := d.ok("snapshot-dumpxml", name, "full1"); !strings.Contains(dump, "<memory snapshot='internal'/>") || !strings.Contains(dump, "<state>running</state>") {
		t.Fatalf("snapshot-dumpxml:\n%s", dump)
	}
	if _, err := os.Stat(filepath.Join(h.lxcPath, name, "snaps", "full1", "memory", "inventory.img")); err != nil {
		t.Fatalf("the snapshot's memory dump: %v", err)
	}
	// The counter counts on, well past its value at snapshot time, and
	// the rootfs changes.
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after the snapshot %s, want %s", got, pid)
	}
	testenv.Eventually(t, patience, 100*time.Millisecond, "the counter counts on", func() (bool, string) {
		n := count()
		return n > atSnapshot+100, strconv.Itoa(n)
	})
	must(t, os.WriteFile(marker, []byte("two\n"), 0o644))

	// Revert: stopped, the rootfs and definition back, the processes
	// restored from the dump.
	before := count()
	d.ok("snapshot-revert", name, "full1")
	after := count()
	ev.want(line("Stopped Snapshot"), line("Defined Snapshot"), line("Started Snapshot"))
	if after >= before {
		t.Fatalf("count after revert %d, before %d: it did not resume from the snapshot's (at most %d)", after, before, atSnapshot)
	}
	if got := d.ok("domstate", name, "--reason"); got != "running (from snapshot)" {
		t.Fatalf("after revert: %q", got)
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after revert %s, want %s", got, pid)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "one\n" {
		t.Fatalf("marker after revert: %q %v", b, err)
	}
	counting(t, h, name)

	// Revert --paused: restored and frozen; resume runs it on.
	d.ok("snapshot-revert", name, "full1", "--paused")
	ev.want(line("Stopped Snapshot"), line("Defined Snapshot"), line("Started Snapshot"), line("Suspended Snapshot"))
	if got := d.ok("domstate", name, "--reason"); got != "paused (from snapshot)" {
		t.Fatalf("after revert --paused: %q", got)
	}
	d.ok("resume", name)
	counting(t, h, name)

	// Delete removes the dump with the copy.
	d.ok("snapshot-delete", name, "full1")
	if _, err := os.Stat(filepath.Join(h.lxcPath, name, "snaps", "full1")); !os.IsNotExist(err) {
		t.Fatalf("the deleted snapshot's directory is left: %v", err)
	}

	// A container CRIU cannot dump (a packet socket): the snapshot fails,
	// says why, leaves nothing, and the container runs on.
	holdPacketSocket(t, h, name)
	if msg := d.failsOn(d.sock, "snapshot-create-as", name, "full2"); !strings.Contains(msg, "packet socket") {
		t.Fatalf("snapshot with a packet socket: %q", msg)
	}
	if got := d.ok("snapshot-list", name, "--name"); got != "" {
		t.Fatalf("snapshot-list after the failed snapshot: %q", got)
	}
	if _, err := os.Stat(filepath.Join(h.lxcPath, name, "snaps", "full2")); !os.IsNotExist(err) {
		t.Fatalf("the failed snapshot left its directory: %v", err)
	}
	if got := d.ok("domstate", name, "--reason"); got != "running (unpaused)" {
		t.Fatalf("after the failed snapshot (its reason from the resume before): %q", got)
	}
	counting(t, h, name)
}
