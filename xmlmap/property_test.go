package xmlmap

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"libvirt.org/go/libvirtxml"
	"pgregory.net/rapid"
)

// genDomain draws a domain that the mapping must accept: every field it
// supports, in valid combinations.
func genDomain(t *rapid.T, layout CgroupLayout) *libvirtxml.Domain {
	d := &libvirtxml.Domain{
		Type: "lxc",
		Name: rapid.StringMatching(`[a-z0-9][a-z0-9_.=-]{0,30}`).Draw(t, "name"),
		OS: &libvirtxml.DomainOS{
			Type: &libvirtxml.DomainOSType{Type: "exe", Arch: rapid.SampledFrom([]string{"", "x86_64", "i686"}).Draw(t, "arch")},
		},
		Devices: &libvirtxml.DomainDeviceList{},
	}
	if rapid.Bool().Draw(t, "hasUUID") {
		var u [16]byte
		copy(u[:], rapid.SliceOfN(rapid.Byte(), 16, 16).Draw(t, "uuid"))
		d.UUID = formatUUID(u)
	}
	genMemory(t, d)
	genCPU(t, d, layout)
	genInit(t, d.OS)
	if rapid.Bool().Draw(t, "idmap") {
		n := rapid.UintRange(1, 1<<16).Draw(t, "idcount")
		host := rapid.UintRange(1, 1<<20).Draw(t, "idhost")
		d.IDMap = &libvirtxml.DomainIDMap{
			UIDs: []libvirtxml.DomainIDMapRange{{Start: 0, Target: host, Count: n}},
			GIDs: []libvirtxml.DomainIDMapRange{{Start: 0, Target: host + 1, Count: n}},
		}
	}
	if rapid.Bool().Draw(t, "caps") {
		c := &libvirtxml.DomainFeatureCapabilities{Policy: rapid.SampledFrom([]string{"", "default", "allow", "deny"}).Draw(t, "policy")}
		for _, name := range rapid.SliceOfNDistinct(rapid.SampledFrom(capNames()), 0, 5, func(s string) string { return s }).Draw(t, "capnames") {
			setCap(c, name, rapid.SampledFrom([]string{"on", "off"}).Draw(t, "capstate"))
		}
		d.Features = &libvirtxml.DomainFeatureList{Capabilities: c}
	}
	genFilesystems(t, d.Devices)
	genInterfaces(t, d.Devices)
	for range rapid.IntRange(0, 3).Draw(t, "consoles") {
		d.Devices.Consoles = append(d.Devices.Consoles, libvirtxml.DomainConsole{})
	}
	if len(d.Devices.Consoles) > 0 && rapid.Bool().Draw(t, "consolelog") {
		d.Devices.Consoles[0].Log = &libvirtxml.DomainChardevLog{
			File:   pathGen.Draw(t, "logpath"),
			Append: rapid.SampledFrom([]string{"", "on", "off"}).Draw(t, "logappend"),
		}
	}
	// Accepted and ignored, as libvirt-lxc does: no effect on the config.
	d.IOThreads = rapid.UintRange(0, 4).Draw(t, "iothreads")
	if rapid.Bool().Draw(t, "usbcontroller") {
		d.Devices.Controllers = []libvirtxml.DomainController{{Type: "usb", Model: "none"}}
	}
	d.OnReboot = rapid.SampledFrom([]string{"", "restart", "destroy"}).Draw(t, "onreboot")
	return d
}

var units = []struct {
	name string
	kib  uint64
}{{"", 1}, {"KiB", 1}, {"k", 1}, {"MiB", 1024}, {"M", 1024}, {"GiB", 1 << 20}}

func genMemory(t *rapid.T, d *libvirtxml.Domain) {
	u := rapid.SampledFrom(units).Draw(t, "memunit")
	v := rapid.Uint64Range(1, (1<<32)/u.kib).Draw(t, "memory")
	d.Memory = &libvirtxml.DomainMemory{Value: uint(v), Unit: u.name}
	mem := v * u.kib
	if rapid.Bool().Draw(t, "currentMemory") {
		d.CurrentMemory = &libvirtxml.DomainCurrentMemory{Value: uint(rapid.Uint64Range(1, mem).Draw(t, "cur")), Unit: "KiB"}
	}
	if !rapid.Bool().Draw(t, "memtune") {
		return
	}
	mt := &libvirtxml.DomainMemoryTune{}
	limit := mem
	if rapid.Bool().Draw(t, "hard") {
		limit = rapid.Uint64Range(1, 1<<32).Draw(t, "hardKiB")
		mt.HardLimit = &libvirtxml.DomainMemoryTuneLimit{Value: limit}
	}
	if rapid.Bool().Draw(t, "soft") {
		mt.SoftLimit = &libvirtxml.DomainMemoryTuneLimit{Value: rapid.Uint64Range(1, limit).Draw(t, "softKiB"), Unit: "KiB"}
	}
	if rapid.Bool().Draw(t, "swap") {
		mt.SwapHardLimit = &libvirtxml.DomainMemoryTuneLimit{Value: rapid.Uint64Range(limit, 1<<33).Draw(t, "swapKiB")}
	}
	d.MemoryTune = mt
}

