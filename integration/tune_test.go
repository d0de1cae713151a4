//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// tuneInit is dhcpInit with a trap that records SIGUSR1 (what
// send-process-signal sends init) in the root filesystem, and a child that
// writes its PID to /child.pid and records SIGUSR2.
var tuneInit = strings.Replace(dhcpInit, "trap 'exit 0' PWR TERM\n", `trap 'exit 0' PWR TERM
trap 'touch /got-usr1' USR1
sh -c 'trap "touch /child-usr2" USR2; echo $$ > /child.pid; while :; do sleep 1; done' &
`, 1)

// rootDisk is the whole block device that holds dir's file system: its
// node under /dev and its "MAJ:MIN".
func rootDisk(t testing.TB, dir string) (string, string) {
	t.Helper()
	var st unix.Stat_t
	must(t, unix.Stat(dir, &st))
	num := fmt.Sprintf("%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
	sys := "/sys/dev/block/" + num
	if _, err := os.Stat(sys + "/partition"); err == nil {
		sys += "/.."
	}
	real, err := filepath.EvalSymlinks(sys)
	if err != nil {
		t.Fatalf("%s is not on a block device: %v", dir, err)
	}
	return "/dev/" + filepath.Base(real), readTrim(t, real+"/dev")
}

// blkStat is counter's value in `virsh domblkstat` output ("DEV counter N"
// lines, DEV empty for the whole domain).
func blkStat(out, counter string) string {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[len(f)-2] == counter {
			return f[len(f)-1]
		}
	}
	return ""
}

