package host

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// CPUMap reads /sys/devices/system/cpu/present and online the way
// libvirt's virHostCPUGetMap does; a kernel without an online file has
// every present CPU online.
func (h Host) CPUMap() (driverapi.CPUMap, error) {
	present, err := h.cpuList("present")
	if err != nil {
		return driverapi.CPUMap{}, fmt.Errorf("cpu map: %w", err)
	}
	m := driverapi.CPUMap{CPUs: slices.Max(present) + 1}
	online, err := h.cpuList("online")
	switch {
	case errors.Is(err, os.ErrNotExist):
		online = present
	case err != nil:
		return driverapi.CPUMap{}, fmt.Errorf("cpu map: %w", err)
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
