//go:build integration

package integration

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driver"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// counterInit starts a counter process (its PID in the container in
// /tmp/counter.pid, its count in /tmp/count) and keeps running.
const counterInit = `#!/bin/sh
sh -c 'echo $$ > /tmp/counter.pid; i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done' </dev/null >/dev/null 2>&1 &
exec sleep 1000000
`

// requireCRIU stops t unless a CRIU that can dump here is installed
// (make criu).
func requireCRIU(t *testing.T) {
	t.Helper()
	out, err := exec.Command("criu", "--version").Output()
	if err != nil || !strings.Contains(string(out), "Version: 4.") {
		testenv.Missing(t, "CRIU 4.1 or later is not installed (make criu): %v %s", err, out)
	}
}

// criuXML is a counter container on the test bridge, without a console.
func criuXML(name, rootfs string) string {
	return strings.Replace(guestXML(name, rootfs, ""), "<features>", "<on_crash>destroy</on_crash><features>", 1)
}

// guestRead reads a file of the running container name.
func guestRead(t *testing.T, h *host, name, path string) string {
	t.Helper()
	out, err := h.inGuest(name, "cat", path)
	if err != nil {
		t.Fatalf("read %s in %s: %v: %s", path, name, err, out)
	}
	return strings.TrimSpace(out)
}

// counterPID waits until counterInit's counter runs in name (its PID and
// a first count written) and returns its PID in the container.
func counterPID(t *testing.T, h *host, name string) string {
	t.Helper()
	testenv.Eventually(t, patience, 50*time.Millisecond, "the counter runs", func() (bool, string) {
		out, err := h.inGuest(name, "sh", "-c", "cat /tmp/counter.pid && cat /tmp/count")
		return err == nil && len(strings.Fields(out)) == 2, out
	})
	return guestRead(t, h, name, "/tmp/counter.pid")
}

// counting waits until the container's counter has gone past its value now.
func counting(t *testing.T, h *host, name string) {
	t.Helper()
	before, _ := strconv.Atoi(guestRead(t, h, name, "/tmp/count"))
	testenv.Eventually(t, patience, 50*time.Millisecond, "the counter counts on", func() (bool, string) {
		now, _ := strconv.Atoi(guestRead(t, h, name, "/tmp/count"))
		return now > before, strconv.Itoa(now)
	})
}

// onBridge checks that the domain's veth is on the test bridge and its
// guest end eth0 is up.
func onBridge(t *testing.T, h *host, l *driver.LXC, d driverapi.Domain) {
	t.Helper()
	x, err := l.XMLDesc(t.Context(), d.UUID, 0)
	must(t, err)
	var dom libvirtxml.Domain
	must(t, dom.Unmarshal(x))
	veth := dom.Devices.Interfaces[0].Target.Dev
	master, err := os.Readlink("/sys/class/net/" + veth + "/master")
	if err != nil || filepath.Base(master) != testenv.Bridge {
		t.Fatalf("veth %s: master %q (%v), want %s", veth, master, err, testenv.Bridge)
	}
	out, err := h.inGuest(d.Name, "cat", "/sys/class/net/eth0/operstate")
	if err != nil || strings.TrimSpace(out) != "up" {
		t.Fatalf("eth0 in the container: operstate %q (%v)", out, err)
	}
}

