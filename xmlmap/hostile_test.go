package xmlmap

import (
	"errors"
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// seedXML is the seed demo with placeholders the tables below
// replace: NAME, OS (inside <os>), TOP (top-level elements), DEVS (devices).
const seedTemplate = `<domain type='lxc'>
  <name>NAME</name>
  MEMORY
  TOP
  <os><type>exe</type><init>/sbin/init</init>OS</os>
  <devices>
    <filesystem type='mount'><source dir='/srv/mycontainer'/><target dir='/'/></filesystem>
    <interface type='bridge'><source network='br0'/><mac address='00:11:22:34:34:34'/></interface>
    <console type='pty'/>
    DEVS
  </devices>
</domain>`

type edit struct{ name, memory, top, os, devs string }

func (e edit) xml() string {
	if e.name == "" {
		e.name = "mycontainer"
	}
	if e.memory == "" {
		e.memory = "<memory>500000</memory>"
	}
	return strings.NewReplacer("NAME", e.name, "MEMORY", e.memory, "TOP", e.top, "OS", e.os, "DEVS", e.devs).Replace(seedTemplate)
}

// wantErr asserts err is a *virterror.Error with code whose message
// contains every one of parts.
func wantErr(t *testing.T, err error, code libvirt.ErrorNumber, parts ...string) {
	t.Helper()
	var ve *virterror.Error
	if !errors.As(err, &ve) {
		t.Fatalf("error %v (%T) is not a *virterror.Error", err, err)
	}
	if ve.Code != code {
		t.Errorf("code = %v, want %v (message %q)", ve.Code, code, ve.Message)
	}
	for _, p := range parts {
		if !strings.Contains(ve.Message, p) {
			t.Errorf("message %q does not name %q", ve.Message, p)
		}
	}
}

func TestRefusals(t *testing.T) {
	const (
		xmlE  = libvirt.ErrXMLError
		unsup = libvirt.ErrConfigUnsupported
	)
	cases := []struct {
		name  string
		in    string
		code  libvirt.ErrorNumber
		parts []string
	}{
		// Hostile input from the foundation issue.
		{"newline in name", edit{name: "my\ncontainer"}.xml(), xmlE, []string{"<name>", "control"}},
		{"carriage return in name", edit{name: "my&#13;ct"}.xml(), xmlE, []string{"<name>"}},
		{"dotdot name", edit{name: ".."}.xml(), xmlE, []string{"<name>"}},
		{"path in name", edit{name: "../../etc"}.xml(), xmlE, []string{"<name>", "'/'"}},
		{"option name", edit{name: "--help"}.xml(), xmlE, []string{"<name>", "'-'"}},
		{"space in name", edit{name: "my ct"}.xml(), xmlE, []string{"whitespace"}},
		{"long name", edit{name: strings.Repeat("a", 65)}.xml(), xmlE, []string{"64"}},
		{"NUL byte", edit{name: "a\x00b"}.xml(), xmlE, []string{"malformed"}},
		{"NUL char ref", edit{name: "a&#0;b"}.xml(), xmlE, []string{"malformed"}},
		{"relative source", edit{devs: `<filesystem><source dir='srv/x'/><target dir='/mnt'/></filesystem>`}.xml(), xmlE, []string{"<source dir>", "absolute"}},
		{"dotdot source", edit{devs: `<filesystem><source dir='/srv/../etc'/><target dir='/mnt'/></filesystem>`}.xml(), xmlE, []string{"<source dir>", ".."}},
		{"dotdot target", edit{devs: `<filesystem><source dir='/srv/x'/><target dir='/mnt/../../etc'/></filesystem>`}.xml(), xmlE, []string{"<target dir>", ".."}},
		{"dotdot init", strings.Replace(edit{}.xml(), "<init>/sbin/init</init>", "<init>/sbin/../bin/sh</init>", 1), xmlE, []string{"<init>", ".."}},
		{"newline in init", strings.Replace(edit{}.xml(), "<init>/sbin/init</init>", "<init>/sbin/init\nlxc.cap.drop = none</init>", 1), xmlE, []string{"<init>", "control"}},
		{"init arg with space", edit{os: `<initarg>a b</initarg>`}.xml(), unsup, []string{"<initarg>", "spaces"}},
		{"empty init arg", edit{os: `<initarg></initarg>`}.xml(), unsup, []string{"<initarg>"}},
		{"newline in init arg", edit{os: `<initarg>x&#10;lxc.cap.drop = none</initarg>`}.xml(), xmlE, []string{"<initarg>"}},
		{"huge memory", edit{memory: `<memory>18446744073709551615</memory>`}.xml(), xmlE, []string{"<memory>", "too large"}},
		{"memory overflowing uint64", edit{memory: `<memory>99999999999999999999</memory>`}.xml(), xmlE, []string{"malformed"}},
		{"memory in EiB", edit{memory: `<memory unit='EiB'>8</memory>`}.xml(), xmlE, []string{"<memory>", "too large"}},
		{"memory unknown unit", edit{memory: `<memory unit='furlongs'>8</memory>`}.xml(), xmlE, []string{"<memory>", "unit"}},
		{"no memory", edit{memory: " "}.xml(), xmlE, []string{"<memory>"}},
		{"huge hard limit", edit{top: `<memtune><hard_limit unit='PiB'>9000</hard_limit></memtune>`}.xml(), xmlE, []string{"hard_limit", "too large"}},
		{"= in env name", edit{os: `<initenv name='A=B'>c</initenv>`}.xml(), xmlE, []string{"<initenv", "A=B"}},
		{"newline in env value", edit{os: `<initenv name='A'>b&#10;lxc.cap.drop = none</initenv>`}.xml(), xmlE, []string{"<initenv name='A'>"}},
		{"trailing blank in env", edit{os: `<initenv name='A'>b </initenv>`}.xml(), unsup, []string{"<initenv name='A'>", "whitespace"}},
		{"newline in bridge", strings.Replace(edit{}.xml(), "<source network='br0'/>", "<source bridge='br0&#10;lxc.net.1.type = phys'/>", 1), xmlE, []string{"bridge"}},
		{"slash in veth name", edit{devs: `<interface type='bridge'><source bridge='b'/><target dev='../x'/></interface>`}.xml(), xmlE, []string{"<target dev>"}},
		{"long guest dev", edit{devs: `<interface type='bridge'><source bridge='b'/><guest dev='abcdefghijklmnop'/></interface>`}.xml(), xmlE, []string{"<guest dev>", "15"}},
		{"bad MAC", strings.Replace(edit{}.xml(), "00:11:22:34:34:34", "00:11:22:34:34", 1), xmlE, []string{"mac address"}},
		{"multicast MAC", strings.Replace(edit{}.xml(), "00:11:22:34:34:34", "01:11:22:34:34:34", 1), xmlE, []string{"multicast"}},
		{"bad uuid", edit{top: `<uuid>not-a-uuid</uuid>`}.xml(), xmlE, []string{"uuid"}},
		{"space in mount path", edit{devs: `<filesystem><source dir='/srv/my data'/><target dir='/data'/></filesystem>`}.xml(), unsup, []string{"<source dir>", "whitespace"}},
		{"duplicate target", edit{devs: `<filesystem><source dir='/srv/x'/><target dir='/'/></filesystem>`}.xml(), xmlE, []string{"used twice"}},

		// Syntax.
		{"malformed", `<domain type='lxc'><name>x</name>`, xmlE, []string{"malformed"}},
		{"empty", ``, xmlE, []string{"malformed"}},
		{"wrong root", `<network><name>x</name></network>`, xmlE, []string{"malformed", "domain"}},
		{"no type", strings.Replace(edit{}.xml(), " type='lxc'", "", 1), xmlE, []string{"type"}},

		// What the mapping cannot honour.
		{"kvm domain", strings.Replace(edit{}.xml(), "type='lxc'", "type='kvm'", 1), unsup, []string{"domain type 'kvm'"}},
		{"hvm os", strings.Replace(edit{}.xml(), "<type>exe</type>", "<type>hvm</type>", 1), unsup, []string{"<os><type>hvm</type>"}},
		{"network disk", edit{devs: `<disk type='network' device='disk'><source protocol='nbd' name='x'/><target dev='sda'/></disk>`}.xml(), unsup, []string{"<disk type='network'>"}},
		{"qcow2 disk", edit{devs: `<disk type='file' device='disk'><driver type='qcow2'/><source file='/x.img'/><target dev='sda'/></disk>`}.xml(), unsup, []string{"<disk> 'sda'", "qcow2", "qemu-nbd"}},
		{"loop qcow2 disk", edit{devs: `<disk type='file'><driver name='loop' type='qcow2'/><source file='/x.img'/><target dev='sda'/></disk>`}.xml(), unsup, []string{"disk format qcow2 is not supported"}},
		{"disk no target", edit{devs: `<disk type='block'><source dev='/dev/sdb'/></disk>`}.xml(), xmlE, []string{"<target dev>"}},
		{"disk target slash", edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='../sdb'/></disk>`}.xml(), xmlE, []string{"'/'"}},
		{"disk target twice", edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='sdb'/></disk><disk type='block'><source dev='/dev/sdc'/><target dev='sdb'/></disk>`}.xml(), xmlE, []string{"/dev/sdb", "used by"}},
		{"disk iotune", edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='sdb'/><iotune><total_bytes_sec>1</total_bytes_sec></iotune></disk>`}.xml(), unsup, []string{"<iotune> in <disk>"}},
		{"disk over /dev/null", edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='null'/></disk>`}.xml(), unsup, []string{"/dev/null", "every container's /dev"}},
		{"hostdev under pts", edit{devs: `<hostdev mode='capabilities' type='misc'><source><char>/dev/pts/0</char></source></hostdev>`}.xml(), unsup, []string{"/dev/pts/0"}},
		{"disk over tty1", edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='tty1'/></disk>`}.xml(), unsup, []string{"/dev/tty1"}},
		{"hostdev pci", edit{devs: `<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='1' function='0'/></source></hostdev>`}.xml(), unsup, []string{"<hostdev mode='subsystem' type='pci'>"}},
		{"hostdev no block", edit{devs: `<hostdev mode='capabilities' type='storage'><source/></hostdev>`}.xml(), xmlE, []string{"<block>"}},
		{"hostdev usb vendor only", edit{devs: `<hostdev mode='subsystem' type='usb'><source><vendor id='0x1234'/></source></hostdev>`}.xml(), xmlE, []string{"<vendor id> and <product id>"}},
		{"hostdev usb bad id", edit{devs: `<hostdev mode='subsystem' type='usb'><source><vendor id='1234'/><product id='0xbeef'/></source></hostdev>`}.xml(), xmlE, []string{"<vendor id='1234'>"}},
		{"nbd fs", edit{devs: `<filesystem type='file'><driver type='nbd' format='qcow2'/><source file='/x.img'/><target dir='/mnt'/></filesystem>`}.xml(), unsup, []string{"<filesystem type='file'> on '/mnt'", "qemu-nbd"}},
		{"loop qcow2 fs", edit{devs: `<filesystem type='file'><driver type='loop' format='qcow2'/><source file='/x.img'/><target dir='/mnt'/></filesystem>`}.xml(), unsup, []string{"fs format qcow2 is not supported"}},
		{"graphics", edit{devs: `<graphics type='vnc'/>`}.xml(), unsup, []string{"<graphics>"}},
		{"serial", edit{devs: `<serial type='pty'/>`}.xml(), unsup, []string{"<serial>"}},
		{"direct bandwidth", edit{devs: `<interface type='direct'><source dev='eth0' mode='vepa'/><bandwidth><inbound average='1'/></bandwidth></interface>`}.xml(), unsup, []string{"bandwidth on direct interfaces"}},
		{"direct virtualport", edit{devs: `<interface type='direct'><source dev='eth0'/><virtualport type='802.1Qbg'/></interface>`}.xml(), unsup, []string{"port profile on direct interfaces"}},
		{"direct mode", edit{devs: `<interface type='direct'><source dev='eth0' mode='sideways'/></interface>`}.xml(), xmlE, []string{"mode='sideways'"}},
		{"direct no dev", edit{devs: `<interface type='direct'><source mode='bridge'/></interface>`}.xml(), xmlE, []string{"<source dev=…>"}},
		{"passthru vlan", edit{devs: `<interface type='direct'><source dev='eth0' mode='passthru'/><vlan><tag id='42'/></vlan></interface>`}.xml(), unsup, []string{"SR-IOV"}},
		{"bridge vlan", edit{devs: `<interface type='bridge'><source bridge='b'/><vlan><tag id='42'/></vlan></interface>`}.xml(), unsup, []string{"vlan tag not supported for this connection type"}},
		{"vlan range", edit{devs: `<interface type='bridge'><source bridge='b'/><virtualport type='openvswitch'/><vlan><tag id='4096'/></vlan></interface>`}.xml(), xmlE, []string{"4096"}},
		{"vlan native tagged", edit{devs: `<interface type='bridge'><source bridge='b'/><virtualport type='openvswitch'/><vlan trunk='yes'><tag id='4' nativeMode='tagged'/><tag id='5'/></vlan></interface>`}.xml(), unsup, []string{"nativeMode='tagged'"}},
		{"midonet", edit{devs: `<interface type='bridge'><source bridge='b'/><virtualport type='midonet'/></interface>`}.xml(), unsup, []string{"<virtualport>"}},
		{"ovs on network", edit{devs: `<interface type='network'><source network='default'/><virtualport type='openvswitch'/></interface>`}.xml(), unsup, []string{"type='network'", "openvswitch"}},
		{"ovs interfaceid", edit{devs: `<interface type='bridge'><source bridge='b'/><virtualport type='openvswitch'><parameters interfaceid='nope'/></virtualport></interface>`}.xml(), xmlE, []string{"interfaceid='nope'"}},
		{"floor on bridge", edit{devs: `<interface type='bridge'><source bridge='b'/><bandwidth><inbound average='1' floor='1'/></bandwidth></interface>`}.xml(), xmlE, []string{"floor"}},
		{"floor on network", edit{devs: `<interface type='network'><source network='default'/><bandwidth><inbound floor='1'/></bandwidth></interface>`}.xml(), unsup, []string{"floor", "no inbound QoS"}},
		{"bandwidth no average", edit{devs: `<interface type='bridge'><source bridge='b'/><bandwidth><outbound peak='1'/></bandwidth></interface>`}.xml(), xmlE, []string{"average"}},
		{"bandwidth range", edit{devs: `<interface type='bridge'><source bridge='b'/><bandwidth><inbound average='-1'/></bandwidth></interface>`}.xml(), xmlE, []string{"average='-1'"}},
		{"route host bits", edit{devs: `<interface type='bridge'><source bridge='b'/><route address='10.1.0.0' prefix='8' gateway='192.168.1.1'/></interface>`}.xml(), xmlE, []string{"bits set beyond the prefix"}},
		{"route no address", edit{devs: `<interface type='bridge'><source bridge='b'/><route prefix='8' gateway='192.168.1.1'/></interface>`}.xml(), xmlE, []string{"missing required address"}},
		{"class D address", edit{devs: `<interface type='bridge'><source bridge='b'/><ip address='224.0.0.7'/></interface>`}.xml(), xmlE, []string{"Failed to determine prefix"}},
		{"hostdev net no interface", edit{devs: `<hostdev mode='capabilities' type='net'><source/></hostdev>`}.xml(), xmlE, []string{"<source><interface>"}},
		{"hostdev net twice", edit{devs: `<hostdev mode='capabilities' type='net'><source><interface>n2x</interface></source></hostdev><hostdev mode='capabilities' type='net'><source><interface>n2x</interface></source></hostdev>`}.xml(), xmlE, []string{"twice"}},
		{"hostdev interface", edit{devs: `<interface type='hostdev'/>`}.xml(), unsup, []string{"<interface type='hostdev'>"}},
		{"user interface", edit{devs: `<interface type='user'/>`}.xml(), unsup, []string{"<interface type='user'>"}},
		{"unknown interface", edit{devs: `<interface type='carrier-pigeon'/>`}.xml(), unsup, []string{"<interface type='unknown'>"}},
		{"interface model", edit{devs: `<interface type='bridge'><source bridge='b'/><model type='virtio'/></interface>`}.xml(), unsup, []string{"<model> in <interface>"}},
		{"ip peer", edit{devs: `<interface type='ethernet'><ip address='10.0.0.2' peer='10.0.0.1'/></interface>`}.xml(), unsup, []string{"peer"}},
		{"unknown network", edit{devs: `<interface type='network'><source network='nope'/></interface>`}.xml(), libvirt.ErrNoNetwork, []string{"'nope'"}},
		{"ram root", strings.Replace(edit{}.xml(), "<filesystem type='mount'><source dir='/srv/mycontainer'/>", "<filesystem type='ram'><source usage='1024'/>", 1), unsup, []string{"<filesystem type='ram'>", "root"}},
		{"qcow2 root", strings.Replace(edit{}.xml(), "<filesystem type='mount'><source dir='/srv/mycontainer'/>", "<filesystem type='file'><driver type='nbd' format='qcow2'/><source file='/x.qcow2'/>", 1), unsup, []string{"root <filesystem type='file'>", "qemu-nbd"}},
		{"image root inituser", strings.Replace(edit{os: `<inituser>tester</inituser>`}.xml(), "<filesystem type='mount'><source dir='/srv/mycontainer'/>", "<filesystem type='file'><source file='/x.img'/>", 1), unsup, []string{"<inituser>", "numeric"}},
		{"unknown fs", edit{devs: `<filesystem type='quantum'><target dir='/mnt'/></filesystem>`}.xml(), unsup, []string{"unknown type"}},
		{"fs accessmode", edit{devs: `<filesystem accessmode='chaos'><source dir='/x'/><target dir='/mnt'/></filesystem>`}.xml(), xmlE, []string{"accessmode=\"chaos\""}},
		{"log append", strings.Replace(edit{}.xml(), "<console type='pty'/>", "<console type='pty'><log file='/var/log/c.log' append='sometimes'/></console>", 1), xmlE, []string{"<console><log append=\"sometimes\">"}},
		{"relative log", strings.Replace(edit{}.xml(), "<console type='pty'/>", "<console type='pty'><log file='c.log'/></console>", 1), xmlE, []string{"<console><log file>", "absolute"}},
		{"newline in cmdline", edit{os: `<cmdline>a&#10;lxc.init.uid = 0</cmdline>`}.xml(), xmlE, []string{"<os><cmdline>"}},
		{"cmdline and env", edit{os: `<cmdline>quiet</cmdline><initenv name='LIBVIRT_LXC_CMDLINE'>x</initenv>`}.xml(), xmlE, []string{"LIBVIRT_LXC_CMDLINE", "<cmdline>"}},
		{"perf event", edit{top: `<perf><event name='warp_drive' enabled='yes'/></perf>`}.xml(), xmlE, []string{"<perf><event name=\"warp_drive\">"}},
		{"perf enabled", edit{top: `<perf><event name='cmt' enabled='maybe'/></perf>`}.xml(), xmlE, []string{"enabled=\"maybe\""}},
		{"file console", strings.Replace(edit{}.xml(), "<console type='pty'/>", "<console type='file'><source path='/tmp/x'/></console>", 1), unsup, []string{"<console type='file'>"}},
		{"preserve", edit{top: `<on_crash>preserve</on_crash>`}.xml(), unsup, []string{"<on_crash>preserve"}},
		{"bad action", edit{top: `<on_reboot>explode</on_reboot>`}.xml(), xmlE, []string{"<on_reboot>"}},
		{"seclabel", edit{top: `<seclabel type='dynamic' model='apparmor'/>`}.xml(), unsup, []string{"<seclabel type='dynamic' model='apparmor'>", "AppArmor is not enabled"}},
		{"selinux", edit{top: `<seclabel type='dynamic' model='selinux'/>`}.xml(), unsup, []string{"<seclabel model='selinux'>"}},
		{"static without label", edit{top: `<seclabel type='static' model='apparmor'/>`}.xml(), unsup, []string{"<seclabel type='static' model='apparmor'>"}},
		{"seclabel type", edit{top: `<seclabel type='chaos'/>`}.xml(), xmlE, []string{"<seclabel type=\"chaos\">"}},
		{"cpu mode", edit{top: `<cpu mode='host-copy'/>`}.xml(), unsup, []string{"<cpu mode='host-copy'>"}},
		{"hyperv feature", edit{top: `<features><acpi/></features>`}.xml(), unsup, []string{"<acpi> in <features>"}},
		{"lxc namespace beside an interface", strings.Replace(edit{top: `<lxc:namespace><lxc:sharenet type='netns' value='red'/></lxc:namespace>`}.xml(), "<domain type='lxc'>", "<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>", 1), unsup, []string{"inherit net namespace"}},
		{"inituser with a colon", edit{os: `<inituser>a:b</inituser>`}.xml(), xmlE, []string{"<inituser>", "a:b"}},
		{"vcpu auto", edit{top: `<vcpu placement='auto'>2</vcpu>`}.xml(), unsup, []string{"placement='auto'"}},
		{"vcpupin vcpu", edit{top: `<cputune><vcpupin vcpu='1' cpuset='1'/></cputune>`}.xml(), xmlE, []string{"<vcpupin vcpu='1'>"}},
		{"vcpupin cpuset", edit{top: `<cputune><vcpupin vcpu='0' cpuset='1-x'/></cputune>`}.xml(), xmlE, []string{"<cputune><vcpupin cpuset>"}},
		{"emulatorpin cpuset", edit{top: `<cputune><emulatorpin cpuset=''/></cputune>`}.xml(), xmlE, []string{"<cputune><emulatorpin cpuset>"}},
		{"energytune", edit{top: `<cputune><energytune/></cputune>`}.xml(), unsup, []string{"<energytune> in <cputune>"}},
		{"shares out of range", edit{top: `<cputune><shares>1</shares></cputune>`}.xml(), unsup, []string{"<cputune><shares>"}},
		{"period out of range", edit{top: `<cputune><period>10</period></cputune>`}.xml(), unsup, []string{"<cputune><period>"}},
		{"bad cpuset", edit{top: `<vcpu cpuset='0-x'>1</vcpu>`}.xml(), xmlE, []string{"cpuset"}},
		{"min_guarantee", edit{top: `<memtune><min_guarantee>1</min_guarantee></memtune>`}.xml(), unsup, []string{"<min_guarantee>"}},
		{"swap below hard", edit{top: `<memtune><hard_limit>1000</hard_limit><swap_hard_limit>500</swap_hard_limit></memtune>`}.xml(), xmlE, []string{"swap_hard_limit"}},
		{"soft above limit", edit{top: `<memtune><soft_limit>600000</soft_limit></memtune>`}.xml(), xmlE, []string{"soft_limit"}},
		{"half idmap", edit{top: `<idmap><uid start='0' target='1000' count='10'/></idmap>`}.xml(), xmlE, []string{"<idmap>"}},
		{"cap state", edit{top: `<features><capabilities policy='allow'><mknod state='maybe'/></capabilities></features>`}.xml(), xmlE, []string{"mknod"}},
		{"blkio by path", edit{top: `<blkiotune><device><path>/dev/sda</path><weight>500</weight></device></blkiotune>`}.xml(), unsup, []string{"/dev/sda"}},
		{"partition", edit{top: `<resource><partition>/other</partition></resource>`}.xml(), unsup, []string{"<partition>"}},
		{"title newline", edit{top: `<title>a&#10;b</title>`}.xml(), xmlE, []string{"<title>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.in), testOptions(CgroupV1))
			if err == nil {
				t.Fatalf("accepted; config:\n%s", m.Config.Marshal())
			}
			wantErr(t, err, c.code, c.parts...)
		})
	}
}

