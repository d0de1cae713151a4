package xmlmap

import (
	"slices"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

// TestDeviceACL: both layouts deny every device, then allow exactly
// libvirt-lxc's list, in that order.
func TestDeviceACL(t *testing.T) {
	want := []string{"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:2 rwm", "c 10:229 rwm", "c 136:* rwm"}
	for layout, prefix := range map[CgroupLayout]string{CgroupV1: "lxc.cgroup.", CgroupV2: "lxc.cgroup2."} {
		m, err := Parse([]byte(edit{}.xml()), testOptions(layout))
		if err != nil {
			t.Fatal(err)
		}
		deny := slices.IndexFunc(m.Config, func(e Entry) bool { return e.Key == prefix+"devices.deny" })
		first := slices.IndexFunc(m.Config, func(e Entry) bool { return e.Key == prefix+"devices.allow" })
		if deny < 0 || m.Config[deny].Value != "a" || first < deny {
			t.Errorf("layout %d: no %sdevices.deny = a before the allow-list:\n%s", layout, prefix, m.Config.Marshal())
		}
		if got := m.Config.Values(prefix + "devices.allow"); !slices.Equal(got, want) {
			t.Errorf("layout %d: allow-list %q, want %q", layout, got, want)
		}
	}
}

// TestConfinementOptional: without host facts the config names no seccomp
// policy, AppArmor profile or lxcfs mount.
func TestConfinementOptional(t *testing.T) {
	opts := testOptions(CgroupV1)
	opts.SeccompProfile, opts.LXCFS = "", nil
	m, err := Parse([]byte(edit{}.xml()), opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lxc.seccomp.profile", "lxc.apparmor.profile", "lxc.hook.mount", "lxc.mount.entry"} {
		if v, ok := m.Config.Value(k); ok {
			t.Errorf("%s = %s written without the host fact", k, v)
		}
	}
}

// TestSeclabelAppArmor: where AppArmor is enabled, <seclabel> picks the
// profile as libvirt's AppArmor driver would.
func TestSeclabelAppArmor(t *testing.T) {
	cases := []struct {
		name, seclabel, profile, nesting string
	}{
		{"default", "", "generated", "1"},
		{"dynamic", `<seclabel type='dynamic' model='apparmor' relabel='yes'/>`, "generated", "1"},
		{"dynamic no model", `<seclabel type='dynamic'/>`, "generated", "1"},
		{"static", `<seclabel type='static' model='apparmor'><label>lxc-container-default-cgns</label></seclabel>`, "lxc-container-default-cgns", ""},
		{"none", `<seclabel type='none'/>`, "unconfined", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(CgroupV1)
			opts.AppArmor = true
			m, err := Parse([]byte(edit{top: c.seclabel}.xml()), opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Config.Values("lxc.apparmor.profile"); !slices.Equal(got, []string{c.profile}) {
				t.Errorf("lxc.apparmor.profile = %q, want %q", got, c.profile)
			}
			if got, _ := m.Config.Value("lxc.apparmor.allow_nesting"); got != c.nesting {
				t.Errorf("lxc.apparmor.allow_nesting = %q, want %q", got, c.nesting)
			}
		})
	}
	opts := testOptions(CgroupV1)
	opts.AppArmor = true
	for in, parts := range map[string][]string{
		`<seclabel type='static' model='apparmor'/>`:                                 {"<label>"},
		`<seclabel type='static' model='apparmor'><label>a&#10;b</label></seclabel>`: {"<seclabel><label>"},
		`<seclabel type='none'><label>x</label></seclabel>`:                          {"type='none'"},
	} {
		_, err := Parse([]byte(edit{top: in}.xml()), opts)
		if err == nil {
			t.Errorf("%s accepted", in)
			continue
		}
		wantErr(t, err, libvirt.ErrXMLError, parts...)
	}
	_, err := Parse([]byte(edit{top: `<seclabel type='dynamic'/><seclabel type='none'/>`}.xml()), opts)
	wantErr(t, err, libvirt.ErrConfigUnsupported, "one <seclabel>")
}

// TestSeclabelWithoutAppArmor: type='none' is accepted and writes nothing;
// a label without a model needs a security driver the host lacks.
func TestSeclabelWithoutAppArmor(t *testing.T) {
	m, err := Parse([]byte(edit{top: `<seclabel type='none'/>`}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Config.Value("lxc.apparmor.profile"); ok {
		t.Errorf("lxc.apparmor.profile = %s without AppArmor", v)
	}
	_, err = Parse([]byte(edit{top: `<seclabel type='dynamic'/>`}.xml()), testOptions(CgroupV1))
	wantErr(t, err, libvirt.ErrConfigUnsupported, "<seclabel type='dynamic'>", "AppArmor is not enabled")
}

// TestLXCFSNeedsRootfs: lxcfs's files are bound into the container's root
// filesystem, so a container sharing the host's root gets none.
func TestLXCFSNeedsRootfs(t *testing.T) {
	m, err := Parse([]byte(`<domain type='lxc'><name>shared</name><memory>65536</memory><os><type>exe</type><init>/bin/sh</init></os></domain>`), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := m.Config.Value("lxc.mount.entry"); ok {
		t.Errorf("lxc.mount.entry = %s without a root filesystem", v)
	}
	if _, ok := m.Config.Value("lxc.seccomp.profile"); !ok {
		t.Errorf("no seccomp policy:\n%s", m.Config.Marshal())
	}
}

// TestLXCFSMounts: lxcfs's files become the optional bind mounts its LXC
// mount hook makes, after every other mount entry, each name once and
// names no fstab line can carry left out.
func TestLXCFSMounts(t *testing.T) {
	mounts := func(l *LXCFS) []string {
		t.Helper()
		opts := testOptions(CgroupV1)
		opts.LXCFS = l
		m, err := Parse([]byte(edit{devs: `<filesystem type='mount'><source dir='/srv/data'/><target dir='/data'/></filesystem>`}.xml()), opts)
		if err != nil {
			t.Fatal(err)
		}
		return m.Config.Values("lxc.mount.entry")
	}
	got := mounts(&LXCFS{Dir: "/var/lib/lxcfs", Proc: []string{"uptime", "meminfo", "meminfo", "bad name", ".."}, CPUDir: true})
	want := []string{
		"/srv/data data none bind,create=dir 0 0",
		"/var/lib/lxcfs/proc/meminfo proc/meminfo none bind,optional 0 0",
		"/var/lib/lxcfs/proc/uptime proc/uptime none bind,optional 0 0",
		"/var/lib/lxcfs/sys/devices/system/cpu sys/devices/system/cpu none bind,optional 0 0",
		"/var/lib/lxcfs var/lib/lxcfs none bind,optional 0 0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("mount entries\n%q\nwant\n%q", got, want)
	}
	got = mounts(&LXCFS{Dir: "/var/lib/lxcfs", CPU: []string{"online", "online", "cpu0"}})
	want = []string{
		"/srv/data data none bind,create=dir 0 0",
		"/var/lib/lxcfs/sys/devices/system/cpu/cpu0 sys/devices/system/cpu/cpu0 none bind,optional 0 0",
		"/var/lib/lxcfs/sys/devices/system/cpu/online sys/devices/system/cpu/online none bind,optional 0 0",
		"/var/lib/lxcfs var/lib/lxcfs none bind,optional 0 0",
	}
	if !slices.Equal(got, want) {
		t.Errorf("mount entries\n%q\nwant\n%q", got, want)
	}
}
