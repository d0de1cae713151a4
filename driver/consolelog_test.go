package driver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/driverapi"
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

// A reboot the driver completes (init just exited, or LXC did not restart
// the guest) keeps the console log, as LXC's own in-place reboot does; a
// new start empties it.
func TestRebootKeepsConsoleLog(t *testing.T) {
	e := newMonitoredEnv(t)
	log := filepath.Join(t.TempDir(), "console.log")
	x := strings.Replace(domXML("web", uuidA), "<console type='pty'/>",
		"<console type='pty'><log file='"+log+"' append='off'/></console>", 1)
	d, err := e.l.DefineXML(t.Context(), x, 0)
	must(t, err)
	d = e.start(d)
	evs, err := e.l.Events(t.Context())
	must(t, err)
	for i, reboot := range []func(){
		func() { must(t, e.l.Reboot(t.Context(), d.UUID, 0)) },
		func() { e.rt.exitInit("web", wsReboot) },
	} {
		must(t, os.WriteFile(log, []byte("before the reboot\n"), 0o600))
		reboot()
		if ev := nextEvent(t, evs); ev.Kind != driverapi.EventReboot {
			t.Fatalf("reboot %d: event %+v", i, ev)
		}
		if b, err := os.ReadFile(log); err != nil || string(b) != "before the reboot\n" {
			t.Errorf("reboot %d: console log %q, %v", i, b, err)
		}
	}
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	e.start(d)
	if b, err := os.ReadFile(log); err != nil || len(b) != 0 {
		t.Errorf("console log after a new start: %q, %v", b, err)
	}
}
