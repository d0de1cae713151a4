package lxc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// removeLeftCgroups removes container c's leftover LXC cgroups in every
// hierarchy, nested ones too, and nothing of another container; a cgroup
// rmdir refuses (here: a directory holding a file) stays.
func TestRemoveLeftCgroups(t *testing.T) {
	root := t.TempDir()
	mk := func(p string) {
		if err := os.MkdirAll(filepath.Join(root, p), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gone := []string{"memory/lxc.monitor.c", "memory/lxc.monitor.c-3", "freezer/lxc.payload.c/sub", "pids/lxc.payload.c-12"}
	kept := []string{"memory/lxc.monitor.cx", "memory/lxc.monitor.c-x", "memory/lxc.payload.c-", "memory/other.c", "freezer/lxc.monitor.c-1"}
	for _, p := range append(gone, kept...) {
		mk(p)
	}
	if err := os.WriteFile(filepath.Join(root, "freezer/lxc.monitor.c-1/busy"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	h := &system{cgroupRoot: root, layout: xmlmap.CgroupV1}
	h.removeLeftCgroups("c")
	for _, p := range gone {
		if _, err := os.Stat(filepath.Join(root, p)); err == nil {
			t.Errorf("%s is left", p)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "freezer/lxc.payload.c")); err == nil {
		t.Error("freezer/lxc.payload.c is left once its child went")
	}
	for _, p := range kept {
		if _, err := os.Stat(filepath.Join(root, p)); err != nil {
			t.Errorf("%s was removed: %v", p, err)
		}
	}
}
