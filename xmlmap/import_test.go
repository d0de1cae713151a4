package xmlmap

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

// The config LXC 5.0's busybox template writes becomes a definition that
// keeps what the container needs: the halt and reboot signals, the
// mounts of kernel filesystems, the root filesystem where it is and where
// it came from; the config lxcvirt starts it with carries them.
func TestFromContainerBusybox(t *testing.T) {
	text, err := os.ReadFile(filepath.Join(goldenDir, "import", "busybox.config"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseConfig(text)
	if err != nil {
		t.Fatal(err)
	}
	opts := testOptions(CgroupV2)
	d, err := FromContainer(cfg, Import{Name: "bb1", Dir: "/var/lib/lxc/bb1", NewUUID: opts.NewUUID, HostMemKiB: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	xml, err := FormatDomain(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<name>bb1</name>",
		"<source dir='/var/lib/lxc/bb1/rootfs'/>",
		`<lxcvirt:container xmlns:lxcvirt='urn:lxcvirt:1'>`,
		"<memory unit='KiB'>1048576</memory>",
		`<lxcvirt:signals halt='SIGUSR1' reboot='SIGTERM'/>`,
		`<lxcvirt:mount type='tmpfs' source='shm' target='/dev/shm' options='defaults,create=dir'/>`,
		`<lxcvirt:mount type='mqueue' source='mqueue' target='/dev/mqueue' options='defaults,optional,create=dir'/>`,
		`<lxcvirt:imported path='/var/lib/lxc/bb1'/>`,
		"<source bridge='lxcbr0'/>",
	} {
		if !strings.Contains(xml, want) {
			t.Errorf("definition lacks %s:\n%s", want, xml)
		}
	}
	m, err := Parse([]byte(xml), opts)
	if err != nil {
		t.Fatalf("the imported definition does not map: %v\n%s", err, xml)
	}
	for _, want := range []Entry{
		{"lxc.signal.halt", "SIGUSR1"}, {"lxc.signal.reboot", "SIGTERM"},
		{"lxc.rootfs.path", "dir:/var/lib/lxc/bb1/rootfs"}, {"lxc.tty.max", "5"},
		{"lxc.mount.entry", "shm dev/shm tmpfs defaults,create=dir 0 0"},
		{"lxc.mount.entry", "mqueue dev/mqueue mqueue defaults,optional,create=dir 0 0"},
		{"lxc.mount.entry", "/lib lib none bind,ro,create=dir 0 0"}, {"lxc.cgroup2.memory.max", "max"},
	} {
		if !slices.Contains(m.Config, want) {
			t.Errorf("config lacks %s = %s:\n%s", want.Key, want.Value, m.Config.Marshal())
		}
	}
	if m.Imported != "/var/lib/lxc/bb1" {
		t.Errorf("Imported = %q", m.Imported)
	}
	// A dumpxml and define keep it all.
	again, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if m2, err := Parse([]byte(again), opts); err != nil || !slices.Equal(m2.Config, m.Config) {
		t.Errorf("round trip changed the config (%v):\n%s", err, again)
	}
}

func TestFromContainer(t *testing.T) {
	imp := Import{Name: "c1", Dir: "/var/lib/lxc/c1", NewUUID: testOptions(CgroupV1).NewUUID}
	conv := func(t *testing.T, text string) (string, error) {
		t.Helper()
		cfg, err := ParseConfig([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		d, err := FromContainer(cfg, imp)
		if err != nil {
			return "", err
		}
		return FormatDomain(d)
	}
	// The container's name wins over lxc.uts.name; without one it is used.
	for _, text := range []string{"lxc.uts.name = other\nlxc.rootfs.path = /srv/c1\n", "lxc.rootfs.path = /srv/c1\n"} {
		xml, err := conv(t, text)
		if err != nil || !strings.Contains(xml, "<name>c1</name>") {
			t.Errorf("%q: %v\n%s", text, err, xml)
		}
	}
	// nesting.conf's mounts are <lxcvirt:nesting/>.
	xml, err := conv(t, "lxc.rootfs.path = /srv/c1\nlxc.mount.entry = proc dev/.lxc/proc proc create=dir,optional 0 0\nlxc.mount.entry = sys dev/.lxc/sys sysfs create=dir,optional 0 0\n")
	if err != nil || !strings.Contains(xml, "<lxcvirt:nesting/>") {
		t.Errorf("nesting: %v\n%s", err, xml)
	}
	// A sized tmpfs stays a <filesystem type='ram'>; a signal by number stays one.
	xml, err = conv(t, "lxc.rootfs.path = /srv/c1\nlxc.mount.entry = tmpfs /srv/c1/run tmpfs size=1M 0 0\nlxc.signal.stop = 9\nlxc.signal.halt = sigrtmin+3\n")
	if err != nil || !strings.Contains(xml, "<filesystem type='ram'") || !strings.Contains(xml, "halt='SIGRTMIN+3' stop='9'") {
		t.Errorf("sized tmpfs, signals: %v\n%s", err, xml)
	}
	for _, bad := range []struct {
		text  string
		code  libvirt.ErrorNumber
		parts []string
	}{
		{"lxc.signal.halt = USR1\n", libvirt.ErrInvalidArg, []string{"lxc.signal.halt = USR1"}},
		{"lxc.signal.halt = SIGNOPE\n", libvirt.ErrInvalidArg, []string{"SIGNOPE"}},
		{"lxc.mount.entry = /etc/x dev/x devpts bind 0 0\n", libvirt.ErrXMLError, []string{"lxc.mount.entry = /etc/x"}},
		{"lxc.mount.entry = none dev/x tmpfs bind 0 0\n", libvirt.ErrConfigUnsupported, []string{"option \"bind\""}},
		{"lxc.mount.entry = m / mqueue defaults 0 0\n", libvirt.ErrXMLError, []string{"root filesystem"}},
		{"lxc.rootfs.path = overlayfs:/a:/b\n", libvirt.ErrConfigUnsupported, []string{"overlayfs"}},
	} {
		_, err := conv(t, bad.text)
		if err == nil {
			t.Errorf("%q accepted", bad.text)
			continue
		}
		wantErr(t, err, bad.code, bad.parts...)
	}
	imp.Name = "a/b"
	if _, err := conv(t, "lxc.rootfs.path = /srv/c1\n"); err == nil {
		t.Error("a name with '/' accepted")
	}
}