func genSet(t *rapid.T, label string) string {
	ns := rapid.SliceOfNDistinct(rapid.IntRange(0, 63), 1, 8, func(n int) int { return n }).Draw(t, label)
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, ",")
}

func genCPU(t *rapid.T, d *libvirtxml.Domain, layout CgroupLayout) {
	if rapid.Bool().Draw(t, "vcpu") {
		d.VCPU = &libvirtxml.DomainVCPU{Value: rapid.UintRange(1, 64).Draw(t, "vcpus")}
		if rapid.Bool().Draw(t, "cpuset") {
			d.VCPU.CPUSet = genSet(t, "cpus")
		}
	}
	if rapid.Bool().Draw(t, "numatune") {
		d.NUMATune = &libvirtxml.DomainNUMATune{Memory: &libvirtxml.DomainNUMATuneMemory{Mode: "strict", Nodeset: genSet(t, "nodes")}}
	}
	r := rangesFor(layout)
	if rapid.Bool().Draw(t, "cputune") {
		ct := &libvirtxml.DomainCPUTune{}
		if rapid.Bool().Draw(t, "shares") {
			ct.Shares = &libvirtxml.DomainCPUTuneShares{Value: uint(rapid.Uint64Range(r.sharesMin, r.sharesMax).Draw(t, "sharesv"))}
		}
		if rapid.Bool().Draw(t, "period") {
			ct.Period = &libvirtxml.DomainCPUTunePeriod{Value: rapid.Uint64Range(periodMin, periodMax).Draw(t, "periodv")}
		}
		if rapid.Bool().Draw(t, "quota") {
			ct.Quota = &libvirtxml.DomainCPUTuneQuota{Value: rapid.OneOf(rapid.Just(int64(-1)), rapid.Int64Range(quotaMin, quotaMax)).Draw(t, "quotav")}
		}
		d.CPUTune = ct
	}
	if rapid.Bool().Draw(t, "blkio") {
		b := &libvirtxml.DomainBlockIOTune{Weight: uint(rapid.Uint64Range(r.weightMin, r.weightMax).Draw(t, "weight"))}
		for i := range rapid.IntRange(0, 2).Draw(t, "blkdevs") {
			b.Device = append(b.Device, libvirtxml.DomainBlockIOTuneDevice{
				Path:          fmt.Sprintf("/dev/block/8:%d", 16*i),
				Weight:        uint(rapid.Uint64Range(r.weightMin, r.weightMax).Draw(t, "devweight")),
				ReadBytesSec:  rapid.UintRange(0, 1<<30).Draw(t, "rbps"),
				WriteIopsSec:  rapid.UintRange(0, 1<<20).Draw(t, "wiops"),
				ReadIopsSec:   rapid.UintRange(0, 1<<20).Draw(t, "riops"),
				WriteBytesSec: rapid.UintRange(0, 1<<30).Draw(t, "wbps"),
			})
		}
		d.BlockIOTune = b
	}
}

var pathGen = rapid.StringMatching(`(/[a-zA-Z0-9_.][a-zA-Z0-9_.-]{0,8}){1,4}`).Filter(func(p string) bool {
	parts := strings.Split(p, "/")
	return !slices.Contains(parts, "..") && !slices.Contains(parts, ".")
})