func TestCRIUSaveRestore(t *testing.T) {
	requireCRIU(t)
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("criu-sr")
	d, err := l.DefineXML(ctx, criuXML(name, h.rootfs(counterInit)), 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	pid := counterPID(t, h, name)

	// virsh save FILE, virsh restore FILE.
	img := filepath.Join(t.TempDir(), "saved")
	t0 := time.Now()
	must(t, l.Save(ctx, d.UUID, img, "", 0))
	t.Logf("save (busybox): %v", time.Since(t0))
	st := status(t, l, d)
	if st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffSaved) {
		t.Fatalf("after save: state %v reason %d, want shut off (saved)", st.State, st.Reason)
	}
	x, err := l.SaveImageXML(ctx, img, 0)
	must(t, err)
	if !strings.Contains(x, "<name>"+name+"</name>") {
		t.Fatalf("save image XML lacks the domain's name: %s", x)
	}
	t0 = time.Now()
	r, err := l.RestoreSaved(ctx, img, "", 0)
	must(t, err)
	t.Logf("restore (busybox): %v", time.Since(t0))
	st = status(t, l, r)
	if st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningRestored) || r.ID <= 0 {
		t.Fatalf("after restore: %+v, want running (restored)", st)
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after restore %s, want %s", got, pid)
	}
	if out, err := h.inGuest(name, "cat", "/proc/"+pid+"/cmdline"); err != nil || !strings.Contains(out, "while") {
		t.Fatalf("counter process %s in the container: %q %v", pid, out, err)
	}
	counting(t, h, name)
	onBridge(t, h, l, r)

	// virsh managedsave, then virsh start restores.
	must(t, l.ManagedSave(ctx, d.UUID, 0))
	if has, err := l.HasManagedSave(ctx, d.UUID, 0); err != nil || !has {
		t.Fatalf("HasManagedSave after managedsave: %v %v", has, err)
	}
	if err := l.Undefine(ctx, d.UUID, 0); err == nil {
		t.Fatal("undefine with a managed save image succeeded without the managed-save flag")
	}
	s, err := l.Create(ctx, d.UUID, 0)
	must(t, err)
	if st := status(t, l, s); st.Reason != int32(libvirt.DomainRunningRestored) {
		t.Fatalf("start with a managed save image: reason %d, want restored", st.Reason)
	}
	if has, _ := l.HasManagedSave(ctx, d.UUID, 0); has {
		t.Fatal("the managed save image is still there after the start restored it")
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after managed restore %s, want %s", got, pid)
	}
	counting(t, h, name)
	onBridge(t, h, l, s)

	// A packet socket (a DHCP client's) cannot be dumped on this kernel:
	// the save fails, says why, and the container runs on.
	holdPacketSocket(t, h, name)
	before := status(t, l, s)
	err = l.Save(ctx, d.UUID, filepath.Join(t.TempDir(), "fails"), "", 0)
	if err == nil || !strings.Contains(err.Error(), "packet socket") {
		t.Fatalf("save with a packet socket: %v, want a packet socket error", err)
	}
	t.Logf("refused: %v", err)
	if st := status(t, l, s); st.State != libvirt.DomainRunning || st.ID != before.ID {
		t.Fatalf("after the failed save: %+v, want running as before (%+v)", st, before)
	}
	counting(t, h, name)
}

// TestCRIUConsole: a domain with a console is saved and restored twice;
// its counter runs on, and the console works after each restore: what
// the guest writes on /dev/console reaches a console session.
func TestCRIUConsole(t *testing.T) {
	requireCRIU(t)
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("criu-con")
	xml := strings.Replace(criuXML(name, h.rootfs(counterInit)), "</devices>", "<console type='pty'/></devices>", 1)
	d, err := l.CreateXML(ctx, xml, 0)
	must(t, err)
	pid := counterPID(t, h, name)
	for round := range 2 {
		img := filepath.Join(t.TempDir(), "saved")
		t0 := time.Now()
		must(t, l.Save(ctx, d.UUID, img, "", 0))
		t.Logf("save %d (busybox, console): %v", round, time.Since(t0))
		t0 = time.Now()
		r, err := l.RestoreSaved(ctx, img, "", 0)
		must(t, err)
		t.Logf("restore %d (busybox, console): %v", round, time.Since(t0))
		if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
			t.Fatalf("counter PID after restore %d: %s, want %s", round, got, pid)
		}
		counting(t, h, name)
		onBridge(t, h, l, r)
		con, err := l.OpenConsole(ctx, r.UUID, "", 0)
		must(t, err)
		marker := fmt.Sprintf("criu-console-%d", round)
		got := make(chan string, 1)
		go func() {
			var seen strings.Builder
			buf := make([]byte, 4096)
			for !strings.Contains(seen.String(), marker) {
				n, err := con.Read(buf)
				if err != nil {
					break
				}
				seen.Write(buf[:n])
			}
			got <- seen.String()
		}()
		testenv.Eventually(t, patience, 200*time.Millisecond, "the guest's console output reaches the session", func() (bool, string) {
			if _, err := h.inGuest(name, "sh", "-c", "echo "+marker+" > /dev/console"); err != nil {
				return false, err.Error()
			}
			select {
			case s := <-got:
				return strings.Contains(s, marker), s
			default:
				return false, "nothing yet"
			}
		})
		_ = con.Close()
	}
}

