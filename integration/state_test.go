//go:build integration

package integration

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestStateConsistency changes containers behind lxcvirtd's back and
// checks that what clients read through the daemon — a connected Go
// client's virDomainGetState, virsh domstate, dominfo and list --all —
// agrees with the host as soon as the host shows the change:
//
//   - lxc-freeze and lxc-unfreeze run by hand, and the freezer cgroup
//     written directly (which LXC never announces): the first GetState
//     issued after the host's freezer reads FROZEN (or THAWED) must say
//     paused (or running). The driver reads the freezer whenever it is
//     asked, so nothing may answer from an older copy. libvirt's own LXC
//     driver reports its in-memory state there (lxcDomainGetState reads no
//     freezer) and would keep saying running.
//   - kill -9 of a container's init: the driver learns it asynchronously
//     (init's pidfd, then LXC's report of the wait status), as libvirt
//     learns it from its controller. The bound accepted is the driver's
//     own: the answers may say running until the driver reports the stop;
//     from the moment a client received the stopped event, or read shut
//     off once, every answer says shut off (crashed).
//   - lxc-start of a shut-off domain's container: the driver learns it
//     from LXC's monitor and adopts the container. The reads may say shut
//     off until the client received the started event, and running from
//     then on.
//   - kill -9 of the driver plugin, with a freezer write and an init
//     killed while it restarts: the first answers after the kill report
//     the frozen container paused; the killed one is shut off once the new
//     plugin has learnt it, never running again after that.
//
// Each change follows a burst of reads of the state about to change, so
// any copy of the old answer kept outside the driver is fresh when the
// change happens.
func TestStateConsistency(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	c := dialGo(t, d.sock)
	events, err := c.LifecycleEvents(t.Context())
	must(t, err)

	s := &stateCheck{t: t, d: d, c: c}
	// Each case changes containers of its own.
	start := func(t *testing.T, n int) []string {
		s.t = t
		var names []string
		for range n {
			names = append(names, h.name("state"))
		}
		d.defineAndStart(rootfs, names, all)
		return names
	}

	t.Run("lxc-freeze", func(t *testing.T) {
		x := start(t, 1)[0]
		s.freezeThaw(x, func(freeze bool) {
			lxcTool(t, map[bool]string{true: "lxc-freeze", false: "lxc-unfreeze"}[freeze], "-P", h.lxcPath, "-n", x)
		})
	})

	t.Run("freezer written directly", func(t *testing.T) {
		x := start(t, 1)[0]
		freezer := s.freezer(x)
		s.freezeThaw(x, func(freeze bool) { writeFreezer(t, freezer, freeze) })
	})

	t.Run("kill -9 of init", func(t *testing.T) {
		y := start(t, 1)[0]
		pid := s.initPID(y)
		s.prime(y)
		must(t, syscall.Kill(pid, syscall.SIGKILL))
		waitGone(t, pid)
		waitEvent(t, events, y, libvirt.DomainEventStopped)
		s.now(y, libvirt.DomainShutoff, "shut off")
		if got := d.ok("domstate", "--reason", y); got != "shut off (crashed)" {
			t.Errorf("domstate --reason %s after kill -9 of init = %q, want shut off (crashed)", y, got)
		}
	})

	t.Run("lxc-start behind its back", func(t *testing.T) {
		z := start(t, 1)[0]
		d.ok("destroy", z)
		waitEvent(t, events, z, libvirt.DomainEventStopped)
		s.prime(z)
		lxcTool(t, "lxc-start", "-P", h.lxcPath, "-n", z, "-d")
		waitEvent(t, events, z, libvirt.DomainEventStarted)
		s.now(z, libvirt.DomainRunning, "running")
	})

	t.Run("kill -9 of the plugin", func(t *testing.T) {
		names := start(t, 2)
		x, y := names[0], names[1]
		freezer, pid := s.freezer(x), s.initPID(y)
		s.prime(x)
		s.prime(y)
		plugin := d.pluginPID()
		must(t, syscall.Kill(plugin, syscall.SIGKILL))
		waitGone(t, plugin)
		writeFreezer(t, freezer, true)
		must(t, syscall.Kill(pid, syscall.SIGKILL))
		s.waitHost(freezer, frozen)
		s.now(x, libvirt.DomainPaused, "paused")
		waitGone(t, pid)
		s.eventually(y, libvirt.DomainShutoff, "shut off")
		s.prime(x)
		writeFreezer(t, freezer, false)
		s.waitHost(freezer, thawed)
		s.now(x, libvirt.DomainRunning, "running")
	})
}

// stateCheck reads domains' states through one daemon as clients do.
type stateCheck struct {
	t *testing.T
	d *daemon
	c *libvirt.Libvirt
}

// goState is the connected client's virDomainGetState of name.
func (s *stateCheck) goState(name string) libvirt.DomainState {
	s.t.Helper()
	dom, err := s.c.DomainLookupByName(name)
	must(s.t, err)
	st, _, err := s.c.DomainGetState(dom, 0)
	must(s.t, err)
	return libvirt.DomainState(st)
}

