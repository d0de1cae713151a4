package main

import "testing"

func TestSocketOf(t *testing.T) {
	sock, open, err := socketOf("lxc:///system?socket=/tmp/s")
	if err != nil || sock != "/tmp/s" || open != "lxc:///system" {
		t.Errorf("got %q %q %v", sock, open, err)
	}
	if sock, _, err := socketOf("lxc:///system"); err != nil || sock == "" {
		t.Errorf("default socket: %q %v", sock, err)
	}
	if _, _, err := socketOf("qemu:///system"); err == nil {
		t.Error("a qemu:// URI accepted")
	}
}
