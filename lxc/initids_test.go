package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// Names resolve from the root filesystem's own files, and a symlink there
// cannot lead out of it: /etc/passwd -> /etc/shadow-like host paths
// resolve inside the rootfs.
func TestInitIDs(t *testing.T) {
	root := t.TempDir()
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(etc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("passwd.real", "root:x:0:0::/root:/bin/sh\ntester:x:1234:1234::/home/tester:/bin/sh\n")
	if err := os.Symlink("/etc/passwd.real", filepath.Join(etc, "passwd")); err != nil {
		t.Fatal(err)
	}
	write("group", "root:x:0:\nstaff:x:50:tester\n")
	uid, gid, err := InitIDs(root, "tester", "staff")
	if err != nil || uid != "1234" || gid != "50" {
		t.Fatalf("InitIDs = %q, %q, %v; want 1234, 50", uid, gid, err)
	}
	if _, _, err := InitIDs(root, "nobody-here", ""); !errors.Is(err, ErrUnknownID) {
		t.Fatalf("unknown user: %v", err)
	}
	if uid, gid, err := InitIDs(root, "", "root"); err != nil || uid != "" || gid != "0" {
		t.Fatalf("group only: %q %q %v", uid, gid, err)
	}
	// A symlink pointing at the host's root resolves inside the rootfs.
	if err := os.Remove(filepath.Join(etc, "group")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../../../../../../etc/group", filepath.Join(etc, "group")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := InitIDs(root, "", "root"); err == nil {
		t.Fatal("a symlink in the rootfs reached the host's /etc/group")
	}
}
