package host

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// CPUMap is virNodeGetCPUMap on Linux: CPUs is the number of CPUs the host
// can have present (the highest present CPU number plus one) and Online
// lists the online ones among them.
type CPUMap struct {
	CPUs   int
	Online []int
}

// Bitmap packs Online into libvirt's cpumap: one bit per CPU, CPU 0 in the
// lowest bit of the first byte, (CPUs+7)/8 bytes.
func (m CPUMap) Bitmap() []byte {
	out := make([]byte, (m.CPUs+7)/8)
	for _, c := range m.Online {
		if c >= 0 && c < m.CPUs {
			out[c/8] |= 1 << (c % 8)
		}
	}
	return out
}

// CPUMap reads /sys/devices/system/cpu/present and online the way
// libvirt's virHostCPUGetMap does; a kernel without an online file has
// every present CPU online.
func (h Host) CPUMap() (CPUMap, error) {
	present, err := h.cpuList("present")
	if err != nil {
		return CPUMap{}, fmt.Errorf("cpu map: %w", err)
	}
	m := CPUMap{CPUs: slices.Max(present) + 1}
	online, err := h.cpuList("online")
	switch {
	case errors.Is(err, os.ErrNotExist):
		online = present
	case err != nil:
		return CPUMap{}, fmt.Errorf("cpu map: %w", err)
	}
	for _, c := range online {
		if c < m.CPUs {
			m.Online = append(m.Online, c)
		}
	}
	return m, nil
}

// cpuList parses one of /sys/devices/system/cpu's lists ("0-3,6").
func (h Host) cpuList(name string) ([]int, error) {
	b, err := os.ReadFile(h.path("sys/devices/system/cpu/" + name))
	if err != nil {
		return nil, err
	}
	return parseCPUList(strings.TrimSpace(string(b)))
}
