package host

import (
	"context"
	"errors"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/defaults"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Facts serves the driver contract's host calls (driverapi.Host) from a
// Host, with libvirt's errors.
type Facts struct {
	Host Host
	// Emulator is the <emulator> the capabilities name (default
	// defaults.Emulator).
	Emulator string
}

var _ driverapi.Host = Facts{}

func (f Facts) emulator() string {
	if f.Emulator == "" {
		return defaults.Emulator
	}
	return f.Emulator
}

func internalErr(err error) error {
	return virterror.New(libvirt.ErrInternalError, "%v", err)
}

// NodeInfo implements driverapi.Host.
func (f Facts) NodeInfo(context.Context) (driverapi.NodeInfo, error) {
	ni, err := f.Host.NodeInfo()
	if err != nil {
		return ni, internalErr(err)
	}
	return ni, nil
}

// FreeMemory implements driverapi.Host.
func (f Facts) FreeMemory(context.Context) (uint64, error) {
	free, err := f.Host.FreeMemory()
	if err != nil {
		return 0, internalErr(err)
	}
	return free, nil
}

// CPUMap implements driverapi.Host.
func (f Facts) CPUMap(context.Context) (driverapi.CPUMap, error) {
	m, err := f.Host.CPUMap()
	if err != nil {
		return m, internalErr(err)
	}
	return m, nil
}

// NodeCPUStats implements driverapi.Host.
func (f Facts) NodeCPUStats(_ context.Context, cpu int) ([]driverapi.NodeStat, error) {
	stats, err := f.Host.CPUStats(cpu)
	if errors.Is(err, ErrNoSuchCPU) {
		return nil, virterror.New(libvirt.ErrInvalidArg, "Invalid cpuNum in virNodeGetCPUStats")
	}
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "cannot read host CPU statistics: %v", err)
	}
	return stats, nil
}

// NodeMemoryStats implements driverapi.Host.
func (f Facts) NodeMemoryStats(_ context.Context, cell int) ([]driverapi.NodeStat, error) {
	stats, err := f.Host.MemoryStats(cell)
	if errors.Is(err, ErrNoSuchCell) {
		return nil, virterror.New(libvirt.ErrInvalidArg, "Invalid cell number %d", cell)
	}
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "cannot read host memory statistics: %v", err)
	}
	return stats, nil
}

// Version implements driverapi.Host with the kernel release, as libvirt's
// LXC driver does: the kernel is what runs the containers.
func (f Facts) Version(context.Context) (uint64, error) {
	v, err := KernelVersion()
	if err != nil {
		return 0, internalErr(err)
	}
	return v, nil
}

// Capabilities implements driverapi.Host.
func (f Facts) Capabilities(_ context.Context, sec driverapi.SecurityModel) (string, error) {
	xml, err := f.Host.Capabilities(CapsOptions{Emulator: f.emulator(), SecModel: sec.Model, SecDOI: sec.DOI})
	if err != nil {
		return "", internalErr(err)
	}
	return xml, nil
}

// DomainCapabilities implements driverapi.Host: the guest may have the
// host's arch or the 32-bit one its kernel runs, started by the emulator
// the capabilities name; it can have as many vCPUs as the host has CPUs.
// LXC has no machine types; a machine a client names is echoed, as
// libvirt's bhyve driver does.
func (f Facts) DomainCapabilities(_ context.Context, arch, machine, emulator string) (string, error) {
	if emulator != "" && emulator != f.emulator() {
		return "", virterror.New(libvirt.ErrInvalidArg, "emulator '%s' is not the LXC driver's '%s'", emulator, f.emulator())
	}
	o := DomainCapsOptions{Emulator: f.emulator(), Arch: arch, Machine: machine}
	if o.Arch == "" {
		o.Arch = Arch()
	}
	ni, err := f.Host.NodeInfo()
	if err != nil {
		return "", internalErr(err)
	}
	o.MaxVCPUs = int(ni.CPUs)
	xml, err := DomainCapabilities(o)
	if errors.Is(err, ErrNoArch) {
		return "", virterror.New(libvirt.ErrNoSupport, "unsupported architecture: %s", o.Arch)
	}
	if err != nil {
		return "", internalErr(err)
	}
	return xml, nil
}

// Sysinfo implements driverapi.Host.
func (f Facts) Sysinfo(context.Context) (string, error) {
	xml, err := f.Host.Sysinfo()
	if errors.Is(err, ErrNoSMBIOS) {
		return "", virterror.New(libvirt.ErrConfigUnsupported, "Host SMBIOS information is not available")
	}
	if err != nil {
		return "", internalErr(err)
	}
	return xml, nil
}

// ARPTable implements driverapi.Host.
func (f Facts) ARPTable(context.Context) ([]driverapi.Neighbor, error) {
	t, err := f.Host.ARPTable()
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "cannot read the host's ARP table: %v", err)
	}
	return t, nil
}
