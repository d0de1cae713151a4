package xmlmap

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// addresses maps <ip> to lxc.net.N.ipv4/ipv6.address, with libvirt's
// default prefix where none is given (LXC computes the IPv4 broadcast from
// it), and the first default <route> of each family to the matching
// gateway key. A point-to-point address (<ip peer>) and the other routes,
// which LXC has no keys for, are returned for the driver to add in the
// container's network namespace after start; so is the default gateway of
// a family with a peer address, which LXC would add before it (and refuses
// without an address of its own).
func (mp *mapper) addresses(prefix string, x *libvirtxml.DomainInterface) ([]Addr, []Route, error) {
	var v4, v6 []string
	var peers []Addr
	peerFam := map[string]bool{}
	for i := range x.IP {
		a, fam, err := ipAddr("<interface><ip", &x.IP[i])
		if err != nil {
			return nil, nil, err
		}
		if a.Peer.IsValid() {
			peers = append(peers, a)
			peerFam[fam] = true
			continue
		}
		if fam == "ipv4" {
			// LXC 5.0 computes a wrong broadcast (the host part alone),
			// so it is given, as libvirt sets it (virNetDevIPAddrAdd).
			v4 = append(v4, a.Local.String()+" "+broadcast(a.Local.Addr(), a.Local.Bits()))
		} else {
			v6 = append(v6, a.Local.String())
		}
	}
	var routes []Route
	gw := map[string]string{}
	seen := map[string]bool{}
	for i := range x.Route {
		r := &x.Route[i]
		g, fam, err := parseIP("<interface><route gateway>", r.Gateway, r.Family)
		if err != nil {
			return nil, nil, err
		}
		r.Gateway, r.Family = g.String(), fam
		if defaultRoute(r, fam) && !seen[fam] {
			seen[fam] = true
			unspec := netip.IPv4Unspecified()
			if fam == "ipv6" {
				unspec = netip.IPv6Unspecified()
			}
			if r.Address == "" {
				r.Address = unspec.String()
			}
			if peerFam[fam] {
				routes = append(routes, Route{Dst: netip.PrefixFrom(unspec, 0), Gateway: g})
			} else {
				gw[fam] = g.String()
			}
			continue
		}
		rt, err := route(r, g, fam)
		if err != nil {
			return nil, nil, err
		}
		routes = append(routes, rt)
	}
	for _, fam := range []struct {
		name  string
		addrs []string
	}{{"ipv4", v4}, {"ipv6", v6}} {
		for _, a := range fam.addrs {
			mp.add(prefix+fam.name+".address", a)
		}
		if g := gw[fam.name]; g != "" {
			mp.add(prefix+fam.name+".gateway", g)
		}
	}
	return peers, routes, nil
}

// ipAddr validates and normalises one <ip> (elem is "<interface><ip" or
// "<interface><source><ip") as libvirt's virDomainNetIPParseXML does and
// returns it with its prefix resolved (libvirt's default where none is
// given) and its family.
func ipAddr(elem string, ip *libvirtxml.DomainInterfaceIP) (Addr, string, error) {
	a, fam, err := parseIP(elem+" address>", ip.Address, ip.Family)
	if err != nil {
		return Addr{}, "", err
	}
	if int(ip.Prefix) > a.BitLen() {
		return Addr{}, "", xmlErr("%s address='%s' prefix='%d'>: prefix out of range", elem, ip.Address, ip.Prefix)
	}
	ip.Address, ip.Family = a.String(), fam
	bits := int(ip.Prefix)
	if bits == 0 {
		if bits = naturalPrefix(a); bits < 0 {
			return Addr{}, "", xmlErr("Failed to determine prefix for IP address '%s'", a)
		}
	}
	out := Addr{Local: netip.PrefixFrom(a, bits)}
	if ip.Peer != "" {
		p, err := netip.ParseAddr(ip.Peer)
		if err != nil || p.Zone() != "" || p.Is4() != a.Is4() {
			return Addr{}, "", virterror.New(libvirt.ErrInvalidArg, "Invalid peer '%s' in <ip>", ip.Peer)
		}
		ip.Peer = p.String()
		out.Peer = p
	}
	return out, fam, nil
}

