package lxc

import (
	"os"
	"path/filepath"
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
	// lxc-monitor connects to lxc-monitord shortly after it starts; a start
	// before that would not be reported.
	time.Sleep(300 * time.Millisecond)

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
