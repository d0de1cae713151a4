package driver

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/subid"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// wantLifecycle reads the next lifecycle events and checks their types and
// details (pairs).
func wantLifecycle(t *testing.T, evs <-chan driverapi.Event, pairs ...int32) {
	t.Helper()
	for i := 0; i < len(pairs); i += 2 {
		ev := nextEvent(t, evs)
		if ev.Kind != driverapi.EventLifecycle || ev.Type != pairs[i] || ev.Detail != pairs[i+1] {
			t.Fatalf("event %d = %+v; want type %d detail %d", i/2, ev, pairs[i], pairs[i+1])
		}
	}
}

func (e *env) snapXML(d driverapi.Domain, name string) *libvirtxml.DomainSnapshot {
	e.t.Helper()
	text, err := e.l.SnapshotXML(e.t.Context(), d.UUID, name, 0)
	must(e.t, err)
	var s libvirtxml.DomainSnapshot
	must(e.t, s.Unmarshal(text))
	return &s
}

func (e *env) snapList(d driverapi.Domain, from string, flags libvirt.DomainSnapshotListFlags) []string {
	e.t.Helper()
	names, err := e.l.SnapshotList(e.t.Context(), d.UUID, from, uint32(flags))
	must(e.t, err)
	slices.Sort(names)
	return names
}

// A shut-off domain's snapshot copies its rootfs and records its
// definition; revert restores both and, with --running, starts it.
func TestSnapshotShutoffRevert(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	name, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s1</name><description>first</description></domainsnapshot>", 0)
	must(t, err)
	if name != "s1" || e.rt.copies["web/s1"] != "/srv/web" {
		t.Fatalf("name %q, copies %v", name, e.rt.copies)
	}
	s := e.snapXML(d, "s1")
	if s.State != "shutoff" || s.Description != "first" || s.Parent != nil || s.Domain == nil || s.Domain.Name != "web" || s.Active != nil {
		t.Fatalf("snapshot XML %+v", s)
	}
	if cur, _ := e.l.SnapshotCurrent(ctx, d.UUID); cur != "s1" {
		t.Fatalf("current %q", cur)
	}
	// The definition changes after the snapshot; revert brings it back.
	_, err = e.l.DefineXML(ctx, domXML("web", uuidA, "<description>changed</description>"), 0)
	must(t, err)
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s2</name></domainsnapshot>", 0)
	must(t, err)
	if p := e.snapXML(d, "s2").Parent; p == nil || p.Name != "s1" {
		t.Fatalf("s2 parent %+v", p)
	}
	evs, err := e.l.Events(ctx)
	must(t, err)
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "s1", uint32(libvirt.DomainSnapshotRevertRunning)))
	wantLifecycle(t, evs,
		int32(libvirt.DomainEventDefined), int32(libvirt.DomainEventDefinedFromSnapshot),
		int32(libvirt.DomainEventStarted), int32(libvirt.DomainEventStartedFromSnapshot))
	if e.rt.count("restore web/s1 /srv/web") != 1 {
		t.Fatalf("calls %v", e.rt.calls)
	}
	st := e.status(d)
	if st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningFromSnapshot) {
		t.Fatalf("status %+v", st)
	}
	if strings.Contains(e.xml(d, driverapi.XMLInactive), "changed") {
		t.Fatal("definition not reverted")
	}
	info, err := e.l.SnapshotInfo(ctx, d.UUID, "s1")
	must(t, err)
	if !info.Current || info.Parent != "" {
		t.Fatalf("info %+v", info)
	}
}

