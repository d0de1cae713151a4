//go:build integration

package lxc

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestRealStateStream watches a real container through lxc-monitor: start,
// freeze, thaw and a halt each print their state changes and the init's
// exit, in order.
func TestRealStateStream(t *testing.T) {
	r, name, _ := realContainer(t, testenv.InitHonoursHalt)
	ctx := t.Context()
	ch, err := r.StateStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// What LXC reports before the stream is connected to lxc-monitord is
	// not seen.
	waitStreamReady(t, r.LXCPath(), ch)

	next := func(want StateEvent) {
		t.Helper()
		timeout := time.After(15 * time.Second)
		for {
			select {
			case ev, ok := <-ch:
				if !ok {
					t.Fatalf("monitor ended while waiting for %+v", want)
				}
				t.Logf("event %+v", ev)
				if ev == want {
					return
				}
			case <-timeout:
				t.Fatalf("no %+v", want)
			}
		}
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(r.Start(ctx, name, StartOptions{}))
	next(StateEvent{Name: name, State: Running})
	must(r.Freeze(ctx, name))
	next(StateEvent{Name: name, State: Frozen})
	must(r.Unfreeze(ctx, name))
	next(StateEvent{Name: name, State: Running})
	// The halt signal makes init exit 0; a kill ends it with SIGKILL, and
	// lxc-monitord's socket carries that signal.
	must(r.Stop(ctx, name, StopOptions{}))
	next(StateEvent{Name: name, Exited: true, WaitStatus: true})
	next(StateEvent{Name: name, State: Stopped})
	must(r.Start(ctx, name, StartOptions{}))
	next(StateEvent{Name: name, State: Running})
	must(r.Stop(ctx, name, StopOptions{Kill: true}))
	next(StateEvent{Name: name, Exited: true, ExitStatus: int(syscall.SIGKILL), WaitStatus: true})
	next(StateEvent{Name: name, State: Stopped})

	// The socket the Runner reads is the one lxc-monitord listens on.
	sock, err := MonitordSocket(filepath.Dir(filepath.Join(r.LXCPath(), name)))
	must(err)
	unixTable, err := os.ReadFile("/proc/net/unix")
	must(err)
	if !strings.Contains(string(unixTable), sock) {
		t.Errorf("no %s in /proc/net/unix", sock)
	}
}

// waitStreamReady writes probe records into lxc-monitord's FIFO for
// lxcpath, as a container's monitor reports its state there, until one
// comes out of ch: from then on ch carries what LXC's containers report.
func waitStreamReady(t *testing.T, lxcpath string, ch <-chan StateEvent) {
	t.Helper()
	fifo := filepath.Join("/run/lxc", lxcpath, "monitor-fifo") // LXC's rundir as root
	probe := uniqueName(t, "probe")
	rec := make([]byte, monitorRecordLen)
	binary.NativeEndian.PutUint32(rec[0:], monitorMsgState)
	copy(rec[4:], probe)
	binary.NativeEndian.PutUint32(rec[4+monitorNameLen:], uint32(slices.Index(lxcStates, Running)))
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(15 * time.Second)
	for {
		// Non-blocking, as LXC opens it: no reader yet is no error.
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_, _ = f.Write(rec)
			f.Close()
		}
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("the state stream ended before it carried a probe")
			}
			if ev.Name == probe {
				return
			}
		case <-tick.C:
		case <-deadline:
			t.Fatalf("no probe written to %s came out of the state stream in 15s", fifo)
		}
	}
}
