package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cgroup v1: memory limits read -1 for none, weights from BFQ's file
// first, device limits as "MAJ:MIN value", block I/O summed over devices.
func TestTunablesV1(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"memory.limit_in_bytes": "9223372036854771712\n", "memory.soft_limit_in_bytes": "1048576\n",
		"cpu.shares": "1024\n", "cpu.cfs_period_us": "100000\n", "cpu.cfs_quota_us": "-1\n",
		"blkio.bfq.weight": "100\n", "blkio.throttle.read_bps_device": "",
		"blkio.throttle.io_service_bytes": "8:0 Read 4096\n8:0 Write 512\n8:0 Total 4608\n8:16 Read 1024\nTotal 5632\n",
		"blkio.throttle.io_serviced":      "8:0 Read 2\n8:0 Write 1\n8:16 Read 1\nTotal 4\n",
	})
	h := &system{layout: xmlmap.CgroupV1}
	cg := cgroups{memory: dir, cpu: dir, blkio: dir}
	for tn, want := range map[Tunable]int64{MemoryHardLimit: -1, MemorySoftLimit: 1048576, CPUShares: 1024, CPUPeriod: 100000, CPUQuota: -1, BlkioWeight: 100} {
		if got, err := h.tunable(cg, tn); err != nil || got != want {
			t.Errorf("tunable %d = %d, %v; want %d", tn, got, err, want)
		}
	}
	if _, err := h.tunable(cg, MemorySwapHardLimit); !errors.Is(err, ErrNoTunable) {
		t.Errorf("swap limit without memsw: %v", err)
	}
	if _, err := h.tunable(cgroups{}, CPUShares); !errors.Is(err, ErrNoController) {
		t.Errorf("no cpu cgroup: %v", err)
	}
	if err := h.setTunable(cg, MemoryHardLimit, 65536*1024); err != nil || readFile(t, filepath.Join(dir, "memory.limit_in_bytes")) != "67108864" {
		t.Errorf("set memory limit: %v", err)
	}
	if err := h.setTunable(cg, BlkioWeight, 300); err != nil || readFile(t, filepath.Join(dir, "blkio.bfq.weight")) != "300" {
		t.Errorf("set weight: %v", err)
	}
	if err := h.setDeviceLimit(cg, DeviceReadBps, "8:0", 1024); err != nil || readFile(t, filepath.Join(dir, "blkio.throttle.read_bps_device")) != "8:0 1024" {
		t.Errorf("set read bps: %v", err)
	}
	if err := h.setDeviceLimit(cg, DeviceWeight, "8:0", 500); !errors.Is(err, ErrNoTunable) {
		t.Errorf("device weight without CFQ: %v", err)
	}
	if err := h.setDeviceLimit(cg, DeviceReadBps, "8:0 1\n", 1); err == nil {
		t.Error("a malformed device number was written")
	}
	b, err := h.blockIO(cg)
	if err != nil || b != (BlockIO{ReadBytes: 5120, WriteBytes: 512, ReadReqs: 3, WriteReqs: 1}) {
		t.Errorf("block I/O = %+v, %v", b, err)
	}
}

// cgroup v2: cpu.max holds quota and period, memory.swap.max swap alone,
// io.stat the counters.
func TestTunablesV2(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"memory.max": "max\n", "memory.high": "max\n", "memory.swap.max": "max\n",
		"cpu.weight": "100\n", "cpu.max": "max 100000\n", "io.bfq.weight": "default 100\n", "io.max": "",
		"io.stat": "8:0 rbytes=4096 wbytes=512 rios=2 wios=1 dbytes=0 dios=0\n8:16 rbytes=1024 wbytes=0 rios=1 wios=0\n",
	})
	h := &system{layout: xmlmap.CgroupV2}
	cg := cgroups{v2: dir}
	if got, err := h.tunable(cg, CPUQuota); err != nil || got != -1 {
		t.Errorf("quota = %d, %v", got, err)
	}
	if err := h.setTunable(cg, CPUQuota, 50000); err != nil || readFile(t, filepath.Join(dir, "cpu.max")) != "50000 100000" {
		t.Errorf("set quota: %v", err)
	}
	if err := h.setTunable(cg, CPUPeriod, 200000); err != nil || readFile(t, filepath.Join(dir, "cpu.max")) != "50000 200000" {
		t.Errorf("set period: %v", err)
	}
	if got, err := h.tunable(cg, BlkioWeight); err != nil || got != 100 {
		t.Errorf("weight = %d, %v", got, err)
	}
	must(t, h.setTunable(cg, MemoryHardLimit, 1<<20))
	if err := h.setTunable(cg, MemorySwapHardLimit, 3<<20); err != nil || readFile(t, filepath.Join(dir, "memory.swap.max")) != "2097152" {
		t.Errorf("set swap: %v", err)
	}
	if err := h.setDeviceLimit(cg, DeviceWriteIops, "8:0", 0); err != nil || readFile(t, filepath.Join(dir, "io.max")) != "8:0 wiops=max" {
		t.Errorf("clear write iops: %v", err)
	}
	b, err := h.blockIO(cg)
	if err != nil || b != (BlockIO{ReadBytes: 5120, WriteBytes: 512, ReadReqs: 3, WriteReqs: 1}) {
		t.Errorf("block I/O = %+v, %v", b, err)
	}
}

// A process is found by its PID in its own PID namespace (the test's).
func TestFindNSPID(t *testing.T) {
	h := &system{procRoot: "/proc"}
	ns, nspid, err := h.pidNS(os.Getpid())
	must(t, err)
	level := len(nspid) - 1
	host, err := h.findNSPID(ns, level, nspid[level])
	if err != nil || host != os.Getpid() {
		t.Fatalf("findNSPID = %d, %v; want %d", host, err, os.Getpid())
	}
	if _, err := h.findNSPID(ns, level, 1<<22+1); !errors.Is(err, ErrNoProcess) {
		t.Fatalf("a PID no process has: %v", err)
	}
}
