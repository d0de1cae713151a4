package x86cpu

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ErrNotX86 means the host has no CPUID instruction to read.
var ErrNotX86 = errors.New("the host CPU is not x86")

// archCapabilitiesMSR is IA32_ARCH_CAPABILITIES, the one MSR libvirt reads
// for the host CPU.
const archCapabilitiesMSR = 0x10a

// Probe is what the host CPU reports: the decoded CPU and, for a CPU with
// an invariant TSC, the TSC frequency as KVM measures it.
type Probe struct {
	CPU
	TSC *TSC
}

// TSC is the invariant TSC's frequency and whether KVM can scale it for
// guests.
type TSC struct {
	Hz      uint64
	Scaling bool
}

// ProbeHost reads this machine's CPUID (and the IA32_ARCH_CAPABILITIES MSR
// when CPUID announces it) and decodes it with the CPU map in mapDir, the
// way libvirt's virCPUx86GetHost does.
func ProbeHost(mapDir string) (Probe, error) {
	if !haveCPUID {
		return Probe{}, ErrNotX86
	}
	m, err := LoadMap(mapDir)
	if err != nil {
		return Probe{}, err
	}
	data := m.HostData(readCPUID)
	if f := m.feature("arch-capabilities"); f != nil && data.has(f.Data) {
		if v, err := readMSR(archCapabilitiesMSR); err == nil {
			data[Leaf{MSR: true, EAX: archCapabilitiesMSR}] = Regs{EAX: uint32(v), EDX: uint32(v >> 32)}
		}
	}
	cpu, err := m.Decode(data)
	if err != nil {
		return Probe{}, err
	}
	p := Probe{CPU: cpu}
	if f := m.feature("invtsc"); f != nil && data.has(f.Data) {
		if tsc, err := kvmTSC(); err == nil {
			p.TSC = &tsc
		}
	}
	return p, nil
}

// HostData reads, with read, the CPUID leaves m's features and vendors
// use, keeping only the leaves and subleaves the CPU reports as valid (as
// libvirt's cpuidSet enumerates them).
func (m *Map) HostData(read func(Leaf) Regs) Data {
	want := map[Leaf]bool{vendorLeaf: true, signatureLeaf: true}
	for _, f := range m.Features {
		for l := range f.Data {
			if !l.MSR {
				want[l] = true
			}
		}
	}
	maxBasic := read(Leaf{}).EAX
	maxExt := read(Leaf{EAX: 0x80000000}).EAX
	d := Data{}
	for l := range want {
		top := maxBasic
		if l.EAX >= 0x80000000 {
			top = maxExt
		}
		if l.EAX > top || !validSubleaf(l, read) {
			continue
		}
		d[l] = read(l)
	}
	return d
}

// validSubleaf applies libvirt's rules for the leaves that have subleaves;
// every other leaf is read with ECX 0 only.
func validSubleaf(l Leaf, read func(Leaf) Regs) bool {
	sub0 := func() Regs { return read(Leaf{EAX: l.EAX}) }
	switch l.EAX {
	case 0x7, 0x14:
		return l.ECX <= sub0().EAX
	case 0xd:
		if l.ECX <= 1 {
			return true
		}
		s0, s1 := sub0(), read(Leaf{EAX: 0xd, ECX: 1})
		if l.ECX < 32 {
			return (s0.EAX|s1.ECX)&(1<<l.ECX) != 0
		}
		return l.ECX < 64 && (s0.EDX|s1.EDX)&(1<<(l.ECX-32)) != 0
	case 0xf:
		return l.ECX == 0 || l.ECX < 32 && sub0().EDX&(1<<l.ECX) != 0
	case 0x10:
		return l.ECX == 0 || l.ECX < 32 && sub0().EBX&(1<<l.ECX) != 0
	case 0x12:
		sgx := read(Leaf{EAX: 0x7}).EBX&(1<<2) != 0
		return sgx && l.ECX <= 1
	}
	return l.ECX == 0
}

// readMSR reads an MSR of CPU 0 through the msr driver, or else asks KVM
// for its value (KVM_GET_MSRS on /dev/kvm), as libvirt's virHostCPUGetMSR.
func readMSR(index uint32) (uint64, error) {
	if f, err := os.Open("/dev/cpu/0/msr"); err == nil {
		defer f.Close()
		var b [8]byte
		if _, err := f.ReadAt(b[:], int64(index)); err == nil {
			return binary.LittleEndian.Uint64(b[:]), nil
		}
	}
	fd, err := unix.Open("/dev/kvm", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return 0, fmt.Errorf("read MSR 0x%x: %w", index, err)
	}
	defer unix.Close(fd)
	// struct kvm_msrs with one struct kvm_msr_entry.
	var msrs struct {
		nmsrs, pad      uint32
		index, reserved uint32
		data            uint64
	}
	msrs.nmsrs, msrs.index = 1, index
	n, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), kvmGetMSRs, uintptr(unsafe.Pointer(&msrs)))
	if errno != 0 || n != 1 {
		return 0, fmt.Errorf("read MSR 0x%x through KVM: %v", index, errno)
	}
	return msrs.data, nil
}

// KVM ioctls (linux/kvm.h).
const (
	kvmCheckExtension = 0xae03
	kvmCreateVM       = 0xae01
	kvmCreateVCPU     = 0xae41
	kvmGetTSCKHz      = 0xaea3
	kvmGetMSRs        = 0xc008ae88
	kvmCapTSCControl  = 60
)

// kvmTSC measures the TSC frequency the way libvirt's virHostCPUGetTscInfo
// does: KVM_GET_TSC_KHZ of a vCPU of a scratch VM, and whether KVM can
// scale the TSC.
func kvmTSC() (TSC, error) {
	kvm, err := unix.Open("/dev/kvm", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return TSC{}, err
	}
	defer unix.Close(kvm)
	ioctl := func(fd int, req, arg uintptr) (int, error) {
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, arg)
		if errno != 0 {
			return -1, errno
		}
		return int(r), nil
	}
	vm, err := ioctl(kvm, kvmCreateVM, 0)
	if err != nil {
		return TSC{}, fmt.Errorf("create KVM VM for TSC probing: %w", err)
	}
	defer unix.Close(vm)
	vcpu, err := ioctl(vm, kvmCreateVCPU, 0)
	if err != nil {
		return TSC{}, fmt.Errorf("create KVM vCPU for TSC probing: %w", err)
	}
	defer unix.Close(vcpu)
	khz, err := ioctl(vcpu, kvmGetTSCKHz, 0)
	if err != nil {
		return TSC{}, fmt.Errorf("probe TSC frequency: %w", err)
	}
	scaling, err := ioctl(kvm, kvmCheckExtension, kvmCapTSCControl)
	if err != nil {
		return TSC{}, fmt.Errorf("check TSC scaling: %w", err)
	}
	return TSC{Hz: uint64(khz) * 1000, Scaling: scaling > 0}, nil
}