func genInit(t *rapid.T, os *libvirtxml.DomainOS) {
	if rapid.Bool().Draw(t, "init") {
		os.Init = pathGen.Draw(t, "initpath")
	}
	os.InitArgs = rapid.SliceOfN(rapid.StringMatching(`[-a-zA-Z0-9=_./:,]{1,12}`), 0, 4).Draw(t, "args")
	for range rapid.IntRange(0, 3).Draw(t, "envs") {
		os.InitEnv = append(os.InitEnv, libvirtxml.DomainOSInitEnv{
			Name:  rapid.StringMatching(`[A-Za-z_][A-Za-z0-9_]{0,10}`).Draw(t, "envname"),
			Value: rapid.StringMatching(`([!-~]([ -~]{0,20}[!-~])?)?`).Draw(t, "envvalue"),
		})
	}
	if rapid.Bool().Draw(t, "cmdline") {
		os.Cmdline = rapid.StringMatching(`[!-~]([ -~]{0,30}[!-~])?`).Draw(t, "cmdlinevalue")
	}
	if rapid.Bool().Draw(t, "initdir") {
		os.InitDir = pathGen.Draw(t, "initdirpath")
	}
	if rapid.Bool().Draw(t, "ids") {
		os.InitUser = fmt.Sprint(rapid.UintRange(0, 1<<31).Draw(t, "uid"))
		os.InitGroup = fmt.Sprint(rapid.UintRange(0, 1<<31).Draw(t, "gid"))
	}
}

func genFilesystems(t *rapid.T, devs *libvirtxml.DomainDeviceList) {
	ro := func(label string) *libvirtxml.DomainFilesystemReadOnly {
		if rapid.Bool().Draw(t, label) {
			return &libvirtxml.DomainFilesystemReadOnly{}
		}
		return nil
	}
	if rapid.Bool().Draw(t, "root") {
		devs.Filesystems = append(devs.Filesystems, libvirtxml.DomainFilesystem{
			Source:   &libvirtxml.DomainFilesystemSource{Mount: &libvirtxml.DomainFilesystemSourceMount{Dir: pathGen.Draw(t, "rootdir")}},
			Target:   &libvirtxml.DomainFilesystemTarget{Dir: "/"},
			ReadOnly: ro("rootro"),
		})
	}
	targets := rapid.SliceOfNDistinct(pathGen, 0, 3, func(p string) string { return p }).Draw(t, "targets")
	for _, target := range targets {
		fs := libvirtxml.DomainFilesystem{Target: &libvirtxml.DomainFilesystemTarget{Dir: target}, ReadOnly: ro("ro")}
		if rapid.Bool().Draw(t, "ram") {
			u := rapid.SampledFrom(units).Draw(t, "ramunit")
			fs.Source = &libvirtxml.DomainFilesystemSource{RAM: &libvirtxml.DomainFilesystemSourceRAM{Usage: uint(rapid.Uint64Range(1, (1<<24)/u.kib).Draw(t, "usage")), Units: u.name}}
		} else {
			fs.Source = &libvirtxml.DomainFilesystemSource{Mount: &libvirtxml.DomainFilesystemSourceMount{Dir: pathGen.Draw(t, "srcdir")}}
		}
		devs.Filesystems = append(devs.Filesystems, fs)
	}
}

var devName = rapid.StringMatching(`[a-z][a-z0-9_-]{0,14}`)

func genIP(t *rapid.T, v6 bool) netip.Addr {
	if v6 {
		b := [16]byte{0x20, 0x01, 0x0d, 0xb8}
		copy(b[8:], rapid.SliceOfN(rapid.Byte(), 8, 8).Draw(t, "v6"))
		return netip.AddrFrom16(b)
	}
	b := rapid.SliceOfN(rapid.ByteRange(1, 254), 4, 4).Draw(t, "v4")
	return netip.AddrFrom4([4]byte{10, b[1], b[2], b[3]})
}

