package server

import (
	"context"
	"errors"
	"slices"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/host"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// nodeGetCPUMap serves virNodeGetCPUMap (`virsh nodecpumap`; Nova asks on
// every resource update) as libvirtd does: the return value is the number
// of CPUs, the map and the online count only when asked for.
func (s *Server) nodeGetCPUMap(ctx context.Context, c *conn, args *libvirt.NodeGetCPUMapArgs) (*libvirt.NodeGetCPUMapRet, error) {
	if err := checkFlags(args.Flags, 0, "virHostCPUGetMap"); err != nil {
		return nil, err
	}
	m, err := s.cfg.Host.CPUMap()
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "%v", err)
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
// must be the one the capabilities name. LXC has no machine types; a
// machine a client names is echoed, as libvirt's bhyve driver does.
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
	o := host.DomainCapsOptions{Emulator: s.cfg.Emulator, Arch: host.Arch(), Machine: opt(args.Machine)}
	if a := opt(args.Arch); a != "" {
		if !slices.Contains(libvirtArches, a) {
			return nil, virterror.New(libvirt.ErrInvalidArg, "unknown architecture: %s", a)
		}
		o.Arch = a
	}
	if e := opt(args.Emulatorbin); e != "" && e != s.cfg.Emulator {
		return nil, virterror.New(libvirt.ErrInvalidArg, "emulator '%s' is not the LXC driver's '%s'", e, s.cfg.Emulator)
	}
	ni, err := s.nodeInfo()
	if err != nil {
		return nil, err
	}
	o.MaxVCPUs = int(ni.CPUs)
	xml, err := host.DomainCapabilities(o)
	if errors.Is(err, host.ErrNoArch) {
		return nil, virterror.New(libvirt.ErrNoSupport, "unsupported architecture: %s", o.Arch)
	}
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "%v", err)
	}
	return &libvirt.ConnectGetDomainCapabilitiesRet{Capabilities: xml}, nil
}
