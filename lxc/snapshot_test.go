package lxc

import (
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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

	must(t, rt.RemoveSnapshotCopy("ct", "s1"))
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