// hostIP maps an ethernet interface's host-side <source><ip> and <route>:
// libvirt-lxc adds them to the host end of the veth once it is up
// (virNetDevIPInfoAddToDev), and LXC has no keys for them (its
// veth.ipv4.route takes no gateway), so the driver adds them after start;
// every route, a default one too, goes through the veth to its gateway.
// They need root on the host.
func (mp *mapper) hostIP(out *Interface, e *libvirtxml.DomainInterfaceSourceEthernet) error {
	if len(e.IP) == 0 && len(e.Route) == 0 {
		return nil
	}
	if mp.opts.UserNS != nil {
		return unsupported("<interface type='ethernet'><source><ip>/<route> cannot be given to an unprivileged container: host addresses and routes need root")
	}
	for i := range e.IP {
		a, _, err := ipAddr("<interface><source><ip", &e.IP[i])
		if err != nil {
			return err
		}
		out.HostAddrs = append(out.HostAddrs, a)
	}
	for i := range e.Route {
		r := &e.Route[i]
		g, fam, err := parseIP("<interface><source><route gateway>", r.Gateway, r.Family)
		if err != nil {
			return err
		}
		r.Gateway, r.Family = g.String(), fam
		rt, err := route(r, g, fam)
		if err != nil {
			return err
		}
		out.HostRoutes = append(out.HostRoutes, rt)
	}
	return nil
}

// broadcast is the IPv4 broadcast address of a/bits.
func broadcast(a netip.Addr, bits int) string {
	b := a.As4()
	for i := range b {
		if hostBits := min(max(32-bits-8*(3-i), 0), 8); hostBits > 0 {
			b[i] |= byte(1<<hostBits - 1)
		}
	}
	return netip.AddrFrom4(b).String()
}

// naturalPrefix is libvirt's prefix for an address given without one
// (virSocketAddrGetIPPrefix): the classful network of an IPv4 address
// (8, 16 or 24; -1 for classes D and E), 64 for IPv6, 0 for the
// unspecified address.
func naturalPrefix(a netip.Addr) int {
	switch {
	case a.IsUnspecified():
		return 0
	case a.Is6():
		return 64
	}
	switch o := a.As4()[0]; {
	case o&0x80 == 0:
		return 8
	case o&0xc0 == 0x80:
		return 16
	case o&0xe0 == 0xc0:
		return 24
	}
	return -1
}

// route validates a <route> that is not the default gateway and returns
// it with its prefix resolved as libvirt does (prefix, else netmask, else
// the address's natural prefix).
func route(r *libvirtxml.DomainInterfaceRoute, g netip.Addr, fam string) (Route, error) {
	if r.Address == "" {
		return Route{}, xmlErr("<interface><route gateway='%s'>: missing required address attribute", r.Gateway)
	}
	a, _, err := parseIP("<interface><route address>", r.Address, fam)
	if err != nil {
		return Route{}, err
	}
	r.Address = a.String()
	bits := int(r.Prefix)
	switch {
	case r.Netmask != "" && r.Prefix != 0:
		return Route{}, xmlErr("<interface><route address='%s'>: both netmask and prefix specified", r.Address)
	case r.Netmask != "":
		if fam != "ipv4" {
			return Route{}, xmlErr("<interface><route address='%s' netmask='%s'>: netmask is only valid for an IPv4 route", r.Address, r.Netmask)
		}
		m, err := netip.ParseAddr(r.Netmask)
		if err != nil || !m.Is4() {
			return Route{}, xmlErr("<interface><route netmask='%s'>: invalid netmask", r.Netmask)
		}
		bits = maskBits(m.As4())
		if bits < 0 {
			return Route{}, xmlErr("<interface><route netmask='%s'>: invalid netmask", r.Netmask)
		}
	case bits > a.BitLen():
		return Route{}, xmlErr("<interface><route address='%s' prefix='%d'>: prefix out of range", r.Address, r.Prefix)
	case bits == 0:
		bits = naturalPrefix(a)
		if bits < 0 {
			return Route{}, xmlErr("Failed to determine prefix for route with destination '%s'", a)
		}
	}
	dst := netip.PrefixFrom(a, bits)
	if dst.Masked().Addr() != a {
		return Route{}, xmlErr("<interface><route address='%s' prefix='%d'>: the address has bits set beyond the prefix", a, bits)
	}
	return Route{Dst: dst, Gateway: g, Metric: uint32(r.Metric)}, nil
}

