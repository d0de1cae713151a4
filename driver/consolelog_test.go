package driver

import (
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

func TestTruncateConsoleLog(t *testing.T) {
	dir := t.TempDir()
	write := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("earlier run\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	size := func(p string) int64 {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}

	off := write("off.log")
	if err := truncateConsoleLog(&xmlmap.ConsoleLog{Path: off}); err != nil {
		t.Fatal(err)
	}
	if n := size(off); n != 0 {
		t.Errorf("append='off': %d bytes left", n)
	}

	on := write("on.log")
	if err := truncateConsoleLog(&xmlmap.ConsoleLog{Path: on, Append: true}); err != nil {
		t.Fatal(err)
	}
	if n := size(on); n != int64(len("earlier run\n")) {
		t.Errorf("append='on': %d bytes, want the earlier run kept", n)
	}

	missing := filepath.Join(dir, "missing.log")
	if err := truncateConsoleLog(&xmlmap.ConsoleLog{Path: missing}); err != nil {
		t.Errorf("missing file: %v", err)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("missing file was created (%v); LXC creates it", err)
	}

	// A FIFO neither blocks the start nor fails it.
	fifo := filepath.Join(dir, "fifo.log")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := truncateConsoleLog(&xmlmap.ConsoleLog{Path: fifo}); err != nil {
		t.Errorf("fifo: %v", err)
	}

	if err := truncateConsoleLog(nil); err != nil {
		t.Errorf("no log: %v", err)
	}
}
