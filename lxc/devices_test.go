package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// nodeFacts reads a node's type and number through symlinks, and refuses
// what is not a device node with libvirt-lxc's message.
func TestNodeFacts(t *testing.T) {
	dir := t.TempDir()
	link := filepath.Join(dir, "null")
	if err := os.Symlink("/dev/null", link); err != nil {
		t.Fatal(err)
	}
	f, err := nodeFacts(link)
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "/dev/null" || f.Type != 'c' || f.Major != 1 || f.Minor != 3 {
		t.Errorf("facts of /dev/null = %+v", f)
	}
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = nodeFacts(file)
	if !errors.Is(err, ErrDeviceType) || err.Error() != "Disk source "+file+" must be a character/block device" {
		t.Errorf("regular file: %v", err)
	}
	if _, err := nodeFacts(filepath.Join(dir, "missing")); err == nil || errors.Is(err, ErrDeviceType) {
		t.Errorf("missing node: %v", err)
	}
}

// releaseLoop leaves alone what is not a loop device, and a device that
// does not exist.
func TestReleaseLoopRefusesOthers(t *testing.T) {
	if err := releaseLoop(Loop{Device: "/dev/null"}); err == nil {
		t.Error("released /dev/null")
	}
	if err := releaseLoop(Loop{Device: "/dev/loop-lxcvirt-none"}); err != nil {
		t.Errorf("missing loop device: %v", err)
	}
}