// A running domain's disk-only snapshot: the container is frozen for the
// copy and runs again after it. Reverting stops it.
func TestSnapshotRunningDiskOnly(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateLive|libvirt.DomainSnapshotCreateDiskOnly))
	wantCode(t, err, libvirt.ErrOperationUnsupported, "live snapshot creation")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateQuiesce))
	wantCode(t, err, libvirt.ErrInvalidArg, "is required by flag")
	name, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateDiskOnly))
	must(t, err)
	if name == "" || !e.rt.frozenAtCopy["web/"+name] {
		t.Fatalf("name %q; frozen at copy %v", name, e.rt.frozenAtCopy)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("status after snapshot %+v", st)
	}
	e.rt.mu.Lock()
	frozen := e.rt.cts["web"].frozen
	e.rt.mu.Unlock()
	if frozen {
		t.Fatal("container left frozen")
	}
	s := e.snapXML(d, name)
	if s.State != "disk-snapshot" || s.InactiveDomain == nil || s.Memory == nil || s.Memory.Snapshot != "no" {
		t.Fatalf("snapshot %+v", s)
	}
	evs, err := e.l.Events(ctx)
	must(t, err)
	must(t, e.l.SnapshotRevert(ctx, d.UUID, name, 0))
	wantLifecycle(t, evs,
		int32(libvirt.DomainEventStopped), int32(libvirt.DomainEventStoppedFromSnapshot),
		int32(libvirt.DomainEventDefined), int32(libvirt.DomainEventDefinedFromSnapshot))
	if st := e.status(d); st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffFromSnapshot) {
		t.Fatalf("status after revert %+v", st)
	}
	// --paused starts it frozen.
	must(t, e.l.SnapshotRevert(ctx, d.UUID, name, uint32(libvirt.DomainSnapshotRevertPaused)))
	wantLifecycle(t, evs,
		int32(libvirt.DomainEventDefined), int32(libvirt.DomainEventDefinedFromSnapshot),
		int32(libvirt.DomainEventStarted), int32(libvirt.DomainEventStartedFromSnapshot),
		int32(libvirt.DomainEventSuspended), int32(libvirt.DomainEventSuspendedFromSnapshot))
	if st := e.status(d); st.State != libvirt.DomainPaused {
		t.Fatalf("status after paused revert %+v", st)
	}
}

// Delete removes the copy; children move to the parent and the current
// snapshot becomes the parent; --metadata keeps the copy.
func TestSnapshotDeleteTree(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	for _, n := range []string{"a", "b", "c"} {
		_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>"+n+"</name></domainsnapshot>", 0)
		must(t, err)
	}
	// a ← b ← c; c current. A sibling of b: revert to a, then d.
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "a", 0))
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>d</name></domainsnapshot>", 0)
	must(t, err)
	if got := e.snapList(d, "", libvirt.DomainSnapshotListRoots); !slices.Equal(got, []string{"a"}) {
		t.Fatalf("roots %v", got)
	}
	if got := e.snapList(d, "", libvirt.DomainSnapshotListLeaves); !slices.Equal(got, []string{"c", "d"}) {
		t.Fatalf("leaves %v", got)
	}
	if got := e.snapList(d, "a", 0); !slices.Equal(got, []string{"b", "d"}) {
		t.Fatalf("children of a %v", got)
	}
	if got := e.snapList(d, "a", libvirt.DomainSnapshotListDescendants); !slices.Equal(got, []string{"b", "c", "d"}) {
		t.Fatalf("descendants of a %v", got)
	}
	if got := e.snapList(d, "", libvirt.DomainSnapshotListDiskOnly); len(got) != 0 {
		t.Fatalf("disk-only %v", got)
	}
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>a</name></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "already exists")

	must(t, e.l.SnapshotDelete(ctx, d.UUID, "d", 0))
	if cur, _ := e.l.SnapshotCurrent(ctx, d.UUID); cur != "a" {
		t.Fatalf("current after deleting d: %q", cur)
	}
	if _, ok := e.rt.copies["web/d"]; ok {
		t.Fatal("copy of d kept")
	}
	must(t, e.l.SnapshotDelete(ctx, d.UUID, "b", uint32(libvirt.DomainSnapshotDeleteMetadataOnly)))
	if _, ok := e.rt.copies["web/b"]; !ok {
		t.Fatal("--metadata removed the copy")
	}
	if info, err := e.l.SnapshotInfo(ctx, d.UUID, "c"); err != nil || info.Parent != "a" {
		t.Fatalf("c after deleting b: %+v %v", info, err)
	}
	_, err = e.l.SnapshotInfo(ctx, d.UUID, "b")
	wantCode(t, err, libvirt.ErrNoDomainSnapshot, "no domain snapshot with matching name 'b'")

	// The tree survives a new driver instance.
	must(t, e.l.Close())
	e2 := e.e2(e.open())
	if got := e2.snapList(d, "", 0); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("after reload %v", got)
	}
	if cur, _ := e2.l.SnapshotCurrent(ctx, d.UUID); cur != "a" {
		t.Fatalf("current after reload %q", cur)
	}
	must(t, e2.l.SnapshotDelete(ctx, d.UUID, "a", uint32(libvirt.DomainSnapshotDeleteChildren)))
	if got := e2.snapList(d, "", 0); len(got) != 0 {
		t.Fatalf("after delete --children %v", got)
	}
	if cur, _ := e2.l.SnapshotCurrent(ctx, d.UUID); cur != "" {
		t.Fatalf("current after deleting all %q", cur)
	}
}

