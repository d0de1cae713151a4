package lxc

import (
	"errors"
	"fmt"
	"log/slog"
	"math"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// libvirt's <bandwidth> units as tc reads them: rates in kB/s ("kbps",
// 1000 bytes), burst in KiB ("kb", 1024 bytes).
const (
	rateUnit  = 1000
	burstUnit = 1024
	// policeMTU is the "mtu 64kb" of libvirt's ingress policer.
	policeMTU = 64 * 1024
	// quantumMTU is the MTU libvirt derives an HTB class's quantum from.
	quantumMTU = 1500
)

// ErrNoKernelSupport marks a tc part the running kernel does not have
// (its module is not built).
var ErrNoKernelSupport = errors.New("not supported by the kernel")

// SetBandwidth sets bw on dev, the host end of a container's veth, as
// libvirt's virNetDevBandwidthSet does for a veth (whose host side sees the
// guest's traffic reversed): what the guest receives (Inbound) leaves dev,
// shaped by an HTB root qdisc 1: with class 1:1 (rate average, ceil peak,
// burst), an SFQ leaf 2: and an fw filter; what the guest sends (Outbound)
// enters dev, policed by a u32 filter on the ingress qdisc that drops what
// exceeds average with burst (average's worth of KiB without one).
// Whatever dev had before is cleared first. A kernel without SFQ or the
// fw classifier keeps HTB's default leaf and no filter (neither changes the
// rate); one without the police action cannot limit Outbound and the call
// fails with ErrNoKernelSupport. What is left out is logged to log.
func SetBandwidth(dev string, bw *xmlmap.Bandwidth, log *slog.Logger) error {
	link, err := netlink.LinkByName(dev)
	if err != nil {
		return fmt.Errorf("cannot set bandwidth on %s: %w", dev, err)
	}
	ClearBandwidth(link)
	idx := link.Attrs().Index
	if in := bw.Inbound; in != nil && in.Average > 0 {
		if err := shape(idx, in, log.With("dev", dev)); err != nil {
			return fmt.Errorf("cannot set inbound bandwidth on %s: %w", dev, err)
		}
	}
	if out := bw.Outbound; out != nil {
		if err := police(idx, out); err != nil {
			return fmt.Errorf("cannot set outbound bandwidth on %s: %w", dev, err)
		}
	}
	return nil
}

// ClearBandwidth removes dev's root and ingress qdiscs
// (virNetDevBandwidthClear); errors are ignored, as there may be none.
func ClearBandwidth(link netlink.Link) {
	idx := link.Attrs().Index
	_ = netlink.QdiscDel(&netlink.GenericQdisc{QdiscAttrs: netlink.QdiscAttrs{LinkIndex: idx, Parent: netlink.HANDLE_ROOT}, QdiscType: "htb"})
	_ = netlink.QdiscDel(&netlink.Ingress{QdiscAttrs: netlink.QdiscAttrs{LinkIndex: idx, Parent: netlink.HANDLE_INGRESS, Handle: netlink.MakeHandle(0xffff, 0)}})
}

// shape is "tc qdisc add dev D root handle 1: htb default 1", "tc class add
// dev D parent 1: classid 1:1 htb rate A [ceil P] [burst B] quantum Q",
// "tc qdisc add dev D parent 1:1 handle 2: sfq perturb 10" and "tc filter
// add dev D parent 1:0 protocol all prio 1 handle 1 fw flowid 1".
func shape(idx int, r *xmlmap.Rate, log *slog.Logger) error {
	htb := netlink.NewHtb(netlink.QdiscAttrs{LinkIndex: idx, Handle: netlink.MakeHandle(1, 0), Parent: netlink.HANDLE_ROOT})
	htb.Defcls = 1
	if err := netlink.QdiscAdd(htb); err != nil {
		return fmt.Errorf("htb qdisc: %w", kernelErr(err))
	}
	quantum := r.Average * burstUnit / 8 / quantumMTU
	if quantum == 0 {
		quantum = 1
	}
	attrs := netlink.HtbClassAttrs{
		Rate:    r.Average * rateUnit * 8,
		Ceil:    r.Peak * rateUnit * 8,
		Buffer:  uint32(min(r.Burst*burstUnit, math.MaxUint32)),
		Quantum: uint32(min(quantum, math.MaxUint32)),
	}
	class := netlink.NewHtbClass(netlink.ClassAttrs{LinkIndex: idx, Parent: netlink.MakeHandle(1, 0), Handle: netlink.MakeHandle(1, 1)}, attrs)
	if err := netlink.ClassAdd(class); err != nil {
		return fmt.Errorf("htb class: %w", kernelErr(err))
	}
	sfq := &netlink.Sfq{QdiscAttrs: netlink.QdiscAttrs{LinkIndex: idx, Parent: netlink.MakeHandle(1, 1), Handle: netlink.MakeHandle(2, 0)}, Perturb: 10}
	if err := kernelErr(netlink.QdiscAdd(sfq)); errors.Is(err, ErrNoKernelSupport) {
		log.Debug("bandwidth: the kernel has no SFQ; HTB's default leaf is kept", "err", err)
	} else if err != nil {
		return fmt.Errorf("sfq qdisc: %w", err)
	}
	fw := &netlink.FwFilter{
		FilterAttrs: netlink.FilterAttrs{LinkIndex: idx, Parent: netlink.MakeHandle(1, 0), Protocol: unix.ETH_P_ALL, Priority: 1, Handle: 1},
		ClassId:     1,
	}
	if err := kernelErr(netlink.FilterAdd(fw)); errors.Is(err, ErrNoKernelSupport) {
		log.Debug("bandwidth: the kernel has no fw classifier; the filter is left out", "err", err)
	} else if err != nil {
		return fmt.Errorf("fw filter: %w", err)
	}
	return nil
}

// police is "tc qdisc add dev D ingress" and "tc filter add dev D parent
// ffff: protocol all u32 match u32 0 0 police rate A burst B mtu 64kb drop
// flowid :1".
func police(idx int, r *xmlmap.Rate) error {
	ingress := &netlink.Ingress{QdiscAttrs: netlink.QdiscAttrs{LinkIndex: idx, Parent: netlink.HANDLE_INGRESS, Handle: netlink.MakeHandle(0xffff, 0)}}
	if err := netlink.QdiscAdd(ingress); err != nil {
		return fmt.Errorf("ingress qdisc: %w", kernelErr(err))
	}
	burst := r.Burst
	if burst == 0 {
		burst = min(r.Average, math.MaxUint32/burstUnit)
	}
	p := netlink.NewPoliceAction()
	p.Rate = uint32(min(r.Average*rateUnit, math.MaxUint32))
	p.Burst = uint32(min(burst*burstUnit, math.MaxUint32))
	p.Mtu = policeMTU
	p.ExceedAction = netlink.TC_POLICE_SHOT
	f := &netlink.U32{
		FilterAttrs: netlink.FilterAttrs{LinkIndex: idx, Parent: netlink.MakeHandle(0xffff, 0), Protocol: unix.ETH_P_ALL},
		ClassId:     netlink.MakeHandle(0, 1),
		Sel:         &netlink.TcU32Sel{Flags: netlink.TC_U32_TERMINAL, Nkeys: 1, Keys: []netlink.TcU32Key{{}}},
		Police:      p,
	}
	if err := netlink.FilterAdd(f); err != nil {
		return fmt.Errorf("u32 police filter: %w", kernelErr(err))
	}
	return nil
}

// kernelErr marks the errors of a kernel without the qdisc, classifier or
// action asked for (its module is not built: ENOENT, EOPNOTSUPP).
func kernelErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("%w (%w)", ErrNoKernelSupport, err)
	}
	return err
}