// maskBits counts the leading ones of a contiguous IPv4 netmask, -1 for
// one with holes.
func maskBits(m [4]byte) int {
	v := uint32(m[0])<<24 | uint32(m[1])<<16 | uint32(m[2])<<8 | uint32(m[3])
	n := 0
	for v&0x80000000 != 0 {
		v <<= 1
		n++
	}
	if v != 0 {
		return -1
	}
	return n
}

// parseIP validates an address against an optional family and returns the
// family it belongs to.
func parseIP(field, s, family string) (netip.Addr, string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return a, "", xmlErr("%s: invalid IP address %q", field, s)
	}
	fam := "ipv6"
	if a.Is4() {
		fam = "ipv4"
	}
	if family != "" && family != fam {
		return a, "", xmlErr("%s: address %q is not of family %q", field, s, family)
	}
	return a, fam, nil
}

func defaultRoute(r *libvirtxml.DomainInterfaceRoute, fam string) bool {
	if r.Prefix != 0 || r.Netmask != "" || r.Metric != 0 {
		return false
	}
	if r.Address == "" {
		return true
	}
	a, err := netip.ParseAddr(r.Address)
	return err == nil && a.IsUnspecified() && (a.Is4() == (fam == "ipv4"))
}

// memLimit is a memory limit in KiB where unlimited means no limit.
type memLimit struct {
	kib       uint64
	set       bool
	unlimited bool
}

// bytesValue renders the limit for a cgroup file: bytes, or the layout's
// word for no limit.
func (l memLimit) bytesValue(layout CgroupLayout) string {
	if l.unlimited {
		if layout == CgroupV2 {
			return "max"
		}
		return "-1"
	}
	return strconv.FormatUint(l.kib*1024, 10)
}

// tuneLimit reads one <memtune> limit, normalising it to KiB.
func tuneLimit(field string, t *libvirtxml.DomainMemoryTuneLimit) (memLimit, error) {
	if t == nil {
		return memLimit{}, nil
	}
	m, ok := unitScale(unitName(t.Unit), "KiB")
	if ok && m == 1024 && t.Value == memUnlimitedKiB {
		t.Unit = "KiB"
		return memLimit{set: true, unlimited: true}, nil
	}
	kib, err := scaleKiB(field, t.Value, t.Unit)
	if err != nil {
		return memLimit{}, err
	}
	t.Value, t.Unit = kib, "KiB"
	return memLimit{kib: kib, set: true}, nil
}

