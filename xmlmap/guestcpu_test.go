package xmlmap

import (
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

// TestGuestCPUAccepted: every <cpu> form libvirt 9.0's generic parser
// accepts is accepted, leaves the config exactly as without it, stays in
// the normalised XML and is named in Mapped.Ignored.
func TestGuestCPUAccepted(t *testing.T) {
	const vcpus = "<vcpu>2</vcpu>"
	base, err := Parse([]byte(edit{top: vcpus}.xml()), testOptions(CgroupV2))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		cpu     string
		ignored []string
		kept    []string
	}{
		{"nova host-model", `<cpu mode="host-model" match="exact"><topology sockets="2" cores="1" threads="1"/><feature name="pcid" policy="require"/><feature name="pdpe1gb" policy="disable"/></cpu>`,
			[]string{"<cpu mode='host-model'>"}, []string{`<cpu match="exact" mode="host-model">`, `<feature policy="disable" name="pdpe1gb">`}},
		{"virt-install host-passthrough", `<cpu mode='host-passthrough' check='none' migratable='on'><cache mode='passthrough'/><maxphysaddr mode='emulate' bits='42'/></cpu>`,
			[]string{"<cpu mode='host-passthrough'>"}, []string{`migratable="on"`, `<cache mode="passthrough">`, `<maxphysaddr mode="emulate" bits="42">`}},
		{"maximum", `<cpu mode='maximum' migratable='off' deprecated_features='off'/>`, []string{"<cpu mode='maximum'>"}, []string{`mode="maximum"`}},
		{"custom model", `<cpu match='strict' check='partial'><model fallback='forbid' vendor_id='GenuineIntel'>Haswell</model><vendor>Intel</vendor><feature policy='force' name='vmx'/><feature policy='optional' name='pcid'/><feature policy='forbid' name='hle'/><feature name='ssbd'/></cpu>`,
			[]string{"<cpu>"}, []string{`<model fallback="forbid" vendor_id="GenuineIntel">Haswell</model>`, `<feature policy="forbid" name="hle">`}},
		{"passthrough model attributes unchecked", `<cpu mode='host-passthrough'><model fallback='sometimes' vendor_id='x'>Skylake</model></cpu>`,
			[]string{"<cpu mode='host-passthrough'>"}, []string{`fallback="sometimes"`}},
		{"topology beyond vcpus", `<cpu><topology sockets='4' dies='2' clusters='1' cores='2' threads='2'/></cpu>`,
			[]string{"<cpu>"}, []string{`<topology sockets="4" dies="2" clusters="1" cores="2" threads="2">`}},
		{"topology below vcpus", `<cpu mode='host-model'><topology sockets='1' cores='1' threads='1'/></cpu>`,
			[]string{"<cpu mode='host-model'>"}, []string{`<topology sockets="1" cores="1" threads="1">`}},
		{"check on host-model", `<cpu mode='host-model' check='full'/>`, []string{"<cpu mode='host-model'>"}, []string{`check="full"`}},
		{"numa", `<cpu><numa><cell id='1' cpus='1' memory='256' unit='MiB' memAccess='shared' discard='yes'><distances><sibling id='0' value='21'/><sibling id='1' value='10'/></distances></cell>` +
			`<cell id='0' cpus='0' memory='262144'><cache level='1' associativity='direct' policy='writeback'><size value='32' unit='KiB'/><line value='64' unit='B'/></cache></cell>` +
			`<interconnects><latency initiator='1' target='0' cache='1' type='read' value='5'/><latency initiator='0' target='0' type='access' value='2'/><bandwidth initiator='0' target='0' type='write' value='204800' unit='KiB'/></interconnects></numa></cpu>`,
			[]string{"<cpu>", "<cpu><numa>"}, []string{`<cell id="1" cpus="1" memory="256" unit="MiB" memAccess="shared" discard="yes">`, `<sibling id="0" value="21">`, `<latency initiator="1" target="0" cache="1" type="read" value="5">`}},
		{"numa set normalised", `<cpu><numa><cell cpus='1,0' memory='1024'/></numa></cpu>`, []string{"<cpu>", "<cpu><numa>"}, []string{`cpus="0-1"`}},
		{"memory-only cell", `<cpu><numa><cell cpus='0-1' memory='1024'/><cell memory='1024'/></numa></cpu>`, []string{"<cpu>", "<cpu><numa>"}, []string{`<cell memory="1024">`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(edit{top: vcpus + c.cpu}.xml()), testOptions(CgroupV2))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got, want := m.Config.Marshal(), base.Config.Marshal(); string(got) != string(want) {
				t.Errorf("config:\n%s\nwant (as without <cpu>):\n%s", got, want)
			}
			if !slices.Equal(m.Ignored, c.ignored) {
				t.Errorf("Ignored = %q, want %q", m.Ignored, c.ignored)
			}
			out, err := FormatDomain(m.Domain)
			if err != nil {
				t.Fatal(err)
			}
			out = strings.ReplaceAll(out, "'", `"`)
			for _, k := range c.kept {
				if !strings.Contains(out, strings.TrimSuffix(k, ">")) {
					t.Errorf("normalised XML lacks %s:\n%s", k, out)
				}
			}
		})
	}
}

