package lxc

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Tunable names one resource limit of a running container's cgroups.
type Tunable int

// Tunables. Memory limits are bytes, CPU period and quota microseconds;
// -1 is no limit (a memory limit, the quota).
const (
	MemoryHardLimit     Tunable = iota // v1 memory.limit_in_bytes, v2 memory.max
	MemorySoftLimit                    // v1 memory.soft_limit_in_bytes, v2 memory.high
	MemorySwapHardLimit                // memory+swap: v1 memory.memsw.limit_in_bytes, v2 memory.max + memory.swap.max
	CPUShares                          // v1 cpu.shares, v2 cpu.weight
	CPUPeriod                          // v1 cpu.cfs_period_us, v2 cpu.max's period
	CPUQuota                           // v1 cpu.cfs_quota_us, v2 cpu.max's quota
	BlkioWeight                        // v1 blkio.bfq.weight or blkio.weight, v2 io.bfq.weight or io.weight
)

// DeviceLimit names a per-device blkio limit.
type DeviceLimit int

// Per-device limits; devices are "MAJ:MIN".
const (
	DeviceWeight DeviceLimit = iota
	DeviceReadBps
	DeviceWriteBps
	DeviceReadIops
	DeviceWriteIops
)

// ErrNoController is returned when the container has no cgroup of the
// controller a tunable needs; ErrNoTunable when the host's kernel lacks
// the tunable's file (e.g. a blkio weight without the BFQ or CFQ
// scheduler). Both wrap the controller or file name.
var (
	ErrNoController = errors.New("cgroup controller is not mounted")
	ErrNoTunable    = errors.New("cgroup tunable not available on this host")
)

// BlockIO are a container's block I/O totals (libvirt's
// virCgroupGetBlkioIoServiced): bytes and requests read and written, over
// every device.
type BlockIO struct {
	ReadBytes, WriteBytes, ReadReqs, WriteReqs int64
}

// v1MemUnlimited is what cgroup v1 reads back for no memory limit
// (PAGE_COUNTER_MAX pages); anything at or above it is no limit.
const v1MemUnlimited = math.MaxInt64 &^ (4096 - 1)

// Tunable reads t from the container's cgroups.
func (c *Container) Tunable(t Tunable) (int64, error) { return c.rt.sys.tunable(c.cg, t) }

// SetTunable writes t to the container's cgroups.
func (c *Container) SetTunable(t Tunable, v int64) error { return c.rt.sys.setTunable(c.cg, t, v) }

// SetDeviceLimit sets limit l of block device dev ("MAJ:MIN") to v; 0
// removes it.
func (c *Container) SetDeviceLimit(l DeviceLimit, dev string, v uint64) error {
	return c.rt.sys.setDeviceLimit(c.cg, l, dev, v)
}

// BlockIO reads the container's block I/O totals.
func (c *Container) BlockIO() (BlockIO, error) { return c.rt.sys.blockIO(c.cg) }

