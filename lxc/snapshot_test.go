package lxc

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/subid"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// The copies are made and restored with the real rsync: hard links,
// symlinks and modes survive, a restore deletes what the copy lacks, a
// failed copy leaves nothing, and names that would leave the snaps
// directory are refused.
func TestSnapshotCopyRestore(t *testing.T) {
	if _, err := exec.LookPath("rsync"); err != nil {
		t.Skip("rsync not installed (make deps installs it)")
	}
	lxcpath := t.TempDir()
	r, err := New(lxcpath)
	must(t, err)
	rt := &Runtime{r: r, log: slog.New(slog.DiscardHandler)}
	rootfs := t.TempDir()
	must(t, os.WriteFile(filepath.Join(rootfs, "marker"), []byte("one"), 0o640))
	must(t, os.Link(filepath.Join(rootfs, "marker"), filepath.Join(rootfs, "hard")))
	must(t, os.Symlink("marker", filepath.Join(rootfs, "soft")))
	ctx := t.Context()

	// A copy cut short by a crash left a temp directory: the next copy
	// removes it.
	must(t, os.MkdirAll(filepath.Join(lxcpath, "ct", "snaps", ".tmp-123", "rootfs"), 0o700))
	must(t, rt.CopyRootfs(ctx, "ct", "s1", rootfs))
	if _, err := os.Stat(filepath.Join(lxcpath, "ct", "snaps", ".tmp-123")); !os.IsNotExist(err) {
		t.Fatalf("unfinished copy left: %v", err)
	}
	copyDir, err := rt.SnapshotCopyPath("ct", "s1")
	must(t, err)
	if copyDir != filepath.Join(lxcpath, "ct", "snaps", "s1", "rootfs") || !rt.HasSnapshotCopy("ct", "s1") {
		t.Fatalf("copy at %s", copyDir)
	}
	a, err := os.Stat(filepath.Join(copyDir, "marker"))
	must(t, err)
	b, err := os.Stat(filepath.Join(copyDir, "hard"))
	must(t, err)
	if !os.SameFile(a, b) || a.Mode().Perm() != 0o640 {
		t.Fatalf("hard link or mode lost: %v %v", a.Mode(), os.SameFile(a, b))
	}
	if l, err := os.Readlink(filepath.Join(copyDir, "soft")); err != nil || l != "marker" {
		t.Fatalf("symlink %q %v", l, err)
	}
	if err := rt.CopyRootfs(ctx, "ct", "s1", rootfs); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second copy under one name: %v", err)
	}

	must(t, os.Remove(filepath.Join(rootfs, "hard")))
	must(t, os.WriteFile(filepath.Join(rootfs, "marker"), []byte("two"), 0o640))
	must(t, os.WriteFile(filepath.Join(rootfs, "extra"), nil, 0o600))
	must(t, rt.RestoreRootfs(ctx, "ct", "s1", rootfs))
	if got, err := os.ReadFile(filepath.Join(rootfs, "marker")); err != nil || string(got) != "one" {
		t.Fatalf("marker after restore %q %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "extra")); !os.IsNotExist(err) {
		t.Fatalf("extra after restore: %v", err)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "hard")); err != nil {
		t.Fatalf("hard after restore: %v", err)
	}

	// A full system snapshot's dump lives beside the copy and goes with it.
	mem, err := rt.SnapshotMemoryPath("ct", "s1")
	must(t, err)
	if mem != filepath.Join(lxcpath, "ct", "snaps", "s1", "memory") {
		t.Fatalf("memory dump at %s", mem)
	}
	must(t, os.MkdirAll(mem, 0o700))
	if rt.HasSnapshotMemory("ct", "s1") {
		t.Fatal("a dump reported before there is one")
	}
	must(t, os.WriteFile(filepath.Join(mem, "inventory.img"), nil, 0o600))
	if !rt.HasSnapshotMemory("ct", "s1") {
		t.Fatal("the dump is not reported")
	}
	if _, err := rt.SnapshotMemoryPath("ct", "../x"); err == nil {
		t.Fatal("memory path of a bad snapshot name")
	}

	must(t, rt.RemoveSnapshotCopy(ctx, "ct", "s1"))
	if rt.HasSnapshotCopy("ct", "s1") {
		t.Fatal("copy left")
	}
	if _, err := os.Stat(mem); !os.IsNotExist(err) {
		t.Fatalf("memory dump left: %v", err)
	}
	if err := rt.RestoreRootfs(ctx, "ct", "s1", rootfs); !errors.Is(err, ErrNoSnapshotCopy) {
		t.Fatalf("restore without a copy: %v", err)
	}
	// A copy that fails leaves nothing behind.
	if err := rt.CopyRootfs(ctx, "ct", "s2", filepath.Join(rootfs, "missing")); err == nil {
		t.Fatal("copy of a missing rootfs")
	}
	entries, _ := os.ReadDir(filepath.Join(lxcpath, "ct", "snaps"))
	if len(entries) != 0 {
		t.Fatalf("left in snaps: %v", entries)
	}
	for _, bad := range []string{"", "a/b", "..", ".hidden", "x\ny", strings.Repeat("n", 201)} {
		if err := rt.CopyRootfs(ctx, "ct", bad, rootfs); err == nil {
			t.Fatalf("snapshot name %q accepted", bad)
		}
	}
}