// TestGuestCPUNUMAMemory: without <memory>, the domain's memory is the sum
// of the NUMA cells' memory, as libvirt fills it in; with neither, the
// definition is refused as libvirt refuses it.
func TestGuestCPUNUMAMemory(t *testing.T) {
	numa := "<vcpu>2</vcpu><cpu><numa><cell cpus='0' memory='1' unit='GiB'/><cell cpus='1' memory='524288'/></numa></cpu>"
	m, err := Parse([]byte(edit{memory: " ", top: numa}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	same, err := Parse([]byte(edit{memory: "<memory unit='KiB'>1572864</memory>", top: "<vcpu>2</vcpu>"}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if m.MaxMemKiB != 1572864 || m.CurMemKiB != 1572864 {
		t.Errorf("memory %d KiB, current %d KiB; want 1572864 (1 GiB + 512 MiB)", m.MaxMemKiB, m.CurMemKiB)
	}
	if got, want := m.Config.Marshal(), same.Config.Marshal(); string(got) != string(want) {
		t.Errorf("config:\n%s\nwant (as with <memory>1572864</memory>):\n%s", got, want)
	}
	out, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "<memory unit='KiB'>1572864</memory>") {
		t.Errorf("normalised XML has no filled-in <memory>:\n%s", out)
	}
	for _, in := range []string{
		edit{memory: " ", top: "<cpu mode='host-model'/>"}.xml(),
		edit{memory: " ", top: "<cpu><numa><cell cpus='0' memory='0'/></numa></cpu>"}.xml(),
	} {
		_, err := Parse([]byte(in), testOptions(CgroupV1))
		wantErr(t, err, libvirt.ErrXMLError, "<memory>", "<numa>")
	}
}

// TestGuestCPURefused: what libvirt's generic parser and validator refuse
// is refused with libvirt's error code and a message naming the field.
func TestGuestCPURefused(t *testing.T) {
	const (
		xmlE  = libvirt.ErrXMLError
		unsup = libvirt.ErrConfigUnsupported
	)
	cases := []struct {
		name  string
		cpu   string
		code  libvirt.ErrorNumber
		parts []string
	}{
		{"mode", `<cpu mode='host-copy'/>`, unsup, []string{"<cpu mode='host-copy'>"}},
		{"match", `<cpu match='close'><model>Haswell</model></cpu>`, xmlE, []string{"<cpu match>", `"close"`}},
		{"check", `<cpu mode='host-model' check='some'/>`, xmlE, []string{"<cpu check>", `"some"`}},
		{"check without model", `<cpu check='partial'/>`, unsup, []string{"<cpu check='partial'>", "no model"}},
		{"migratable value", `<cpu mode='host-passthrough' migratable='yes'/>`, xmlE, []string{"<cpu migratable>", `"yes"`}},
		{"migratable mode", `<cpu mode='host-model' migratable='on'/>`, unsup, []string{"<cpu migratable>", "host-passthrough"}},
		{"deprecated_features", `<cpu mode='host-model' deprecated_features='maybe'/>`, xmlE, []string{"<cpu deprecated_features>"}},
		{"fallback", `<cpu><model fallback='sometimes'>Haswell</model></cpu>`, unsup, []string{"<cpu><model fallback='sometimes'>"}},
		{"vendor_id length", `<cpu><model vendor_id='Intel'>Haswell</model></cpu>`, xmlE, []string{"<cpu><model vendor_id>", "12"}},
		{"vendor_id comma", `<cpu mode='host-model'><model vendor_id='Genuine,ntel'/></cpu>`, xmlE, []string{"<cpu><model vendor_id>"}},
		{"vendor without model", `<cpu><vendor>Intel</vendor></cpu>`, xmlE, []string{"<cpu><vendor>", "without CPU model"}},
		{"topology sockets missing", `<cpu><topology cores='2' threads='1'/></cpu>`, xmlE, []string{"<cpu><topology sockets>"}},
		{"topology threads zero", `<cpu><topology sockets='1' cores='2' threads='0'/></cpu>`, xmlE, []string{"<cpu><topology threads>"}},
		{"topology negative", `<cpu><topology sockets='1' dies='-1' cores='2' threads='1'/></cpu>`, xmlE, []string{"<cpu><topology dies='-1'>"}},
		{"topology too large", `<cpu><topology sockets='4294967296' cores='1' threads='1'/></cpu>`, xmlE, []string{"<cpu><topology sockets='4294967296'>"}},
		{"topology overflow", `<cpu><topology sockets='65536' cores='65536' threads='2'/></cpu>`, unsup, []string{"<cpu><topology>", "4294967295"}},
		{"features without model", `<cpu><feature policy='require' name='vmx'/></cpu>`, xmlE, []string{"<cpu><feature>", "without CPU model"}},
		{"feature policy", `<cpu mode='host-model'><feature policy='prefer' name='vmx'/></cpu>`, unsup, []string{"<cpu><feature name='vmx' policy='prefer'>"}},
		{"feature name", `<cpu mode='host-model'><feature policy='require' name=''/></cpu>`, xmlE, []string{"<cpu><feature>", "name"}},
		{"feature twice", `<cpu mode='host-model'><feature name='vmx'/><feature policy='disable' name='vmx'/></cpu>`, xmlE, []string{"<cpu><feature name='vmx'>", "more than once"}},
		{"cache level", `<cpu mode='host-passthrough'><cache level='4' mode='emulate'/></cpu>`, xmlE, []string{"<cpu><cache level='4'>"}},
		{"cache mode", `<cpu mode='host-passthrough'><cache level='3'/></cpu>`, xmlE, []string{"<cpu><cache mode>"}},
		{"maxphysaddr", `<cpu mode='host-passthrough'><maxphysaddr mode='shrink'/></cpu>`, xmlE, []string{"<cpu><maxphysaddr mode>", `"shrink"`}},
		{"numa without cells", `<cpu><numa/></cpu>`, xmlE, []string{"<cpu><numa>", "without NUMA cells"}},
		{"cell id gap", `<cpu><numa><cell id='1' cpus='0' memory='1024'/></numa></cpu>`, xmlE, []string{"<cpu><numa><cell id='1'>"}},
		{"cell id twice", `<cpu><numa><cell id='0' cpus='0' memory='1024'/><cell id='0' cpus='1' memory='1024'/></numa></cpu>`, xmlE, []string{"<cpu><numa><cell id='0'>", "duplicate"}},
		{"cell cpus", `<cpu><numa><cell cpus='0-x' memory='1024'/></numa></cpu>`, libvirt.ErrInvalidArg, []string{"<cpu><numa><cell id='0' cpus=\"0-x\">"}},
		{"cells overlap", `<cpu><numa><cell id='1' cpus='1' memory='1024'/><cell id='0' cpus='0-1' memory='1024'/></numa></cpu>`, unsup, []string{"<cpu><numa>", "cells 0 and 1", "overlapping"}},
		{"more numa cpus than vcpus", `<cpu><numa><cell cpus='0-1' memory='1024'/><cell cpus='2' memory='1024'/></numa></cpu>`, libvirt.ErrInternalError, []string{"<cpu><numa>", "<vcpu> count (2)"}},
		{"numa cpu id beyond vcpus", `<cpu><numa><cell cpus='5' memory='1024'/></numa></cpu>`, xmlE, []string{"<cpu><numa>", "CPU IDs"}},
		{"cell memory unit", `<cpu><numa><cell cpus='0' memory='1' unit='parsec'/></numa></cpu>`, xmlE, []string{"<cpu><numa><cell memory>", "parsec"}},
		{"cell memAccess", `<cpu><numa><cell cpus='0' memory='1024' memAccess='public'/></numa></cpu>`, xmlE, []string{"<cpu><numa><cell memAccess>"}},
		{"cell discard", `<cpu><numa><cell cpus='0' memory='1024' discard='on'/></numa></cpu>`, xmlE, []string{"<cpu><numa><cell discard>"}},
		{"distances empty", `<cpu><numa><cell cpus='0' memory='1024'><distances/></cell></numa></cpu>`, xmlE, []string{"<cpu><numa><cell id='0'><distances>"}},
		{"sibling out of range", `<cpu><numa><cell cpus='0' memory='1024'><distances><sibling id='3' value='20'/></distances></cell></numa></cpu>`, xmlE, []string{"<sibling id='3'>"}},
		{"local distance", `<cpu><numa><cell cpus='0' memory='1024'><distances><sibling id='0' value='11'/></distances></cell></numa></cpu>`, xmlE, []string{"<sibling id='0' value='11'>"}},
		{"remote distance", `<cpu><numa><cell cpus='0' memory='1024'><distances><sibling id='1' value='10'/></distances></cell><cell cpus='1' memory='1024'/></numa></cpu>`, xmlE, []string{"<sibling id='1' value='10'>"}},
		{"cache level zero", `<cpu><numa><cell cpus='0' memory='1024'><cache level='0' associativity='direct' policy='writeback'><size value='8'/><line value='64'/></cache></cell></numa></cpu>`, xmlE, []string{"<cpu><numa><cell id='0'><cache>", "level"}},
		{"cache level twice", `<cpu><numa><cell cpus='0' memory='1024'><cache level='1' associativity='direct' policy='writeback'><size value='8'/><line value='64'/></cache><cache level='1' associativity='full' policy='none'><size value='8'/><line value='64'/></cache></cell></numa></cpu>`, xmlE, []string{"<cache level='1'>", "already defined"}},
		{"cache associativity", `<cpu><numa><cell cpus='0' memory='1024'><cache level='1' associativity='8-way' policy='writeback'><size value='8'/><line value='64'/></cache></cell></numa></cpu>`, xmlE, []string{"<cache associativity>", `"8-way"`}},
		{"cache size", `<cpu><numa><cell cpus='0' memory='1024'><cache level='1' associativity='direct' policy='writeback'><line value='64'/></cache></cell></numa></cpu>`, xmlE, []string{"<cache><size>"}},
		{"latency type", `<cpu><numa><cell cpus='0' memory='1024'/><interconnects><latency initiator='0' target='0' type='none' value='5'/></interconnects></numa></cpu>`, xmlE, []string{"<interconnects><latency type>", `"none"`}},
		{"latency initiator", `<cpu><numa><cell cpus='0' memory='1024'/><interconnects><latency initiator='2' target='0' type='read' value='5'/></interconnects></numa></cpu>`, xmlE, []string{"<latency initiator='2'>", "non-existent"}},
		{"initiator without cpus", `<cpu><numa><cell cpus='0-1' memory='1024'/><cell memory='1024'/><interconnects><latency initiator='1' target='0' type='read' value='5'/></interconnects></numa></cpu>`, xmlE, []string{"<latency initiator='1'>", "without CPUs"}},
		{"latency cache", `<cpu><numa><cell cpus='0' memory='1024'/><interconnects><latency initiator='0' target='0' cache='1' type='read' value='5'/></interconnects></numa></cpu>`, xmlE, []string{"<latency cache='1'>"}},
		{"latency twice", `<cpu><numa><cell cpus='0' memory='1024'/><interconnects><latency initiator='0' target='0' type='read' value='5'/><latency initiator='0' target='0' type='read' value='6'/></interconnects></numa></cpu>`, xmlE, []string{"<latency initiator='0' target='0'>", "duplicate"}},
		{"link both ways", `<cpu><numa><cell cpus='0' memory='512'/><cell cpus='1' memory='512'/><interconnects><latency initiator='0' target='1' type='read' value='5'/><bandwidth initiator='1' target='0' type='read' value='5' unit='KiB'/></interconnects></numa></cpu>`, xmlE, []string{"<bandwidth initiator='1' target='0'>", "link already defined"}},
		{"bandwidth unit", `<cpu><numa><cell cpus='0' memory='1024'/><interconnects><bandwidth initiator='0' target='0' type='read' value='5' unit='furlong'/></interconnects></numa></cpu>`, xmlE, []string{"<bandwidth unit>", "furlong"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(edit{top: "<vcpu>2</vcpu>" + c.cpu}.xml()), testOptions(CgroupV1))
			if err == nil {
				t.Fatalf("accepted; config:\n%s", m.Config.Marshal())
			}
			wantErr(t, err, c.code, c.parts...)
		})
	}
}