// BlockDevice resolves path, a block device node of the host, to its
// "MAJ:MIN", as libvirt's virCgroupGetBlockDevString does.
func (rt *Runtime) BlockDevice(path string) (string, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return "", &fs.PathError{Op: "stat", Path: path, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFBLK {
		return "", fmt.Errorf("%s is not a block device", path)
	}
	return fmt.Sprintf("%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev)), nil
}

// BlkioWeightFile names the file a blkio weight goes to on this host, as
// libvirt picks it (the BFQ scheduler's first, then CFQ's), relative to
// the controller ("bfq.weight", "weight"); "" when the host has neither.
// A v1 host's root blkio cgroup has no weight file even where children
// get one, so BFQ is known there by its statistics files.
func (rt *Runtime) BlkioWeightFile() string {
	h := rt.sys
	if h.layout == xmlmap.CgroupV2 {
		ctrl, _ := readString(filepath.Join(h.cgroupRoot, "cgroup.controllers"))
		if !strings.Contains(" "+ctrl+" ", " io ") {
			return ""
		}
		// Children of the root have io.bfq.weight with BFQ loaded;
		// io.weight needs io.cost, which v2 roots show as io.cost.qos.
		if exists(filepath.Join(h.cgroupRoot, "io.bfq.weight")) || bfqLoaded() {
			return "bfq.weight"
		}
		if exists(filepath.Join(h.cgroupRoot, "io.cost.qos")) {
			return "weight"
		}
		return ""
	}
	root := filepath.Join(h.cgroupRoot, "blkio")
	switch {
	case exists(filepath.Join(root, "blkio.bfq.weight")) || exists(filepath.Join(root, "blkio.bfq.io_service_bytes")):
		return "bfq.weight"
	case exists(filepath.Join(root, "blkio.weight")):
		return "weight"
	}
	return ""
}

// bfqLoaded reports whether the kernel offers the BFQ I/O scheduler (to
// any block device).
func bfqLoaded() bool {
	queues, _ := filepath.Glob("/sys/block/*/queue/scheduler")
	for _, q := range queues {
		if s, err := readString(q); err == nil && strings.Contains(s, "bfq") {
			return true
		}
	}
	return false
}

// tunableFile returns the directory and file of t (v1), or of the v2 file
// that holds it.
func (h *system) tunableFile(cg cgroups, t Tunable) (string, error) {
	if h.layout == xmlmap.CgroupV2 {
		if cg.v2 == "" {
			return "", fmt.Errorf("%w: no cgroup v2 directory", ErrNoController)
		}
		name := map[Tunable]string{
			MemoryHardLimit: "memory.max", MemorySoftLimit: "memory.high", MemorySwapHardLimit: "memory.swap.max",
			CPUShares: "cpu.weight", CPUPeriod: "cpu.max", CPUQuota: "cpu.max",
		}[t]
		if t == BlkioWeight {
			name = "io.bfq.weight"
			if !exists(filepath.Join(cg.v2, name)) {
				name = "io.weight"
			}
		}
		p := filepath.Join(cg.v2, name)
		if !exists(p) {
			return "", fmt.Errorf("%w: %s", ErrNoTunable, name)
		}
		return p, nil
	}
	var dir, ctrl, name string
	switch t {
	case MemoryHardLimit:
		dir, ctrl, name = cg.memory, "memory", "memory.limit_in_bytes"
	case MemorySoftLimit:
		dir, ctrl, name = cg.memory, "memory", "memory.soft_limit_in_bytes"
	case MemorySwapHardLimit:
		dir, ctrl, name = cg.memory, "memory", "memory.memsw.limit_in_bytes"
	case CPUShares:
		dir, ctrl, name = cg.cpu, "cpu", "cpu.shares"
	case CPUPeriod:
		dir, ctrl, name = cg.cpu, "cpu", "cpu.cfs_period_us"
	case CPUQuota:
		dir, ctrl, name = cg.cpu, "cpu", "cpu.cfs_quota_us"
	case BlkioWeight:
		dir, ctrl, name = cg.blkio, "blkio", "blkio.bfq.weight"
		if dir != "" && !exists(filepath.Join(dir, name)) {
			name = "blkio.weight"
		}
	default:
		return "", fmt.Errorf("unknown tunable %d", t)
	}
	if dir == "" {
		return "", fmt.Errorf("%w: %s", ErrNoController, ctrl)
	}
	p := filepath.Join(dir, name)
	if !exists(p) {
		return "", fmt.Errorf("%w: %s", ErrNoTunable, name)
	}
	return p, nil
}

func (h *system) tunable(cg cgroups, t Tunable) (int64, error) {
	p, err := h.tunableFile(cg, t)
	if err != nil {
		return 0, err
	}
	s, err := readString(p)
	if err != nil {
		return 0, err
	}
	if filepath.Base(p) == "cpu.max" {
		quota, period, _ := strings.Cut(s, " ")
		if t == CPUPeriod {
			return strconv.ParseInt(period, 10, 64)
		}
		s = quota
	}
	if s == "max" {
		return -1, nil
	}
	if t == BlkioWeight {
		// v2 (and BFQ's weight_device) read "default N" and per-device lines.
		first, _, _ := strings.Cut(s, "\n")
		s = strings.TrimPrefix(first, "default ")
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		// v1 memory files may read 2^63-4096 or more: no limit.
		if u, uerr := strconv.ParseUint(s, 10, 64); uerr == nil && u >= v1MemUnlimited {
			return -1, nil
		}
		return 0, fmt.Errorf("%s: %w", p, err)
	}
	switch t {
	case MemoryHardLimit, MemorySoftLimit, MemorySwapHardLimit:
		if v >= v1MemUnlimited {
			return -1, nil
		}
	}
	if t == MemorySwapHardLimit && h.layout == xmlmap.CgroupV2 && v >= 0 {
		// v2 limits swap alone; libvirt reports memory+swap.
		hard, err := h.tunable(cg, MemoryHardLimit)
		if err != nil || hard < 0 {
			return -1, err
		}
		v += hard
	}
	return v, nil
}

func (h *system) setTunable(cg cgroups, t Tunable, v int64) error {
	p, err := h.tunableFile(cg, t)
	if err != nil {
		return err
	}
	val := strconv.FormatInt(v, 10)
	if filepath.Base(p) == "cpu.max" {
		cur, err := readString(p)
		if err != nil {
			return err
		}
		quota, period, _ := strings.Cut(cur, " ")
		if t == CPUPeriod {
			period = val
		} else if quota = val; v < 0 {
			quota = "max"
		}
		val = quota + " " + period
	} else if v < 0 && h.layout == xmlmap.CgroupV2 {
		val = "max"
	} else if t == MemorySwapHardLimit && h.layout == xmlmap.CgroupV2 {
		hard, err := h.tunable(cg, MemoryHardLimit)
		if err != nil {
			return err
		}
		if hard >= 0 {
			val = strconv.FormatInt(max(v-hard, 0), 10)
		}
	}
	return writeCgroup(p, val)
}

// writeCgroup writes one value to a cgroup file, as one write(2): the
// kernel takes a value per write.
func writeCgroup(path, value string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, werr := f.WriteString(value)
	cerr := f.Close()
	if werr != nil {
		return fmt.Errorf("write %q to %s: %w", value, path, werr)
	}
	return cerr
}

// devNum is a "MAJ:MIN" device number.
var devNum = regexp.MustCompile(`^[0-9]{1,9}:[0-9]{1,9}$`)

func (h *system) setDeviceLimit(cg cgroups, l DeviceLimit, dev string, v uint64) error {
	if !devNum.MatchString(dev) {
		return fmt.Errorf("invalid device number %q", dev)
	}
	if h.layout == xmlmap.CgroupV2 {
		if cg.v2 == "" {
			return fmt.Errorf("%w: no cgroup v2 directory", ErrNoController)
		}
		if l == DeviceWeight {
			p := filepath.Join(cg.v2, "io.bfq.weight")
			if !exists(p) {
				p = filepath.Join(cg.v2, "io.weight")
			}
			if !exists(p) {
				return fmt.Errorf("%w: io.weight", ErrNoTunable)
			}
			return writeCgroup(p, fmt.Sprintf("%s %d", dev, v))
		}
		key := map[DeviceLimit]string{DeviceReadBps: "rbps", DeviceWriteBps: "wbps", DeviceReadIops: "riops", DeviceWriteIops: "wiops"}[l]
		val := strconv.FormatUint(v, 10)
		if v == 0 {
			val = "max"
		}
		p := filepath.Join(cg.v2, "io.max")
		if !exists(p) {
			return fmt.Errorf("%w: io.max", ErrNoTunable)
		}
		return writeCgroup(p, fmt.Sprintf("%s %s=%s", dev, key, val))
	}
	if cg.blkio == "" {
		return fmt.Errorf("%w: blkio", ErrNoController)
	}
	name := map[DeviceLimit]string{
		DeviceWeight:    "blkio.weight_device",
		DeviceReadBps:   "blkio.throttle.read_bps_device",
		DeviceWriteBps:  "blkio.throttle.write_bps_device",
		DeviceReadIops:  "blkio.throttle.read_iops_device",
		DeviceWriteIops: "blkio.throttle.write_iops_device",
	}[l]
	p := filepath.Join(cg.blkio, name)
	if !exists(p) {
		return fmt.Errorf("%w: %s", ErrNoTunable, name)
	}
	return writeCgroup(p, fmt.Sprintf("%s %d", dev, v))
}

// blockIO sums the container's reads and writes over all devices: v1
// blkio.throttle.io_service_bytes and io_serviced ("MAJ:MIN Read N"
// lines), v2 io.stat (rbytes, wbytes, rios, wios).
func (h *system) blockIO(cg cgroups) (BlockIO, error) {
	var b BlockIO
	if h.layout == xmlmap.CgroupV2 {
		if cg.v2 == "" {
			return b, fmt.Errorf("%w: no cgroup v2 directory", ErrNoController)
		}
		s, err := os.ReadFile(filepath.Join(cg.v2, "io.stat"))
		if err != nil {
			return b, err
		}
		for line := range strings.Lines(string(s)) {
			fields := strings.Fields(line)
			if len(fields) == 0 {
				continue
			}
			for _, f := range fields[1:] {
				k, v, _ := strings.Cut(f, "=")
				n, _ := strconv.ParseInt(v, 10, 64)
				switch k {
				case "rbytes":
					b.ReadBytes += n
				case "wbytes":
					b.WriteBytes += n
				case "rios":
					b.ReadReqs += n
				case "wios":
					b.WriteReqs += n
				}
			}
		}
		return b, nil
	}
	if cg.blkio == "" {
		return b, fmt.Errorf("%w: blkio", ErrNoController)
	}
	for _, f := range []struct {
		file        string
		read, write *int64
	}{
		{"blkio.throttle.io_service_bytes", &b.ReadBytes, &b.WriteBytes},
		{"blkio.throttle.io_serviced", &b.ReadReqs, &b.WriteReqs},
	} {
		s, err := os.ReadFile(filepath.Join(cg.blkio, f.file))
		if err != nil {
			return b, err
		}
		for line := range strings.Lines(string(s)) {
			fields := strings.Fields(line)
			if len(fields) != 3 {
				continue // "Total N"
			}
			n, err := strconv.ParseInt(fields[2], 10, 64)
			if err != nil {
				continue
			}
			switch fields[1] {
			case "Read":
				*f.read += n
			case "Write":
				*f.write += n
			}
		}
	}
	return b, nil
}

// ErrNoProcess is returned by SignalProcess when the container's PID
// namespace has no process with the PID.
var ErrNoProcess = errors.New("no such process in the container")

// SignalProcess sends sig to the process whose PID in the container's PID
// namespace is pid: init (1) through its pidfd; another process is found
// through /proc (the PID namespace and NSpid of each process) and
// signalled through a pidfd opened before it is checked again, so that a
// PID reused meanwhile is never hit. Processes of PID namespaces nested in
// the container's are not found.
func (c *Container) SignalProcess(pid int, sig unix.Signal) error {
	if pid == 1 {
		return c.init.signal(sig)
	}
	if c.init.HasExited() {
		return ErrNotRunning
	}
	ns, initNS, err := c.rt.sys.pidNS(c.pid)
	if err != nil {
		return fmt.Errorf("reading init's PID namespace: %w", err)
	}
	level := len(initNS) - 1
	host, err := c.rt.sys.findNSPID(ns, level, pid)
	if err != nil {
		return err
	}
	fd, err := unix.PidfdOpen(host, 0)
	if err != nil {
		return ErrNoProcess
	}
	defer unix.Close(fd)
	if n, nspid, err := c.rt.sys.pidNS(host); err != nil || n != ns || len(nspid) != level+1 || nspid[level] != pid {
		return ErrNoProcess
	}
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return ErrNoProcess
		}
		return err
	}
	return nil
}

