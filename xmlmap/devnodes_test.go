package xmlmap

import (
	"slices"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/subid"
)

const devicesXML = `<filesystem type='block'><source dev='/dev/vdb1'/><target dir='/srv/b'/><readonly/></filesystem>
<filesystem type='file'><driver type='loop' format='raw'/><source file='/var/img/data.img'/><target dir='/data'/></filesystem>
<disk type='block' device='disk'><source dev='/dev/loop3'/><target dev='sdb' bus='scsi'/></disk>
<disk type='file'><source file='/var/img/disk.img'/><target dev='sdc'/><readonly/></disk>
<hostdev mode='capabilities' type='storage'><source><block>/dev/disk/by-id/x</block></source></hostdev>
<hostdev mode='capabilities' type='misc'><source><char>/dev/ttyS1</char></source></hostdev>
<hostdev mode='subsystem' type='usb' managed='yes'><source><address bus='1' device='4'/></source></hostdev>`

// devicesFacts are the host facts for devicesXML's devices, in order.
var devicesFacts = []DeviceFacts{
	{Path: "/dev/vdb1", Type: 'b', Major: 254, Minor: 17, FSType: "ext4"},
	{Path: "/dev/loop7", Type: 'b', Major: 7, Minor: 7, FSType: "xfs"},
	{Path: "/dev/loop3", Type: 'b', Major: 7, Minor: 3},
	{Path: "/dev/loop6", Type: 'b', Major: 7, Minor: 6},
	{Path: "/dev/sdf", Type: 'b', Major: 8, Minor: 80},
	{Path: "/dev/ttyS1", Type: 'c', Major: 4, Minor: 65},
	{Path: "/dev/bus/usb/001/004", Type: 'c', Major: 189, Minor: 3},
}