// Undefine refuses an inactive domain with snapshots unless
// --snapshots-metadata, which drops them.
func TestSnapshotUndefine(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s1</name></domainsnapshot>", 0)
	must(t, err)
	wantCode(t, e.l.Undefine(ctx, d.UUID, 0), libvirt.ErrOperationInvalid, "cannot delete inactive domain with 1 snapshots")
	must(t, e.l.Undefine(ctx, d.UUID, uint32(libvirt.DomainUndefineSnapshotsMetadata)))
	if _, err := os.Stat(filepath.Join(e.stateDir, snapshotDir, uuidA)); !os.IsNotExist(err) {
		t.Fatalf("snapshot metadata left: %v", err)
	}
}

// Bad names and XML are refused before anything is copied.
func TestSnapshotCreateRefused(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.define("web", uuidA)
	for xml, code := range map[string]libvirt.ErrorNumber{
		"<domainsnapshot><name>a/b</name></domainsnapshot>":                              libvirt.ErrXMLDetail,
		"<domainsnapshot><name>.x</name></domainsnapshot>":                               libvirt.ErrXMLDetail,
		"<domainsnapshot><memory snapshot='internal'/></domainsnapshot>":                 libvirt.ErrXMLError,
		"<domainsnapshot><disks><disk name='vda'/></disks></domainsnapshot>":             libvirt.ErrConfigUnsupported,
		"<domainsnapshot><name>x</name>":                                                 libvirt.ErrXMLError,
		"<domainsnapshot><name>r</name><state>shutoff</state></domainsnapshot>#redefine": libvirt.ErrInternalError,
	} {
		flags := uint32(0)
		if x, ok := strings.CutSuffix(xml, "#redefine"); ok {
			xml, flags = x, uint32(libvirt.DomainSnapshotCreateRedefine)
		}
		_, err := e.l.SnapshotCreate(ctx, d.UUID, xml, flags)
		if err == nil {
			t.Fatalf("%s accepted", xml)
		}
		wantCode(t, err, code, "")
	}
	if len(e.rt.copies) != 0 {
		t.Fatalf("copies made: %v", e.rt.copies)
	}
	// A redefine records metadata; --current makes it current.
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>r</name><state>shutoff</state><creationTime>5</creationTime></domainsnapshot>",
		uint32(libvirt.DomainSnapshotCreateRedefine|libvirt.DomainSnapshotCreateCurrent))
	must(t, err)
	if cur, _ := e.l.SnapshotCurrent(ctx, d.UUID); cur != "r" {
		t.Fatalf("current %q", cur)
	}
	wantCode(t, e.l.SnapshotRevert(ctx, d.UUID, "r", 0), libvirt.ErrSnapshotRevertRisky, "lacks domain")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>r</name><state>disk-snapshot</state><creationTime>5</creationTime></domainsnapshot>",
		uint32(libvirt.DomainSnapshotCreateRedefine))
	wantCode(t, err, libvirt.ErrInvalidArg, "cannot change between disk only and full system in snapshot r")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>r</name><state>shutoff</state><creationTime>5</creationTime><parent><name>r</name></parent></domainsnapshot>",
		uint32(libvirt.DomainSnapshotCreateRedefine))
	wantCode(t, err, libvirt.ErrInvalidArg, "parent r would create cycle to r")
}

// A destroy aborts a running container's snapshot copy instead of
// waiting for it; the copy fails as aborted and nothing is recorded.
func TestSnapshotDestroyAbortsCopy(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	e.rt.mu.Lock()
	e.rt.hangCopy = true
	e.rt.mu.Unlock()
	errc := make(chan error, 1)
	go func() {
		_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s1</name></domainsnapshot>", uint32(libvirt.DomainSnapshotCreateDiskOnly))
		errc <- err
	}()
	e.rt.waitCalls("copy web/s1", 1)
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	wantCode(t, <-errc, libvirt.ErrOperationAborted, "destroyed while snapshot 's1' was taken")
	if st := e.status(d); st.State != libvirt.DomainShutoff {
		t.Fatalf("status %+v", st)
	}
	if got := e.snapList(d, "", 0); len(got) != 0 {
		t.Fatalf("snapshots %v", got)
	}
}