// pidNS returns the PID namespace (its inode) of process pid and its PIDs
// from the host's namespace down to its own (NSpid).
func (h *system) pidNS(pid int) (uint64, []int, error) {
	dir := filepath.Join(h.procRoot, strconv.Itoa(pid))
	var st unix.Stat_t
	if err := unix.Stat(filepath.Join(dir, "ns", "pid"), &st); err != nil {
		return 0, nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, "status"))
	if err != nil {
		return 0, nil, err
	}
	for line := range strings.Lines(string(b)) {
		rest, ok := strings.CutPrefix(line, "NSpid:")
		if !ok {
			continue
		}
		var out []int
		for _, f := range strings.Fields(rest) {
			n, err := strconv.Atoi(f)
			if err != nil {
				return 0, nil, fmt.Errorf("NSpid of %d: %w", pid, err)
			}
			out = append(out, n)
		}
		if len(out) == 0 {
			break
		}
		return st.Ino, out, nil
	}
	return 0, nil, fmt.Errorf("no NSpid for process %d", pid)
}

// findNSPID returns the host PID of the process of PID namespace ns (at
// depth level) whose PID there is pid.
func (h *system) findNSPID(ns uint64, level, pid int) (int, error) {
	entries, err := os.ReadDir(h.procRoot)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		host, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		n, nspid, err := h.pidNS(host)
		if err == nil && n == ns && len(nspid) == level+1 && nspid[level] == pid {
			return host, nil
		}
	}
	return 0, ErrNoProcess
}