// memory maps <memory>, <currentMemory> and <memtune>. The memory cgroup
// limit is <memtune><hard_limit> when given, else <memory> (as libvirt-lxc
// sets it). libvirt's swap_hard_limit is memory+swap: written as is to
// cgroup v1's memsw file, and as swap_hard_limit minus the memory limit to
// cgroup v2's memory.swap.max. Without <memory>, the domain's memory is
// the sum of its <cpu><numa> cells' memory, as libvirt fills it in.
func (mp *mapper) memory() error {
	d := mp.d
	if d.Memory == nil || d.Memory.Value == 0 {
		numa, err := numaMemoryKiB(d.CPU)
		if err != nil {
			return err
		}
		if numa == 0 {
			return xmlErr("Memory size must be specified via <memory> or in the <numa> configuration")
		}
		d.Memory = &libvirtxml.DomainMemory{Value: uint(numa), Unit: "KiB"}
	}
	if err := refuseOthers("memory", d.Memory, "Value", "Unit"); err != nil {
		return err
	}
	maxKiB, err := scaleKiB("<memory>", uint64(d.Memory.Value), d.Memory.Unit)
	if err != nil {
		return err
	}
	d.Memory.Value, d.Memory.Unit = uint(maxKiB), "KiB"
	cur := maxKiB
	if c := d.CurrentMemory; c != nil && c.Value != 0 {
		k, err := scaleKiB("<currentMemory>", uint64(c.Value), c.Unit)
		if err != nil {
			return err
		}
		cur = min(k, maxKiB)
	}
	d.CurrentMemory = &libvirtxml.DomainCurrentMemory{Value: uint(cur), Unit: "KiB"}
	mp.out.MaxMemKiB, mp.out.CurMemKiB = maxKiB, cur

	var hard, soft, swap memLimit
	if mt := d.MemoryTune; mt != nil {
		if err := refuseOthers("memtune", mt, "HardLimit", "SoftLimit", "SwapHardLimit"); err != nil {
			return err
		}
		for _, l := range []struct {
			field string
			in    *libvirtxml.DomainMemoryTuneLimit
			out   *memLimit
		}{
			{"<memtune><hard_limit>", mt.HardLimit, &hard},
			{"<memtune><soft_limit>", mt.SoftLimit, &soft},
			{"<memtune><swap_hard_limit>", mt.SwapHardLimit, &swap},
		} {
			if *l.out, err = tuneLimit(l.field, l.in); err != nil {
				return err
			}
		}
	}
	limit := memLimit{kib: maxKiB, set: true}
	if hard.set {
		limit = hard
	}
	if soft.set && !soft.unlimited && !limit.unlimited && soft.kib > limit.kib {
		return xmlErr("<memtune><soft_limit> (%d KiB) must be lower than or equal to the memory limit (%d KiB)", soft.kib, limit.kib)
	}
	if swap.set && !swap.unlimited && (limit.unlimited || swap.kib < limit.kib) {
		return xmlErr("<memtune><swap_hard_limit> (%d KiB) must be larger than or equal to the memory limit", swap.kib)
	}
	if !limit.unlimited {
		mp.out.MemLimitKiB = limit.kib
	}
	k := keysFor(mp.opts.Cgroup)
	mp.add(k.memLimit, limit.bytesValue(mp.opts.Cgroup))
	if soft.set {
		mp.add(k.memSoft, soft.bytesValue(mp.opts.Cgroup))
	}
	if swap.set {
		if mp.opts.Cgroup == CgroupV2 && !swap.unlimited {
			swap.kib -= limit.kib
		}
		mp.add(k.memSwap, swap.bytesValue(mp.opts.Cgroup))
	}
	return nil
}

