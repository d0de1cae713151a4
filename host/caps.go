package host

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// CapsOptions are the driver-specific parts of the capabilities XML.
type CapsOptions struct {
	Emulator string // what starts a container (<emulator>)
	SecModel string // security driver model, "none" when there is none
	SecDOI   string
}

// Capabilities builds the capabilities XML the way libvirt's LXC driver
// does (virLXCDriverCapsInit): the host's UUID, arch, NUMA topology and
// security model, and one guest per arch the host can run of os type "exe"
// and domain type "lxc" (plus the 32-bit personality on 64-bit hosts).
func (h Host) Capabilities(o CapsOptions) (string, error) {
	caps := libvirtxml.Caps{Host: libvirtxml.CapsHost{
		UUID:     h.UUID(),
		CPU:      h.hostCPU(),
		SecModel: []libvirtxml.CapsHostSecModel{{Name: o.SecModel, DOI: o.SecDOI}},
	}}
	cells, err := h.numaCells()
	if err != nil {
		return "", fmt.Errorf("capabilities: %w", err)
	}
	caps.Host.NUMA = &libvirtxml.CapsHostNUMATopology{Cells: &libvirtxml.CapsHostNUMACells{Num: uint(len(cells)), Cells: cells}}
	for _, a := range guestArches() {
		caps.Guests = append(caps.Guests, libvirtxml.CapsGuest{
			OSType: "exe",
			Arch: libvirtxml.CapsGuestArch{
				Name:     a.name,
				WordSize: a.wordSize,
				Emulator: o.Emulator,
				Domains:  []libvirtxml.CapsGuestDomain{{Type: "lxc"}},
			},
		})
	}
	return caps.Marshal()
}

type guestArch struct{ name, wordSize string }

// guestArches lists the host arch and, like lxcContainerGetAlt32bitArch,
// the 32-bit arch a 64-bit host runs through personality(2).
func guestArches() []guestArch {
	switch Arch() {
	case "x86_64":
		return []guestArch{{"x86_64", "64"}, {"i686", "32"}}
	case "aarch64":
		return []guestArch{{"aarch64", "64"}, {"armv7l", "32"}}
	case "ppc64le", "s390x", "riscv64":
		return []guestArch{{Arch(), "64"}}
	}
	return []guestArch{{Arch(), "32"}}
}

// UUID is the host UUID: SMBIOS product_uuid when readable, else
// /etc/machine-id formatted as a UUID.
func (h Host) UUID() string {
	if b, err := os.ReadFile(h.path("sys/class/dmi/id/product_uuid")); err == nil {
		if s := strings.TrimSpace(string(b)); len(s) == 36 {
			return strings.ToLower(s)
		}
	}
	b, err := os.ReadFile(h.path("etc/machine-id"))
	if id := strings.TrimSpace(string(b)); err == nil && len(id) == 32 {
		return id[0:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
	}
	return ""
}

// numaCells describes each NUMA node's memory and CPUs; a host without
// NUMA information is one cell holding every online CPU.
func (h Host) numaCells() ([]libvirtxml.CapsHostNUMACell, error) {
	nodes := h.numaNodes()
	if len(nodes) == 0 {
		cpus, err := h.onlineCPUs()
		if err != nil {
			return nil, err
		}
		mem, err := h.meminfo("MemTotal")
		if err != nil {
			return nil, err
		}
		return []libvirtxml.CapsHostNUMACell{h.cell(0, mem, cpus)}, nil
	}
	var cells []libvirtxml.CapsHostNUMACell
	for _, n := range nodes {
		dir := h.path(fmt.Sprintf("sys/devices/system/node/node%d", n))
		b, err := os.ReadFile(filepath.Join(dir, "cpulist"))
		if err != nil {
			return nil, err
		}
		var cpus []int
		if s := strings.TrimSpace(string(b)); s != "" {
			if cpus, err = parseCPUList(s); err != nil {
				return nil, err
			}
		}
		mem, err := nodeMemKiB(filepath.Join(dir, "meminfo"))
		if err != nil {
			return nil, err
		}
		cells = append(cells, h.cell(n, mem, cpus))
	}
	return cells, nil
}

func (h Host) cell(id int, memKiB uint64, cpus []int) libvirtxml.CapsHostNUMACell {
	c := libvirtxml.CapsHostNUMACell{
		ID:     id,
		Memory: &libvirtxml.CapsHostNUMAMemory{Size: memKiB, Unit: "KiB"},
		CPUS:   &libvirtxml.CapsHostNUMACPUs{Num: uint(len(cpus))},
	}
	for _, cpu := range cpus {
		num := func(file string) *int {
			n, err := strconv.Atoi(h.topology(cpu, file))
			if err != nil {
				return nil
			}
			return &n
		}
		c.CPUS.CPUs = append(c.CPUS.CPUs, libvirtxml.CapsHostNUMACPU{
			ID:       cpu,
			SocketID: num("physical_package_id"),
			DieID:    num("die_id"),
			CoreID:   num("core_id"),
			Siblings: h.topology(cpu, "thread_siblings_list"),
		})
	}
	return c
}

// nodeMemKiB reads "Node 0 MemTotal:  16384 kB" from a node's meminfo.
func nodeMemKiB(path string) (uint64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 4 && f[2] == "MemTotal:" {
			return strconv.ParseUint(f[3], 10, 64)
		}
	}
	return 0, fmt.Errorf("%s: no MemTotal", path)
}