// TestCRIUVirsh drives save and restore with stock virsh: save, restore,
// save-image-dumpxml, managedsave and dominfo's Managed save, start
// restoring it, managedsave-remove, domjobinfo, reset, and their events.
func TestCRIUVirsh(t *testing.T) {
	requireCRIU(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("criu-virsh")
	xmlPath := filepath.Join(t.TempDir(), "dom.xml")
	// With a console, as virt-install and virt-manager define domains.
	xml := strings.Replace(criuXML(name, h.rootfs(counterInit)), "</devices>", "<console type='pty'/></devices>", 1)
	must(t, os.WriteFile(xmlPath, []byte(xml), 0o644))
	d.ok("define", xmlPath)
	ev := d.watchEvents()
	line := func(what string) string { return lifecycleLine(name, what) }
	d.ok("start", name)
	ev.want(line("Started Booted"))
	pid := counterPID(t, h, name)
	if out := d.ok("domjobinfo", name); !strings.Contains(out, "None") {
		t.Fatalf("domjobinfo with no job: %q", out)
	}

	img := filepath.Join(t.TempDir(), "saved")
	d.ok("save", name, img)
	ev.want(line("Stopped Saved"))
	if out := d.ok("domstate", "--reason", name); out != "shut off (saved)" {
		t.Fatalf("domstate after save: %q", out)
	}
	if out := d.ok("save-image-dumpxml", img); !strings.Contains(out, "<name>"+name+"</name>") {
		t.Fatalf("save-image-dumpxml: %q", out)
	}
	d.ok("restore", img)
	ev.want(line("Started Restored"))
	if out := d.ok("domstate", "--reason", name); out != "running (restored)" {
		t.Fatalf("domstate after restore: %q", out)
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after restore %s, want %s", got, pid)
	}
	counting(t, h, name)

	// Saved paused, it comes back paused (CRIU restores the freezer and
	// LXC's monitor is told, so resume thaws it); --running runs it.
	d.ok("suspend", name)
	ev.want(line("Suspended Paused"))
	d.ok("save", name, img+"-paused")
	ev.want(line("Stopped Saved"))
	d.ok("restore", img+"-paused")
	ev.want(line("Started Restored"), line("Suspended Restored"))
	if out := d.ok("domstate", "--reason", name); out != "paused (user)" {
		t.Fatalf("domstate after restoring a paused save: %q", out)
	}
	d.ok("resume", name)
	counting(t, h, name)
	d.ok("suspend", name)
	d.ok("save", name, img+"-paused2")
	d.ok("restore", "--running", img+"-paused2")
	if out := d.ok("domstate", "--reason", name); out != "running (restored)" {
		t.Fatalf("domstate after restore --running of a paused save: %q", out)
	}
	counting(t, h, name)
	ev = d.watchEvents()

	d.ok("managedsave", name)
	ev.want(line("Stopped Saved"))
	if out := d.ok("dominfo", name); !strings.Contains(out, "Managed save:   yes") {
		t.Fatalf("dominfo after managedsave: %q", out)
	}
	if out := d.ok("list", "--all", "--with-managed-save", "--name"); out != name {
		t.Fatalf("list --with-managed-save: %q", out)
	}
	if out := d.ok("list", "--all", "--without-managed-save", "--name"); out != "" {
		t.Fatalf("list --without-managed-save: %q", out)
	}
	d.ok("start", name)
	ev.want(line("Started Restored"))
	if out := d.ok("dominfo", name); !strings.Contains(out, "Managed save:   no") {
		t.Fatalf("dominfo after the start restored: %q", out)
	}
	if got := guestRead(t, h, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID after managed restore %s, want %s", got, pid)
	}
	counting(t, h, name)

	d.ok("managedsave", name)
	ev.want(line("Stopped Saved"))
	d.ok("managedsave-remove", name)
	if out := d.ok("dominfo", name); !strings.Contains(out, "Managed save:   no") {
		t.Fatalf("dominfo after managedsave-remove: %q", out)
	}
	d.ok("start", name)
	ev.want(line("Started Booted"))

	// reset: a fresh boot, under a new init.
	old := d.ok("domid", name)
	d.ok("reset", name)
	testenv.Eventually(t, patience, 50*time.Millisecond, "the reset container runs again", func() (bool, string) {
		id := d.virsh("domid", name)
		return id.code == 0 && strings.TrimSpace(id.stdout) != old && strings.TrimSpace(id.stdout) != "-", id.stdout
	})
	d.ok("destroy", name)
}

// TestCRIUDebian12: Debian 12 systems (systemd) without a network
// interface (ifupdown's dhclient would hold a packet socket) and without a
// console. As it comes, one cannot be saved: its systemd sees the cgroup2
// hierarchy (/sys/fs/cgroup/unified on this hybrid host) and loads BPF
// programs for the units with IPAddressDeny= (journald's and others'
// firewalls), which CRIU cannot dump; the save says so and the system runs
// on. With a drop-in for every service that clears IPAddressDeny=, bound
// from a host directory by the domain XML (the guest's files untouched),
// systemd loads none and the system is saved and restored: the same
// manager, a unit it started before the save running on with its PID and
// stopped by it after the restore. (Its empty ramfs mounts,
// /run/credentials/UNIT, are mounted anew; its watches on the cgroup.events
// of empty slices come back with the cgroups CRIU dumps under the
// container's cgroup2 root.)
func TestCRIUDebian12(t *testing.T) {
	requireCRIU(t)
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	dropin := t.TempDir()
	must(t, os.WriteFile(filepath.Join(dropin, "lxcvirt-no-bpf.conf"), []byte("[Service]\nIPAddressDeny=\n"), 0o644))
	domain := func(name, root, extra string) driverapi.Domain {
		d, err := l.DefineXML(ctx, fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>512</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>%s
  </devices>
</domain>`, name, root, extra), 0)
		must(t, err)
		d, err = l.Create(ctx, d.UUID, 0)
		must(t, err)
		return d
	}
	refusedName, savedName := h.name("debcriu-bpf"), h.name("debcriu-deb")
	root1 := debian12Rootfs(t, h)
	root2 := filepath.Join(t.TempDir(), "debian12")
	if out, err := exec.Command("cp", "-a", "--reflink=auto", root1, root2).CombinedOutput(); err != nil {
		t.Fatalf("copying the rootfs: %v: %s", err, out)
	}
	refused := domain(refusedName, root1, "")
	saved := domain(savedName, root2, fmt.Sprintf(`
    <filesystem type='mount'><source dir='%s'/><target dir='/etc/systemd/system/service.d'/><readonly/></filesystem>`, dropin))
	running := func(name string) func() (bool, string) {
		return func() (bool, string) {
			out, _ := h.inGuest(name, "systemctl", "is-system-running")
			s := strings.TrimSpace(out)
			return s == "running" || s == "degraded", s
		}
	}
	testenv.Eventually(t, 3*time.Minute, 500*time.Millisecond, "systemd has booted", running(refusedName))
	testenv.Eventually(t, 3*time.Minute, 500*time.Millisecond, "systemd has booted (drop-in)", running(savedName))

	// As it comes: refused, running on.
	if got := guestRead(t, h, refusedName, "/proc/1/comm"); got != "systemd" {
		t.Fatalf("PID 1 is %q", got)
	}
	t0 := time.Now()
	err := l.Save(ctx, refused.UUID, filepath.Join(t.TempDir(), "saved"), "", 0)
	t.Logf("save (Debian 12, systemd) refused after %v: %v", time.Since(t0), err)
	if !virterror.HasCode(err, libvirt.ErrOperationFailed) || !strings.Contains(err.Error(), "BPF program") {
		t.Fatalf("save of a systemd container: %v, want the BPF program named", err)
	}
	if st := status(t, l, refused); st.State != libvirt.DomainRunning || st.ID != refused.ID {
		t.Fatalf("after the refused save: %+v", st)
	}
	if ok, s := running(refusedName)(); !ok {
		t.Fatalf("systemd after the refused save: %s", s)
	}

	// With the drop-in: saved and restored.
	show := func(args ...string) string {
		t.Helper()
		out, err := h.inGuest(savedName, append([]string{"systemctl", "show", "--value"}, args...)...)
		if err != nil {
			t.Fatalf("systemctl show %v: %v: %s", args, err, out)
		}
		return strings.TrimSpace(out)
	}
	if v := show("-p", "IPAddressDeny", "systemd-journald.service"); v != "" {
		t.Fatalf("journald's IPAddressDeny with the drop-in: %q", v)
	}
	if out, err := h.inGuest(savedName, "systemd-run", "--unit=debcriu-sleeper", "/bin/sleep", "1000000"); err != nil {
		t.Fatalf("systemd-run: %v: %s", err, out)
	}
	var pid string
	testenv.Eventually(t, patience, 100*time.Millisecond, "the unit runs", func() (bool, string) {
		pid = show("-p", "MainPID", "debcriu-sleeper.service")
		return pid != "" && pid != "0", pid
	})
	finished := show("-p", "FinishTimestampMonotonic")
	img := filepath.Join(t.TempDir(), "saved")
	t0 = time.Now()
	must(t, l.Save(ctx, saved.UUID, img, "", 0))
	t.Logf("save (Debian 12, systemd): %v", time.Since(t0))
	if st := status(t, l, saved); st.State != libvirt.DomainShutoff || st.Reason != int32(libvirt.DomainShutoffSaved) {
		t.Fatalf("after save: %+v, want shut off (saved)", st)
	}
	t0 = time.Now()
	r, err := l.RestoreSaved(ctx, img, "", 0)
	must(t, err)
	t.Logf("restore (Debian 12, systemd): %v", time.Since(t0))
	if st := status(t, l, r); st.State != libvirt.DomainRunning || st.Reason != int32(libvirt.DomainRunningRestored) || r.ID <= 0 {
		t.Fatalf("after restore: %+v, want running (restored)", st)
	}
	if got := guestRead(t, h, savedName, "/proc/1/comm"); got != "systemd" {
		t.Fatalf("PID 1 after restore is %q", got)
	}
	if got := show("-p", "FinishTimestampMonotonic"); got != finished {
		t.Fatalf("systemd finished booting at %s after restore, %s before: not the same manager", got, finished)
	}
	if got := show("-p", "MainPID", "debcriu-sleeper.service"); got != pid {
		t.Fatalf("the unit's PID after restore %s, want %s", got, pid)
	}
	if got := guestRead(t, h, savedName, "/proc/"+pid+"/comm"); got != "sleep" {
		t.Fatalf("process %s in the container after restore: %q", pid, got)
	}
	testenv.Eventually(t, patience, 500*time.Millisecond, "systemd runs after the restore", running(savedName))
	if out, err := h.inGuest(savedName, "systemctl", "stop", "debcriu-sleeper.service"); err != nil {
		t.Fatalf("systemctl stop after restore: %v: %s", err, out)
	}
	if got := show("-p", "ActiveState", "debcriu-sleeper.service"); got != "inactive" && got != "failed" {
		t.Fatalf("the unit after systemctl stop: %s", got)
	}
	if _, err := h.inGuest(savedName, "test", "-e", "/proc/"+pid); err == nil {
		t.Fatalf("process %s still runs after systemctl stop", pid)
	}
}

// TestCRIUVirtManagerCalls runs what virt-manager's Save and Force Reset
// buttons call (clients/save_like_virtmanager.py, libvirt-python):
// managedSave with jobInfo polled meanwhile, hasManagedSaveImage, create
// restoring the image, reset.
func TestCRIUVirtManagerCalls(t *testing.T) {
	requireCRIU(t)
	py := hostStatsPython(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("criu-vmm")
	xml := strings.Replace(criuXML(name, h.rootfs(counterInit)), "</devices>", "<console type='pty'/></devices>", 1)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)
	counterPID(t, h, name)
	out, err := exec.CommandContext(t.Context(), py, filepath.Join("clients", "save_like_virtmanager.py"), uri(d.sock), name).CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Fatalf("save_like_virtmanager.py: %v", err)
	}
	for _, want := range []string{
		"has managed save before: 0",
		fmt.Sprintf("state after save: %d %d", libvirt.DomainShutoff, libvirt.DomainShutoffSaved),
		"has managed save after: 1",
		fmt.Sprintf("state after create: %d %d", libvirt.DomainRunning, libvirt.DomainRunningRestored),
		"has managed save after create: 0",
	} {
		if !strings.Contains(string(out), want+"\n") {
			t.Fatalf("save_like_virtmanager.py: no line %q", want)
		}
	}
	// The reset boots the container afresh.
	testenv.Eventually(t, patience, 50*time.Millisecond, "the reset container runs again", func() (bool, string) {
		r := d.virsh("domstate", "--reason", name)
		return strings.TrimSpace(r.stdout) == "running (booted)", r.stdout
	})
	testenv.Eventually(t, patience, 50*time.Millisecond, "a new counter runs", func() (bool, string) {
		out, err := h.inGuest(name, "cat", "/tmp/counter.pid")
		return err == nil && strings.TrimSpace(out) != "", out
	})
}

// TestCRIUMigrateLive moves a running counter container (a veth on the
// bridge, a console) between two daemons with stock virsh over ssh:
// virsh migrate --live --persistent --undefinesource, through a CRIU
// checkpoint beside its root filesystem. The counter keeps its PID and
// counts on there; the source has the domain no more.
func TestCRIUMigrateLive(t *testing.T) {
	requireCRIU(t)
	srcHost, dstHost, src, dst, ssh, name := migrationHosts(t, "criu-mig")
	rootfs := srcHost.rootfs(counterInit)
	xml := strings.Replace(criuXML(name, rootfs), "</devices>", "<console type='pty'/></devices>", 1)
	src.ok("define", writeXML(t, xml))
	src.ok("start", name)
	pid := counterPID(t, srcHost, name)
	def := src.ok("dumpxml", "--inactive", name)

	// The downtime: the longest the counter (a step every 0.1 s) stood
	// still while the migration ran, read from the shared root filesystem.
	stop := make(chan struct{})
	gap := make(chan time.Duration, 1)
	go func() {
		var last string
		var longest time.Duration
		changed := time.Now()
		for {
			select {
			case <-stop:
				gap <- longest
				return
			case <-time.After(5 * time.Millisecond):
			}
			b, _ := os.ReadFile(filepath.Join(rootfs, "tmp", "count"))
			if v := strings.TrimSpace(string(b)); v != "" && v != last {
				longest = max(longest, time.Since(changed))
				last, changed = v, time.Now()
			}
		}
	}()
	t0 := time.Now()
	src.ok("migrate", "--live", "--persistent", "--undefinesource", name, ssh.uri(dst.sock))
	took := time.Since(t0)
	counting(t, dstHost, name)
	close(stop)
	t.Logf("live migration (busybox, on one host): virsh migrate %v, counter stood still at most %v", took, <-gap)
	// The target's persistent definition is the source's, which the
	// migration cookie carried.
	if got := dst.ok("dumpxml", "--inactive", name); got != def {
		t.Errorf("persistent definition on the target:\n%s\nwant the source's:\n%s", got, def)
	}
	if got := dst.ok("domstate", "--reason", name); got != "running (migrated)" {
		t.Fatalf("target state %q", got)
	}
	if got := guestRead(t, dstHost, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID on the target %s, want %s", got, pid)
	}
	counting(t, dstHost, name)
	if msg := src.failsOn(src.sock, "domstate", name); !strings.Contains(msg, "failed to get domain") {
		t.Fatalf("source still has the domain: %s", msg)
	}
	dst.ok("destroy", name)
}

// uuidElem is the <uuid> element of a domain XML.
func uuidElem(xml string) string {
	i := strings.Index(xml, "<uuid>")
	j := strings.Index(xml, "</uuid>")
	if i < 0 || j < i {
		return "<uuid>"
	}
	return xml[i : j+len("</uuid>")]
}

// holdPacketSocket runs a DHCP client (busybox udhcpc) in name until the
// test ends and waits until it holds its packet socket, which CRIU cannot
// dump on this kernel.
func holdPacketSocket(t *testing.T, h *host, name string) {
	t.Helper()
	cmd := exec.Command("lxc-attach", "-P", h.lxcPath, "-n", name, "--", "udhcpc", "-f", "-i", "eth0", "-s", "/bin/true")
	must(t, cmd.Start())
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	testenv.Eventually(t, patience, 50*time.Millisecond, "udhcpc holds its packet socket", func() (bool, string) {
		out, _ := h.inGuest(name, "cat", "/proc/net/packet")
		return len(strings.Split(strings.TrimSpace(out), "\n")) > 1, out
	})
}

// TestCRIUMigrateP2P moves a running counter container with stock virsh
// migrate --p2p: the source daemon itself reaches the target over ssh
// (the URI's keyfile and no_verify are for its ssh) and drives the
// phases. The counter keeps its PID and counts on there.
func TestCRIUMigrateP2P(t *testing.T) {
	requireCRIU(t)
	srcHost, dstHost, src, dst, ssh, name := migrationHosts(t, "p2p-live")
	rootfs := srcHost.rootfs(counterInit)
	src.ok("define", writeXML(t, criuXML(name, rootfs)))
	src.ok("start", name)
	pid := counterPID(t, srcHost, name)
	def := src.ok("dumpxml", "--inactive", name)

	// A target the source cannot reach leaves it running.
	msg := src.failsOn(src.sock, "migrate", "--p2p", "--live", "--persistent", "--undefinesource", name,
		strings.Replace(ssh.uri(dst.sock), "keyfile=", "keyfile=/nonexistent", 1))
	if !strings.Contains(msg, "cannot reach the destination through ssh") {
		t.Errorf("unreachable target: %q", msg)
	}
	if got := src.ok("domstate", name); got != "running" {
		t.Fatalf("source after a failed p2p migration: %q", got)
	}

	src.ok("migrate", "--p2p", "--live", "--persistent", "--undefinesource", name, ssh.uri(dst.sock))
	if got := dst.ok("domstate", "--reason", name); got != "running (migrated)" {
		t.Fatalf("target state %q", got)
	}
	if got := dst.ok("dumpxml", "--inactive", name); got != def {
		t.Errorf("persistent definition on the target:\n%s\nwant the source's:\n%s", got, def)
	}
	if got := guestRead(t, dstHost, name, "/tmp/counter.pid"); got != pid {
		t.Fatalf("counter PID on the target %s, want %s", got, pid)
	}
	counting(t, dstHost, name)
	if msg := src.failsOn(src.sock, "domstate", name); !strings.Contains(msg, "failed to get domain") {
		t.Fatalf("source still has the domain: %s", msg)
	}
	// --tunnelled stays refused, and changes nothing.
	msg = dst.failsOn(dst.sock, "migrate", "--p2p", "--tunnelled", "--live", name, ssh.uri(src.sock))
	if !strings.Contains(msg, "tunnelled migration is not supported") {
		t.Errorf("--tunnelled: %q", msg)
	}
	if got := dst.ok("domstate", name); got != "running" {
		t.Errorf("target after a refused --tunnelled: %q", got)
	}
	dst.ok("destroy", name)
}

// migrationHosts starts a source and a target daemon with hosts of their
// own, an sshd that reaches them, and names a domain (prefix) that the
// target's cleanup covers too.
func migrationHosts(t *testing.T, prefix string) (srcHost, dstHost *host, src, dst *daemon, ssh *sshServer, name string) {
	t.Helper()
	srcHost, dstHost = newHost(t), newHost(t)
	src, dst = startDaemon(t, srcHost), startDaemon(t, dstHost)
	ssh = startSSH(t)
	name = srcHost.name(prefix)
	dstHost.mu.Lock()
	dstHost.names = append(dstHost.names, name)
	dstHost.mu.Unlock()
	return srcHost, dstHost, src, dst, ssh, name
}
