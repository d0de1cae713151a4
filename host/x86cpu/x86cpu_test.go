package x86cpu

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// writeMap writes a small CPU map: Intel and AMD, six features and models
// that exercise each rule of the decoder.
func writeMap(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"index.xml": `<cpus>
  <arch name='x86'>
    <include filename='x86_vendors.xml'/>
    <include filename='x86_features.xml'/>
    <include filename='x86_models.xml'/>
  </arch>
  <arch name='ppc64'><include filename='missing.xml'/></arch>
</cpus>`,
		"x86_vendors.xml": `<cpus>
  <vendor name='Intel' string='GenuineIntel'/>
  <vendor name='AMD' string='AuthenticAMD'/>
</cpus>`,
		"x86_features.xml": `<cpus>
  <feature name='fpu'><cpuid eax_in='0x01' edx='0x00000001'/></feature>
  <feature name='sse3'><alias name='pni' source='linux'/><cpuid eax_in='0x01' ecx='0x00000001'/></feature>
  <feature name='hle'><cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000010'/></feature>
  <feature name='rtm'><cpuid eax_in='0x07' ecx_in='0x00' ebx='0x00000800'/></feature>
  <feature name='avx-vnni'><cpuid eax_in='0x07' ecx_in='0x01' eax='0x00000010'/></feature>
  <feature name='svm'><cpuid eax_in='0x80000001' ecx='0x00000004'/></feature>
  <feature name='rdctl-no'><msr index='0x10a' edx='0x00000000' eax='0x00000001'/></feature>
</cpus>`,
		"x86_models.xml": `<cpus>
  <model name='old'><decode host='on' guest='on'/><feature name='fpu'/></model>
  <model name='sig'><decode host='on' guest='on'/><signature family='6' model='60'/><feature name='fpu'/></model>
  <model name='big'><decode host='on' guest='on'/><feature name='fpu'/><feature name='sse3'/></model>
  <model name='big2'><decode host='on' guest='on'/><model name='big'/></model>
  <model name='amd'><decode host='on' guest='on'/><vendor name='AMD'/><feature name='fpu'/><feature name='sse3'/><feature name='svm'/></model>
  <model name='guestonly'><decode host='off' guest='on'/><feature name='fpu'/><feature name='sse3'/><feature name='hle'/></model>
  <model name='tsx'><decode host='on' guest='on'/><feature name='fpu'/><feature name='sse3'/><feature name='hle'/><feature name='rtm'/></model>
</cpus>`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sigEAX encodes family, model and stepping as CPUID leaf 1 EAX does.
func sigEAX(family, model, stepping uint32) uint32 {
	eax := (model&0xf)<<4 | (model>>4)<<16 | stepping
	if family > 0xf {
		return eax | 0xf<<8 | (family-0xf)<<20
	}
	return eax | family<<8
}

func cpuData(vendor string, eax1 uint32, extra Data) Data {
	d := vendorData(vendor)
	d[Leaf{}] = d[Leaf{}].or(Regs{EAX: 0xd})
	d[signatureLeaf] = Regs{EAX: eax1}
	d.add(extra)
	return d
}

func TestDecode(t *testing.T) {
	m, err := LoadMap(writeMap(t))
	if err != nil {
		t.Fatal(err)
	}
	fpu, sse3 := m.feature("fpu").Data, m.feature("sse3").Data
	hle, rtm := m.feature("hle").Data, m.feature("rtm").Data
	svm, vnni := m.feature("svm").Data, m.feature("avx-vnni").Data
	union := func(ds ...Data) Data {
		out := Data{}
		for _, d := range ds {
			out.add(d)
		}
		return out
	}
	for _, c := range []struct {
		name     string
		data     Data
		model    string
		vendor   string
		features []string
	}{
		// big2 (newer) ties with big and wins; amd is another vendor's;
		// tsx needs features the host lacks; guestonly is not for hosts.
		{"fewest extras, newest on a tie", cpuData("GenuineIntel", sigEAX(6, 85, 4), union(fpu, sse3, hle)), "big2", "Intel", []string{"hle"}},
		{"vendor-specific model", cpuData("AuthenticAMD", sigEAX(25, 1, 0), union(fpu, sse3, svm, vnni)), "amd", "AMD", []string{"avx-vnni"}},
		{"matching signature beats fewer extras", cpuData("GenuineIntel", sigEAX(6, 60, 1), union(fpu, sse3)), "sig", "Intel", []string{"sse3"}},
		{"all of a model", cpuData("GenuineIntel", sigEAX(6, 85, 4), union(fpu, sse3, hle, rtm)), "tsx", "Intel", nil},
		{"broken TSX dropped", cpuData("GenuineIntel", sigEAX(6, 63, 2), union(fpu, sse3, hle, rtm)), "big2", "Intel", nil},
		{"unknown vendor", cpuData("SomeoneElse!", sigEAX(6, 1, 1), union(fpu, svm)), "sig", "", []string{"svm"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			cpu, err := m.Decode(c.data)
			if err != nil {
				t.Fatal(err)
			}
			if cpu.Model != c.model || cpu.Vendor != c.vendor || !slices.Equal(cpu.Features, c.features) {
				t.Fatalf("decoded %+v; want model %s vendor %q features %v", cpu, c.model, c.vendor, c.features)
			}
		})
	}
	if _, err := m.Decode(cpuData("GenuineIntel", sigEAX(6, 1, 1), sse3)); err != ErrNoModel {
		t.Fatalf("no model has just sse3: %v", err)
	}
	cpu, _ := m.Decode(cpuData("AuthenticAMD", sigEAX(26, 2, 1), fpu))
	if cpu.Family != 26 || cpu.ModelNum != 2 || cpu.Stepping != 1 {
		t.Fatalf("signature %+v; want 26 2 1", cpu)
	}
}

func TestHostDataReadsValidLeavesOnly(t *testing.T) {
	m, err := LoadMap(writeMap(t))
	if err != nil {
		t.Fatal(err)
	}
	cpu := map[Leaf]Regs{
		{}:                      {EAX: 7}, // highest basic leaf 7
		{EAX: 1}:                {EAX: 0x906a4, ECX: 1, EDX: 1},
		{EAX: 7}:                {EAX: 0, EBX: 0x810}, // no subleaf 1
		{EAX: 7, ECX: 1}:        {EAX: 0x10},          // garbage the CPU returns anyway
		{EAX: 0x80000000}:       {EAX: 0x80000000},    // no extended leaves
		{EAX: 0x80000001}:       {ECX: 4},
		{MSR: true, EAX: 0x10a}: {EAX: 1},
	}
	var read []Leaf
	d := m.HostData(func(l Leaf) Regs { read = append(read, l); return cpu[l] })
	if _, ok := d[Leaf{EAX: 7, ECX: 1}]; ok {
		t.Error("read subleaf 7.1 though leaf 7 reports none")
	}
	if _, ok := d[Leaf{EAX: 0x80000001}]; ok {
		t.Error("read leaf 0x80000001 beyond the highest extended leaf")
	}
	if d[Leaf{EAX: 7}].EBX != 0x810 || d[Leaf{EAX: 1}].ECX != 1 {
		t.Errorf("host data %+v", d)
	}
	for _, l := range read {
		if l.MSR {
			t.Errorf("HostData read MSR %+v through CPUID", l)
		}
	}
}

func TestLoadMapErrors(t *testing.T) {
	dir := writeMap(t)
	if err := os.WriteFile(filepath.Join(dir, "x86_models.xml"), []byte(`<cpus><model name='x'><decode host='on' guest='on'/><feature name='nope'/></model></cpus>`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadMap(dir); err == nil {
		t.Fatal("a model naming an unknown feature loaded")
	}
	if _, err := LoadMap(t.TempDir()); err == nil {
		t.Fatal("an empty directory loaded as a CPU map")
	}
}

// TestDecodeWithLibvirtMap decodes the exact feature set of a model of the
// installed libvirt CPU map: that model, with nothing to add.
func TestDecodeWithLibvirtMap(t *testing.T) {
	if _, err := os.Stat(filepath.Join(DefaultMapDir, "index.xml")); err != nil {
		testenv.Missing(t, "no libvirt CPU map installed (libvirt0): %v", err)
	}
	m, err := LoadMap(DefaultMapDir)
	if err != nil {
		t.Fatal(err)
	}
	md := m.model("Skylake-Client-IBRS")
	if md == nil {
		testenv.Missing(t, "the installed CPU map has no Skylake-Client-IBRS")
	}
	data := cpuData("GenuineIntel", sigEAX(6, 94, 3), md.Data)
	cpu, err := m.Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if cpu.Model != "Skylake-Client-IBRS" || cpu.Vendor != "Intel" || len(cpu.Features) != 0 {
		t.Fatalf("decoded %+v", cpu)
	}
}
