package server

import (
	"context"
	"slices"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// nodeGetCPUMap serves virNodeGetCPUMap (`virsh nodecpumap`; Nova asks on
// every resource update) as libvirtd does: the return value is the number
// of CPUs, the map and the online count only when asked for.
func (s *Server) nodeGetCPUMap(ctx context.Context, c *conn, args *libvirt.NodeGetCPUMapArgs) (*libvirt.NodeGetCPUMapRet, error) {
	if err := checkFlags(args.Flags, 0, "virHostCPUGetMap"); err != nil {
		return nil, err
	}
	h, err := s.host("virNodeGetCPUMap")
	if err != nil {
		return nil, err
	}
	m, err := h.CPUMap(ctx)
	if err != nil {
		return nil, err
	}
	ret := &libvirt.NodeGetCPUMapRet{Ret: int32(m.CPUs)}
	if args.NeedMap != 0 {
		ret.Cpumap = m.Bitmap()
	}
	if args.NeedOnline != 0 {
		ret.Online = uint32(len(m.Online))
	}
	return ret, nil
}

// libvirtArches are the architecture names libvirt knows (virArch); any
// other name is an unknown architecture rather than an unsupported one.
var libvirtArches = []string{
	"alpha", "armv6l", "armv7l", "armv7b", "aarch64", "cris", "i686", "ia64", "lm32",
	"loongarch64", "m68k", "microblaze", "microblazeel", "mips", "mipsel", "mips64",
	"mips64el", "openrisc", "parisc", "parisc64", "ppc", "ppcle", "ppc64", "ppc64le",
	"ppcemb", "riscv32", "riscv64", "s390", "s390x", "sh4", "sh4eb", "sparc", "sparc64",
	"unicore32", "x86_64", "xtensa", "xtensaeb",
}

// getDomainCapabilities serves virConnectGetDomainCapabilities for domain
// type lxc. Arguments are checked as libvirt's drivers do: an unknown or
// other virt type and an unknown architecture are invalid arguments, a
// known architecture the host cannot run is unsupported, and the emulator
// must be the one the capabilities name (the driver checks that, and
// which architectures it runs).
func (s *Server) getDomainCapabilities(ctx context.Context, c *conn, args *libvirt.ConnectGetDomainCapabilitiesArgs) (*libvirt.ConnectGetDomainCapabilitiesRet, error) {
	if err := checkFlags(uint32(args.Flags), 0, "virConnectGetDomainCapabilities"); err != nil {
		return nil, err
	}
	opt := func(o libvirt.OptString) string {
		if len(o) == 1 {
			return o[0]
		}
		return ""
	}
	if vt := opt(args.Virttype); vt != "" && vt != "lxc" {
		return nil, virterror.New(libvirt.ErrInvalidArg, "unknown virttype: %s", vt)
	}
	if a := opt(args.Arch); a != "" && !slices.Contains(libvirtArches, a) {
		return nil, virterror.New(libvirt.ErrInvalidArg, "unknown architecture: %s", a)
	}
	h, err := s.host("virConnectGetDomainCapabilities")
	if err != nil {
		return nil, err
	}
	xml, err := h.DomainCapabilities(ctx, opt(args.Arch), opt(args.Machine), opt(args.Emulatorbin))
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectGetDomainCapabilitiesRet{Capabilities: xml}, nil
}