// An unprivileged runtime makes, restores and removes the copies as root
// of a user namespace mapping the user's subordinate ids from 0 (as a
// session container without <idmap> gets them) and the user's own ids
// after them, through lxc-usernsexec; a failed copy is removed there too,
// even when the copy's context ended.
func TestSnapshotCopyInUserNS(t *testing.T) {
	ns := &xmlmap.UserNS{
		UIDs: []subid.Range{{Start: 100000, Count: 65536}, {Start: 300000, Count: 10}},
		GIDs: []subid.Range{{Start: 200000, Count: 65536}},
	}
	nsexec, err := userNSExec("/lxc/bin/lxc-usernsexec", ns, 1001, 1002)
	must(t, err)
	want := []string{"/lxc/bin/lxc-usernsexec",
		"-m", "u:0:100000:65536", "-m", "u:65536:300000:10", "-m", "u:65546:1001:1",
		"-m", "g:0:200000:65536", "-m", "g:65536:1002:1", "--"}
	if !slices.Equal(nsexec, want) {
		t.Fatalf("lxc-usernsexec argv\n got %q\nwant %q", nsexec, want)
	}
	// The user's own id inside a subordinate range is mapped with it.
	if got, err := userNSExec("x", ns, 100005, 1002); err != nil || slices.Contains(got, "u:65546:100005:1") {
		t.Fatalf("own uid within the ranges mapped twice: %q %v", got, err)
	}
	for _, bad := range []*xmlmap.UserNS{nil, {UIDs: ns.UIDs}} {
		if _, err := userNSExec("x", bad, 1001, 1002); err == nil {
			t.Fatalf("no subordinate ids accepted: %+v", bad)
		}
	}

	lxcpath := t.TempDir()
	// The fake rsync makes its destination directory, as the real one.
	fe := &fakeExecer{replies: map[string]Result{}, hook: func(argv []string) {
		if slices.Contains(argv, "rsync") {
			_ = os.MkdirAll(argv[len(argv)-1], 0o700)
		}
	}}
	r, err := New(lxcpath)
	must(t, err)
	r.exec = fe
	rt := &Runtime{r: r, log: slog.New(slog.DiscardHandler), nsexec: nsexec}
	rootfs := t.TempDir()
	ctx := t.Context()
	// Left by a crash, removed in the namespace by the next copy.
	left := filepath.Join(lxcpath, "ct", "snaps", ".tmp-1")
	must(t, os.MkdirAll(left, 0o700))
	must(t, rt.CopyRootfs(ctx, "ct", "s1", rootfs))
	snaps := filepath.Join(lxcpath, "ct", "snaps")
	if len(fe.calls) != 2 {
		t.Fatalf("calls %q", fe.calls)
	}
	if got := fe.calls[0]; !slices.Equal(got, append(slices.Clone(nsexec), "rm", "-rf", "--one-file-system", "--", left)) {
		t.Fatalf("leftover removal argv %q", got)
	}
	tmp := fe.calls[1][len(fe.calls[1])-1]
	if got := fe.calls[1]; !slices.Equal(got[:len(nsexec)], nsexec) || !slices.Equal(got[len(nsexec):len(got)-1],
		[]string{"rsync", "-aHAXS", "--numeric-ids", "--delete", "--one-file-system", "--", rootfs + "/"}) ||
		!strings.HasPrefix(tmp, filepath.Join(snaps, ".tmp-")) || !strings.HasSuffix(tmp, "/rootfs/") {
		t.Fatalf("copy argv %q", got)
	}
	if !rt.HasSnapshotCopy("ct", "s1") {
		t.Fatal("the copy is not in place")
	}

	fe.calls = nil
	must(t, rt.RestoreRootfs(ctx, "ct", "s1", rootfs))
	copyDir := filepath.Join(snaps, "s1", "rootfs")
	if got := fe.last(); !slices.Equal(got, append(slices.Clone(nsexec),
		"rsync", "-aHAXS", "--numeric-ids", "--delete", "--one-file-system", "--checksum", "--", copyDir+"/", rootfs+"/")) {
		t.Fatalf("restore argv %q", got)
	}
	must(t, rt.RemoveSnapshotCopy(ctx, "ct", "s1"))
	if got := fe.last(); !slices.Equal(got, append(slices.Clone(nsexec), "rm", "-rf", "--one-file-system", "--", filepath.Join(snaps, "s1"))) {
		t.Fatalf("removal argv %q", got)
	}
	must(t, rt.Remove(ctx, "ct"))
	if got := fe.last(); !slices.Equal(got, append(slices.Clone(nsexec), "rm", "-rf", "--one-file-system", "--", filepath.Join(lxcpath, "ct"))) {
		t.Fatalf("container directory removal argv %q", got)
	}
	// rm failing is an error.
	fe.replies["lxc-usernsexec"] = Result{ExitCode: 1, Stderr: []byte("rm: cannot remove\n")}
	if err := rt.RemoveSnapshotCopy(ctx, "ct", "s1"); err == nil || !strings.Contains(err.Error(), "cannot remove") {
		t.Fatalf("failed removal: %v", err)
	}

	// A copy cut short (its context ended) is removed in the namespace
	// all the same.
	fe.calls, fe.replies = nil, map[string]Result{}
	cctx, cancel := context.WithCancel(ctx)
	fe.hook = func(argv []string) {
		if slices.Contains(argv, "rsync") {
			cancel()
		}
	}
	r.exec = &cancelExecer{fe}
	if err := rt.CopyRootfs(cctx, "ct", "s2", rootfs); err == nil {
		t.Fatal("a cancelled copy succeeded")
	}
	if got := fe.last(); len(got) < 2 || got[len(got)-2] != "--" || !strings.HasPrefix(got[len(got)-1], filepath.Join(snaps, ".tmp-")) ||
		!slices.Contains(got, "rm") {
		t.Fatalf("the cut copy was not removed in the namespace: %q", fe.calls)
	}
	if rt.HasSnapshotCopy("ct", "s2") {
		t.Fatal("a cancelled copy is in place")
	}
}

// cancelExecer fails a command whose context ended, as OSExecer does.
type cancelExecer struct{ f *fakeExecer }

func (c *cancelExecer) Run(ctx context.Context, argv []string, stdin []byte) (Result, error) {
	res, err := c.f.Run(ctx, argv, stdin)
	if ctx.Err() != nil {
		return Result{ExitCode: -1}, ctx.Err()
	}
	return res, err
}