// --halt stops the domain after the snapshot (reason from-snapshot); a
// transient domain refuses it.
func TestSnapshotHalt(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateDiskOnly|libvirt.DomainSnapshotCreateHalt))
	must(t, err)
	if st := e.status(d); st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffFromSnapshot) {
		t.Fatalf("status %+v", st)
	}
	tr, err := e.l.CreateXML(ctx, domXML("tr", uuidB), 0)
	must(t, err)
	_, err = e.l.SnapshotCreate(ctx, tr.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateDiskOnly|libvirt.DomainSnapshotCreateHalt))
	wantCode(t, err, libvirt.ErrOperationInvalid, "cannot halt after transient domain snapshot")
	wantCode(t, e.l.SnapshotRevert(ctx, tr.UUID, "nope", 0), libvirt.ErrNoDomainSnapshot, "nope")
}

// A root filesystem in an image file cannot be copied by rsync: refused.
func TestSnapshotRootImageRefused(t *testing.T) {
	e := newEnv(t)
	xml := strings.Replace(domXML("img", uuidA),
		"<filesystem type='mount'><source dir='/srv/img'/><target dir='/'/></filesystem>",
		"<filesystem type='file'><driver type='loop' format='raw'/><source file='/var/img/root.img'/><target dir='/'/></filesystem>", 1)
	d, err := e.l.DefineXML(t.Context(), xml, 0)
	must(t, err)
	_, err = e.l.SnapshotCreate(t.Context(), d.UUID, "<domainsnapshot/>", 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "image or block device '/var/img/root.img'")
}

// A domain the user paused is copied as it is: no freeze or thaw of the
// driver's, and it stays paused (user).
func TestSnapshotPausedDomain(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	must(t, e.l.Suspend(ctx, d.UUID))
	freezes := e.rt.count("freeze web")
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>p</name></domainsnapshot>", uint32(libvirt.DomainSnapshotCreateDiskOnly))
	must(t, err)
	if !e.rt.frozenAtCopy["web/p"] || e.rt.count("freeze web") != freezes || e.rt.count("unfreeze web") != 0 {
		t.Fatalf("calls %v", e.rt.calls)
	}
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedUser) {
		t.Fatalf("status %+v", st)
	}
}

