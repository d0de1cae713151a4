package host

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// ErrNoSuchCPU and ErrNoSuchCell report a CPU or NUMA cell the host does
// not have.
var (
	ErrNoSuchCPU  = errors.New("no such CPU")
	ErrNoSuchCell = errors.New("no such NUMA cell")
)

// tickNs is one USER_HZ clock tick of /proc/stat in nanoseconds (Linux
// reports these counters in 1/100 s on every architecture).
const tickNs = 10_000_000

// CPUStats is virNodeGetCPUStats on Linux: the kernel (system, irq and
// softirq), user (user and nice), idle and iowait time in nanoseconds of all
// CPUs (cpu < 0) or of one, from /proc/stat.
func (h Host) CPUStats(cpu int) ([]driverapi.NodeStat, error) {
	b, err := os.ReadFile(h.path("proc/stat"))
	if err != nil {
		return nil, err
	}
	prefix := "cpu "
	if cpu >= 0 {
		prefix = fmt.Sprintf("cpu%d ", cpu)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, prefix) {
			continue
		}
		var v [7]uint64 // user nice system idle iowait irq softirq
		f := strings.Fields(line)[1:]
		if len(f) < 4 {
			continue
		}
		for i := range min(len(f), len(v)) {
			if v[i], err = strconv.ParseUint(f[i], 10, 64); err != nil {
				return nil, fmt.Errorf("proc/stat: %q: %w", line, err)
			}
		}
		return []driverapi.NodeStat{
			{Field: "kernel", Value: (v[2] + v[5] + v[6]) * tickNs},
			{Field: "user", Value: (v[0] + v[1]) * tickNs},
			{Field: "idle", Value: v[3] * tickNs},
			{Field: "iowait", Value: v[4] * tickNs},
		}, nil
	}
	if cpu < 0 {
		return nil, errors.New("proc/stat has no cpu line")
	}
	return nil, fmt.Errorf("%w: %d", ErrNoSuchCPU, cpu)
}

// MemoryStats is virNodeGetMemoryStats on Linux, in KiB: total, free,
// buffers and cached memory of the host (cell < 0, /proc/meminfo), or
// total and free memory of one NUMA cell (its sysfs meminfo).
func (h Host) MemoryStats(cell int) ([]driverapi.NodeStat, error) {
	path, fields := h.path("proc/meminfo"), []string{"MemTotal", "MemFree", "Buffers", "Cached"}
	if cell >= 0 {
		path, fields = h.path(fmt.Sprintf("sys/devices/system/node/node%d/meminfo", cell)), fields[:2]
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && cell >= 0 {
		return nil, fmt.Errorf("%w: %d", ErrNoSuchCell, cell)
	}
	if err != nil {
		return nil, err
	}
	vals := map[string]uint64{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "Node ") {
			// "Node 0 MemTotal:       8386980 kB"
			if f := strings.SplitN(line, " ", 3); len(f) == 3 {
				line = strings.TrimSpace(f[2])
			}
		}
		name, rest, ok := strings.Cut(line, ":")
		f := strings.Fields(rest)
		if !ok || len(f) == 0 {
			continue
		}
		if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
			vals[name] = n
		}
	}
	names := map[string]string{"MemTotal": "total", "MemFree": "free", "Buffers": "buffers", "Cached": "cached"}
	var out []driverapi.NodeStat
	for _, f := range fields {
		if v, ok := vals[f]; ok {
			out = append(out, driverapi.NodeStat{Field: names[f], Value: v})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no memory counters", path)
	}
	return out, nil
}
