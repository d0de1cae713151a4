package xmlmap

// cgroupKeys names the LXC keys of one cgroup layout. FromConfig reads
// both layouts through the same table.
type cgroupKeys struct {
	memLimit, memSoft, memSwap string
	cpuShares, cpuPeriod       string // v2: cpuShares is cpu.weight
	cpuQuota                   string // v1 only; v2 writes cpuMax
	cpuMax                     string // v2 only: "quota period"
	cpus, mems                 string
	blkWeight, blkDevWeight    string
	blkBfqWeight               string // the BFQ scheduler's weight
	readBps, writeBps          string // v1 only
	readIops, writeIops        string // v1 only
	ioMax                      string // v2 only
}

var cgroupV1Keys = cgroupKeys{
	memLimit:     "lxc.cgroup.memory.limit_in_bytes",
	memSoft:      "lxc.cgroup.memory.soft_limit_in_bytes",
	memSwap:      "lxc.cgroup.memory.memsw.limit_in_bytes",
	cpuShares:    "lxc.cgroup.cpu.shares",
	cpuPeriod:    "lxc.cgroup.cpu.cfs_period_us",
	cpuQuota:     "lxc.cgroup.cpu.cfs_quota_us",
	cpus:         "lxc.cgroup.cpuset.cpus",
	mems:         "lxc.cgroup.cpuset.mems",
	blkWeight:    "lxc.cgroup.blkio.weight",
	blkBfqWeight: "lxc.cgroup.blkio.bfq.weight",
	blkDevWeight: "lxc.cgroup.blkio.weight_device",
	readBps:      "lxc.cgroup.blkio.throttle.read_bps_device",
	writeBps:     "lxc.cgroup.blkio.throttle.write_bps_device",
	readIops:     "lxc.cgroup.blkio.throttle.read_iops_device",
	writeIops:    "lxc.cgroup.blkio.throttle.write_iops_device",
}

var cgroupV2Keys = cgroupKeys{
	memLimit:     "lxc.cgroup2.memory.max",
	memSoft:      "lxc.cgroup2.memory.high",
	memSwap:      "lxc.cgroup2.memory.swap.max",
	cpuShares:    "lxc.cgroup2.cpu.weight",
	cpuMax:       "lxc.cgroup2.cpu.max",
	cpus:         "lxc.cgroup2.cpuset.cpus",
	mems:         "lxc.cgroup2.cpuset.mems",
	blkWeight:    "lxc.cgroup2.io.weight",
	blkBfqWeight: "lxc.cgroup2.io.bfq.weight",
	blkDevWeight: "lxc.cgroup2.io.weight",
	ioMax:        "lxc.cgroup2.io.max",
}

func keysFor(l CgroupLayout) cgroupKeys {
	if l == CgroupV2 {
		return cgroupV2Keys
	}
	return cgroupV1Keys
}

// libvirt's accepted ranges for the cpu and blkio tunables per layout.
type tuneRanges struct{ sharesMin, sharesMax, weightMin, weightMax uint64 }

func rangesFor(l CgroupLayout) tuneRanges {
	if l == CgroupV2 {
		return tuneRanges{1, 10000, 1, 10000}
	}
	return tuneRanges{2, 262144, 100, 1000}
}

const (
	periodMin, periodMax = 1000, 1000000
	quotaMin, quotaMax   = 1000, 17592186044415
	defaultCFSPeriod     = 100000
)
