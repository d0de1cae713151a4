package xmlmap

import (
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/subid"
)

const usernsDomain = `<domain type='lxc'><name>u</name><uuid>6b2f3a34-6c0e-4c5a-9b6e-1d1f0e9a7a11</uuid><memory>100000</memory>
<os><type>exe</type><init>/sbin/init</init></os>%s
<devices><filesystem type='mount'><source dir='/srv/u'/><target dir='/'/></filesystem></devices></domain>`

func TestUserNSFillsIDMap(t *testing.T) {
	opts := Options{UserNS: &UserNS{
		UIDs: []subid.Range{{Start: 100000, Count: 65536}, {Start: 300000, Count: 10}},
		GIDs: []subid.Range{{Start: 200000, Count: 65536}},
	}}
	m, err := Parse([]byte(strings.Replace(usernsDomain, "%s", "", 1)), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"u 0 100000 65536", "u 65536 300000 10", "g 0 200000 65536"}
	if got := m.Config.Values("lxc.idmap"); !slices.Equal(got, want) {
		t.Errorf("lxc.idmap = %q, want %q", got, want)
	}
	if m.Domain.IDMap == nil || len(m.Domain.IDMap.UIDs) != 2 {
		t.Errorf("the filled <idmap> is not kept in the definition: %+v", m.Domain.IDMap)
	}
	if v := m.Config.Values("lxc.cgroup.devices.allow"); len(v) != 0 {
		t.Errorf("device cgroup written for an unprivileged container: %q", v)
	}
	// The filled-in definition parses again to the same config.
	text, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse([]byte(text), opts)
	if err != nil || !slices.Equal(again.Config, m.Config) {
		t.Errorf("reparse: %v\n%q\n%q", err, again.Config, m.Config)
	}
}

func TestUserNSRefusesForeignIDs(t *testing.T) {
	opts := Options{UserNS: &UserNS{UIDs: []subid.Range{{Start: 100000, Count: 65536}}, GIDs: []subid.Range{{Start: 100000, Count: 65536}}}}
	for _, idmap := range []string{
		`<idmap><uid start='0' target='0' count='65536'/><gid start='0' target='100000' count='65536'/></idmap>`,
		`<idmap><uid start='0' target='100000' count='65536'/><gid start='0' target='100001' count='65536'/></idmap>`,
	} {
		_, err := Parse([]byte(strings.Replace(usernsDomain, "%s", idmap, 1)), opts)
		wantErr(t, err, libvirt.ErrConfigUnsupported, "the user was not granted")
	}
	_, err := Parse([]byte(strings.Replace(usernsDomain, "%s", "", 1)), Options{UserNS: &UserNS{}})
	wantErr(t, err, libvirt.ErrConfigUnsupported, "no subordinate ids")
	ok := `<idmap><uid start='0' target='100000' count='1000'/><gid start='0' target='165000' count='536'/></idmap>`
	if _, err := Parse([]byte(strings.Replace(usernsDomain, "%s", ok, 1)), opts); err != nil {
		t.Errorf("a map inside the ranges: %v", err)
	}
}