// prime reads name's state the ways a client does, repeatedly, right
// before a change.
func (s *stateCheck) prime(name string) {
	s.t.Helper()
	for range 5 {
		s.goState(name)
	}
	s.d.ok("list", "--all")
	s.d.ok("domstate", name)
}

// now checks that every way of reading name's state says want at once:
// the connected client first (the call the host's change must not
// outrun), then virsh domstate, dominfo and list --all.
func (s *stateCheck) now(name string, want libvirt.DomainState, virsh string) {
	s.t.Helper()
	if got := s.goState(name); got != want {
		s.t.Fatalf("GetState(%s) right after the host changed = %v, want %v", name, got, want)
	}
	s.agree(name, want, virsh)
}

// eventually waits until the connected client reads want for name, then
// checks that every way of reading it agrees, and that the client keeps
// reading want.
func (s *stateCheck) eventually(name string, want libvirt.DomainState, virsh string) {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for s.goState(name) != want {
		if time.Now().After(deadline) {
			s.t.Fatalf("GetState(%s) is not %v a minute after the host changed\n%s", name, want, s.d.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.agree(name, want, virsh)
}

// agree checks virsh's views of name, then that the connected client
// keeps reading want.
func (s *stateCheck) agree(name string, want libvirt.DomainState, virsh string) {
	s.t.Helper()
	if got := s.d.ok("domstate", name); got != virsh {
		s.t.Errorf("virsh domstate %s = %q, want %q", name, got, virsh)
	}
	if got := field(s.t, s.d.ok("dominfo", name), "State"); got != virsh {
		s.t.Errorf("virsh dominfo %s: State %q, want %q", name, got, virsh)
	}
	if _, got, ok := listRow(s.d.ok("list", "--all"), name); !ok || got != virsh {
		s.t.Errorf("virsh list --all: %s is %q (listed: %v), want %q", name, got, ok, virsh)
	}
	for i := range 20 {
		if got := s.goState(name); got != want {
			s.t.Fatalf("GetState(%s) #%d after it read %v = %v", name, i, want, got)
		}
	}
}

// freezeThaw freezes name with set(true), then thaws it with set(false),
// each right after a burst of reads, and checks the state read at once
// after the host's freezer shows the change.
func (s *stateCheck) freezeThaw(name string, set func(freeze bool)) {
	s.t.Helper()
	freezer := s.freezer(name)
	s.prime(name)
	set(true)
	s.waitHost(freezer, frozen)
	s.now(name, libvirt.DomainPaused, "paused")
	s.prime(name)
	set(false)
	s.waitHost(freezer, thawed)
	s.now(name, libvirt.DomainRunning, "running")
}

// initPID is name's init as the daemon reports it (its domain ID).
func (s *stateCheck) initPID(name string) int {
	s.t.Helper()
	pid, err := strconv.Atoi(s.d.ok("domid", name))
	must(s.t, err)
	return pid
}

// freezer is the freezer file of name's cgroup: freezer.state on a v1
// freezer, else cgroup.freeze.
func (s *stateCheck) freezer(name string) string {
	s.t.Helper()
	return cgroupFile(s.t, s.initPID(name), "freezer", "freezer.state", "cgroup.freeze")
}

// hostState is what a freezer file reads as, in v1 terms.
type hostState string

const (
	frozen hostState = "FROZEN"
	thawed hostState = "THAWED"
)

// readFreezer reads a freezer file as v1 terms; v2's cgroup.freeze reads
// 1 once asked to freeze, so cgroup.events beside it says when it is done.
func readFreezer(t testing.TB, path string) hostState {
	t.Helper()
	if !strings.HasSuffix(path, "cgroup.freeze") {
		return hostState(readTrim(t, path))
	}
	events := readTrim(t, strings.TrimSuffix(path, "cgroup.freeze")+"cgroup.events")
	if strings.Contains(events, "frozen 1") {
		return frozen
	}
	return thawed
}

// writeFreezer freezes or thaws a cgroup directly, as nothing of LXC does.
func writeFreezer(t testing.TB, path string, freeze bool) {
	t.Helper()
	v := map[bool]string{true: "FROZEN", false: "THAWED"}[freeze]
	if strings.HasSuffix(path, "cgroup.freeze") {
		v = map[bool]string{true: "1", false: "0"}[freeze]
	}
	must(t, os.WriteFile(path, []byte(v), 0))
}

// waitHost waits until the host's freezer reads want: the moment the
// change is observable.
func (s *stateCheck) waitHost(path string, want hostState) {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for readFreezer(s.t, path) != want {
		if time.Now().After(deadline) {
			s.t.Fatalf("%s does not read %s", path, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// lxcTool runs an lxc-* command and fails the test when it fails.
func lxcTool(t testing.TB, argv0 string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, argv0, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", argv0, strings.Join(args, " "), err, out)
	}
}

// waitEvent waits for a lifecycle event of type typ about name.
func waitEvent(t testing.TB, events <-chan libvirt.DomainEventLifecycleMsg, name string, typ libvirt.DomainEventType) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case ev := <-events:
			if ev.Dom.Name == name && ev.Event == int32(typ) {
				return
			}
		case <-deadline:
			t.Fatalf("no %v event for %s within a minute", typ, name)
		}
	}
}
