package host

import (
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/host/x86cpu"
)

// fakeHost writes a /proc and /sys tree with 2 sockets × 2 cores × 2
// threads (8 CPUs) on one NUMA node.
func fakeHost(t *testing.T) Host {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"proc/meminfo":                          "MemTotal:       16384000 kB\nMemFree:         1024 kB\n",
		"proc/cpuinfo":                          "processor\t: 0\ncpu MHz\t\t: 2400.123\n",
		"sys/devices/system/cpu/online":         "0-7\n",
		"sys/devices/system/node/node0/cpulist": "0-7\n",
		"sys/devices/system/node/node0/meminfo": "Node 0 MemTotal:       16000000 kB\n",
		"etc/machine-id":                        "0123456789abcdef0123456789abcdef\n",
	}
	for cpu := 0; cpu < 8; cpu++ {
		dir := filepath.Join("sys/devices/system/cpu", "cpu"+string(rune('0'+cpu)), "topology")
		files[filepath.Join(dir, "physical_package_id")] = string(rune('0' + cpu/4))
		files[filepath.Join(dir, "core_id")] = string(rune('0' + cpu%4/2))
		files[filepath.Join(dir, "die_id")] = "0"
		files[filepath.Join(dir, "thread_siblings_list")] = "x"
	}
	for name, body := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Host{Root: root}
}

func TestNodeInfo(t *testing.T) {
	h := fakeHost(t)
	ni, err := h.NodeInfo()
	if err != nil {
		t.Fatal(err)
	}
	want := driverapi.NodeInfo{Model: Arch(), MemKiB: 16384000, CPUs: 8, MHz: 2400, Nodes: 1, Sockets: 2, Cores: 2, Threads: 2}
	if ni != want {
		t.Fatalf("got %+v\nwant %+v", ni, want)
	}
	free, err := h.FreeMemory()
	if err != nil || free != 1024*1024 {
		t.Fatalf("free %d %v", free, err)
	}
}

func TestCapabilities(t *testing.T) {
	h := fakeHost(t)
	caps := capsOf(t, h, CapsOptions{Emulator: "/usr/bin/lxc-start", SecModel: "none", SecDOI: "0"})
	if caps.Host.UUID != "01234567-89ab-cdef-0123-456789abcdef" || caps.Host.CPU.Arch != Arch() {
		t.Fatalf("host %+v", caps.Host)
	}
	cells := caps.Host.NUMA.Cells.Cells
	if len(cells) != 1 || cells[0].Memory.Size != 16000000 || len(cells[0].CPUS.CPUs) != 8 || *cells[0].CPUS.CPUs[5].SocketID != 1 {
		t.Fatalf("topology %+v", caps.Host.NUMA.Cells)
	}
	if len(caps.Host.SecModel) != 1 || caps.Host.SecModel[0].Name != "none" {
		t.Fatalf("secmodel %+v", caps.Host.SecModel)
	}
	if len(caps.Guests) == 0 {
		t.Fatal("no guests")
	}
	for _, g := range caps.Guests {
		if g.OSType != "exe" || len(g.Arch.Domains) != 1 || g.Arch.Domains[0].Type != "lxc" || g.Arch.Emulator != "/usr/bin/lxc-start" {
			t.Fatalf("guest %+v", g)
		}
	}
	if caps.Guests[0].Arch.Name != Arch() {
		t.Fatalf("first guest arch %s", caps.Guests[0].Arch.Name)
	}
}