// cpu maps <vcpu> (count and cpuset), <cputune> shares/period/quota and
// <numatune><memory> (cpuset.mems).
func (mp *mapper) cpu() error {
	d, k := mp.d, keysFor(mp.opts.Cgroup)
	if d.VCPU == nil {
		d.VCPU = &libvirtxml.DomainVCPU{}
	}
	v := d.VCPU
	if v.Placement != "" && v.Placement != "static" {
		return unsupported("<vcpu placement='%s'> is not supported by the LXC driver", v.Placement)
	}
	v.Placement = "static"
	if v.Value == 0 {
		v.Value = defaultVCPUs
	}
	if v.Current > v.Value {
		return xmlErr("<vcpu current='%d'> is larger than the maximum of %d", v.Current, v.Value)
	}
	mp.out.VCPUs = v.Value
	if v.CPUSet != "" {
		set, err := canonicalSet("<vcpu cpuset>", v.CPUSet)
		if err != nil {
			return err
		}
		v.CPUSet, mp.out.CPUSet = set, set
		mp.add(k.cpus, set)
	}
	if nt := d.NUMATune; nt != nil {
		if err := refuseOthers("numatune", nt, "Memory"); err != nil {
			return err
		}
		if m := nt.Memory; m != nil {
			if err := refuseOthers("memory", m, "Mode", "Nodeset", "Placement"); err != nil {
				return err
			}
			if m.Mode != "" && m.Mode != "strict" || m.Placement != "" && m.Placement != "static" || m.Nodeset == "" {
				return unsupported("<numatune><memory>: only mode='strict' with a nodeset is supported by the LXC driver")
			}
			set, err := canonicalSet("<numatune><memory nodeset>", m.Nodeset)
			if err != nil {
				return err
			}
			m.Nodeset, m.Mode = set, "strict"
			mp.add(k.mems, set)
		}
	}
	ct := d.CPUTune
	if ct == nil {
		return nil
	}
	if err := mp.cputuneIgnored(ct); err != nil {
		return err
	}
	r := rangesFor(mp.opts.Cgroup)
	if ct.Shares != nil {
		if s := uint64(ct.Shares.Value); s < r.sharesMin || s > r.sharesMax {
			return unsupported("<cputune><shares> %d must be in range [%d, %d] for this host's cgroups", s, r.sharesMin, r.sharesMax)
		}
		mp.add(k.cpuShares, strconv.FormatUint(uint64(ct.Shares.Value), 10))
	}
	if ct.Period != nil && (ct.Period.Value < periodMin || ct.Period.Value > periodMax) {
		return unsupported("<cputune><period> %d must be in range [%d, %d]", ct.Period.Value, periodMin, periodMax)
	}
	if ct.Quota != nil {
		if ct.Quota.Value < 0 {
			ct.Quota.Value = -1
		} else if ct.Quota.Value < quotaMin || ct.Quota.Value > quotaMax {
			return unsupported("<cputune><quota> %d must be in range [%d, %d] or negative", ct.Quota.Value, quotaMin, quotaMax)
		}
	}
	if mp.opts.Cgroup == CgroupV2 {
		if ct.Period == nil && ct.Quota == nil {
			return nil
		}
		quota, period := "max", uint64(defaultCFSPeriod)
		if ct.Quota != nil && ct.Quota.Value > 0 {
			quota = strconv.FormatInt(ct.Quota.Value, 10)
		}
		if ct.Period != nil {
			period = ct.Period.Value
		}
		mp.add(k.cpuMax, fmt.Sprintf("%s %d", quota, period))
		return nil
	}
	if ct.Period != nil {
		mp.add(k.cpuPeriod, strconv.FormatUint(ct.Period.Value, 10))
	}
	if ct.Quota != nil {
		mp.add(k.cpuQuota, strconv.FormatInt(ct.Quota.Value, 10))
	}
	return nil
}

// blockDevPath is the only device path form the mapping can turn into a
// cgroup device number without looking at the host.
var blockDevPath = regexp.MustCompile(`^/dev/block/([0-9]{1,9}):([0-9]{1,9})$`)

