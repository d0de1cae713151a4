package xmlmap

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"libvirt.org/go/libvirtxml"
)

// TestIgnoredElements: what libvirt-lxc accepts and ignores is accepted,
// leaves the config exactly as without it, stays in the normalised XML and
// is named in Mapped.Ignored.
func TestIgnoredElements(t *testing.T) {
	base, err := Parse([]byte(edit{}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name    string
		in      edit
		ignored []string
		kept    []string // in the normalised XML
	}{
		{"accessmode mapped", edit{devs: `<filesystem accessmode='mapped'><source dir='/x'/><target dir='/mnt'/></filesystem>`},
			[]string{"<filesystem accessmode='mapped'>"}, []string{"accessmode='mapped'"}},
		{"accessmode squash", edit{devs: `<filesystem accessmode='squash'><source dir='/x'/><target dir='/mnt'/></filesystem>`},
			[]string{"<filesystem accessmode='squash'>"}, []string{"accessmode='squash'"}},
		{"iothreads", edit{top: `<iothreads>4</iothreads>`}, []string{"<domain><iothreads>"}, []string{"<iothreads>4</iothreads>"}},
		{"usb controller", edit{devs: `<controller type='usb' index='0' model='none'/>`},
			[]string{"<controller type='usb' model='none'>"}, []string{"<controller type='usb' index='0' model='none'/>"}},
		{"pci controller", edit{devs: `<controller type='pci' model='pci-root'/>`},
			[]string{"<controller type='pci' model='pci-root'>"}, []string{"<controller type='pci'"}},
		{"perf", edit{top: `<perf><event name='cmt' enabled='yes'/><event name='cpu_cycles' enabled='no'/></perf>`},
			[]string{"<perf>"}, []string{"<event name='cmt' enabled='yes'/>"}},
		{"memoryBacking", edit{top: `<memoryBacking><source type='file'/><access mode='shared'/><allocation mode='immediate'/><discard/></memoryBacking>`},
			[]string{"<domain><memoryBacking>"}, []string{"<access mode='shared'/>"}},
		{"hugepages", edit{top: `<memoryBacking><hugepages/><locked/></memoryBacking>`},
			[]string{"<domain><memoryBacking>"}, []string{"<hugepages/>", "<locked/>"}},
		{"vcpupin", edit{top: `<cputune><vcpupin vcpu='0' cpuset='1,0'/></cputune>`},
			[]string{"<cputune><vcpupin>"}, []string{"<vcpupin vcpu='0' cpuset='0-1'/>"}},
		{"emulatorpin", edit{top: `<cputune><emulatorpin cpuset='0'/><emulator_period>10000</emulator_period></cputune>`},
			[]string{"<cputune><emulator_period>", "<cputune><emulatorpin>"}, []string{"<emulatorpin cpuset='0'/>"}},
		{"log of a second console", edit{devs: `<console type='pty'><log file='/var/log/tty1.log'/></console>`},
			[]string{"<log> of <console> 1"}, []string{"<log file='/var/log/tty1.log'/>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.in.xml()), testOptions(CgroupV1))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want := base.Config
			if strings.Contains(c.in.devs, "<filesystem") {
				want = slices.Insert(slices.Clone(base.Config), slices.IndexFunc(want, func(e Entry) bool { return e.Key == "lxc.init.cmd" }),
					Entry{Key: "lxc.mount.entry", Value: "/x mnt none bind,create=dir 0 0"})
			}
			if strings.Contains(c.in.devs, "<console") {
				want = slices.Clone(base.Config)
				want[slices.IndexFunc(want, func(e Entry) bool { return e.Key == "lxc.tty.max" })].Value = "2"
			}
			if got := string(m.Config.Marshal()); got != string(want.Marshal()) {
				t.Errorf("config:\n%s\nwant:\n%s", got, want.Marshal())
			}
			if !slices.Equal(m.Ignored, c.ignored) {
				t.Errorf("Ignored = %q, want %q", m.Ignored, c.ignored)
			}
			out, err := FormatDomain(m.Domain)
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range c.kept {
				if !strings.Contains(out, k) {
					t.Errorf("normalised XML lacks %q:\n%s", k, out)
				}
			}
			if m.ConsoleLog != nil {
				t.Errorf("ConsoleLog = %+v, want none", m.ConsoleLog)
			}
		})
	}
	if len(base.Ignored) != 0 {
		t.Errorf("plain domain: Ignored = %q", base.Ignored)
	}
}

// TestCmdline: <os><cmdline> reaches init's environment as
// LIBVIRT_LXC_CMDLINE (blanks and all, LXC keeps the value verbatim) before
// the <initenv> variables, and comes back from the config as <cmdline>.
func TestCmdline(t *testing.T) {
	in := edit{os: `<cmdline>console=tty0 console=ttyS0 quiet</cmdline><initenv name='product_name'>OpenStack Nova</initenv>`}.xml()
	m, err := Parse([]byte(in), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	u := m.Domain.UUID
	want := []string{"PATH=/bin:/sbin", "TERM=linux", "HOME=/", "container_uuid=" + u, "LIBVIRT_LXC_UUID=" + u,
		"LIBVIRT_LXC_NAME=" + m.Domain.Name, "LIBVIRT_LXC_CMDLINE=console=tty0 console=ttyS0 quiet", "product_name=OpenStack Nova"}
	if got := m.Config.Values("lxc.environment"); u == "" || !slices.Equal(got, want) {
		t.Errorf("lxc.environment = %q, want %q", got, want)
	}
	back, err := FromConfig(m.Config, testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if back.OS.Cmdline != "console=tty0 console=ttyS0 quiet" || len(back.OS.InitEnv) != 1 || back.OS.InitEnv[0].Name != "product_name" {
		t.Errorf("FromConfig: cmdline %q, initenv %+v", back.OS.Cmdline, back.OS.InitEnv)
	}
}

// TestGuestEnvOverride: an <initenv> replaces libvirt-lxc's default of the
// same name (LXC applies lxc.environment in order), and reading the config
// back keeps only what the definition said.
func TestGuestEnvOverride(t *testing.T) {
	m, err := Parse([]byte(edit{os: `<initenv name='PATH'>/usr/bin:/bin</initenv>`}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	env := m.Config.Values("lxc.environment")
	if i, j := slices.Index(env, "PATH=/bin:/sbin"), slices.Index(env, "PATH=/usr/bin:/bin"); i < 0 || j < i {
		t.Errorf("lxc.environment = %q: want the default PATH before the definition's", env)
	}
	back, err := FromConfig(m.Config, testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.OS.InitEnv) != 1 || back.OS.InitEnv[0] != (libvirtxml.DomainOSInitEnv{Name: "PATH", Value: "/usr/bin:/bin"}) {
		t.Errorf("FromConfig initenv %+v; want only the definition's PATH", back.OS.InitEnv)
	}
}

// TestConsoleLog: the first console's <log> becomes lxc.console.logfile;
// whether the driver truncates it first follows append.
func TestConsoleLog(t *testing.T) {
	for _, c := range []struct {
		attrs  string
		append bool
	}{
		{`file='/var/lib/nova/instances/x/console.log' append='off'`, false},
		{`file='/var/lib/nova/instances/x/console.log'`, false},
		{`file='/var/lib/nova/instances/x//console.log' append='on'`, true},
	} {
		in := strings.Replace(edit{}.xml(), "<console type='pty'/>", "<console type='pty'><log "+c.attrs+"/></console>", 1)
		m, err := Parse([]byte(in), testOptions(CgroupV2))
		if err != nil {
			t.Fatalf("%s: %v", c.attrs, err)
		}
		const path = "/var/lib/nova/instances/x/console.log"
		if got := m.Config.Values("lxc.console.logfile"); !slices.Equal(got, []string{path}) {
			t.Errorf("%s: lxc.console.logfile = %q", c.attrs, got)
		}
		if m.ConsoleLog == nil || m.ConsoleLog.Path != path || m.ConsoleLog.Append != c.append {
			t.Errorf("%s: ConsoleLog = %+v, want %s append=%v", c.attrs, m.ConsoleLog, path, c.append)
		}
		back, err := FromConfig(m.Config, testOptions(CgroupV2))
		if err != nil {
			t.Fatal(err)
		}
		if l := back.Devices.Consoles[0].Log; l == nil || l.File != path {
			t.Errorf("%s: FromConfig console log = %+v", c.attrs, l)
		}
	}
}

// TestRealClientXML maps the domain XML real clients produced (generated
// by virt-install --print-xml against lxcvirtd and by Nova's own
// _get_guest_config, see testdata/xmlmap/clients) and checks what each
// element turned into.
func TestRealClientXML(t *testing.T) {
	type clientCase struct {
		file    string
		layout  CgroupLayout
		config  []string
		ignored []string
		log     *ConsoleLog
	}
	cases := []clientCase{
		{"virtinst.xml", CgroupV1,
			[]string{"lxc.rootfs.path = dir:/srv/containers/c1", "lxc.init.cmd = /sbin/init", "lxc.net.0.link = lxcbr0", "lxc.tty.max = 1"},
			[]string{"<filesystem accessmode='mapped'>"}, nil},
		{"virtinst-full-v2.xml", CgroupV2,
			[]string{"lxc.cgroup2.cpuset.cpus = 0-1", "lxc.cgroup2.cpu.weight = 2048", "lxc.idmap = u 0 100000 65536",
				"lxc.net.0.veth.pair = vethc2", "lxc.net.0.mtu = 1400", "lxc.console.logfile = /var/log/lxcvirt/c2-console.log",
				"lxc.mount.entry = /srv/shared mnt/shared none bind,ro,create=dir 0 0"},
			[]string{"<filesystem accessmode='mapped'>", "<domain><iothreads>", "<domain><memoryBacking>",
				"<cputune><vcpupin>", "<cputune><emulatorpin>", "<controller type='usb' model='none'>"},
			&ConsoleLog{Path: "/var/log/lxcvirt/c2-console.log", Append: true}},
		{"virtinst-cpu.xml", CgroupV1,
			[]string{"lxc.rootfs.path = dir:/srv/containers/c3", "lxc.init.cmd = /sbin/init", "lxc.cgroup.memory.limit_in_bytes = 134217728"},
			[]string{"<filesystem accessmode='mapped'>", "<cpu mode='host-model'>"}, nil},
		{"virtinst-cpu-numa-v2.xml", CgroupV2,
			[]string{"lxc.rootfs.path = dir:/srv/containers/c4", "lxc.cgroup2.memory.max = 268435456"},
			[]string{"<filesystem accessmode='mapped'>", "<cpu mode='host-passthrough'>", "<cpu><numa>"}, nil},
		{"nova-lxc.xml", CgroupV1,
			[]string{"lxc.environment = LIBVIRT_LXC_CMDLINE=console=tty0 console=ttyS0 console=hvc0",
				"lxc.environment = product_name=OpenStack Nova", "lxc.net.0.link = br100", "lxc.net.0.veth.pair = tap0a1b2c3d-4e",
				"lxc.net.0.mtu = 1450", "lxc.console.logfile = /var/lib/nova/instances/8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d/console.log"},
			[]string{"<controller type='usb' model='none'>"},
			&ConsoleLog{Path: "/var/lib/nova/instances/8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d/console.log"}},
		{"nova-lxc-full-v2.xml", CgroupV2,
			[]string{"lxc.cgroup2.cpuset.cpus = 0-1", "lxc.cgroup2.cpu.weight = 2048", "lxc.cgroup2.cpu.max = 50000 100000",
				"lxc.idmap = g 0 100000 65536", "lxc.net.0.type = veth", "lxc.net.0.veth.pair = tap0a1b2c3d-4e"},
			[]string{"<controller type='usb' model='none'>", "<domain><memoryBacking>", "<perf>"},
			&ConsoleLog{Path: "/var/lib/nova/instances/8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d/console.log"}},
	}
	// Nova with [libvirt] cpu_mode set: the <cpu> it adds changes nothing
	// in the config.
	nova := cases[slices.IndexFunc(cases, func(c clientCase) bool { return c.file == "nova-lxc.xml" })]
	for _, mode := range []string{"host-model", "host-passthrough"} {
		plain := nova
		plain.ignored = slices.Clone(nova.ignored)
		plain.file = "nova-lxc-" + mode + ".xml"
		plain.ignored = append(plain.ignored, "<cpu mode='"+mode+"'>")
		want, err := os.ReadFile(filepath.Join(goldenDir, "nova-lxc.config"))
		if err != nil {
			t.Fatal(err)
		}
		plain.config = strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
		cases = append(cases, plain)
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			text, err := os.ReadFile(filepath.Join(goldenDir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(text, testOptions(c.layout))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			cfg := string(m.Config.Marshal())
			for _, line := range c.config {
				if !strings.Contains(cfg, line+"\n") {
					t.Errorf("config lacks %q:\n%s", line, cfg)
				}
			}
			for _, ig := range c.ignored {
				if !slices.Contains(m.Ignored, ig) {
					t.Errorf("Ignored = %q, lacks %q", m.Ignored, ig)
				}
			}
			if (m.ConsoleLog == nil) != (c.log == nil) || c.log != nil && *m.ConsoleLog != *c.log {
				t.Errorf("ConsoleLog = %+v, want %+v", m.ConsoleLog, c.log)
			}
			if strings.Contains(string(text), "<nova:instance") {
				out, err := FormatDomain(m.Domain)
				if err != nil || !strings.Contains(out, "<nova:name>nova-lxc-test</nova:name>") {
					t.Errorf("Nova's metadata is not kept (%v):\n%s", err, out)
				}
			}
		})
	}
}
