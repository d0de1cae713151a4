package host

import (
	"errors"
	"fmt"
	"slices"

	"libvirt.org/go/libvirtxml"
)

// DomainCapsOptions selects the guest a domain capabilities document
// describes.
type DomainCapsOptions struct {
	Emulator string // as in the capabilities XML
	Arch     string // one of GuestArches
	Machine  string // echoed when given; LXC has no machine types
	MaxVCPUs int
}

// ErrNoArch reports an architecture the host cannot run containers of.
var ErrNoArch = errors.New("architecture not supported")

// GuestArches lists the architectures whose containers the host runs: its
// own and, like lxcContainerGetAlt32bitArch, the 32-bit one its kernel
// runs through personality(2).
func GuestArches() []string {
	var out []string
	for _, a := range guestArches() {
		out = append(out, a.name)
	}
	return out
}

// DomainCapabilities builds the domain capabilities XML of an LXC guest
// (virConnectGetDomainCapabilities, `virsh domcapabilities`). libvirt's own
// LXC driver has none; this is what lxcvirt honours: the OS runs as an
// executable (no firmware), there is no CPU model to choose (a container
// runs on the host CPU), devices are filesystems and interfaces.
func DomainCapabilities(o DomainCapsOptions) (string, error) {
	if !slices.Contains(GuestArches(), o.Arch) {
		return "", fmt.Errorf("%w: %s", ErrNoArch, o.Arch)
	}
	no := func() *libvirtxml.DomainCapsDevice { return &libvirtxml.DomainCapsDevice{Supported: "no"} }
	mode := func(name string) libvirtxml.DomainCapsCPUMode {
		return libvirtxml.DomainCapsCPUMode{Name: name, Supported: "no"}
	}
	caps := libvirtxml.DomainCaps{
		Path:      o.Emulator,
		Domain:    "lxc",
		Machine:   o.Machine,
		Arch:      o.Arch,
		VCPU:      &libvirtxml.DomainCapsVCPU{Max: uint(max(o.MaxVCPUs, 1))},
		IOThreads: &libvirtxml.DomainCapsIOThreads{Supported: "no"},
		OS:        &libvirtxml.DomainCapsOS{Supported: "yes"},
		CPU: &libvirtxml.DomainCapsCPU{Modes: []libvirtxml.DomainCapsCPUMode{
			mode("host-passthrough"), mode("maximum"), mode("host-model"), mode("custom"),
		}},
		Devices: &libvirtxml.DomainCapsDevices{
			Disk:       no(),
			Graphics:   no(),
			Video:      no(),
			HostDev:    no(),
			RNG:        no(),
			FileSystem: &libvirtxml.DomainCapsDevice{Supported: "yes", Enums: []libvirtxml.DomainCapsEnum{{Name: "driverType", Values: []string{"path"}}}},
			TPM:        no(),
			Redirdev:   no(),
			Channel:    no(),
			Crypto:     no(),
			Interface:  &libvirtxml.DomainCapsDevice{Supported: "yes"},
			Panic:      no(),
		},
	}
	return caps.Marshal()
}
