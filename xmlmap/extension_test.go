package xmlmap

import (
	"reflect"

	libvirt "github.com/digitalocean/go-libvirt"
	"slices"
	"strings"
	"testing"
)

func TestNesting(t *testing.T) {
	const meta = `<metadata><app:x xmlns:app="http://example.org/app"><nesting/></app:x>%s</metadata>`
	opts := Options{NewUUID: func() [16]byte { return [16]byte{1} }}
	for _, tc := range []struct {
		name, ext string
		on        bool
	}{
		{"none", "", false},
		{"another namespace's nesting", "", false},
		{"on", `<lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1"><lxcvirt:nesting/></lxcvirt:container>`, true},
		{"default namespace", `<container xmlns="urn:lxcvirt:1"><nesting/></container>`, true},
		{"empty container", `<lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1"/>`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			xml := strings.Replace(usernsDomain, "%s", strings.Replace(meta, "%s", tc.ext, 1), 1)
			m, err := Parse([]byte(xml), opts)
			if err != nil {
				t.Fatal(err)
			}
			mounts := m.Config.Values("lxc.mount.entry")
			has := slices.Contains(mounts, nestingMounts[0]) && slices.Contains(mounts, nestingMounts[1])
			if has != tc.on || m.Nesting != tc.on {
				t.Errorf("nesting mounts %v (Nesting %v), want %v", mounts, m.Nesting, tc.on)
			}
			// The element survives a dumpxml and define.
			text, err := FormatDomain(m.Domain)
			if err != nil {
				t.Fatal(err)
			}
			again, err := Parse([]byte(text), opts)
			if err != nil || again.Nesting != tc.on {
				t.Errorf("after a round trip: Nesting %v, %v\n%s", again.Nesting, err, text)
			}
		})
	}
}

func TestExtension(t *testing.T) {
	wrap := func(inner string) string {
		return `<lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1">` + inner + `</lxcvirt:container>`
	}
	ext, err := ParseExtension(`<other xmlns="http://example.org/x"><signals halt="NOPE"/></other>` + wrap(
		`<lxcvirt:signals halt="sigusr1" stop="9"/><lxcvirt:mount type="devpts" source="devpts" target="/dev/pts2"/><lxcvirt:imported path="/var/lib/lxc/c1/"/>`))
	if err != nil {
		t.Fatal(err)
	}
	want := Extension{Signals: Signals{Halt: "SIGUSR1", Stop: "9"}, Imported: "/var/lib/lxc/c1",
		Mounts: []ExtraMount{{Type: "devpts", Source: "devpts", Target: "/dev/pts2", Options: "defaults"}}}
	if !reflect.DeepEqual(*ext, want) {
		t.Errorf("got %+v, want %+v", *ext, want)
	}
	if again, err := ParseExtension(FormatExtension(want)); err != nil || !reflect.DeepEqual(*again, want) {
		t.Errorf("FormatExtension does not read back: %+v, %v\n%s", again, err, FormatExtension(want))
	}
	if ext, err := ParseExtension(`<x:y xmlns:x="http://example.org/x"/>`); ext != nil || err != nil {
		t.Errorf("no element: %+v, %v", ext, err)
	}
	for _, bad := range []struct {
		inner string
		code  libvirt.ErrorNumber
		part  string
	}{
		{`<lxcvirt:nestin/>`, libvirt.ErrConfigUnsupported, "<nestin>"},
		{`<x:nesting xmlns:x="http://example.org/x"/>`, libvirt.ErrConfigUnsupported, "<nesting>"},
		{`<lxcvirt:signals halt="USR1"/>`, libvirt.ErrXMLError, "halt='USR1'"},
		{`<lxcvirt:signals halt="SIGUSR1" kill="9"/>`, libvirt.ErrConfigUnsupported, `"kill"`},
		{`<lxcvirt:signals/><lxcvirt:signals/>`, libvirt.ErrConfigUnsupported, "more than one"},
		{`<lxcvirt:mount type="ext4" source="x" target="/mnt"/>`, libvirt.ErrConfigUnsupported, "only tmpfs"},
		{`<lxcvirt:mount type="tmpfs" source="/etc" target="/mnt"/>`, libvirt.ErrXMLError, "label"},
		{`<lxcvirt:mount type="tmpfs" source="t" target="/mnt/../../x"/>`, libvirt.ErrXMLError, ".."},
		{`<lxcvirt:mount type="tmpfs" source="t" target="/mnt" options="a b"/>`, libvirt.ErrXMLError, "options"},
		{`<lxcvirt:mount type="tmpfs" source="t" target="/mnt" options="rbind"/>`, libvirt.ErrConfigUnsupported, "rbind"},
		{`<lxcvirt:imported path="relative"/>`, libvirt.ErrXMLError, "absolute"},
		{`<lxcvirt:imported path="/"/>`, libvirt.ErrXMLError, "directory"},
		{`<lxcvirt:nesting>x</lxcvirt:nesting>`, libvirt.ErrConfigUnsupported, "no content"},
	} {
		_, err := ParseExtension(wrap(bad.inner))
		if err == nil {
			t.Errorf("%s accepted", bad.inner)
			continue
		}
		wantErr(t, err, bad.code, bad.part)
	}
	if _, err := ParseExtension(wrap("") + wrap("")); err == nil {
		t.Error("two container elements accepted")
	}
}
