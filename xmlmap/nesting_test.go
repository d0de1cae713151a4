package xmlmap

import (
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