// Without the host's facts the devices are listed and validated; with
// them each gets its cgroup rule and its bind mount or filesystem mount,
// in the definition's order, as libvirt-lxc makes them.
func TestDevices(t *testing.T) {
	in := edit{devs: devicesXML}.xml()
	m, err := Parse([]byte(in), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range m.Devices {
		got = append(got, d.Elem+" "+d.Source+" -> "+d.Target+" "+d.Access)
	}
	want := []string{
		"<filesystem type='block'> on '/srv/b' /dev/vdb1 -> /srv/b r",
		"<filesystem type='file'> on '/data' /var/img/data.img -> /data rw",
		"<disk> 'sdb' /dev/loop3 -> /dev/sdb rwm",
		"<disk> 'sdc' /var/img/disk.img -> /dev/sdc rm",
		"<hostdev> '/dev/disk/by-id/x' /dev/disk/by-id/x -> /dev/disk/by-id/x rwm",
		"<hostdev> '/dev/ttyS1' /dev/ttyS1 -> /dev/ttyS1 rwm",
		"<hostdev> USB 001:004 /dev/bus/usb/001/004 -> /dev/bus/usb/001/004 rwm",
	}
	if !slices.Equal(got, want) {
		t.Errorf("devices:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if cfg := string(m.Config.Marshal()); strings.Contains(cfg, "/dev/loop") || strings.Contains(cfg, "254:17") {
		t.Errorf("config without facts has device keys:\n%s", cfg)
	}

	for _, layout := range []CgroupLayout{CgroupV1, CgroupV2} {
		opts := testOptions(layout)
		opts.DeviceFacts = devicesFacts
		m, err := Parse([]byte(in), opts)
		if err != nil {
			t.Fatal(err)
		}
		allow := "lxc.cgroup.devices.allow"
		if layout == CgroupV2 {
			allow = "lxc.cgroup2.devices.allow"
		}
		var mounts, rules []string
		for _, e := range m.Config {
			switch {
			case e.Key == "lxc.mount.entry" && !strings.HasPrefix(e.Value, "/var/lib/lxcfs"):
				mounts = append(mounts, e.Value)
			case e.Key == allow:
				rules = append(rules, e.Value)
			}
		}
		wantMounts := []string{
			"/dev/vdb1 srv/b ext4 ro,create=dir 0 0",
			"/dev/loop7 data xfs rw,create=dir 0 0",
			"/dev/loop3 dev/sdb none bind,create=file 0 0",
			"/dev/loop6 dev/sdc none bind,create=file 0 0",
			"/dev/sdf dev/disk/by-id/x none bind,create=file 0 0",
			"/dev/ttyS1 dev/ttyS1 none bind,create=file 0 0",
			"/dev/bus/usb/001/004 dev/bus/usb/001/004 none bind,create=file 0 0",
		}
		if !slices.Equal(mounts, wantMounts) {
			t.Errorf("mount entries:\n%s\nwant\n%s", strings.Join(mounts, "\n"), strings.Join(wantMounts, "\n"))
		}
		wantRules := []string{"b 254:17 r", "b 7:7 rw", "b 7:3 rwm", "b 7:6 rm", "b 8:80 rwm", "c 4:65 rwm", "c 189:3 rwm"}
		if tail := rules[len(DefaultDevices):]; !slices.Equal(tail, wantRules) {
			t.Errorf("device rules after the defaults: %q, want %q", tail, wantRules)
		}
	}
}

func TestDeviceFactsRefused(t *testing.T) {
	in := edit{devs: devicesXML}.xml()
	for _, c := range []struct {
		name  string
		i     int
		f     DeviceFacts
		code  libvirt.ErrorNumber
		parts []string
	}{
		{"storage not a block device", 4, DeviceFacts{Path: "/dev/x", Type: 'c', Major: 1, Minor: 1}, libvirt.ErrConfigUnsupported, []string{"Storage source /dev/disk/by-id/x must be a block device"}},
		{"misc not a char device", 5, DeviceFacts{Path: "/dev/x", Type: 'b', Major: 1, Minor: 1}, libvirt.ErrConfigUnsupported, []string{"must be a character device"}},
		{"usb not a char device", 6, DeviceFacts{Path: "/dev/x", Type: 'b', Major: 1, Minor: 1}, libvirt.ErrConfigUnsupported, []string{"USB source"}},
		{"no filesystem", 0, DeviceFacts{Path: "/dev/vdb1", Type: 'b', Major: 254, Minor: 17}, libvirt.ErrConfigUnsupported, []string{"unable to detect filesystem"}},
		{"path with a blank", 2, DeviceFacts{Path: "/dev/a b", Type: 'b', Major: 7, Minor: 3}, libvirt.ErrConfigUnsupported, []string{"whitespace"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			opts := testOptions(CgroupV1)
			opts.DeviceFacts = slices.Clone(devicesFacts)
			opts.DeviceFacts[c.i] = c.f
			_, err := Parse([]byte(in), opts)
			if err == nil {
				t.Fatal("accepted")
			}
			wantErr(t, err, c.code, c.parts...)
		})
	}
	opts := testOptions(CgroupV1)
	opts.DeviceFacts = devicesFacts[:2]
	_, err := Parse([]byte(in), opts)
	wantErr(t, err, libvirt.ErrInternalError, "device facts")
}

// An unprivileged container cannot be given devices: no device cgroup is
// written for it.
func TestDevicesUnprivileged(t *testing.T) {
	opts := testOptions(CgroupV1)
	opts.UserNS = &UserNS{UIDs: []subid.Range{{Start: 100000, Count: 65536}}, GIDs: []subid.Range{{Start: 100000, Count: 65536}}}
	_, err := Parse([]byte(edit{devs: `<disk type='block'><source dev='/dev/sdb'/><target dev='sdb'/></disk>`}.xml()), opts)
	wantErr(t, err, libvirt.ErrConfigUnsupported, "<disk> 'sdb'", "unprivileged")
}

// A root filesystem image or block device is LXC's loop storage, which
// attaches and clears its own loop device; the device nodes' mount
// entries are relative to it.
func TestRootImage(t *testing.T) {
	for _, c := range []struct{ fs, path string }{
		{"<filesystem type='file'><driver type='loop' format='raw'/><source file='/var/img/root.img'/>", "/var/img/root.img"},
		{"<filesystem type='block'><source dev='/dev/vdc'/>", "/dev/vdc"},
	} {
		in := strings.Replace(edit{devs: `<disk type='block'><source dev='/dev/loop3'/><target dev='sdb'/></disk>`}.xml(),
			"<filesystem type='mount'><source dir='/srv/mycontainer'/>", c.fs, 1)
		opts := testOptions(CgroupV1)
		opts.DeviceFacts = []DeviceFacts{{Path: "/dev/loop3", Type: 'b', Major: 7, Minor: 3}}
		m, err := Parse([]byte(in), opts)
		if err != nil {
			t.Fatal(err)
		}
		cfg := string(m.Config.Marshal())
		for _, line := range []string{
			"lxc.rootfs.path = loop:" + c.path,
			"lxc.mount.entry = /dev/loop3 dev/sdb none bind,create=file 0 0",
			"lxc.mount.entry = /var/lib/lxcfs/proc/meminfo proc/meminfo none bind,optional 0 0",
		} {
			if !strings.Contains(cfg, line+"\n") {
				t.Errorf("config lacks %q:\n%s", line, cfg)
			}
		}
		if m.RootImage != c.path || m.RootFS != "" {
			t.Errorf("RootImage %q RootFS %q; want %q and none", m.RootImage, m.RootFS, c.path)
		}
	}
}

// A USB device given by vendor and product is found at start: the facts
// name its node, which becomes its path inside and its <address> in the
// running definition.
func TestUSBByID(t *testing.T) {
	in := edit{devs: `<hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/><product id='0x0002'/></source></hostdev>`}.xml()
	m, err := Parse([]byte(in), testOptions(CgroupV1))
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Devices[0]; d.USB == nil || *d.USB != (USBID{0x1d6b, 0x0002}) || d.Source != "" {
		t.Fatalf("device = %+v", d)
	}
	opts := testOptions(CgroupV1)
	opts.DeviceFacts = []DeviceFacts{{Path: "/dev/bus/usb/002/007", Type: 'c', Major: 189, Minor: 134}}
	m, err = Parse([]byte(in), opts)
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(m.Config.Marshal())
	for _, line := range []string{
		"lxc.mount.entry = /dev/bus/usb/002/007 dev/bus/usb/002/007 none bind,create=file 0 0",
		"lxc.cgroup.devices.allow = c 189:134 rwm",
	} {
		if !strings.Contains(cfg, line+"\n") {
			t.Errorf("config lacks %q:\n%s", line, cfg)
		}
	}
	out, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "<address bus='2' device='7'/>") {
		t.Errorf("running definition lacks the found address:\n%s", out)
	}
}