// A running domain's full system snapshot (flags 0, as virt-manager's New
// Snapshot): the frozen container is copied and dumped, and runs on; revert
// stops it and restores its processes from the dump, paused when the
// snapshot was taken paused; delete removes the dump with the copy.
func TestSnapshotRunningFull(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	dumpDir := "/fake/web/snaps/s1/memory"
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error { return nil }

	// The memory element as libvirt's QEMU driver checks it.
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><memory snapshot='no'/></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrOperationUnsupported, "must include the memory state")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><memory snapshot='external' file='/tmp/m'/></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "external memory")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><memory snapshot='internal'/></domainsnapshot>", uint32(libvirt.DomainSnapshotCreateDiskOnly))
	wantCode(t, err, libvirt.ErrXMLError, "memory state cannot be saved")
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot/>", uint32(libvirt.DomainSnapshotCreateLive))
	wantCode(t, err, libvirt.ErrOperationUnsupported, "live snapshot creation")

	// A dump CRIU refuses leaves nothing, and the container runs on.
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error {
		return &lxc.CheckpointError{Op: "dump", Cause: "the container holds a packet socket"}
	}
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s1</name></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrOperationFailed, "packet socket")
	if e.rt.HasSnapshotCopy("web", "s1") || len(e.snapList(d, "", 0)) != 0 {
		t.Fatalf("failed snapshot left copies %v, snapshots %v", e.rt.copies, e.snapList(d, "", 0))
	}
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("status after failed dump %+v", st)
	}
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error { return nil }

	pid := e.rt.cts["web"].init.pid
	name, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>s1</name><memory snapshot='internal'/></domainsnapshot>", 0)
	must(t, err)
	e.rt.mu.Lock()
	frozenAtDump, dumped := e.rt.dumps[dumpDir]
	frozen, samePID := e.rt.cts["web"].frozen, e.rt.cts["web"].init.pid == pid
	e.rt.mu.Unlock()
	if name != "s1" || !dumped || !frozenAtDump || !e.rt.frozenAtCopy["web/s1"] || e.rt.count("dump web "+dumpDir+" stop=false") != 2 {
		t.Fatalf("name %q; dumps %v; frozen at copy %v; calls %v", name, e.rt.dumps, e.rt.frozenAtCopy, e.rt.calls)
	}
	if frozen || !samePID {
		t.Fatalf("after the snapshot: frozen %v, same init %v", frozen, samePID)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningBooted) {
		t.Fatalf("status after snapshot %+v", st)
	}
	s := e.snapXML(d, "s1")
	if s.State != "running" || s.Memory == nil || s.Memory.Snapshot != "internal" || s.Domain == nil || s.InactiveDomain == nil {
		t.Fatalf("snapshot %+v", s)
	}
	if got := e.snapList(d, "", libvirt.DomainSnapshotListActive); !slices.Equal(got, []string{"s1"}) {
		t.Fatalf("active list %v", got)
	}

	evs, err := e.l.Events(ctx)
	must(t, err)
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "s1", 0))
	wantLifecycle(t, evs,
		int32(libvirt.DomainEventStopped), int32(libvirt.DomainEventStoppedFromSnapshot),
		int32(libvirt.DomainEventDefined), int32(libvirt.DomainEventDefinedFromSnapshot),
		int32(libvirt.DomainEventStarted), int32(libvirt.DomainEventStartedFromSnapshot))
	if e.rt.count("restore web/s1 /srv/web") != 1 || e.rt.count("restore-ct web "+dumpDir) != 1 || e.rt.count("start web") != 1 {
		t.Fatalf("calls %v", e.rt.calls)
	}
	e.rt.mu.Lock()
	frozen = e.rt.cts["web"].frozen
	e.rt.mu.Unlock()
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningFromSnapshot) || frozen {
		t.Fatalf("status after revert %+v; frozen %v (the dump was taken frozen: thawed after the restore)", st, frozen)
	}
	// --paused: restored, then frozen.
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "s1", uint32(libvirt.DomainSnapshotRevertPaused)))
	wantLifecycle(t, evs,
		int32(libvirt.DomainEventStopped), int32(libvirt.DomainEventStoppedFromSnapshot),
		int32(libvirt.DomainEventDefined), int32(libvirt.DomainEventDefinedFromSnapshot),
		int32(libvirt.DomainEventStarted), int32(libvirt.DomainEventStartedFromSnapshot),
		int32(libvirt.DomainEventSuspended), int32(libvirt.DomainEventSuspendedFromSnapshot))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedFromSnapshot) {
		t.Fatalf("status after revert --paused %+v", st)
	}

	// Taken paused: state paused, and a revert comes back paused unless
	// --running.
	name, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>p1</name></domainsnapshot>", 0)
	must(t, err)
	if s := e.snapXML(d, name); s.State != "paused" {
		t.Fatalf("paused snapshot state %q", s.State)
	}
	if st := e.status(d); st.State != libvirt.DomainPaused {
		t.Fatalf("status after paused snapshot %+v", st)
	}
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "p1", 0))
	if st := e.status(d); st.State != libvirt.DomainPaused || st.Reason != int32(libvirt.DomainPausedFromSnapshot) {
		t.Fatalf("status after revert to paused snapshot %+v", st)
	}
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "p1", uint32(libvirt.DomainSnapshotRevertRunning)))
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("status after revert --running %+v", st)
	}

	// Delete removes the dump with the copy.
	must(t, e.l.SnapshotDelete(ctx, d.UUID, "s1", 0))
	if _, ok := e.rt.dumps[dumpDir]; ok || e.rt.HasSnapshotCopy("web", "s1") {
		t.Fatalf("delete left dumps %v, copies %v", e.rt.dumps, e.rt.copies)
	}

	// A redefined full system snapshot without its memory state cannot be
	// reverted to, and the domain runs on.
	for _, mem := range []string{"no", "internal"} {
		_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>r</name><state>running</state><creationTime>1</creationTime><memory snapshot='"+mem+"'/></domainsnapshot>", uint32(libvirt.DomainSnapshotCreateRedefine))
		must(t, err)
		err = e.l.SnapshotRevert(ctx, d.UUID, "r", 0)
		wantCode(t, err, libvirt.ErrOperationUnsupported, "memory state")
		if st := e.status(d); st.State != libvirt.DomainRunning {
			t.Fatalf("after a refused revert %+v", st)
		}
	}
}