// ErrNoSMBIOS means the host exposes no SMBIOS (DMI) tables.
var ErrNoSMBIOS = errors.New("Host SMBIOS information is not available")

// dmiSections lists the /sys/class/dmi/id files behind each sysinfo
// section, with the entry names libvirt's virSysinfoFormat uses.
var dmiSections = []struct {
	section string
	entries [][2]string // entry name, file
}{
	{"bios", [][2]string{{"vendor", "bios_vendor"}, {"version", "bios_version"}, {"date", "bios_date"}, {"release", "bios_release"}}},
	{"system", [][2]string{{"manufacturer", "sys_vendor"}, {"product", "product_name"}, {"version", "product_version"}, {"serial", "product_serial"}, {"uuid", "product_uuid"}, {"sku", "product_sku"}, {"family", "product_family"}}},
	{"baseBoard", [][2]string{{"manufacturer", "board_vendor"}, {"product", "board_name"}, {"version", "board_version"}, {"serial", "board_serial"}, {"asset", "board_asset_tag"}}},
	{"chassis", [][2]string{{"manufacturer", "chassis_vendor"}, {"version", "chassis_version"}, {"serial", "chassis_serial"}, {"asset", "chassis_asset_tag"}}},
}

// Sysinfo builds the host's SMBIOS sysinfo XML from /sys/class/dmi/id (the
// kernel's copy of the tables libvirt reads through dmidecode). It returns
// ErrNoSMBIOS when the host has none.
func (h Host) Sysinfo() (string, error) {
	dir := h.path("sys/class/dmi/id")
	if _, err := os.Stat(dir); err != nil {
		return "", ErrNoSMBIOS
	}
	read := func(entries [][2]string) []libvirtxml.SysInfoEntry {
		var out []libvirtxml.SysInfoEntry
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(dir, e[1]))
			if v := strings.TrimSpace(string(b)); err == nil && v != "" {
				out = append(out, libvirtxml.SysInfoEntry{Name: e[0], Value: v})
			}
		}
		return out
	}
	s := &libvirtxml.SysInfoSMBIOS{}
	for _, sec := range dmiSections {
		entries := read(sec.entries)
		if len(entries) == 0 {
			continue
		}
		switch sec.section {
		case "bios":
			s.BIOS = &libvirtxml.SysInfoBIOS{Entry: entries}
		case "system":
			s.System = &libvirtxml.SysInfoSystem{Entry: entries}
		case "baseBoard":
			s.BaseBoard = []libvirtxml.SysInfoBaseBoard{{Entry: entries}}
		case "chassis":
			s.Chassis = &libvirtxml.SysInfoChassis{Entry: entries}
		}
	}
	if s.BIOS == nil && s.System == nil && s.BaseBoard == nil && s.Chassis == nil {
		return "", ErrNoSMBIOS
	}
	si := libvirtxml.SysInfo{SMBIOS: s}
	return si.Marshal()
}
