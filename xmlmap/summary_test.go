package xmlmap

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"libvirt.org/go/libvirtxml"
)

// tester is what the summary helpers need from *testing.T and *rapid.T.
type tester interface {
	Helper()
	Fatalf(format string, args ...any)
}

// summary is the meaning of a domain as far as an LXC container is
// concerned, with units, defaults and equivalent spellings normalised, so
// that domains from different sources (libvirt's test data, FromConfig,
// ToConfig's normalisation) can be compared field by field.
type summary map[string]string

func kib(t tester, field string, v uint64, unit string) string {
	t.Helper()
	if m, ok := unitScale(unitName(unit), "KiB"); ok && m == 1024 && v == memUnlimitedKiB {
		return "unlimited"
	}
	k, err := scaleKiB(field, v, unit)
	if err != nil {
		t.Fatalf("%s: %v", field, err)
	}
	return fmt.Sprint(k)
}

func summarize(t tester, d *libvirtxml.Domain, opts Options) summary {
	t.Helper()
	s := summary{"name": d.Name, "uuid": d.UUID}
	if d.Memory != nil {
		s["memory"] = kib(t, "memory", uint64(d.Memory.Value), d.Memory.Unit)
	}
	s["memlimit"] = s["memory"]
	if mt := d.MemoryTune; mt != nil {
		for _, l := range []struct {
			key string
			v   *libvirtxml.DomainMemoryTuneLimit
		}{{"memlimit", mt.HardLimit}, {"soft", mt.SoftLimit}, {"swap", mt.SwapHardLimit}} {
			if l.v != nil {
				s[l.key] = kib(t, l.key, l.v.Value, l.v.Unit)
			}
		}
	}
	s["vcpu"] = "1"
	if v := d.VCPU; v != nil {
		if v.Value != 0 {
			s["vcpu"] = fmt.Sprint(v.Value)
		}
		if v.CPUSet != "" {
			s["cpuset"] = mustSet(t, v.CPUSet)
		}
	}
	if nt := d.NUMATune; nt != nil && nt.Memory != nil {
		s["nodeset"] = mustSet(t, nt.Memory.Nodeset)
	}
	if ct := d.CPUTune; ct != nil {
		if ct.Shares != nil {
			s["shares"] = fmt.Sprint(ct.Shares.Value)
		}
		if ct.Quota != nil || ct.Period != nil {
			q, p := "max", uint64(defaultCFSPeriod)
			if ct.Quota != nil && ct.Quota.Value >= 0 {
				q = fmt.Sprint(ct.Quota.Value)
			}
			if ct.Period != nil {
				p = ct.Period.Value
			}
			s["cpumax"] = fmt.Sprintf("%s/%d", q, p)
		}
	}
	if b := d.BlockIOTune; b != nil {
		var devs []string
		for _, dv := range b.Device {
			devs = append(devs, fmt.Sprintf("%s w%d rb%d wb%d ri%d wi%d", dv.Path, dv.Weight, dv.ReadBytesSec, dv.WriteBytesSec, dv.ReadIopsSec, dv.WriteIopsSec))
		}
		slices.Sort(devs)
		s["blkio"] = fmt.Sprintf("%d %s", b.Weight, strings.Join(devs, ";"))
	}
	summarizeOS(s, d.OS)
	if im := d.IDMap; im != nil {
		var parts []string
		for _, r := range im.UIDs {
			parts = append(parts, fmt.Sprintf("u %d %d %d", r.Start, r.Target, r.Count))
		}
		for _, r := range im.GIDs {
			parts = append(parts, fmt.Sprintf("g %d %d %d", r.Start, r.Target, r.Count))
		}
		s["idmap"] = strings.Join(parts, ";")
	}
	var caps *libvirtxml.DomainFeatureCapabilities
	if f := d.Features; f != nil {
		caps = f.Capabilities
		if f.PrivNet != nil {
			s["privnet"] = "yes"
		}
	}
	s["capdrop"] = strings.Join(droppedCaps(t, caps), " ")
	s["lifecycle"] = strings.Join([]string{or(d.OnPoweroff, "destroy"), or(d.OnReboot, "restart"), or(d.OnCrash, "destroy")}, "/")
	if devs := d.Devices; devs != nil {
		summarizeDevices(t, s, devs, opts)
	}
	return s
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func mustSet(t tester, v string) string {
	t.Helper()
	set, err := canonicalSet("set", v)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return set
}

func summarizeOS(s summary, os *libvirtxml.DomainOS) {
	if os == nil {
		return
	}
	if os.Type != nil {
		s["ostype"], s["arch"] = os.Type.Type, os.Type.Arch
	}
	s["init"] = strings.Join(append([]string{or(os.Init, defaultInit)}, os.InitArgs...), " ")
	var env []string
	for _, e := range os.InitEnv {
		env = append(env, e.Name+"="+e.Value)
	}
	s["env"] = strings.Join(env, "\x00")
	s["initdir"], s["inituser"], s["initgroup"] = os.InitDir, os.InitUser, os.InitGroup
	s["cmdline"] = os.Cmdline
}

// droppedCaps is the set of capabilities a container ends up without.
func droppedCaps(t tester, c *libvirtxml.DomainFeatureCapabilities) []string {
	t.Helper()
	policy, states, err := capStates(c)
	if err != nil {
		t.Fatalf("%v", err)
	}
	var out []string
	for _, n := range capNames() {
		st := states[n]
		drop := st == "off"
		switch policy {
		case "deny":
			drop = st != "on"
		case "default":
			drop = drop || st == "" && slices.Contains(defaultDroppedCaps, n)
		}
		if drop {
			out = append(out, n)
		}
	}
	return out
}

func summarizeDevices(t tester, s summary, devs *libvirtxml.DomainDeviceList, opts Options) {
	t.Helper()
	var fss []string
	for _, fs := range devs.Filesystems {
		ro := ""
		if fs.ReadOnly != nil {
			ro = " ro"
		}
		target := ""
		if fs.Target != nil {
			target = strings.TrimSuffix(fs.Target.Dir, "/")
		}
		src := fs.Source
		switch {
		case src.Mount != nil:
			fss = append(fss, "mount "+cleanDir(src.Mount.Dir)+" "+target+ro)
		case src.RAM != nil:
			fss = append(fss, "ram "+kib(t, "ram", uint64(src.RAM.Usage), src.RAM.Units)+" "+target+ro)
		case src.Block != nil:
			fss = append(fss, "block "+src.Block.Dev+" "+target+ro)
		default:
			fss = append(fss, "other "+target)
		}
	}
	s["fs"] = strings.Join(fss, ";")
	var nets, routes, peers, hostIP []string
	for _, x := range devs.Interfaces {
		n, p := summarizeIface(x, opts)
		nets, peers = append(nets, n), append(peers, p)
		for _, r := range x.Route {
			if !defaultRoute(&r, or(r.Family, "ipv4")) {
				routes = append(routes, fmt.Sprintf("%s/%d via %s metric %d", r.Address, r.Prefix, r.Gateway, r.Metric))
			}
		}
		if e := x.Source.Ethernet; e != nil {
			for _, ip := range e.IP {
				hostIP = append(hostIP, fmt.Sprintf("%s/%d peer %s", ip.Address, ip.Prefix, ip.Peer))
			}
			for _, r := range e.Route {
				hostIP = append(hostIP, fmt.Sprintf("%s/%d via %s metric %d", r.Address, r.Prefix, r.Gateway, r.Metric))
			}
		}
	}
	s["net"] = strings.Join(nets, ";")
	s["routes"] = strings.Join(routes, ";")
	s["peers"] = strings.Join(peers, ";")
	s["hostip"] = strings.Join(hostIP, ";")
	var hds []string
	for _, h := range devs.Hostdevs {
		if h.CapsNet == nil {
			hds = append(hds, "other")
			continue
		}
		var ips []string
		for _, ip := range h.CapsNet.IP {
			p := uint(0)
			if ip.Prefix != nil {
				p = *ip.Prefix
			}
			ips = append(ips, fmt.Sprintf("%s/%d", ip.Address, p))
		}
		for _, r := range h.CapsNet.Route {
			ips = append(ips, "via "+r.Gateway)
		}
		hds = append(hds, "net "+h.CapsNet.Source.Interface+" "+strings.Join(ips, ","))
	}
	s["hostdev"] = strings.Join(hds, ";")
	s["consoles"] = fmt.Sprint(len(devs.Consoles))
	if len(devs.Consoles) > 0 && devs.Consoles[0].Log != nil {
		l := devs.Consoles[0].Log
		s["consolelog"], s["consoleappend"] = l.File, or(l.Append, "off")
	}
}

func cleanDir(d string) string {
	if d == "/" {
		return d
	}
	return strings.TrimSuffix(d, "/")
}

// summarizeIface describes what the container gets: the kind of link, the
// host end, addresses. type='network' is resolved to its bridge, as is a
// bridge interface without a bridge. The point-to-point addresses, and
// the default gateway of their family, are described apart (peers): LXC
// has no key for them.
func summarizeIface(x libvirtxml.DomainInterface, opts Options) (desc, peers string) {
	kind, host := "other", ""
	src := x.Source
	switch {
	case src.Bridge != nil:
		kind, host = "veth", or(src.Bridge.Bridge, opts.DefaultBridge)
	case src.Network != nil:
		kind, host = "veth", opts.Networks[src.Network.Network]
		if host == "" && src.Network.Network == "default" {
			host = opts.DefaultBridge
		}
	case src.Ethernet != nil:
		kind = "veth"
	case src.Direct != nil:
		kind, host = "macvlan", src.Direct.Dev+" "+or(src.Direct.Mode, "vepa")
	}
	mac, guest, target, mtu := "", "", "", ""
	if x.MAC != nil {
		mac = strings.ToLower(x.MAC.Address)
	}
	if x.Guest != nil {
		guest = x.Guest.Dev
	}
	if x.Target != nil {
		target = x.Target.Dev
	}
	if x.MTU != nil {
		mtu = fmt.Sprint(x.MTU.Size)
	}
	link := "up"
	if x.Link != nil && x.Link.State == "down" {
		link = "down"
	}
	var addrs, p2p []string
	peerFam := map[bool]bool{}
	for _, ip := range x.IP {
		p := int(ip.Prefix)
		a, err := netip.ParseAddr(ip.Address)
		if err == nil && p == 0 {
			p = naturalPrefix(a)
		}
		if ip.Peer != "" {
			p2p = append(p2p, fmt.Sprintf("%s/%d peer %s", ip.Address, p, ip.Peer))
			peerFam[a.Is4()] = true
			continue
		}
		addrs = append(addrs, fmt.Sprintf("%s/%d", ip.Address, p))
	}
	for _, r := range x.Route {
		if defaultRoute(&r, or(r.Family, "ipv4")) {
			if g, err := netip.ParseAddr(r.Gateway); err == nil && peerFam[g.Is4()] {
				p2p = append(p2p, "via "+r.Gateway)
				continue
			}
			addrs = append(addrs, "via "+r.Gateway)
		}
	}
	return strings.Join([]string{kind, host, mac, guest, target, link, mtu, strings.Join(addrs, ",")}, "|"), strings.Join(p2p, ",")
}

// diff lists the keys whose values differ, skipping those in ignore.
func (s summary) diff(other summary, ignore ...string) []string {
	var out []string
	for _, k := range mergedKeys(s, other) {
		if slices.Contains(ignore, k) {
			continue
		}
		if s[k] != other[k] {
			out = append(out, fmt.Sprintf("%s: %q != %q", k, s[k], other[k]))
		}
	}
	return out
}

func mergedKeys(a, b summary) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
