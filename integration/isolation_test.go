//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// TestIsolation starts a real container and checks what confines it: the
// device cgroup allows exactly libvirt-lxc's allow-list (a device node
// outside it cannot be opened or created, even with CAP_MKNOD, while
// /dev/null can), its init runs under LXC's seccomp policy, and with lxcfs
// serving, /proc/meminfo inside shows the <memory> limit as MemTotal.
func TestIsolation(t *testing.T) {
	h := newHost(t)
	testenv.RequireLXCFS(t)
	if _, err := os.Stat("/usr/share/lxc/config/common.seccomp"); err != nil {
		t.Fatalf("LXC's seccomp policy is not installed (package lxc): %v", err)
	}
	l := h.open()
	ctx := t.Context()
	name := h.name("isolated")
	rootfs := h.rootfs(testenv.InitHonoursHalt)

	// Device nodes made on the host and bind-mounted in: a block device
	// (loop0) outside the allow-list and /dev/null's numbers inside it.
	nodes := filepath.Join(filepath.Dir(h.stateDir), "nodes")
	must(t, os.Mkdir(nodes, 0o755))
	must(t, unix.Mknod(filepath.Join(nodes, "blk"), unix.S_IFBLK|0o600, int(unix.Mkdev(7, 0))))
	must(t, unix.Mknod(filepath.Join(nodes, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))

	const memMiB = 128
	d, err := l.DefineXML(ctx, fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>%d</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <features><capabilities policy='default'><mknod state='on'/></capabilities></features>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <filesystem type='mount'><source dir='%s'/><target dir='/mnt/nodes'/></filesystem>
  </devices>
</domain>`, name, memMiB, rootfs, nodes), 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	pid := int(d.ID)

	// The device cgroup (v1: devices.list; v2 has no file to read, LXC
	// attaches a BPF program, so only the behaviour below is checked).
	if list := cgroupFile(t, pid, "devices", "devices.list", ""); strings.HasSuffix(list, "devices.list") {
		got := strings.Split(readTrim(t, list), "\n")
		var want []string
		for _, r := range xmlmap.DefaultDevices {
			want = append(want, r.String())
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("devices.list = %q, want %q", got, want)
		}
	}

	procStatus := readTrim(t, fmt.Sprintf("/proc/%d/status", pid))
	if !strings.Contains(procStatus, "\nSeccomp:\t2\n") {
		t.Errorf("init is not under a seccomp filter:\n%s", procStatus)
	}

	if out, err := h.inGuest(name, "head", "-c", "1", "/mnt/nodes/null"); err != nil {
		t.Errorf("reading /dev/null's node inside: %v: %s", err, out)
	}
	if out, err := h.inGuest(name, "busybox", "mknod", "/dev/allowed", "c", "1", "3"); err != nil {
		t.Errorf("mknod of an allowed device inside (CAP_MKNOD is on): %v: %s", err, out)
	}
	for what, argv := range map[string][]string{
		"reading a block device":  {"head", "-c", "1", "/mnt/nodes/blk"},
		"creating a block device": {"busybox", "mknod", "/dev/forbidden", "b", "7", "0"},
	} {
		out, err := h.inGuest(name, argv...)
		if err == nil || !strings.Contains(out, "Operation not permitted") {
			t.Errorf("%s inside: err %v, output %q; want EPERM from the device cgroup", what, err, out)
		}
	}

	// lxcfs's view, also in a run that starts right after a destroy.
	for run := 1; run <= 2; run++ {
		out, err := h.inGuest(name, "cat", "/proc/meminfo")
		must(t, err)
		want := fmt.Sprintf("%d kB", memMiB*1024)
		if line, _, _ := strings.Cut(out, "\n"); !strings.HasPrefix(line, "MemTotal:") || strings.Fields(line)[1]+" kB" != want {
			t.Errorf("run %d: /proc/meminfo inside starts %q; want MemTotal %s (lxcfs's view of the memory limit)", run, line, want)
		}
		// The rest of lxcfs's mount hook: its other /proc files and
		// /sys/devices/system/cpu.
		mounts, err := h.inGuest(name, "cat", "/proc/self/mountinfo")
		must(t, err)
		for _, dir := range []string{"/proc/uptime", "/proc/stat", "/proc/cpuinfo", "/sys/devices/system/cpu"} {
			if !regexp.MustCompile(`(?m)^\S+ \S+ \S+ \S+ ` + regexp.QuoteMeta(dir) + ` .* - fuse\.lxcfs `).MatchString(mounts) {
				t.Errorf("run %d: %s inside is not lxcfs's:\n%s", run, dir, mounts)
			}
		}
		if run == 1 {
			must(t, l.Destroy(ctx, d.UUID, 0))
			_, err = l.Create(ctx, d.UUID, 0)
			must(t, err)
		}
	}
}

// TestSeclabelAppArmor: where the kernel has AppArmor enabled, a
// container defined with <seclabel type='dynamic' model='apparmor'> runs
// confined by the profile LXC generates for it; elsewhere the definition
// is refused as unsupported and nothing is defined.
func TestSeclabelAppArmor(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("apparmor")
	xml := smallXML(name, h.rootfs(testenv.InitHonoursHalt), "\n  <seclabel type='dynamic' model='apparmor'/>")
	enabled, _ := os.ReadFile("/sys/module/apparmor/parameters/enabled")
	_, maskErr := os.Stat("/sys/kernel/security/apparmor/features/mount/mask")
	if strings.TrimSpace(string(enabled)) != "Y" || maskErr != nil {
		_, err := l.DefineXML(ctx, xml, 0)
		if e := virterror.As(err); e == nil || e.Code != libvirt.ErrConfigUnsupported || !strings.Contains(e.Message, "AppArmor is not enabled") {
			t.Fatalf("define with an AppArmor seclabel on a host without AppArmor: %v; want unsupported configuration", err)
		}
		all, err := l.ListAll(ctx, 0)
		must(t, err)
		if len(all) != 0 {
			t.Fatalf("refused definition left domains: %+v", all)
		}
		t.Log("AppArmor is not enabled here: only the refusal was checked")
		return
	}
	d, err := l.DefineXML(ctx, xml, 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	label := readTrim(t, fmt.Sprintf("/proc/%d/attr/current", d.ID))
	if !strings.HasPrefix(label, "lxc-") || strings.Contains(label, "unconfined") {
		t.Errorf("init's AppArmor label = %q; want LXC's generated profile", label)
	}
}