// blkio maps <blkiotune>: the weight, and per-device weights and throttles
// for devices named /dev/block/MAJ:MIN.
func (mp *mapper) blkio() error {
	b := mp.d.BlockIOTune
	if b == nil {
		return nil
	}
	if err := refuseOthers("blkiotune", b, "Weight", "Device"); err != nil {
		return err
	}
	k, r := keysFor(mp.opts.Cgroup), rangesFor(mp.opts.Cgroup)
	checkWeight := func(field string, w uint) error {
		if uint64(w) < r.weightMin || uint64(w) > r.weightMax {
			return unsupported("%s %d must be in range [%d, %d] for this host's cgroups", field, w, r.weightMin, r.weightMax)
		}
		return nil
	}
	weightFile := mp.opts.BlkioWeight
	if weightFile == "" {
		weightFile = "weight"
	}
	if b.Weight != 0 {
		if err := checkWeight("<blkiotune><weight>", b.Weight); err != nil {
			return err
		}
		if weightFile == NoBlkioWeight {
			return unsupported("<blkiotune><weight>: blkio device weight is valid only for bfq or cfq scheduler, and this host has neither")
		}
		key := k.blkWeight
		if weightFile == "bfq.weight" {
			key = k.blkBfqWeight
		}
		mp.add(key, strconv.Itoa(int(b.Weight)))
	}
	for _, dev := range b.Device {
		var num string
		if m := blockDevPath.FindStringSubmatch(dev.Path); m != nil {
			num = m[1] + ":" + m[2]
		} else {
			if err := checkText("<blkiotune><device><path>", dev.Path); err != nil {
				return err
			}
			if mp.opts.BlockDevice == nil || !strings.HasPrefix(dev.Path, "/") {
				return unsupported("<blkiotune><device><path> %q: the LXC driver needs the /dev/block/MAJ:MIN form", dev.Path)
			}
			var err error
			if num, err = mp.opts.BlockDevice(dev.Path); err != nil {
				return unsupported("<blkiotune><device><path> %q: %v", dev.Path, err)
			}
		}
		if dev.Weight != 0 && weightFile != "weight" {
			return unsupported("<blkiotune><device><weight>: blkio device weight is valid only for cfq scheduler")
		}
		if dev.Weight != 0 {
			if err := checkWeight("<blkiotune><device><weight>", dev.Weight); err != nil {
				return err
			}
			mp.add(k.blkDevWeight, fmt.Sprintf("%s %d", num, dev.Weight))
		}
		limits := []struct {
			v1Key, v2Name string
			value         uint
		}{
			{k.readBps, "rbps", dev.ReadBytesSec},
			{k.writeBps, "wbps", dev.WriteBytesSec},
			{k.readIops, "riops", dev.ReadIopsSec},
			{k.writeIops, "wiops", dev.WriteIopsSec},
		}
		var io []string
		for _, l := range limits {
			if l.value == 0 {
				continue
			}
			if mp.opts.Cgroup == CgroupV2 {
				io = append(io, fmt.Sprintf("%s=%d", l.v2Name, l.value))
			} else {
				mp.add(l.v1Key, fmt.Sprintf("%s %d", num, l.value))
			}
		}
		if len(io) > 0 {
			mp.add(k.ioMax, num+" "+strings.Join(io, " "))
		}
	}
	return nil
}

// lifecycle validates <on_poweroff>, <on_reboot> and <on_crash>, fills
// libvirt's defaults and hands them to the driver. The driver can destroy
// or restart a container; preserve, rename-restart and coredump-* have no
// LXC equivalent.
func (mp *mapper) lifecycle() error {
	d := mp.d
	lc := defaultLifecycle
	for _, a := range []struct {
		field string
		in    *string
		out   *string
	}{
		{"on_poweroff", &d.OnPoweroff, &lc.OnPoweroff},
		{"on_reboot", &d.OnReboot, &lc.OnReboot},
		{"on_crash", &d.OnCrash, &lc.OnCrash},
	} {
		switch *a.in {
		case "":
			*a.in = *a.out
		case "destroy", "restart":
			*a.out = *a.in
		case "preserve", "rename-restart", "coredump-destroy", "coredump-restart":
			return unsupported("<%s>%s</%s> is not supported by the LXC driver", a.field, *a.in, a.field)
		default:
			return xmlErr("<%s>: unknown action %q", a.field, *a.in)
		}
	}
	mp.out.Lifecycle = lc
	return nil
}
