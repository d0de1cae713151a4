package xmlmap

import (
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"
)

func TestParseConfig(t *testing.T) {
	text := "# comment\n\n  lxc.uts.name=ct  \nlxc.environment = A=b=c\n\t# indented comment\nlxc.net.0.type = veth\nlxc.environment = D=\n"
	cfg, err := ParseConfig([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	want := Config{{"lxc.uts.name", "ct"}, {"lxc.environment", "A=b=c"}, {"lxc.net.0.type", "veth"}, {"lxc.environment", "D="}}
	if !slices.Equal(cfg, want) {
		t.Fatalf("got %q, want %q", cfg, want)
	}
	if got := string(cfg.Marshal()); got != "lxc.uts.name = ct\nlxc.environment = A=b=c\nlxc.net.0.type = veth\nlxc.environment = D=\n" {
		t.Errorf("Marshal = %q", got)
	}
	if got := cfg.Values("lxc.environment"); !slices.Equal(got, []string{"A=b=c", "D="}) {
		t.Errorf("Values = %q", got)
	}
	if v, ok := cfg.Value("lxc.environment"); !ok || v != "D=" {
		t.Errorf("Value = %q, %v (want the last one)", v, ok)
	}
	if _, ok := cfg.Value("lxc.rootfs.path"); ok {
		t.Error("Value found a missing key")
	}
	// Quoted whole, a value loses its quotes, as LXC reads it.
	quoted, err := ParseConfig([]byte("lxc.uts.name = \"c1\"\nlxc.a = 'x y'\nlxc.b = \"\nlxc.c = \"d'\nlxc.e = a\"b\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Config{{"lxc.uts.name", "c1"}, {"lxc.a", "x y"}, {"lxc.b", `"`}, {"lxc.c", `"d'`}, {"lxc.e", `a"b"`}}); !slices.Equal(quoted, want) {
		t.Errorf("quoted values: got %q, want %q", quoted, want)
	}
	for _, bad := range []string{"lxc.uts.name ct\n", "= x\n", "LXC.x = 1\n", "lxc.a b = 1\n", "lxc.a = \x00\n"} {
		_, err := ParseConfig([]byte(bad))
		if err == nil {
			t.Errorf("ParseConfig(%q) accepted", bad)
			continue
		}
		wantErr(t, err, libvirt.ErrInvalidArg, "LXC config")
	}
}

func TestUnits(t *testing.T) {
	for _, c := range []struct {
		v    uint64
		unit string
		kib  uint64
	}{
		{1, "", 1}, {1, "KiB", 1}, {1, "k", 1}, {1, "K", 1}, {1, "KB", 1}, {1000, "KB", 977},
		{1, "b", 1}, {1025, "bytes", 2}, {2, "MiB", 2048}, {2, "M", 2048}, {1, "MB", 977},
		{1, "GiB", 1 << 20}, {1, "G", 1 << 20}, {1, "TiB", 1 << 30}, {1, "PiB", 1 << 40},
	} {
		got, err := scaleKiB("<memory>", c.v, c.unit)
		if err != nil || got != c.kib {
			t.Errorf("scaleKiB(%d %q) = %d, %v; want %d", c.v, c.unit, got, err, c.kib)
		}
	}
	for _, c := range []struct {
		v    uint64
		unit string
	}{{1, "x"}, {1, "KiBB"}, {8, "EiB"}, {MaxMemoryKiB + 1, "KiB"}, {1 << 62, "MiB"}} {
		if _, err := scaleKiB("<memory>", c.v, c.unit); err == nil {
			t.Errorf("scaleKiB(%d %q) accepted", c.v, c.unit)
		}
	}
}

func TestSets(t *testing.T) {
	for in, want := range map[string]string{"1,2,5-7": "1-2,5-7", "0": "0", "3,1,2": "1-3", "0-7,^3": "0-2,4-7", " 4 , 5 ": "4-5"} {
		if got, err := canonicalSet("cpuset", in); err != nil || got != want {
			t.Errorf("canonicalSet(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a", "1-", "-1", "3-1", "0,^0", "^1-2", "99999", "+1", "1,,2"} {
		if got, err := canonicalSet("cpuset", bad); err == nil {
			t.Errorf("canonicalSet(%q) accepted as %q", bad, got)
		}
	}
}

func TestToConfigLeavesInputAlone(t *testing.T) {
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(edit{}.xml()); err != nil {
		t.Fatal(err)
	}
	before, _ := dom.Marshal()
	m, err := ToConfig(&dom, testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	after, _ := dom.Marshal()
	if before != after {
		t.Errorf("ToConfig modified its input:\n%s\n%s", before, after)
	}
	if m.Domain == &dom || m.Domain.UUID == "" || dom.UUID != "" {
		t.Error("Mapped.Domain is not a normalised copy")
	}
	if _, err := ToConfig(nil, testOptions(CgroupV1)); err == nil {
		t.Error("ToConfig(nil) accepted")
	}
}

// encoding/xml would silently turn these characters into U+FFFD; a domain
// built in Go must be refused instead.
func TestToConfigRefusesUnencodableText(t *testing.T) {
	for _, name := range []string{"a\x00b", "a\x01b", "a\xffb"} {
		var dom libvirtxml.Domain
		if err := dom.Unmarshal(edit{}.xml()); err != nil {
			t.Fatal(err)
		}
		dom.Name = name
		_, err := ToConfig(&dom, testOptions(CgroupV1))
		wantErr(t, err, libvirt.ErrXMLError, "domain/name")
	}
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(edit{os: `<initarg>x</initarg>`}.xml()); err != nil {
		t.Fatal(err)
	}
	dom.OS.InitArgs[0] = "x\x1b[0m"
	_, err := ToConfig(&dom, testOptions(CgroupV1))
	wantErr(t, err, libvirt.ErrXMLError, "initarg")
}

func TestDuplicateDeviceNames(t *testing.T) {
	for _, devs := range []string{
		`<interface type='bridge'><source bridge='b'/><target dev='v0'/></interface><interface type='ethernet'><target dev='v0'/></interface>`,
		`<interface type='bridge'><source bridge='b'/><guest dev='eth0'/></interface><interface type='ethernet'><guest dev='eth0'/></interface>`,
	} {
		_, err := Parse([]byte(edit{devs: devs}.xml()), testOptions(CgroupV1))
		wantErr(t, err, libvirt.ErrXMLError, "used twice")
	}
	// The same name on the host side and in the container is fine.
	if _, err := Parse([]byte(edit{devs: `<interface type='ethernet'><target dev='x0'/><guest dev='x0'/></interface>`}.xml()), testOptions(CgroupV1)); err != nil {
		t.Error(err)
	}
}

func TestFormatDomainKeepsTextAndMetadata(t *testing.T) {
	in := strings.Replace(edit{top: `<description>a &lt;b&gt; &amp; 'c' "d"
second line</description><metadata><app:info xmlns:app="http://example.org/app" key='v&apos;1'>text</app:info></metadata>`}.xml(), "<name>", "<title>T &amp; 'x'</title><name>", 1)
	m, err := Parse([]byte(in), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	out, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<title>T &amp; 'x'</title>", "a &lt;b&gt; &amp; 'c' \"d\"\nsecond line", "<app:info xmlns:app='http://example.org/app' key='v&apos;1'>text</app:info>", "  <name>mycontainer</name>\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("FormatDomain output lacks %q:\n%s", want, out)
		}
	}
	var back libvirtxml.Domain
	if err := back.Unmarshal(out); err != nil {
		t.Fatal(err)
	}
	if back.Description != m.Domain.Description || back.Title != m.Domain.Title || !strings.Contains(back.Metadata.XML, "text</app:info>") {
		t.Errorf("text changed through FormatDomain: %q %q %q", back.Title, back.Description, back.Metadata.XML)
	}
}

func fromText(t *testing.T, text string) (*libvirtxml.Domain, error) {
	t.Helper()
	cfg, err := ParseConfig([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return FromConfig(cfg, testOptions(CgroupV1))
}

func TestFromConfig(t *testing.T) {
	d, err := fromText(t, `lxc.utsname = old
lxc.rootfs = dir:/srv/old
lxc.network.type = veth
lxc.network.link = br0
lxc.network.flags = up
lxc.network.hwaddr = 00:16:3e:xx:xx:xx
lxc.network.veth.pair = vold0
lxc.network.ipv4 = 10.0.0.2/24
lxc.network.type = empty
lxc.network.type = veth
lxc.network.name = eth7
lxc.network.mtu = 9000
lxc.mount.entry = /srv/data /srv/old/mnt/data none rbind,ro,create=dir 0 0
lxc.mount.entry = /srv/my\040dir mnt/sp none bind 0 0
lxc.mount.entry = tmpfs dev/shm tmpfs size=1g 0 0
lxc.mount.entry = proc proc proc defaults 0 0
lxc.init_cmd = /bin/app --flag x
lxc.init.cwd = /work
lxc.init.uid = 1000
lxc.environment = A=1
lxc.arch = amd64
lxc.cap.keep = none
lxc.cgroup2.memory.max = 1G
lxc.cgroup2.memory.high = 512M
lxc.cgroup2.memory.swap.max = 1G
lxc.cgroup2.cpu.weight = 300
lxc.cgroup2.cpu.max = max 200000
lxc.cgroup2.io.weight = default 200
lxc.cgroup2.io.max = 8:0 rbps=100 wiops=max
lxc.apparmor.profile = unconfined
`)
	if err != nil {
		t.Fatal(err)
	}
	s := summarize(t, d, testOptions(CgroupV1))
	want := summary{
		"name": "old", "arch": "x86_64", "init": "/bin/app --flag x", "initdir": "/work", "inituser": "1000", "env": "A=1",
		"fs":       "mount /srv/old ;mount /srv/data /mnt/data ro;mount /srv/my dir /mnt/sp;ram 1048576 /dev/shm",
		"net":      "veth|br0|||vold0|up||10.0.0.2/24;veth|||eth7||down|9000|",
		"privnet":  "",
		"memlimit": "1048576", "memory": "1048576", "soft": "524288", "swap": "2097152",
		"shares": "300", "cpumax": "max/200000", "blkio": "200 /dev/block/8:0 w0 rb100 wb0 ri0 wi0",
		"capdrop": strings.Join(capNames(), " "),
	}
	for k, v := range want {
		if s[k] != v {
			t.Errorf("%s = %q, want %q", k, s[k], v)
		}
	}

	for _, c := range []struct {
		text  string
		code  libvirt.ErrorNumber
		parts []string
	}{
		{"lxc.uts.name = a\nlxc.mount = /etc/fstab\n", libvirt.ErrConfigUnsupported, []string{"lxc.mount.entry"}},
		{"lxc.rootfs.path = /r\n", libvirt.ErrInvalidArg, []string{"lxc.uts.name"}},
		{"lxc.uts.name = ../x\n", libvirt.ErrInvalidArg, []string{"lxc.uts.name"}},
		{"lxc.uts.name = a\nlxc.rootfs.path = overlay:/a:/b\n", libvirt.ErrConfigUnsupported, []string{"overlay"}},
		{"lxc.uts.name = a\nlxc.environment = HOME\n", libvirt.ErrConfigUnsupported, []string{"HOME"}},
		{"lxc.uts.name = a\nlxc.mount.entry = tmpfs tmp tmpfs defaults 0 0\n", libvirt.ErrConfigUnsupported, []string{"size="}},
		{"lxc.uts.name = a\nlxc.mount.entry = /dev/sda1\n", libvirt.ErrInvalidArg, []string{"lxc.mount.entry"}},
		{"lxc.uts.name = a\nlxc.net.0.type = vxlan\n", libvirt.ErrConfigUnsupported, []string{"vxlan"}},
		{"lxc.uts.name = a\nlxc.net.0.type = veth\nlxc.net.0.hwaddr = zz\n", libvirt.ErrInvalidArg, []string{"hwaddr"}},
		{"lxc.uts.name = a\nlxc.cap.drop = flying\n", libvirt.ErrConfigUnsupported, []string{"flying"}},
		{"lxc.uts.name = a\nlxc.cgroup.memory.limit_in_bytes = lots\n", libvirt.ErrInvalidArg, []string{"memory"}},
		{"lxc.uts.name = a\nlxc.idmap = u 0 1\n", libvirt.ErrInvalidArg, []string{"lxc.idmap"}},
		{"lxc.uts.name = a\nlxc.arch = vax\n", libvirt.ErrConfigUnsupported, []string{"vax"}},
	} {
		_, err := fromText(t, c.text)
		if err == nil {
			t.Errorf("FromConfig(%q) accepted", c.text)
			continue
		}
		wantErr(t, err, c.code, c.parts...)
	}
	_, err = FromConfig(Config{{"lxc.uts.name", "a\nlxc.cap.drop = x"}}, testOptions(CgroupV1))
	wantErr(t, err, libvirt.ErrInvalidArg, "single")
}

func TestCapNames(t *testing.T) {
	names := capNames()
	if len(names) < 30 || !slices.Contains(names, "sys_admin") || !slices.Contains(names, "mknod") {
		t.Fatalf("capNames = %q", names)
	}
	for _, n := range defaultDroppedCaps {
		if !slices.Contains(names, n) {
			t.Errorf("default dropped capability %q is unknown", n)
		}
	}
	var c libvirtxml.DomainFeatureCapabilities
	if !setCap(&c, "net_raw", "off") || c.NetRaw == nil || c.NetRaw.State != "off" || setCap(&c, "nope", "on") {
		t.Errorf("setCap: %+v", c)
	}
	if c.SysAdmin != nil {
		t.Error("setCap set an unrelated capability")
	}
}
