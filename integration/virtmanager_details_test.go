//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// withConsole adds the text console virt-install gives a container, which
// virt-manager's details window attaches to.
func withConsole(xml string) string {
	return strings.Replace(xml, "</devices>", "<console type='pty'/></devices>", 1)
}

// TestVirtManagerSnapshotView drives virt-manager's snapshot view, a real
// window under Xvfb: the details window of a running container, opened
// from the manager's list; the toolbar's Snapshots view lists the
// snapshot taken before (virt-manager 4.1 leaves the button insensitive
// for a guest with no snapshot and no qcow2 disk); Force Off; New Snapshot
// of the shut-off container is listed and current; Run; Run selected
// snapshot stops the container and brings its root filesystem back.
func TestVirtManagerSnapshotView(t *testing.T) {
	vmRequire(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("vmmsnap")
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	marker, added := filepath.Join(rootfs, "marker"), filepath.Join(rootfs, "added")
	must(t, os.WriteFile(marker, []byte("one\n"), 0o644))
	d.ok("define", writeXML(t, withConsole(guestXML(name, rootfs, ""))))
	d.ok("snapshot-create-as", name, "seed")
	d.ok("start", name)
	const snap = "gui1"
	r := vmStart(t, "snapshots", "--uri", uri(d.sock), "--vm", name, "--seen", "seed", "--snapshot", snap)

	r.next("opened")
	r.proceed()
	r.next("listed")
	r.proceed()

	r.next("off")
	if got := d.ok("domstate", name, "--reason"); got != "shut off (destroyed)" {
		t.Fatalf("after Force Off: domstate %q", got)
	}
	r.proceed()

	if got := r.next("created"); got != snap {
		t.Fatalf("the driver created snapshot %q, want %q", got, snap)
	}
	if got := d.ok("snapshot-list", name, "--name"); got != "gui1\nseed" && got != "seed\ngui1" {
		t.Fatalf("snapshot-list after New Snapshot: %q", got)
	}
	if got := d.ok("snapshot-current", name, "--name"); got != snap {
		t.Fatalf("snapshot-current after New Snapshot: %q", got)
	}
	if info := d.ok("snapshot-info", name, snap); !regexp.MustCompile(`(?m)^State:\s+shutoff$`).MatchString(info) {
		t.Fatalf("snapshot-info %s: %s", snap, info)
	}
	// Changes the revert must undo.
	must(t, os.WriteFile(marker, []byte("two\n"), 0o644))
	must(t, os.WriteFile(added, []byte("x\n"), 0o644))
	r.proceed()

	r.next("running")
	if got := d.ok("domstate", name, "--reason"); got != "running (booted)" {
		t.Fatalf("after Run: domstate %q", got)
	}
	if got := guestRead(t, h, name, "/marker"); got != "two" {
		t.Fatalf("/marker in the container before the revert: %q", got)
	}
	r.proceed()

	r.next("reverted")
	if got := d.ok("domstate", name, "--reason"); got != "shut off (from snapshot)" {
		t.Fatalf("after Run selected snapshot: domstate %q", got)
	}
	if b, err := os.ReadFile(marker); err != nil || string(b) != "one\n" {
		t.Errorf("/marker after the revert: %q %v, want one", b, err)
	}
	if _, err := os.Stat(added); !os.IsNotExist(err) {
		t.Errorf("a file made after the snapshot is left after the revert: %v", err)
	}
	if got := d.ok("snapshot-current", name, "--name"); got != snap {
		t.Errorf("snapshot-current after the revert: %q", got)
	}
	r.proceed()

	r.finish()
	r.logCalls(d)
}

// TestVirtManagerSaveReset drives the Save, Restore and Force Reset
// buttons of virt-manager's details window, a real window under Xvfb, on
// a running counter container (CRIU): after Save the container is shut off
// (saved) with a managed save image and virt-manager shows it saved; its
// Restore button brings the counter back with the same PID; Force Reset
// boots the container afresh.
func TestVirtManagerSaveReset(t *testing.T) {
	vmRequire(t)
	requireCRIU(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("vmmsave")
	d.ok("define", writeXML(t, withConsole(criuXML(name, h.rootfs(counterInit)))))
	d.ok("start", name)
	counter := counterPID(t, h, name)
	r := vmStart(t, "save", "--uri", uri(d.sock), "--vm", name)

	r.next("opened")
	r.proceed()

	r.next("saved")
	if got := d.ok("domstate", name, "--reason"); got != "shut off (saved)" {
		t.Fatalf("after Save: domstate %q", got)
	}
	if info := d.ok("dominfo", name); !regexp.MustCompile(`(?m)^Managed save:\s+yes$`).MatchString(info) {
		t.Fatalf("dominfo after Save has no managed save:\n%s", info)
	}
	r.proceed()

	r.next("restored")
	if got := d.ok("domstate", name, "--reason"); got != "running (restored)" {
		t.Fatalf("after Restore: domstate %q", got)
	}
	if info := d.ok("dominfo", name); !regexp.MustCompile(`(?m)^Managed save:\s+no$`).MatchString(info) {
		t.Errorf("dominfo after Restore still has a managed save:\n%s", info)
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != counter {
		t.Fatalf("counter PID after Restore %s, want %s", got, counter)
	}
	if out, err := h.inGuest(name, "cat", "/proc/"+counter+"/cmdline"); err != nil || !strings.Contains(out, "while") {
		t.Fatalf("counter process %s in the container after Restore: %q %v", counter, out, err)
	}
	counting(t, h, name)
	restored := vmInitPID(t, d, name)
	started := counterStarted(t, h, name)
	r.proceed()

	r.next("reset")
	testenv.Eventually(t, patience, 50*time.Millisecond, "a new init after Force Reset", func() (bool, string) {
		res := d.virsh("domid", name)
		id, err := strconv.Atoi(strings.TrimSpace(res.stdout))
		return res.code == 0 && err == nil && id != restored && alive(id), res.stdout
	})
	if got := d.ok("domstate", name, "--reason"); got != "running (booted)" {
		t.Fatalf("after Force Reset: domstate %q", got)
	}
	testenv.Eventually(t, patience, 50*time.Millisecond, "the restored init gone after Force Reset", func() (bool, string) {
		st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", restored))
		return err != nil, string(st)
	})
	// The counter in /tmp/counter.pid is a new process (its PID may be
	// the old one's in the new PID namespace).
	testenv.Eventually(t, patience, 50*time.Millisecond, "a new counter after Force Reset", func() (bool, string) {
		now, err := h.inGuest(name, "sh", "-c", "cat /proc/$(cat /tmp/counter.pid)/stat")
		return err == nil && statStart(now) != "" && statStart(now) != started, now
	})
	counting(t, h, name)
	r.proceed()

	r.finish()
	r.logCalls(d)
}

// counterStarted returns when the container's counter process started
// (field 22 of its /proc/PID/stat).
func counterStarted(t *testing.T, h *host, name string) string {
	t.Helper()
	out, err := h.inGuest(name, "sh", "-c", "cat /proc/$(cat /tmp/counter.pid)/stat")
	if s := statStart(out); err != nil || s == "" {
		t.Fatalf("the counter's /proc/PID/stat: %q %v", out, err)
	}
	return statStart(out)
}

// statStart is the start time field of a /proc/PID/stat line whose
// command has no spaces, or "".
func statStart(stat string) string {
	f := strings.Fields(stat)
	if len(f) < 22 {
		return ""
	}
	return f[21]
}