// Live tuning with real virsh on a running busybox container, as
// libvirt-lxc does it: setmem, memtune, schedinfo and blkiotune write the
// container's cgroups and the live XML, --config the definition
// (dumpxml --inactive), setmaxmem only the definition; schedinfo raises a
// tunable event; domblkstat reports the container's block I/O;
// send-process-signal reaches init; domhostname answers from the DHCP
// lease; --live on a shut-off domain is refused.
func TestTuningVirsh(t *testing.T) {
	testenv.RequireLXCNet(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name, mac := h.name("tune"), randomMAC()
	rootfs := h.rootfs(tuneInit)
	d.ok("define", writeXML(t, dhcpXML(name, rootfs, "default", mac)))
	d.ok("start", name)
	pid, err := strconv.Atoi(field(t, d.ok("dominfo", name), "Id"))
	must(t, err)
	cg := func(controller, file string) string { return readTrim(t, cgroupFile(t, pid, controller, file, file)) }
	ev := d.watch(1, "--domain", name, "--event", "tunable", "--loop")

	// domhostname: the hostname of the lease udhcpc took.
	waitLease(t, uri(d.sock), "default", mac)
	if got := d.ok("domhostname", name); got != name {
		t.Errorf("domhostname = %q, want %q", got, name)
	}

	// setmem: the memory cgroup's limit and the live <currentMemory>.
	d.ok("setmem", name, "65536")
	if got := cg("memory", "memory.limit_in_bytes"); got != strconv.Itoa(65536*1024) {
		t.Errorf("memory.limit_in_bytes = %s after setmem 64 MiB", got)
	}
	var live, inactive libvirtxml.Domain
	must(t, live.Unmarshal(d.ok("dumpxml", name)))
	if live.CurrentMemory == nil || live.CurrentMemory.Value != 65536 {
		t.Errorf("live currentMemory = %+v", live.CurrentMemory)
	}
	d.ok("setmem", name, "100M", "--config")
	if out := d.failsOn(d.sock, "setmaxmem", name, "256M"); !strings.Contains(out, "Cannot resize the max memory on an active domain") {
		t.Errorf("setmaxmem on a running domain: %s", out)
	}
	d.ok("setmaxmem", name, "96M", "--config")
	must(t, inactive.Unmarshal(d.ok("dumpxml", "--inactive", name)))
	if inactive.Memory.Value != 98304 || inactive.CurrentMemory.Value != 98304 {
		t.Errorf("inactive memory %d, currentMemory %d; want 98304 both", inactive.Memory.Value, inactive.CurrentMemory.Value)
	}

	if out := d.failsOn(d.ro, "setmem", name, "32M"); !strings.Contains(out, "operation forbidden") {
		t.Errorf("setmem on the read-only socket: %s", out)
	}

	// memtune: hard, soft and swap limits in the cgroup, shown back.
	d.ok("memtune", name, "--hard-limit", "100000", "--soft-limit", "50000", "--swap-hard-limit", "200000")
	for file, kib := range map[string]int{"memory.limit_in_bytes": 100000, "memory.soft_limit_in_bytes": 50000, "memory.memsw.limit_in_bytes": 200000} {
		if got := cg("memory", file); got != strconv.Itoa(kib*1024) {
			t.Errorf("%s = %s, want %d KiB", file, got, kib)
		}
	}
	mt := d.ok("memtune", name)
	if field(t, mt, "hard_limit") != "100000" || field(t, mt, "soft_limit") != "50000" || field(t, mt, "swap_hard_limit") != "200000" {
		t.Errorf("memtune:\n%s", mt)
	}
	if out := d.failsOn(d.sock, "memtune", name, "--hard-limit", "300000"); !strings.Contains(out, "hard_limit tunable value must be lower than or equal to swap_hard_limit") {
		t.Errorf("memtune above the swap limit: %s", out)
	}

	// schedinfo: the cpu cgroup, the live XML, a tunable event; --config
	// the definition.
	d.ok("schedinfo", name, "--set", "cpu_shares=512")
	if got := cg("cpu", "cpu.shares"); got != "512" {
		t.Errorf("cpu.shares = %s", got)
	}
	ev.want(fmt.Sprintf("event 'tunable' for domain '%s':", name), "cputune.cpu_shares: 512")
	si := d.ok("schedinfo", name)
	if field(t, si, "Scheduler") != "posix" || field(t, si, "cpu_shares") != "512" || field(t, si, "vcpu_period") != cg("cpu", "cpu.cfs_period_us") {
		t.Errorf("schedinfo:\n%s", si)
	}
	d.ok("schedinfo", name, "--config", "--set", "cpu_shares=300")
	must(t, inactive.Unmarshal(d.ok("dumpxml", "--inactive", name)))
	if inactive.CPUTune == nil || inactive.CPUTune.Shares == nil || inactive.CPUTune.Shares.Value != 300 {
		t.Errorf("inactive cputune = %+v", inactive.CPUTune)
	}
	if got := cg("cpu", "cpu.shares"); got != "512" {
		t.Errorf("--config changed cpu.shares to %s", got)
	}

	// blkiotune: a device limit by path goes to the cgroup as MAJ:MIN.
	dev, num := rootDisk(t, rootfs)
	d.ok("blkiotune", name, "--device-read-bytes-sec", dev+",104857600")
	if got := cg("blkio", "blkio.throttle.read_bps_device"); !strings.Contains(got, num+" 104857600") {
		t.Errorf("blkio.throttle.read_bps_device = %q, want %s 104857600", got, num)
	}
	if got := field(t, d.ok("blkiotune", name), "device_read_bytes_sec"); got != dev+",104857600" {
		t.Errorf("blkiotune device_read_bytes_sec = %q", got)
	}
	// The weight goes to BFQ's weight file where the host has BFQ, as
	// libvirt picks it; without BFQ or CFQ it is refused.
	if _, err := os.Stat(cgroupFile(t, pid, "blkio", "blkio.bfq.weight", "io.bfq.weight")); err == nil {
		d.ok("blkiotune", name, "--weight", "300")
		if got := cg("blkio", "blkio.bfq.weight"); got != "300" {
			t.Errorf("blkio.bfq.weight = %s", got)
		}
		if got := field(t, d.ok("blkiotune", name), "weight"); got != "300" {
			t.Errorf("blkiotune weight = %s", got)
		}
	} else if out := d.failsOn(d.sock, "blkiotune", name, "--weight", "300"); !strings.Contains(out, "valid only for bfq or cfq scheduler") {
		t.Errorf("blkiotune --weight without BFQ or CFQ: %s", out)
	}
	// domblkstat: what the container reads from the disk it has a limit
	// on counts (cgroup v1's throttle counters count only such I/O, in
	// libvirt-lxc as here). The file's pages are dropped from the host's
	// cache first.
	data := filepath.Join(rootfs, "blkdata")
	must(t, os.WriteFile(data, make([]byte, 1<<20), 0o644))
	f, err := os.Open(data)
	must(t, err)
	must(t, f.Sync())
	must(t, unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED))
	f.Close()
	if out, err := h.inGuest(name, "cat", "/blkdata"); err != nil {
		t.Fatalf("reading in the container: %v %s", err, out)
	}
	st := d.ok("domblkstat", name)
	if rd, err := strconv.Atoi(blkStat(st, "rd_bytes")); err != nil || rd < 1<<20 {
		t.Errorf("domblkstat rd_bytes after reading 1 MiB:\n%s", st)
	}

	d.ok("blkiotune", name, "--config", "--device-write-iops-sec", dev+",100")
	must(t, inactive.Unmarshal(d.ok("dumpxml", "--inactive", name)))
	if b := inactive.BlockIOTune; b == nil || len(b.Device) != 1 || b.Device[0].Path != dev || b.Device[0].WriteIopsSec != 100 {
		t.Errorf("inactive blkiotune = %+v", inactive.BlockIOTune)
	}

	// send-process-signal: init's trap runs; beyond libvirt-lxc, another
	// process is found by its PID in the container; a PID no process of
	// the container has is refused.
	d.ok("send-process-signal", name, "1", "SIGUSR1")
	waitFor(t, "init got SIGUSR1", func() (bool, string) {
		_, err := os.Stat(filepath.Join(rootfs, "got-usr1"))
		return err == nil, fmt.Sprint(err)
	})
	child := readTrim(t, filepath.Join(rootfs, "child.pid"))
	d.ok("send-process-signal", name, child, "SIGUSR2")
	waitFor(t, "the child got SIGUSR2", func() (bool, string) {
		_, err := os.Stat(filepath.Join(rootfs, "child-usr2"))
		return err == nil, fmt.Sprint(err)
	})
	if out := d.failsOn(d.sock, "send-process-signal", name, "4000000", "SIGUSR1"); !strings.Contains(out, "No such process") {
		t.Errorf("send-process-signal to a PID the container lacks: %s", out)
	}

	// Shut off: --live is refused, the definition is what --config made.
	d.ok("destroy", name)
	for _, args := range [][]string{{"setmem", name, "64M", "--live"}, {"memtune", name, "--live", "--hard-limit", "100000"}, {"schedinfo", name, "--live", "--set", "cpu_shares=100"}} {
		if out := d.failsOn(d.sock, args...); !strings.Contains(out, "domain is not running") {
			t.Errorf("virsh %s on a shut-off domain: %s", strings.Join(args, " "), out)
		}
	}
	if got := field(t, d.ok("schedinfo", name), "cpu_shares"); got != "300" {
		t.Errorf("schedinfo of the shut-off domain: cpu_shares %s", got)
	}
	d.ok("start", name)
	pid, err = strconv.Atoi(field(t, d.ok("dominfo", name), "Id"))
	must(t, err)
	if got := readTrim(t, cgroupFile(t, pid, "cpu", "cpu.shares", "cpu.weight")); got != "300" {
		t.Errorf("cpu.shares after a restart = %s, want the --config value", got)
	}
}
