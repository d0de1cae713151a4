//go:build integration

package integration

import (
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestImportLXCBusybox: a container LXC's own busybox template made
// (lxc-create -t busybox, in an lxcpath of the test's) is imported with
// lxcvirt-import and runs under lxcvirt from where it is: its init and
// rcS run, virsh reboot reboots it with the template's reboot signal
// (SIGTERM; busybox's init ignores LXC's default, SIGINT), virsh shutdown
// halts it cleanly with the template's halt signal (SIGUSR1), and the
// original container's directory is the same afterwards. A container LXC
// runs is not imported, a domain imported from it does not start while
// LXC runs it, and a name already taken is refused.
func TestImportLXCBusybox(t *testing.T) {
	testenv.RequireTool(t, "lxc-create", "lxc")
	h := newHost(t)
	// A grace period longer than the test: a halt that init ignored
	// would hang the shutdown rather than end in a kill.
	d := startDaemon(t, h, "--shutdown-grace", "10m")
	bin := testenv.Binary(t, "github.com/lxcvirt/lxcvirt/cmd/lxcvirt-import")
	lxcpath := filepath.Join(t.TempDir(), "lxc")
	name := h.name("import")
	dir := filepath.Join(lxcpath, name)
	lxcTool(t, "lxc-create", "-P", lxcpath, "-t", "busybox", "-n", name)
	t.Cleanup(func() {
		_ = exec.Command("lxc-stop", "-P", lxcpath, "-n", name, "-k").Run()
		_ = exec.Command("lxc-destroy", "-P", lxcpath, "-n", name).Run()
	})
	before := snapshot(t, dir)
	if !strings.Contains(before["config"], "lxc.signal.halt = SIGUSR1") {
		t.Fatalf("the busybox template's config has no SIGUSR1 halt signal:\n%s", before["config"])
	}
	imp := func(args ...string) (string, error) {
		out, err := exec.CommandContext(t.Context(), bin, append([]string{"-P", lxcpath, "-c", uri(d.sock)}, args...)...).CombinedOutput()
		return string(out), err
	}

	// Not while LXC runs it.
	lxcTool(t, "lxc-start", "-P", lxcpath, "-n", name)
	if out, err := imp(name); err == nil || !strings.Contains(out, "is RUNNING") {
		t.Fatalf("import of a running container: %v\n%s", err, out)
	}
	lxcTool(t, "lxc-stop", "-P", lxcpath, "-n", name, "-t", "30")

	// --print shows the definition and defines nothing.
	if out, err := imp("--print", name); err != nil || !strings.Contains(out, "<lxcvirt:imported path='"+dir+"'/>") {
		t.Fatalf("lxcvirt-import --print: %v\n%s", err, out)
	}
	if out := d.ok("list", "--all", "--name"); strings.Contains(out, name) {
		t.Fatalf("--print defined %s", name)
	}
	out, err := imp(name)
	if err != nil {
		t.Fatalf("lxcvirt-import: %v\n%s", err, out)
	}
	if out, err := imp(name); err == nil || !strings.Contains(out, "a domain named "+name+" already exists") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	xml := d.ok("dumpxml", "--inactive", name)
	for _, want := range []string{"<source dir='" + dir + "/rootfs'/>", "<lxcvirt:signals halt='SIGUSR1' reboot='SIGTERM'/>",
		"<lxcvirt:imported path='" + dir + "'/>", "<lxcvirt:mount type='mqueue'"} {
		if !strings.Contains(xml, want) {
			t.Errorf("dumpxml lacks %s:\n%s", want, xml)
		}
	}

	// The domain does not start while LXC runs the original.
	lxcTool(t, "lxc-start", "-P", lxcpath, "-n", name)
	if msg := d.failsOn(d.sock, "start", name); !strings.Contains(msg, "Requested operation is not valid") || !strings.Contains(msg, "imported from LXC container '"+name+"'") {
		t.Errorf("start while LXC runs the original: %s", msg)
	}
	lxcTool(t, "lxc-stop", "-P", lxcpath, "-n", name, "-t", "30")

	d.ok("start", name)
	if cfg, err := os.ReadFile(filepath.Join(h.lxcPath, name, "config")); err != nil || !strings.Contains(string(cfg), "lxc.signal.halt = SIGUSR1\n") {
		t.Errorf("lxcvirt's config of the domain (%v) lacks the halt signal:\n%s", err, cfg)
	}
	// busybox's init runs rcS, which starts syslogd and udhcpc.
	testenv.Eventually(t, time.Minute, 100*time.Millisecond, "the template's rcS runs syslogd", func() (bool, string) {
		r := d.virsh("lxc-enter-namespace", name, "--noseclabel", "--", "/bin/ps")
		return r.code == 0 && strings.Contains(r.stdout, "syslogd") && strings.Contains(r.stdout, "init"), r.stdout + r.stderr
	})
	if cmdline := d.ok("lxc-enter-namespace", name, "--noseclabel", "--", "/bin/cat", "/proc/1/cmdline"); !strings.HasPrefix(cmdline, "init") {
		t.Errorf("init is %q", cmdline)
	}
	id, err := strconv.Atoi(d.ok("domid", name))
	if err != nil {
		t.Fatal(err)
	}
	// busybox's init takes its halt signal (blocked, for sigtimedwait)
	// only once rcS ended, which waits for udhcpc's lease (its retries
	// are 20 s apart); a signal before is dropped, as for any PID 1.
	testenv.Eventually(t, 2*time.Minute, 100*time.Millisecond, "init takes SIGUSR1", func() (bool, string) {
		return takesSignal(id, unix.SIGUSR1), testenv.SignalState(id)
	})

	// The template's reboot signal, SIGTERM, reboots busybox's init; LXC's
	// default, SIGINT, would only run its (absent) ctrlaltdel action.
	d.ok("reboot", name)
	testenv.Eventually(t, 2*time.Minute, 100*time.Millisecond, "a new init after the reboot", func() (bool, string) {
		r := d.virsh("domid", name)
		n, err := strconv.Atoi(strings.TrimSpace(r.stdout))
		if err == nil && n != id {
			id = n
			return true, ""
		}
		return false, r.stdout + r.stderr
	})
	// Its rcS waits for a DHCP lease again: near the deadline the detail
	// shows the guest's processes and addresses and dnsmasq's lease.
	rebooted := time.Now()
	testenv.Eventually(t, 2*time.Minute, 100*time.Millisecond, "the new init takes SIGUSR1", func() (bool, string) {
		if takesSignal(id, unix.SIGUSR1) {
			return true, ""
		}
		detail := testenv.SignalState(id)
		if time.Since(rebooted) > 110*time.Second {
			r := d.virsh("lxc-enter-namespace", name, "--noseclabel", "--", "/bin/sh", "-c", "ps; ip addr")
			leases, _ := exec.Command("sh", "-c", "grep -h "+name+" /var/lib/misc/dnsmasq.*.leases; wc -l /var/lib/misc/dnsmasq.*.leases; ip -br link show master "+testenv.Bridge).CombinedOutput()
			detail += "\nin the guest:\n" + r.stdout + r.stderr + "\nleases and bridge ports:\n" + string(leases)
		}
		return false, detail
	})

	halted := halts(t, dir)
	d.ok("shutdown", name)
	testenv.Eventually(t, time.Minute, 100*time.Millisecond, "the domain shuts off", func() (bool, string) {
		st := d.ok("domstate", "--reason", name)
		return st == "shut off (shutdown)", st
	})
	waitGone(t, id)
	if log := d.log(); strings.Contains(log, "did not halt within the grace period") {
		t.Errorf("the shutdown was escalated:\n%s", log)
	}
	// Halted by init, not killed: busybox's halt logs it.
	if n := halts(t, dir); n != halted+1 {
		t.Errorf("init logged %d halts, %d before the shutdown", n, halted)
	}
	d.ok("undefine", name)

	after := snapshot(t, dir)
	if !maps.Equal(before, after) {
		t.Errorf("the original container changed:\nbefore %q\nafter  %q", before, after)
	}
	if _, err := os.Stat(filepath.Join(dir, "rootfs", "sbin", "init")); err != nil {
		t.Errorf("the root filesystem is gone: %v", err)
	}
	// LXC still runs the original as before.
	lxcTool(t, "lxc-start", "-P", lxcpath, "-n", name)
	lxcTool(t, "lxc-stop", "-P", lxcpath, "-n", name, "-t", "30")
}

// halts counts the halts busybox's init logged in the container's syslog.
func halts(t *testing.T, dir string) int {
	t.Helper()
	msgs, err := os.ReadFile(filepath.Join(dir, "rootfs", "var", "log", "messages"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(msgs), "The system is going down NOW!")
}

// takesSignal reports whether pid blocks (to wait for it) or catches sig.
func takesSignal(pid int, sig unix.Signal) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		if k == "SigBlk" || k == "SigCgt" {
			if mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64); err == nil && mask&(1<<(uint(sig)-1)) != 0 {
				return true
			}
		}
	}
	return false
}

// snapshot is what import must not change in a container's directory:
// its entries with their modes, and the config's text.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := map[string]string{}
	for _, e := range ents {
		info, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		s["entry "+e.Name()] = info.Mode().String()
	}
	cfg, err := os.ReadFile(filepath.Join(dir, "config"))
	if err != nil {
		t.Fatal(err)
	}
	s["config"] = string(cfg)
	return s
}