// A container with two consoles gets the save path's refusal (a CRIU
// restore brings back only the first), before anything is copied.
func TestSnapshotFullTwoConsoles(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	two, err := e.l.CreateXML(ctx, strings.Replace(domXML("two", ""), "<console type='pty'/>", "<console type='pty'/><console type='pty'/>", 1), 0)
	must(t, err)
	e.rt.checkpoint = func(ctx context.Context, name, dir string) error { return nil }
	_, err = e.l.SnapshotCreate(ctx, two.UUID, "<domainsnapshot><name>s1</name></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrOperationUnsupported, "consoles")
	if e.rt.count("copy two/s1") != 0 {
		t.Fatalf("calls %v", e.rt.calls)
	}
}

// A session daemon's driver (an unprivileged user's) takes disk snapshots
// — of a shut-off container, and of a running one frozen for the copy —
// reverts to them and deletes them, as the system's; what needs CRIU (a
// full system snapshot, reverting to one, save and restore) is refused,
// naming why, before anything is copied or dumped.
func TestSnapshotSession(t *testing.T) {
	e := newEnv(t, func(e *env) {
		e.userNS = &xmlmap.UserNS{UIDs: []subid.Range{{Start: 100000, Count: 65536}}, GIDs: []subid.Range{{Start: 100000, Count: 65536}}}
	})
	ctx := t.Context()
	d := e.define("web", uuidA)
	_, err := e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>off</name></domainsnapshot>", 0)
	must(t, err)
	if s := e.snapXML(d, "off"); s.State != "shutoff" || s.Domain == nil || s.Domain.IDMap == nil {
		t.Fatalf("shut-off snapshot %+v", s)
	}
	e.start(d)
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>full</name></domainsnapshot>", 0)
	wantCode(t, err, libvirt.ErrOperationUnsupported, "cannot take a full system snapshot of an unprivileged user's container: CRIU, which dumps and restores its processes, needs root; a disk-only snapshot (--disk-only) needs none")
	if e.rt.count("copy web/full") != 0 {
		t.Fatal("a refused full system snapshot was copied")
	}
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>disk</name></domainsnapshot>", uint32(libvirt.DomainSnapshotCreateDiskOnly))
	must(t, err)
	if !e.rt.frozenAtCopy["web/disk"] {
		t.Fatal("the running container was not frozen for the copy")
	}
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("status after the snapshot %+v", st)
	}
	if got := e.snapList(d, "", 0); !slices.Equal(got, []string{"disk", "off"}) {
		t.Fatalf("snapshots %v", got)
	}
	must(t, e.l.SnapshotRevert(ctx, d.UUID, "disk", uint32(libvirt.DomainSnapshotRevertRunning)))
	if e.rt.count("restore web/disk /srv/web") != 1 {
		t.Fatalf("calls %v", e.rt.calls)
	}
	if st := e.status(d); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningFromSnapshot) {
		t.Fatalf("status after revert %+v", st)
	}

	// A full system snapshot redefined from elsewhere cannot be reverted to.
	dom := e.xml(d, driverapi.XMLInactive)
	_, err = e.l.SnapshotCreate(ctx, d.UUID, "<domainsnapshot><name>mem</name><state>running</state><creationTime>5</creationTime>"+
		"<memory snapshot='internal'/>"+dom+"</domainsnapshot>", uint32(libvirt.DomainSnapshotCreateRedefine))
	must(t, err)
	wantCode(t, e.l.SnapshotRevert(ctx, d.UUID, "mem", 0), libvirt.ErrOperationUnsupported, "cannot revert to full system snapshot 'mem' of an unprivileged user's container: CRIU")
	wantCode(t, e.l.Save(ctx, d.UUID, filepath.Join(t.TempDir(), "img"), "", 0), libvirt.ErrOperationUnsupported, "cannot save an unprivileged user's container: CRIU")
	wantCode(t, e.l.ManagedSave(ctx, d.UUID, 0), libvirt.ErrOperationUnsupported, "cannot save an unprivileged user's container: CRIU")
	_, err = e.l.RestoreSaved(ctx, filepath.Join(t.TempDir(), "img"), "", 0)
	wantCode(t, err, libvirt.ErrOperationUnsupported, "cannot restore an unprivileged user's container: CRIU")
	if st := e.status(d); st.State != libvirt.DomainRunning {
		t.Fatalf("status after the refusals %+v", st)
	}

	must(t, e.l.SnapshotDelete(ctx, d.UUID, "disk", 0))
	if e.rt.count("rmcopy web/disk") != 1 || e.rt.HasSnapshotCopy("web", "disk") {
		t.Fatalf("the copy was not removed: %v", e.rt.calls)
	}
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	must(t, e.l.Undefine(ctx, d.UUID, uint32(libvirt.DomainUndefineSnapshotsMetadata)))
	if e.rt.HasSnapshotCopy("web", "off") {
		t.Fatal("undefine --snapshots-metadata left the copy")
	}
}
