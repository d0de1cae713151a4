package xmlmap

import (
	"fmt"
	"math/bits"
	"path"
	"slices"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// legacyKeys maps pre-3.0 LXC key names to their current names.
var legacyKeys = map[string]string{
	"lxc.utsname":  "lxc.uts.name",
	"lxc.rootfs":   "lxc.rootfs.path",
	"lxc.id_map":   "lxc.idmap",
	"lxc.tty":      "lxc.tty.max",
	"lxc.pts":      "lxc.pty.max",
	"lxc.mount":    "lxc.mount.fstab",
	"lxc.init_cmd": "lxc.init.cmd",
	"lxc.init_uid": "lxc.init.uid",
	"lxc.init_gid": "lxc.init.gid",
}

// legacyNetSuffix maps lxc.network.* suffixes whose name changed in 3.0.
var legacyNetSuffix = map[string]string{"ipv4": "ipv4.address", "ipv6": "ipv6.address"}

// modernise rewrites legacy keys to current ones. Each pre-3.0
// "lxc.network.type" line starts a new interface, numbered in order.
func modernise(cfg Config) Config {
	out := make(Config, 0, len(cfg))
	legacyNet := -1
	for _, e := range cfg {
		k := e.Key
		if n, ok := legacyKeys[k]; ok {
			k = n
		}
		if suffix, ok := strings.CutPrefix(k, "lxc.network."); ok {
			if suffix == "type" || legacyNet < 0 {
				legacyNet++
			}
			if n, ok := legacyNetSuffix[suffix]; ok {
				suffix = n
			}
			k = fmt.Sprintf("lxc.net.%d.%s", legacyNet, suffix)
		}
		if suffix, ok := strings.CutPrefix(k, "lxc.net."); ok {
			idx, rest, _ := strings.Cut(suffix, ".")
			if n, ok := legacyNetSuffix[rest]; ok {
				k = "lxc.net." + idx + "." + n
			}
		}
		out = append(out, Entry{Key: k, Value: e.Value})
	}
	return out
}

func configErr(format string, args ...any) error {
	return virterror.New(libvirt.ErrInvalidArg, format, args...)
}

// FromConfig converts an LXC container config to libvirt domain XML, like
// libvirt's lxc_native.c (virsh domxml-from-native lxc-tools). Pre-3.0 key
// names are accepted. lxc.mount / lxc.mount.fstab are refused (use
// lxc.mount.entry lines); keys that have no libvirt equivalent (apparmor,
// seccomp, devices cgroup, hooks, …) are ignored, as libvirt does. Missing
// values get lxc_native.c's defaults: 64 MiB, one vCPU, /sbin/init. The
// UUID comes from opts.NewUUID and stays empty when it is nil. Invalid
// values are ErrInvalidArg, what libvirt XML cannot express is
// ErrConfigUnsupported.
//
// Unlike lxc_native.c, lxc.idmap is read in LXC's documented field order
// ("u|g container-id host-id count"): the container side becomes <uid
// start> and the host side <uid target>.
func FromConfig(cfg Config, opts Options) (*libvirtxml.Domain, error) {
	for _, e := range cfg {
		if strings.ContainsAny(e.Value, "\n\r\x00") || !validKey(e.Key) {
			return nil, configErr("LXC config entry %s = %q is not a single key = value line", e.Key, e.Value)
		}
	}
	cfg = modernise(cfg)
	if v, ok := cfg.Value("lxc.mount.fstab"); ok {
		return nil, unsupported("lxc.mount.fstab (or lxc.mount) = %s is not supported, use lxc.mount.entry lines instead", v)
	}
	r := &reader{cfg: cfg, opts: opts, d: &libvirtxml.Domain{
		Type:       "lxc",
		OS:         &libvirtxml.DomainOS{Type: &libvirtxml.DomainOSType{Type: "exe"}},
		Devices:    &libvirtxml.DomainDeviceList{},
		Clock:      &libvirtxml.DomainClock{Offset: "utc"},
		OnPoweroff: defaultLifecycle.OnPoweroff,
		OnReboot:   defaultLifecycle.OnReboot,
		OnCrash:    defaultLifecycle.OnCrash,
	}}
	for _, step := range []func() error{
		r.identity, r.init, r.rootfs, r.mounts, r.network, r.consoles, r.idmap, r.caps,
		r.memory, r.cpu, r.blkio,
	} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r.d, nil
}

// reader carries one FromConfig conversion.
type reader struct {
	cfg     Config
	opts    Options
	d       *libvirtxml.Domain
	rootDir string
}

func (r *reader) identity() error {
	name, ok := r.cfg.Value("lxc.uts.name")
	if !ok {
		return configErr("LXC config has no lxc.uts.name (lxc.utsname)")
	}
	if p := nameProblem(name); p != "" {
		return configErr("lxc.uts.name %q %s", name, p)
	}
	r.d.Name = name
	if r.opts.NewUUID != nil {
		r.d.UUID = formatUUID(r.opts.NewUUID())
	}
	if a, ok := r.cfg.Value("lxc.arch"); ok {
		arch, known := lxcArchToLibvirt(a)
		if !known {
			return unsupported("lxc.arch = %s has no libvirt equivalent", a)
		}
		r.d.OS.Type.Arch = arch
	}
	return nil
}

// lxcArchToLibvirt maps LXC's personality names to libvirt architectures.
func lxcArchToLibvirt(a string) (string, bool) {
	switch a {
	case "x86", "i386", "i486", "i586", "i686", "linux32":
		return "i686", true
	case "x86_64", "amd64", "linux64":
		return "x86_64", true
	case "arm64":
		return "aarch64", true
	case "armhf", "armel":
		return "armv7l", true
	case "ppc64el":
		return "ppc64le", true
	}
	return a, lxcArch[a]
}

func (r *reader) init() error {
	os := r.d.OS
	os.Init = defaultInit
	if cmd, ok := r.cfg.Value("lxc.init.cmd"); ok {
		argv := strings.Fields(cmd)
		if len(argv) > 0 {
			os.Init, os.InitArgs = argv[0], argv[1:]
		}
	}
	os.InitDir, _ = r.cfg.Value("lxc.init.cwd")
	os.InitUser, _ = r.cfg.Value("lxc.init.uid")
	os.InitGroup, _ = r.cfg.Value("lxc.init.gid")
	defaults := map[string]string{}
	for _, e := range guestEnv("", "") {
		defaults[e.Key] = e.Value
	}
	for _, v := range r.cfg.Values("lxc.environment") {
		name, value, ok := strings.Cut(v, "=")
		if !ok {
			return unsupported("lxc.environment = %s inherits the host's value, which libvirt XML cannot express", v)
		}
		switch def, isDefault := defaults[name]; {
		case name == cmdlineEnv:
			os.Cmdline = value
			continue
		case name == uuidEnv || name == nameEnv || name == "container_uuid":
			continue // the domain's own, derived anew from it
		case isDefault && value == def:
			continue // libvirt-lxc's default, given to every init
		}
		os.InitEnv = append(os.InitEnv, libvirtxml.DomainOSInitEnv{Name: name, Value: value})
	}
	return nil
}

func (r *reader) rootfs() error {
	p, ok := r.cfg.Value("lxc.rootfs.path")
	if !ok || p == "" {
		return nil
	}
	fs := libvirtxml.DomainFilesystem{
		AccessMode: "passthrough",
		Source:     &libvirtxml.DomainFilesystemSource{},
		Target:     &libvirtxml.DomainFilesystemTarget{Dir: "/"},
	}
	if kind, rest, found := strings.Cut(p, ":"); found && !strings.HasPrefix(p, "/") {
		if kind != "dir" {
			return unsupported("lxc.rootfs.path = %s: the %q storage backend has no libvirt equivalent", p, kind)
		}
		p = rest
	}
	if !strings.HasPrefix(p, "/") {
		return configErr("lxc.rootfs.path = %s is not an absolute path", p)
	}
	if strings.HasPrefix(p, "/dev/") {
		fs.Source.Block = &libvirtxml.DomainFilesystemSourceBlock{Dev: p}
	} else {
		fs.Source.Mount = &libvirtxml.DomainFilesystemSourceMount{Dir: p}
		r.rootDir = p
	}
	if o, _ := r.cfg.Value("lxc.rootfs.options"); hasOption(o, "ro") {
		fs.ReadOnly = &libvirtxml.DomainFilesystemReadOnly{}
	}
	r.d.Devices.Filesystems = append(r.d.Devices.Filesystems, fs)
	return nil
}

func hasOption(opts, want string) bool {
	for o := range strings.SplitSeq(opts, ",") {
		if strings.TrimSpace(o) == want {
			return true
		}
	}
	return false
}

// fstabUnescape decodes getmntent's octal escapes (\040 for a space …).
func fstabUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// mounts turns lxc.mount.entry lines into filesystems: bind mounts into
// type='mount', tmpfs into type='ram'. proc and sysfs entries are
// skipped (the driver mounts them itself), as libvirt does, and so are
// bind mounts of lxcfs's files (the driver adds them itself while lxcfs
// runs, as it would add lxcfs's mount hook).
func (r *reader) mounts() error {
	for _, line := range r.cfg.Values("lxc.mount.entry") {
		f := strings.Fields(line)
		if len(f) < 4 {
			return configErr("lxc.mount.entry = %s: expected 'source target type options'", line)
		}
		src, dst, typ, opts := fstabUnescape(f[0]), fstabUnescape(f[1]), f[2], f[3]
		if typ == "proc" || typ == "sysfs" || isLXCFSBind(src, opts) {
			continue
		}
		target := dst
		if !strings.HasPrefix(target, "/") {
			target = "/" + target
		} else if r.rootDir != "" {
			if rel, ok := strings.CutPrefix(target, strings.TrimSuffix(r.rootDir, "/")+"/"); ok {
				target = "/" + rel
			}
		}
		target = path.Clean(target)
		fs := libvirtxml.DomainFilesystem{
			AccessMode: "passthrough",
			Source:     &libvirtxml.DomainFilesystemSource{},
			Target:     &libvirtxml.DomainFilesystemTarget{Dir: target},
		}
		if hasOption(opts, "ro") {
			fs.ReadOnly = &libvirtxml.DomainFilesystemReadOnly{}
		}
		switch {
		case hasOption(opts, "bind") || hasOption(opts, "rbind"):
			fs.Source.Mount = &libvirtxml.DomainFilesystemSourceMount{Dir: src}
		case typ == "tmpfs":
			kib, err := tmpfsSize(line, opts)
			if err != nil {
				return err
			}
			fs.Source.RAM = &libvirtxml.DomainFilesystemSourceRAM{Usage: uint(kib), Units: "KiB"}
		case strings.HasPrefix(src, "/dev/"):
			fs.Source.Block = &libvirtxml.DomainFilesystemSourceBlock{Dev: src}
		default:
			return unsupported("lxc.mount.entry = %s: a %s mount has no libvirt equivalent", line, typ)
		}
		r.d.Devices.Filesystems = append(r.d.Devices.Filesystems, fs)
	}
	return nil
}

// tmpfsSize reads the size= option of a tmpfs entry in KiB.
func tmpfsSize(line, opts string) (uint64, error) {
	for o := range strings.SplitSeq(opts, ",") {
		if v, ok := strings.CutPrefix(o, "size="); ok {
			b, err := parseBytes(v)
			if err != nil {
				return 0, unsupported("lxc.mount.entry = %s: tmpfs size %q is not a byte count", line, v)
			}
			return (b + 1023) / 1024, nil
		}
	}
	return 0, unsupported("lxc.mount.entry = %s: a tmpfs entry needs a size= option", line)
}

// parseBytes reads a kernel memparse value ("512M", "1g", "4096").
func parseBytes(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	mult := uint64(1)
	if s != "" {
		if i := strings.IndexByte("kmgtpe", lower(s[len(s)-1])); i >= 0 {
			mult = 1 << (10 * (i + 1))
			s = s[:len(s)-1]
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, err
	}
	hi, lo := bits.Mul64(n, mult)
	if hi != 0 {
		return 0, strconv.ErrRange
	}
	return lo, nil
}

// netConf is one lxc.net.N interface.
type netConf struct {
	index int
	kv    map[string][]string
}

func (n *netConf) get(k string) string {
	if v := n.kv[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// nets groups lxc.net.N.* keys by N, in order of first appearance.
func (r *reader) nets() ([]*netConf, error) {
	var out []*netConf
	byIdx := map[int]*netConf{}
	for _, e := range r.cfg {
		rest, ok := strings.CutPrefix(e.Key, "lxc.net.")
		if !ok {
			continue
		}
		idx, key, _ := strings.Cut(rest, ".")
		n, err := strconv.Atoi(idx)
		if err != nil || n < 0 || key == "" {
			return nil, configErr("invalid network key %s", e.Key)
		}
		nc := byIdx[n]
		if nc == nil {
			nc = &netConf{index: n, kv: map[string][]string{}}
			byIdx[n] = nc
			out = append(out, nc)
		}
		nc.kv[key] = append(nc.kv[key], e.Value)
	}
	return out, nil
}

// network maps lxc.net.N to interfaces: veth with a link → bridge, veth
// without → ethernet, macvlan → direct, phys and vlan → hostdev; "empty"
// or no network at all → <privnet/>; "none" (the host's namespace) →
// neither, as libvirt does.
func (r *reader) network() error {
	nets, err := r.nets()
	if err != nil {
		return err
	}
	privnet := len(nets) == 0
	for _, n := range nets {
		typ, link := n.get("type"), n.get("link")
		switch typ {
		case "empty":
			privnet = true
		case "none":
		case "veth", "macvlan":
			ifc, err := vethInterface(n, typ, link)
			if err != nil {
				return err
			}
			r.d.Devices.Interfaces = append(r.d.Devices.Interfaces, ifc)
		case "phys", "vlan":
			if link == "" {
				return configErr("lxc.net.%d: a %s interface needs lxc.net.%d.link", n.index, typ, n.index)
			}
			dev := link
			if typ == "vlan" {
				dev = link + "." + n.get("vlan.id")
			}
			caps := &libvirtxml.DomainHostdevCapsNet{Source: &libvirtxml.DomainHostdevCapsNetSource{Interface: dev}}
			ips, routes, err := netAddresses(n)
			if err != nil {
				return err
			}
			for _, ip := range ips {
				p := ip.Prefix
				caps.IP = append(caps.IP, libvirtxml.DomainIP{Address: ip.Address, Family: ip.Family, Prefix: &p})
			}
			for _, rt := range routes {
				caps.Route = append(caps.Route, libvirtxml.DomainRoute{Family: rt.Family, Address: rt.Address, Gateway: rt.Gateway})
			}
			r.d.Devices.Hostdevs = append(r.d.Devices.Hostdevs, libvirtxml.DomainHostdev{CapsNet: caps})
		default:
			return unsupported("lxc.net.%d.type = %s has no libvirt equivalent", n.index, typ)
		}
	}
	// The empty network ToConfig adds for lo beside others is no <privnet/>.
	if privnet && len(r.d.Devices.Interfaces) == 0 && len(r.d.Devices.Hostdevs) == 0 {
		r.features().PrivNet = &libvirtxml.DomainFeature{}
	}
	return nil
}

func (r *reader) features() *libvirtxml.DomainFeatureList {
	if r.d.Features == nil {
		r.d.Features = &libvirtxml.DomainFeatureList{}
	}
	return r.d.Features
}

func vethInterface(n *netConf, typ, link string) (libvirtxml.DomainInterface, error) {
	ifc := libvirtxml.DomainInterface{Source: &libvirtxml.DomainInterfaceSource{}}
	switch {
	case typ == "macvlan":
		mode := n.get("macvlan.mode")
		if mode == "" {
			mode = "private"
		}
		ifc.Source.Direct = &libvirtxml.DomainInterfaceSourceDirect{Dev: link, Mode: mode}
	case link != "":
		ifc.Source.Bridge = &libvirtxml.DomainInterfaceSourceBridge{Bridge: link}
	default:
		ifc.Source.Ethernet = &libvirtxml.DomainInterfaceSourceEthernet{}
	}
	if mac := n.get("hwaddr"); mac != "" && !strings.ContainsAny(mac, "xX") {
		m, err := parseMAC(fmt.Sprintf("lxc.net.%d.hwaddr", n.index), mac)
		if err != nil {
			return ifc, configErr("lxc.net.%d.hwaddr = %s is not a unicast MAC address", n.index, mac)
		}
		ifc.MAC = &libvirtxml.DomainInterfaceMAC{Address: m}
	}
	if d := n.get("veth.pair"); d != "" {
		ifc.Target = &libvirtxml.DomainInterfaceTarget{Dev: d}
	}
	if d := n.get("name"); d != "" {
		ifc.Guest = &libvirtxml.DomainInterfaceGuest{Dev: d}
	}
	if m := n.get("mtu"); m != "" {
		v, err := strconv.ParseUint(m, 10, 16)
		if err != nil {
			return ifc, configErr("lxc.net.%d.mtu = %s is not a number", n.index, m)
		}
		ifc.MTU = &libvirtxml.DomainInterfaceMTU{Size: uint(v)}
	}
	state := "down"
	if n.get("flags") == "up" {
		state = "up"
	}
	ifc.Link = &libvirtxml.DomainInterfaceLink{State: state}
	var err error
	ifc.IP, ifc.Route, err = netAddresses(n)
	return ifc, err
}

// netAddresses reads ipv4/ipv6 addresses ("addr[/prefix]") and gateways.
func netAddresses(n *netConf) ([]libvirtxml.DomainInterfaceIP, []libvirtxml.DomainInterfaceRoute, error) {
	var ips []libvirtxml.DomainInterfaceIP
	var routes []libvirtxml.DomainInterfaceRoute
	for _, fam := range []string{"ipv4", "ipv6"} {
		for _, v := range n.kv[fam+".address"] {
			a, p, hasPrefix := strings.Cut(strings.Fields(v + " ")[0], "/")
			addr, f, err := parseIP("", a, fam)
			if err != nil {
				return nil, nil, configErr("lxc.net.%d.%s.address = %s is not an %s address", n.index, fam, v, fam)
			}
			ip := libvirtxml.DomainInterfaceIP{Address: addr.String(), Family: f}
			if hasPrefix {
				pl, err := strconv.ParseUint(p, 10, 8)
				if err != nil || int(pl) > addr.BitLen() {
					return nil, nil, configErr("lxc.net.%d.%s.address = %s has an invalid prefix", n.index, fam, v)
				}
				ip.Prefix = uint(pl)
			}
			ips = append(ips, ip)
		}
		if g := n.get(fam + ".gateway"); g != "" {
			addr, f, err := parseIP("", g, fam)
			if err != nil {
				return nil, nil, unsupported("lxc.net.%d.%s.gateway = %s has no libvirt equivalent", n.index, fam, g)
			}
			def := map[string]string{"ipv4": "0.0.0.0", "ipv6": "::"}[f]
			routes = append(routes, libvirtxml.DomainInterfaceRoute{Family: f, Address: def, Gateway: addr.String()})
		}
	}
	return ips, routes, nil
}

func (r *reader) consoles() error {
	v, ok := r.cfg.Value("lxc.tty.max")
	if !ok {
		return nil
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return configErr("lxc.tty.max = %s is not a number", v)
	}
	for i := range uint(n) {
		port := i
		r.d.Devices.Consoles = append(r.d.Devices.Consoles, libvirtxml.DomainConsole{
			Source: &libvirtxml.DomainChardevSource{Pty: &libvirtxml.DomainChardevSourcePty{}},
			Target: &libvirtxml.DomainConsoleTarget{Type: "lxc", Port: &port},
		})
	}
	// LXC appends to its console log, which libvirt spells append='on'.
	if f, ok := r.cfg.Value("lxc.console.logfile"); ok && f != "" && n > 0 {
		r.d.Devices.Consoles[0].Log = &libvirtxml.DomainChardevLog{File: f, Append: "on"}
	}
	return nil
}

func (r *reader) idmap() error {
	for _, v := range r.cfg.Values("lxc.idmap") {
		f := strings.Fields(v)
		var nums [3]uint64
		ok := len(f) == 4 && (f[0] == "u" || f[0] == "g")
		for i := 0; ok && i < 3; i++ {
			var err error
			nums[i], err = strconv.ParseUint(f[i+1], 10, 32)
			ok = err == nil
		}
		if !ok {
			return configErr("lxc.idmap = %s: expected 'u|g container-id host-id count'", v)
		}
		if r.d.IDMap == nil {
			r.d.IDMap = &libvirtxml.DomainIDMap{}
		}
		rg := libvirtxml.DomainIDMapRange{Start: uint(nums[0]), Target: uint(nums[1]), Count: uint(nums[2])}
		if f[0] == "u" {
			r.d.IDMap.UIDs = append(r.d.IDMap.UIDs, rg)
		} else {
			r.d.IDMap.GIDs = append(r.d.IDMap.GIDs, rg)
		}
	}
	return nil
}

// caps maps lxc.cap.drop to policy='allow' with those capabilities off,
// and lxc.cap.keep to policy='deny' with those on. Without either, LXC
// keeps every capability, which is policy='allow' (libvirt's default policy
// would drop some).
func (r *reader) caps() error {
	drop, keep := r.cfg.Values("lxc.cap.drop"), r.cfg.Values("lxc.cap.keep")
	if len(drop) > 0 && len(keep) > 0 {
		return unsupported("lxc.cap.drop together with lxc.cap.keep has no libvirt equivalent")
	}
	policy, state, list := "allow", "off", drop
	if len(keep) > 0 {
		policy, state, list = "deny", "on", keep
	}
	c := &libvirtxml.DomainFeatureCapabilities{Policy: policy}
	for _, v := range list {
		for name := range strings.FieldsSeq(v) {
			if name == "none" && policy == "deny" {
				continue
			}
			if !setCap(c, strings.ToLower(strings.TrimPrefix(strings.ToLower(name), "cap_")), state) {
				return unsupported("capability %q has no libvirt equivalent", name)
			}
		}
	}
	r.features().Capabilities = c
	return nil
}

// cgroupValue returns the value of a cgroup key in whichever layout the
// config uses (v1 first).
func (r *reader) cgroupValue(pick func(cgroupKeys) string) (string, CgroupLayout, bool) {
	for _, l := range []CgroupLayout{CgroupV1, CgroupV2} {
		if k := pick(keysFor(l)); k != "" {
			if v, ok := r.cfg.Value(k); ok {
				return v, l, true
			}
		}
	}
	return "", 0, false
}

// memValue reads a memory cgroup value as a <memtune> limit.
func memValue(key, v string) (*libvirtxml.DomainMemoryTuneLimit, uint64, error) {
	if v == "-1" || v == "max" {
		return &libvirtxml.DomainMemoryTuneLimit{Value: memUnlimitedKiB, Unit: "KiB"}, memUnlimitedKiB, nil
	}
	b, err := parseBytes(v)
	if err != nil || (b+1023)/1024 > MaxMemoryKiB {
		return nil, 0, configErr("%s = %s is not a valid memory size", key, v)
	}
	kib := (b + 1023) / 1024
	return &libvirtxml.DomainMemoryTuneLimit{Value: kib, Unit: "KiB"}, kib, nil
}

func (r *reader) memory() error {
	d := r.d
	mem := uint64(defaultMemKiB)
	mt := &libvirtxml.DomainMemoryTune{}
	if v, _, ok := r.cgroupValue(func(k cgroupKeys) string { return k.memLimit }); ok {
		lim, kib, err := memValue("memory limit", v)
		if err != nil {
			return err
		}
		mt.HardLimit = lim
		if kib != memUnlimitedKiB {
			mem = kib
		}
	}
	if v, _, ok := r.cgroupValue(func(k cgroupKeys) string { return k.memSoft }); ok {
		lim, _, err := memValue("memory soft limit", v)
		if err != nil {
			return err
		}
		mt.SoftLimit = lim
	}
	if v, layout, ok := r.cgroupValue(func(k cgroupKeys) string { return k.memSwap }); ok {
		lim, kib, err := memValue("memory+swap limit", v)
		if err != nil {
			return err
		}
		if layout == CgroupV2 && kib != memUnlimitedKiB {
			if mt.HardLimit == nil || mt.HardLimit.Value == memUnlimitedKiB {
				return unsupported("lxc.cgroup2.memory.swap.max without a memory.max has no libvirt equivalent")
			}
			lim.Value += mt.HardLimit.Value
		}
		mt.SwapHardLimit = lim
	}
	d.Memory = &libvirtxml.DomainMemory{Value: uint(mem), Unit: "KiB"}
	d.CurrentMemory = &libvirtxml.DomainCurrentMemory{Value: uint(mem), Unit: "KiB"}
	if mt.HardLimit != nil || mt.SoftLimit != nil || mt.SwapHardLimit != nil {
		d.MemoryTune = mt
	}
	return nil
}

func (r *reader) cpu() error {
	d := r.d
	d.VCPU = &libvirtxml.DomainVCPU{Placement: "static", Value: defaultVCPUs}
	if v, _, ok := r.cgroupValue(func(k cgroupKeys) string { return k.cpus }); ok {
		set, err := canonicalSet("cpuset.cpus", v)
		if err != nil {
			return configErr("cpuset.cpus = %s is not a CPU list", v)
		}
		d.VCPU.CPUSet = set
	}
	if v, _, ok := r.cgroupValue(func(k cgroupKeys) string { return k.mems }); ok {
		set, err := canonicalSet("cpuset.mems", v)
		if err != nil {
			return configErr("cpuset.mems = %s is not a node list", v)
		}
		d.NUMATune = &libvirtxml.DomainNUMATune{Memory: &libvirtxml.DomainNUMATuneMemory{Mode: "strict", Nodeset: set}}
	}
	ct := &libvirtxml.DomainCPUTune{}
	num := func(key, v string, bits int) (uint64, error) {
		n, err := strconv.ParseUint(v, 10, bits)
		if err != nil {
			return 0, configErr("%s = %s is not a number", key, v)
		}
		return n, nil
	}
	if v, _, ok := r.cgroupValue(func(k cgroupKeys) string { return k.cpuShares }); ok {
		n, err := num("cpu shares", v, 32)
		if err != nil {
			return err
		}
		ct.Shares = &libvirtxml.DomainCPUTuneShares{Value: uint(n)}
	}
	if v, ok := r.cfg.Value(cgroupV1Keys.cpuPeriod); ok {
		n, err := num(cgroupV1Keys.cpuPeriod, v, 64)
		if err != nil {
			return err
		}
		ct.Period = &libvirtxml.DomainCPUTunePeriod{Value: n}
	}
	if v, ok := r.cfg.Value(cgroupV1Keys.cpuQuota); ok {
		q, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return configErr("%s = %s is not a number", cgroupV1Keys.cpuQuota, v)
		}
		ct.Quota = &libvirtxml.DomainCPUTuneQuota{Value: q}
	}
	if v, ok := r.cfg.Value(cgroupV2Keys.cpuMax); ok {
		f := strings.Fields(v)
		if len(f) == 0 || len(f) > 2 {
			return configErr("%s = %s: expected 'quota [period]'", cgroupV2Keys.cpuMax, v)
		}
		q := int64(-1)
		if f[0] != "max" {
			n, err := num(cgroupV2Keys.cpuMax, f[0], 63)
			if err != nil {
				return err
			}
			q = int64(n)
		}
		ct.Quota = &libvirtxml.DomainCPUTuneQuota{Value: q}
		if len(f) == 2 {
			n, err := num(cgroupV2Keys.cpuMax, f[1], 64)
			if err != nil {
				return err
			}
			ct.Period = &libvirtxml.DomainCPUTunePeriod{Value: n}
		}
	}
	if ct.Shares != nil || ct.Period != nil || ct.Quota != nil {
		d.CPUTune = ct
	}
	return nil
}

// blkio maps the blkio (v1) or io (v2) weights and throttles.
func (r *reader) blkio() error {
	bt := &libvirtxml.DomainBlockIOTune{}
	dev := func(num string) *libvirtxml.DomainBlockIOTuneDevice {
		p := "/dev/block/" + num
		for i := range bt.Device {
			if bt.Device[i].Path == p {
				return &bt.Device[i]
			}
		}
		bt.Device = append(bt.Device, libvirtxml.DomainBlockIOTuneDevice{Path: p})
		return &bt.Device[len(bt.Device)-1]
	}
	// devValue parses "MAJ:MIN value".
	devValue := func(key, v string) (string, uint, error) {
		f := strings.Fields(v)
		if len(f) == 2 && blockDevPath.MatchString("/dev/block/"+f[0]) {
			if n, err := strconv.ParseUint(f[1], 10, 64); err == nil {
				return f[0], uint(n), nil
			}
		}
		return "", 0, configErr("%s = %s: expected 'MAJ:MIN value'", key, v)
	}
	v1 := []struct {
		keys  []string
		field func(*libvirtxml.DomainBlockIOTuneDevice) *uint
	}{
		{[]string{"lxc.cgroup.blkio.weight_device", "lxc.cgroup.blkio.device_weight"}, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.Weight }},
		{[]string{cgroupV1Keys.readBps}, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.ReadBytesSec }},
		{[]string{cgroupV1Keys.writeBps}, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.WriteBytesSec }},
		{[]string{cgroupV1Keys.readIops}, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.ReadIopsSec }},
		{[]string{cgroupV1Keys.writeIops}, func(d *libvirtxml.DomainBlockIOTuneDevice) *uint { return &d.WriteIopsSec }},
	}
	for _, e := range r.cfg {
		switch {
		case e.Key == cgroupV1Keys.blkWeight:
			w, err := strconv.ParseUint(e.Value, 10, 32)
			if err != nil {
				return configErr("%s = %s is not a number", e.Key, e.Value)
			}
			bt.Weight = uint(w)
		case e.Key == cgroupV2Keys.blkWeight:
			f := strings.Fields(e.Value)
			if len(f) == 1 || len(f) == 2 && f[0] == "default" {
				w, err := strconv.ParseUint(f[len(f)-1], 10, 32)
				if err != nil {
					return configErr("%s = %s is not a weight", e.Key, e.Value)
				}
				bt.Weight = uint(w)
				continue
			}
			num, w, err := devValue(e.Key, e.Value)
			if err != nil {
				return err
			}
			dev(num).Weight = w
		case e.Key == cgroupV2Keys.ioMax:
			f := strings.Fields(e.Value)
			if len(f) < 2 || !blockDevPath.MatchString("/dev/block/"+f[0]) {
				return configErr("%s = %s: expected 'MAJ:MIN key=value…'", e.Key, e.Value)
			}
			d := dev(f[0])
			fields := map[string]*uint{"rbps": &d.ReadBytesSec, "wbps": &d.WriteBytesSec, "riops": &d.ReadIopsSec, "wiops": &d.WriteIopsSec}
			for _, kv := range f[1:] {
				k, v, _ := strings.Cut(kv, "=")
				p, known := fields[k]
				if !known {
					return configErr("%s = %s: unknown limit %q", e.Key, e.Value, k)
				}
				if v == "max" {
					continue
				}
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil {
					return configErr("%s = %s: %s is not a number", e.Key, e.Value, k)
				}
				*p = uint(n)
			}
		default:
			for _, m := range v1 {
				if slices.Contains(m.keys, e.Key) {
					num, n, err := devValue(e.Key, e.Value)
					if err != nil {
						return err
					}
					*m.field(dev(num)) = n
				}
			}
		}
	}
	if bt.Weight != 0 || len(bt.Device) > 0 {
		r.d.BlockIOTune = bt
	}
	return nil
}