// An init argument starting with '-' only reaches the container's init via
// lxc.init.cmd, never an lxc-* command line, so it is accepted.
func TestInitArgWithDash(t *testing.T) {
	m, err := Parse([]byte(edit{os: `<initarg>-x</initarg><initarg>--rcfile=/etc/x</initarg>`}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Config.Values("lxc.init.cmd"); len(got) != 1 || got[0] != "/sbin/init -x --rcfile=/etc/x" {
		t.Errorf("lxc.init.cmd = %q", got)
	}
	if want := []string{"/sbin/init", "-x", "--rcfile=/etc/x"}; strings.Join(m.Init, "|") != strings.Join(want, "|") {
		t.Errorf("Init = %q, want %q", m.Init, want)
	}
}

// '=' is safe in values LXC reads verbatim after the first '=': an
// environment value or a name.
func TestEqualsInValues(t *testing.T) {
	m, err := Parse([]byte(edit{name: "a=b", os: `<initenv name='OPTS'>x=1 y=2</initenv>`}.xml()), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(m.Config.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := cfg.Value("lxc.uts.name"); v != "a=b" {
		t.Errorf("lxc.uts.name read back as %q", v)
	}
	if v := cfg.Values("lxc.environment"); len(v) == 0 || v[len(v)-1] != "OPTS=x=1 y=2" || !slices.Contains(v, "LIBVIRT_LXC_NAME=a=b") {
		t.Errorf("lxc.environment read back as %q", v)
	}
}

func TestMissingUUIDGenerator(t *testing.T) {
	opts := testOptions(CgroupV1)
	opts.NewUUID = nil
	_, err := Parse([]byte(edit{}.xml()), opts)
	wantErr(t, err, libvirt.ErrInternalError, "uuid")
	if _, err := Parse([]byte(edit{top: `<uuid>8369f1ac-7e46-e869-4ca5-759d51478066</uuid>`}.xml()), opts); err != nil {
		t.Errorf("with a <uuid>, no generator is needed: %v", err)
	}
}

func TestNoDefaultBridge(t *testing.T) {
	opts := testOptions(CgroupV1)
	opts.DefaultBridge = ""
	_, err := Parse([]byte(edit{}.xml()), opts)
	wantErr(t, err, libvirt.ErrConfigUnsupported, "<interface type='bridge'>", "default bridge")
}

func TestValidateName(t *testing.T) {
	for _, ok := range []string{"mycontainer", "8675309", "a", "ct_1.test-x", "a=b", strings.Repeat("x", MaxNameLen), "ünïcode"} {
		if err := ValidateName(ok); err != nil {
			t.Errorf("ValidateName(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "-n", "--", "a/b", "/", "a\nb", "a\rb", "a\x00b", "a\tb", "a b", " a", "a\x7f", strings.Repeat("x", MaxNameLen+1), "\xff"} {
		err := ValidateName(bad)
		if err == nil {
			t.Errorf("ValidateName(%q) accepted", bad)
			continue
		}
		wantErr(t, err, libvirt.ErrInvalidArg, "domain name")
	}
}