func genInterfaces(t *rapid.T, devs *libvirtxml.DomainDeviceList) {
	hostDevs := rapid.SliceOfNDistinct(devName, 3, 3, func(s string) string { return s }).Draw(t, "hostdevs")
	for i := range rapid.IntRange(0, 3).Draw(t, "ifaces") {
		x := libvirtxml.DomainInterface{Source: &libvirtxml.DomainInterfaceSource{}}
		switch rapid.IntRange(0, 3).Draw(t, "iftype") {
		case 0:
			x.Source.Bridge = &libvirtxml.DomainInterfaceSourceBridge{Bridge: devName.Draw(t, "bridge")}
		case 1:
			x.Source.Bridge = &libvirtxml.DomainInterfaceSourceBridge{}
		case 2:
			x.Source.Network = &libvirtxml.DomainInterfaceSourceNetwork{Network: rapid.SampledFrom([]string{"default", "isolated"}).Draw(t, "network")}
		default:
			x.Source.Ethernet = &libvirtxml.DomainInterfaceSourceEthernet{}
		}
		if rapid.Bool().Draw(t, "mac") {
			b := rapid.SliceOfN(rapid.Byte(), 6, 6).Draw(t, "macbytes")
			x.MAC = &libvirtxml.DomainInterfaceMAC{Address: formatMAC([6]byte{b[0] &^ 1, b[1], b[2], b[3], b[4], b[5]})}
		}
		if rapid.Bool().Draw(t, "target") {
			x.Target = &libvirtxml.DomainInterfaceTarget{Dev: hostDevs[i]}
		}
		if rapid.Bool().Draw(t, "guest") {
			x.Guest = &libvirtxml.DomainInterfaceGuest{Dev: fmt.Sprintf("eth%d", i)}
		}
		if rapid.Bool().Draw(t, "link") {
			x.Link = &libvirtxml.DomainInterfaceLink{State: rapid.SampledFrom([]string{"up", "down"}).Draw(t, "state")}
		}
		if rapid.Bool().Draw(t, "mtu") {
			x.MTU = &libvirtxml.DomainInterfaceMTU{Size: rapid.UintRange(68, 65535).Draw(t, "mtusize")}
		}
		for _, v6 := range []bool{false, true} {
			for range rapid.IntRange(0, 2).Draw(t, "ips") {
				a := genIP(t, v6)
				x.IP = append(x.IP, libvirtxml.DomainInterfaceIP{Address: a.String(), Prefix: rapid.UintRange(1, uint(a.BitLen())).Draw(t, "prefix")})
			}
			if rapid.Bool().Draw(t, "gateway") {
				x.Route = append(x.Route, libvirtxml.DomainInterfaceRoute{Gateway: genIP(t, v6).String()})
			}
		}
		devs.Interfaces = append(devs.Interfaces, x)
	}
}

// TestRoundTripProperty: a generated domain maps (ToConfig), its config
// survives Marshal → ParseConfig unchanged, normalisation keeps its
// meaning, and FromConfig gives back a domain with the same meaning for
// everything an LXC config carries.
func TestRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		layout := rapid.SampledFrom([]CgroupLayout{CgroupV1, CgroupV2}).Draw(t, "layout")
		opts := testOptions(layout)
		dom := genDomain(t, layout)
		m, err := ToConfig(dom, opts)
		if err != nil {
			t.Fatalf("ToConfig: %v", err)
		}
		parsed, err := ParseConfig(m.Config.Marshal())
		if err != nil {
			t.Fatalf("ParseConfig(Marshal): %v", err)
		}
		if !slices.Equal(parsed, m.Config) {
			t.Fatalf("Marshal → ParseConfig changed the config:\n%s\nvs\n%s", parsed.Marshal(), m.Config.Marshal())
		}

		// Normalisation keeps the meaning; only missing MACs are filled.
		for i, x := range dom.Devices.Interfaces {
			got := m.Domain.Devices.Interfaces[i].MAC.Address
			if x.MAC == nil {
				if !strings.HasPrefix(got, macPrefix+":") {
					t.Fatalf("derived MAC %q lacks the %s prefix", got, macPrefix)
				}
				dom.Devices.Interfaces[i].MAC = &libvirtxml.DomainInterfaceMAC{Address: got}
			}
		}
		if d := summarize(t, dom, opts).diff(summarize(t, m.Domain, opts), "uuid"); len(d) > 0 {
			t.Fatalf("normalisation changed: %v", d)
		}
		if dom.UUID != "" && m.UUID != dom.UUID {
			t.Fatalf("UUID %q became %q", dom.UUID, m.UUID)
		}

		back, err := FromConfig(parsed, opts)
		if err != nil {
			t.Fatalf("FromConfig: %v\n%s", err, m.Config.Marshal())
		}
		if d := summarize(t, m.Domain, opts).diff(summarize(t, back, opts), roundTripIgnore...); len(d) > 0 {
			t.Fatalf("config → domain changed: %v\n%s", d, m.Config.Marshal())
		}
		if m.Domain.MemoryTune == nil || m.Domain.MemoryTune.HardLimit == nil {
			if back.Memory.Value != m.Domain.Memory.Value {
				t.Fatalf("memory %d KiB came back as %d KiB", m.Domain.Memory.Value, back.Memory.Value)
			}
		}

		// The domain FromConfig produced maps to the same config again.
		back.UUID = m.UUID
		again, err := ToConfig(back, opts)
		if err != nil {
			t.Fatalf("ToConfig(FromConfig): %v", err)
		}
		if !bytes.Equal(again.Config.Marshal(), m.Config.Marshal()) {
			t.Fatalf("second mapping differs:\n%s\nvs\n%s", again.Config.Marshal(), m.Config.Marshal())
		}
	})
}