func TestSysinfo(t *testing.T) {
	h := fakeHost(t)
	if _, err := h.Sysinfo(); !errors.Is(err, ErrNoSMBIOS) {
		t.Fatalf("without DMI: %v", err)
	}
	dmi := filepath.Join(h.Root, "sys/class/dmi/id")
	os.MkdirAll(dmi, 0o755)
	os.WriteFile(filepath.Join(dmi, "bios_vendor"), []byte("SeaBIOS\n"), 0o644)
	os.WriteFile(filepath.Join(dmi, "product_name"), []byte("Standard PC\n"), 0o644)
	doc, err := h.Sysinfo()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<sysinfo type="smbios">`, `<entry name="vendor">SeaBIOS</entry>`, `<entry name="product">Standard PC</entry>`} {
		if !strings.Contains(doc, want) {
			t.Errorf("missing %s in\n%s", want, doc)
		}
	}
}

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]uint64{
		"6.1.0-18-amd64": 6001000,
		"6.18.44-fc":     6018044,
		"5.10":           5010000,
		"4":              4000000,
		"3.2.1.9":        3002001,
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "abc", "6.1000.1"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) succeeded", bad)
		}
	}
}

func TestParseCPUList(t *testing.T) {
	got, err := parseCPUList("0-2,5,7-8")
	if err != nil || len(got) != 6 || got[3] != 5 || got[5] != 8 {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"", "3-1", "x"} {
		if _, err := parseCPUList(bad); err == nil {
			t.Errorf("parseCPUList(%q) succeeded", bad)
		}
	}
}

func TestCPUMap(t *testing.T) {
	h := fakeHost(t)
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(h.Root, "sys/devices/system/cpu", name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("present", "0-11\n")
	write("online", "0-1,3,9\n")
	m, err := h.CPUMap()
	if err != nil {
		t.Fatal(err)
	}
	if m.CPUs != 12 || !slices.Equal(m.Online, []int{0, 1, 3, 9}) || !slices.Equal(m.Bitmap(), []byte{0x0b, 0x02}) {
		t.Fatalf("cpu map %+v bitmap %x", m, m.Bitmap())
	}
	// Without an online file every present CPU is online.
	if err := os.Remove(filepath.Join(h.Root, "sys/devices/system/cpu/online")); err != nil {
		t.Fatal(err)
	}
	if m, err = h.CPUMap(); err != nil || len(m.Online) != 12 {
		t.Fatalf("cpu map without online file %+v %v", m, err)
	}
}

func TestDomainCapabilities(t *testing.T) {
	doc, err := DomainCapabilities(DomainCapsOptions{Emulator: "/usr/bin/lxc-start", Arch: GuestArches()[0], MaxVCPUs: 8})
	if err != nil {
		t.Fatal(err)
	}
	var caps libvirtxml.DomainCaps
	if err := xml.Unmarshal([]byte(doc), &caps); err != nil {
		t.Fatal(err)
	}
	if caps.Domain != "lxc" || caps.VCPU.Max != 8 || caps.Path != "/usr/bin/lxc-start" {
		t.Fatalf("domain capabilities %s", doc)
	}
	// The schema wants the four CPU modes in this order.
	var modes []string
	for _, m := range caps.CPU.Modes {
		modes = append(modes, m.Name+"="+m.Supported)
	}
	if strings.Join(modes, " ") != "host-passthrough=no maximum=no host-model=no custom=no" {
		t.Fatalf("cpu modes %v", modes)
	}
	if _, err := DomainCapabilities(DomainCapsOptions{Arch: "s390"}); !errors.Is(err, ErrNoArch) {
		t.Fatalf("arch s390: %v", err)
	}
}

func TestCapabilitiesHostCPU(t *testing.T) {
	h := fakeHost(t)
	for name, body := range map[string]string{
		"proc/cpuinfo": "processor\t: 0\nmicrocode\t: 0x1000065\ncpu MHz\t\t: 2400.123\naddress sizes\t: 48 bits physical, 48 bits virtual\n",
		"sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages": "0\n",
		"sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages":    "0\n",
	} {
		p := filepath.Join(h.Root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	h.ProbeCPU = func() (x86cpu.Probe, error) {
		return x86cpu.Probe{
			CPU: x86cpu.CPU{Vendor: "AMD", Model: "EPYC-Rome", Features: []string{"x2apic", "invtsc"}, Family: 23, ModelNum: 49, Stepping: 0},
			TSC: &x86cpu.TSC{Hz: 2596120000},
		}, nil
	}
	caps := capsOf(t, h, CapsOptions{Emulator: "/usr/bin/lxc-start", SecModel: "none", SecDOI: "0"})
	cpu := caps.Host.CPU
	want := &libvirtxml.CapsHostCPU{
		XMLName: cpu.XMLName, Arch: Arch(), Model: "EPYC-Rome", Vendor: "AMD",
		Signature:    &libvirtxml.CapsHostCPUSignature{Family: 23, Model: 49, Stepping: 0},
		Counter:      &libvirtxml.CapsHostCPUCounter{Name: "tsc", Frequency: 2596120000, Scaling: "no"},
		Topology:     &libvirtxml.CapsHostCPUTopology{Sockets: 2, Dies: 1, Cores: 2, Threads: 2},
		FeatureFlags: []libvirtxml.CapsHostCPUFeatureFlag{{Name: "x2apic"}, {Name: "invtsc"}},
		PageSizes:    []libvirtxml.CapsHostCPUPageSize{{Size: os.Getpagesize() / 1024, Unit: "KiB"}, {Size: 2048, Unit: "KiB"}, {Size: 1048576, Unit: "KiB"}},
	}
	if want.Arch == "x86_64" {
		want.Microcode = &libvirtxml.CapsHostCPUMicrocode{Version: 0x1000065}
		want.MaxPhysAddr = &libvirtxml.CapsHostCPUMaxPhysAddr{Mode: "emulate", Bits: 48}
	}
	if !reflect.DeepEqual(cpu, want) {
		got, _ := xml.Marshal(cpu)
		exp, _ := xml.Marshal(want)
		t.Fatalf("host cpu\n%s\nwant\n%s", got, exp)
	}
	// A CPU that cannot be decoded still has its arch and topology.
	h.ProbeCPU = func() (x86cpu.Probe, error) { return x86cpu.Probe{}, x86cpu.ErrNoModel }
	if cpu := capsOf(t, h, CapsOptions{}).Host.CPU; cpu.Model != "" || cpu.Topology == nil || cpu.Arch != Arch() {
		t.Fatalf("capabilities without a CPU model: host cpu %+v", cpu)
	}
}

// capsOf returns h's capabilities document, parsed.
func capsOf(t *testing.T, h Host, o CapsOptions) libvirtxml.Caps {
	t.Helper()
	doc, err := h.Capabilities(o)
	if err != nil {
		t.Fatal(err)
	}
	var caps libvirtxml.Caps
	if err := xml.Unmarshal([]byte(doc), &caps); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	return caps
}
