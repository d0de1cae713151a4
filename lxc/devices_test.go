package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/xmlmap"
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

// A USB device is found by vendor and product in sysfs, with libvirt's
// errors for none and for several.
func TestFindUSB(t *testing.T) {
	root := t.TempDir()
	dev := func(name, vendor, product, bus, num string) {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, v := range map[string]string{"idVendor": vendor, "idProduct": product, "busnum": bus, "devnum": num} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dev("usb2", "1d6b", "0002", "2", "1")
	dev("2-1", "0781", "5567", "2", "7")
	dev("3-1", "0781", "5583", "3", "2")
	dev("3-2", "0781", "5583", "3", "4")
	if err := os.MkdirAll(filepath.Join(root, "2-1:1.0"), 0o755); err != nil { // an interface: no ids
		t.Fatal(err)
	}
	if p, err := findUSB(root, xmlmap.USBID{Vendor: 0x0781, Product: 0x5567}); err != nil || p != "/dev/bus/usb/002/007" {
		t.Errorf("0781:5567 = %q, %v", p, err)
	}
	if _, err := findUSB(root, xmlmap.USBID{Vendor: 0x0781, Product: 0x5583}); err == nil || !strings.Contains(err.Error(), "Multiple USB devices for 781:5583") {
		t.Errorf("two 0781:5583: %v", err)
	}
	if _, err := findUSB(root, xmlmap.USBID{Vendor: 0x1234, Product: 0xbeef}); err == nil || err.Error() != "Did not find USB device 1234:beef" {
		t.Errorf("none: %v", err)
	}
}
