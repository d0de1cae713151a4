package xmlmap

import (
	"fmt"
	"path"
	"strconv"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// Host devices, as libvirt-lxc gives them to a container
// (lxc_controller.c virLXCControllerSetupAllDisks, SetupAllHostdevs,
// SetupLoopDevices; lxc_container.c lxcContainerMountFSBlock;
// lxc_cgroup.c virLXCCgroupSetupDeviceACL):
//
//   - <disk type='block'> (or type='file', through a loop device) becomes
//     the node /dev/<target dev> in the container;
//   - <hostdev mode='capabilities' type='storage'/'misc'> the node of its
//     <block>/<char> path, /dev/bus/usb/BBB/DDD for <hostdev
//     mode='subsystem' type='usb'>;
//   - <filesystem type='block'> (or type='file', through a loop device) is
//     mounted at its target;
//
// and each is allowed in the device cgroup. Device numbers, loop devices
// and filesystem types are host facts: the driver resolves them at each
// start (Options.DeviceFacts). Without them the definition is validated
// and Mapped.Devices lists what a start needs, but the config has none
// of their keys.

// DeviceKind tells what a Device becomes in the container.
type DeviceKind int

const (
	// DeviceNode is a device node (<disk>, <hostdev>).
	DeviceNode DeviceKind = iota
	// DeviceMount is a block filesystem mounted at Device.Target.
	DeviceMount
)

// Device is one host device a container gets.
type Device struct {
	Kind DeviceKind
	// Elem names the element for messages ("<disk> 'sdb'").
	Elem string
	// Source is the host path: a device node, or the image file a loop
	// device is attached to (File). Empty for a disk without media.
	Source string
	File   bool
	// Type is the node type the source must be: 'b' (block), 'c' (char),
	// or 0 for either (a disk).
	Type byte
	// Target is the node's path in the container (DeviceNode) or the
	// mount point (DeviceMount); for a USB device found by vendor and
	// product it is a placeholder until the host's facts name the node.
	Target string
	// USB is the vendor and product a USB device is found by at start,
	// when its <address> is not given.
	USB      *USBID
	ReadOnly bool
	// Access is what the device cgroup allows ("rwm", "rw", "r" …).
	Access string
}

// USBID is a USB device's vendor and product id.
type USBID struct{ Vendor, Product uint16 }

func (u USBID) String() string { return fmt.Sprintf("%04x:%04x", u.Vendor, u.Product) }

// DeviceFacts is what the host says of Mapped.Devices[i] at a start.
type DeviceFacts struct {
	// Path is the host device node: the source, or the loop device
	// attached to an image file.
	Path string
	// Type is 'b' or 'c'; Major and Minor its device number.
	Type         byte
	Major, Minor uint32
	// FSType is the filesystem on a DeviceMount's device.
	FSType string
}

// devNodes maps <disk> and the <hostdev> devices other than network ones
// (those are the network step's).
func (mp *mapper) devNodes() error {
	devs, err := mp.devices()
	if err != nil {
		return err
	}
	targets := map[string]string{}
	for i := range devs.Disks {
		if err := mp.disk(&devs.Disks[i], targets); err != nil {
			return err
		}
	}
	for i := range devs.Hostdevs {
		if err := mp.hostdev(&devs.Hostdevs[i], targets); err != nil {
			return err
		}
	}
	if f := mp.opts.DeviceFacts; f != nil && len(f) != len(mp.out.Devices) {
		return virterror.New(libvirt.ErrInternalError, "%d device facts for %d devices", len(f), len(mp.out.Devices))
	}
	return nil
}

func (mp *mapper) disk(x *libvirtxml.DomainDisk, targets map[string]string) error {
	if err := refuseOthers("disk", x, "Device", "Driver", "Source", "Target", "ReadOnly", "Shareable", "Alias", "Address", "Serial"); err != nil {
		return err
	}
	switch x.Device {
	case "", "disk", "lun", "cdrom", "floppy":
	default:
		return xmlErr("unknown disk device '%s'", x.Device)
	}
	if x.Target == nil || x.Target.Dev == "" {
		return xmlErr("missing <target dev> in <disk>")
	}
	if err := refuseOthers("target", x.Target, "Dev", "Bus"); err != nil {
		return err
	}
	name := x.Target.Dev
	if err := checkNodeName("<disk><target dev>", name); err != nil {
		return err
	}
	// What only a virtual machine's disk has, libvirt-lxc ignores.
	if x.Target.Bus != "" {
		mp.ignore("<disk><target bus>")
	}
	mp.ignoreFields("disk", x, "Shareable", "Serial", "Address")
	dev := Device{Kind: DeviceNode, Elem: fmt.Sprintf("<disk> '%s'", name), Target: "/dev/" + name,
		ReadOnly: x.ReadOnly != nil, Access: "rwm"}
	if dev.ReadOnly {
		dev.Access = "rm"
	}
	if src := x.Source; src != nil {
		switch {
		case src.Block != nil:
			if err := refuseOthers("source", src.Block, "Dev"); err != nil {
				return err
			}
			dev.Source = src.Block.Dev
		case src.File != nil:
			if err := refuseOthers("source", src.File, "File"); err != nil {
				return err
			}
			dev.Source, dev.File, dev.Type = src.File.File, true, 'b'
		default:
			return unsupported("<disk type='%s'> is not supported by the LXC driver (only 'block' and 'file')", setFieldName(src))
		}
		if err := refuseOthers("source", src, "File", "Block"); err != nil {
			return err
		}
	}
	if dev.Source != "" {
		p, err := checkFieldPath("<disk><source>", dev.Source)
		if err != nil {
			return err
		}
		dev.Source = p
		setDiskSource(x.Source, p)
	}
	if err := diskDriver(x, dev.File); err != nil {
		return err
	}
	return mp.addDevice(dev, targets)
}

func setDiskSource(src *libvirtxml.DomainDiskSource, p string) {
	if src.Block != nil {
		src.Block.Dev = p
	} else {
		src.File.File = p
	}
}

// diskDriver checks <disk><driver name type> as libvirt-lxc's
// virLXCControllerSetupLoopDevices does for an image file: no driver or
// 'loop' with a raw (or no) format is a loop device; an other format or
// 'nbd' needs qemu-nbd, which the LXC driver does not drive.
func diskDriver(x *libvirtxml.DomainDisk, file bool) error {
	drv := x.Driver
	if drv == nil {
		return nil
	}
	if err := refuseOthers("driver", drv, "Name", "Type"); err != nil {
		return err
	}
	if !file {
		return nil
	}
	raw := drv.Type == "" || drv.Type == "raw" || drv.Type == "none"
	switch {
	case drv.Name == "loop" && !raw:
		return unsupported("disk format %s is not supported", drv.Type)
	case drv.Name == "loop" || drv.Name == "" && raw:
		return nil
	case drv.Name == "" || drv.Name == "nbd":
		return unsupported("<disk> '%s': an image of format '%s' needs an NBD device (qemu-nbd), which the LXC driver does not support; use a raw image", x.Target.Dev, orRaw(drv.Type))
	}
	return unsupported("disk driver %s is not supported", drv.Name)
}

func orRaw(format string) string {
	if format == "" {
		return "raw"
	}
	return format
}

// hostdev maps a <hostdev> that is not a network device.
func (mp *mapper) hostdev(h *libvirtxml.DomainHostdev, targets map[string]string) error {
	var dev Device
	switch {
	case h.CapsNet != nil:
		return nil
	case h.CapsStorage != nil, h.CapsMisc != nil:
		if err := refuseOthers("hostdev", h, "CapsStorage", "CapsMisc", "Alias"); err != nil {
			return err
		}
		elem, src := "block", ""
		dev.Type = 'b'
		if h.CapsStorage != nil {
			if h.CapsStorage.Source != nil {
				src = h.CapsStorage.Source.Block
			}
		} else {
			elem, dev.Type = "char", 'c'
			if h.CapsMisc.Source != nil {
				src = h.CapsMisc.Source.Char
			}
		}
		if src == "" {
			return xmlErr("Missing <%s> element in hostdev device", elem)
		}
		p, err := checkFieldPath(fmt.Sprintf("<hostdev><source><%s>", elem), src)
		if err != nil {
			return err
		}
		// libvirt-lxc makes the node at the host path with its first
		// component replaced by /dev (virLXCControllerSetupHostdevCaps*).
		rest := strings.TrimPrefix(p, "/")
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return xmlErr("<hostdev><source><%s> %q: expected a device path such as /dev/NAME", elem, p)
		}
		if h.CapsStorage != nil {
			h.CapsStorage.Source.Block = p
		} else {
			h.CapsMisc.Source.Char = p
		}
		dev.Elem = fmt.Sprintf("<hostdev> '%s'", p)
		dev.Source, dev.Target = p, path.Join("/dev", rest[i:])
	case h.SubsysUSB != nil:
		if err := refuseOthers("hostdev", h, "SubsysUSB", "Managed", "Alias"); err != nil {
			return err
		}
		s := h.SubsysUSB.Source
		if s == nil {
			return xmlErr("<hostdev type='usb'> needs a <source>")
		}
		if err := refuseOthers("source", s, "Address", "Vendor", "Product", "StartUpPolicy"); err != nil {
			return err
		}
		if s.Address == nil {
			// Found at start by vendor and product, as libvirt's
			// virHostdevFindUSBDevice finds it.
			id, err := usbID(s)
			if err != nil {
				return err
			}
			dev.Elem, dev.USB, dev.Type = "<hostdev> USB "+id.String(), &id, 'c'
			dev.Target = "usb:" + id.String()
			break
		}
		if s.Address.Bus == nil || s.Address.Device == nil {
			return xmlErr("<hostdev type='usb'><address> needs bus and device")
		}
		if err := refuseOthers("address", s.Address, "Bus", "Device"); err != nil {
			return err
		}
		bus, num := *s.Address.Bus, *s.Address.Device
		if bus > 999 || num > 999 {
			return xmlErr("<hostdev type='usb'><address bus='%d' device='%d'> is out of range", bus, num)
		}
		p := fmt.Sprintf("/dev/bus/usb/%03d/%03d", bus, num)
		dev.Elem, dev.Source, dev.Target, dev.Type = fmt.Sprintf("<hostdev> USB %03d:%03d", bus, num), p, p, 'c'
	default:
		mode, typ := "subsystem", "unknown"
		forEachSetField(h, func(f string) {
			if strings.HasPrefix(f, "Caps") {
				mode, typ = "capabilities", strings.ToLower(strings.TrimPrefix(f, "Caps"))
			} else if t, ok := strings.CutPrefix(f, "Subsys"); ok {
				typ = strings.ToLower(t)
			}
		})
		return unsupported("<hostdev mode='%s' type='%s'> is not supported by the LXC driver", mode, typ)
	}
	dev.Kind, dev.Access = DeviceNode, "rwm"
	return mp.addDevice(dev, targets)
}

// blockMount maps a <filesystem type='block'/'file'> on target: the
// device (or the loop device of the image) is mounted there, as
// libvirt-lxc's lxcContainerMountFSBlock does, with its detected type.
func (mp *mapper) blockMount(fs *libvirtxml.DomainFilesystem, target string) error {
	dev := Device{Kind: DeviceMount, Target: target, ReadOnly: fs.ReadOnly != nil, Access: "rw"}
	if dev.ReadOnly {
		dev.Access = "r"
	}
	src := fs.Source
	var err error
	if src.Block != nil {
		dev.Elem, dev.Type = fmt.Sprintf("<filesystem type='block'> on '%s'", target), 'b'
		if dev.Source, err = checkFieldPath("<filesystem><source dev>", src.Block.Dev); err != nil {
			return err
		}
		src.Block.Dev = dev.Source
		if fs.Driver != nil && fs.Driver.Type != "" && fs.Driver.Type != "path" {
			return unsupported("<filesystem type='block'><driver type='%s'> is not supported by the LXC driver", fs.Driver.Type)
		}
	} else {
		dev.Elem, dev.Type, dev.File = fmt.Sprintf("<filesystem type='file'> on '%s'", target), 'b', true
		if dev.Source, err = checkFieldPath("<filesystem><source file>", src.File.File); err != nil {
			return err
		}
		src.File.File = dev.Source
		if err := fsDriver(fs.Driver, dev.Elem); err != nil {
			return err
		}
	}
	if err := mp.addDevice(dev, nil); err != nil {
		return err
	}
	f := mp.facts()
	if f == nil {
		return nil
	}
	opts := "rw"
	if dev.ReadOnly {
		opts = "ro"
	}
	mp.mounts = append(mp.mounts, Entry{Key: "lxc.mount.entry",
		Value: fmt.Sprintf("%s %s %s %s,create=dir 0 0", f.Path, target, f.FSType, opts)})
	return nil
}

// fsDriver checks the <driver> of a <filesystem type='file'> as
// virLXCControllerSetupLoopDevices: a loop device for a raw image (the
// default), NBD (qemu-nbd) for the other formats, which the LXC driver
// does not drive.
func fsDriver(drv *libvirtxml.DomainFilesystemDriver, elem string) error {
	if drv == nil {
		return nil
	}
	raw := drv.Format == "" || drv.Format == "raw"
	switch {
	case drv.Type == "loop" && !raw:
		return unsupported("fs format %s is not supported", drv.Format)
	case drv.Type == "loop" || drv.Type == "" && raw:
		return nil
	case drv.Type == "" || drv.Type == "nbd":
		return unsupported("%s: an image of format '%s' needs an NBD device (qemu-nbd), which the LXC driver does not support; use a raw image", elem, orRaw(drv.Format))
	}
	return unsupported("fs driver %s is not supported", drv.Type)
}

// addDevice records dev (checking that no two nodes share a path, when
// targets is given) and, with the host's facts, writes its keys: the
// device cgroup rule, and for a node the bind mount of the host's node
// over a file LXC creates in the container's /dev (lxc.autodev).
func (mp *mapper) addDevice(dev Device, targets map[string]string) error {
	if mp.opts.UserNS != nil {
		return unsupported("%s cannot be given to an unprivileged container: it needs the device cgroup, which only root sets", dev.Elem)
	}
	if dev.Kind == DeviceNode && autodevPath(dev.Target, len(mp.d.Devices.Consoles)) {
		return unsupported("%s: %s is one of the nodes every container's /dev has (LXC makes it)", dev.Elem, dev.Target)
	}
	if targets != nil {
		if other, ok := targets[dev.Target]; ok {
			return xmlErr("%s: target %s is used by %s too", dev.Elem, dev.Target, other)
		}
		targets[dev.Target] = dev.Elem
	}
	mp.out.Devices = append(mp.out.Devices, dev)
	f := mp.facts()
	if f == nil {
		return nil
	}
	if dev.USB != nil {
		if err := mp.foundUSB(&dev, f); err != nil {
			return err
		}
	}
	if err := checkFacts(dev, f); err != nil {
		return err
	}
	mp.grants = append(mp.grants, DeviceRule{Type: f.Type, Major: f.Major, Minor: int64(f.Minor), Access: dev.Access})
	if dev.Kind == DeviceNode {
		target := dev.Target
		if mp.hasRoot {
			target = strings.TrimPrefix(target, "/")
		}
		mp.mounts = append(mp.mounts, Entry{Key: "lxc.mount.entry",
			Value: fmt.Sprintf("%s %s none bind,create=file 0 0", f.Path, target)})
	}
	return nil
}

// facts are the host's facts for the device just added; nil at define.
func (mp *mapper) facts() *DeviceFacts {
	i := len(mp.out.Devices) - 1
	if mp.opts.DeviceFacts == nil || i >= len(mp.opts.DeviceFacts) {
		return nil
	}
	return &mp.opts.DeviceFacts[i]
}

// checkFacts checks what the host says of dev against what dev must be,
// with libvirt-lxc's errors.
func checkFacts(dev Device, f *DeviceFacts) error {
	if f.Type != 'b' && f.Type != 'c' {
		return virterror.New(libvirt.ErrInternalError, "%s: bad device type %q", dev.Elem, f.Type)
	}
	if _, err := checkFieldPath(dev.Elem, f.Path); err != nil {
		return err
	}
	switch {
	case dev.Type == 'b' && f.Type != 'b' && dev.Kind == DeviceMount:
		return unsupported("%s: %s is not a block device", dev.Elem, dev.Source)
	case dev.Type == 'b' && f.Type != 'b':
		return unsupported("Storage source %s must be a block device", dev.Source)
	case dev.Type == 'c' && f.Type != 'c' && strings.HasPrefix(dev.Source, "/dev/bus/usb/"):
		return unsupported("USB source %s was not a character device", dev.Source)
	case dev.Type == 'c' && f.Type != 'c':
		return unsupported("Storage source %s must be a character device", dev.Source)
	}
	if dev.Kind == DeviceMount {
		if f.FSType == "" || strings.ContainsAny(f.FSType, " \t\n,") {
			return unsupported("Failed to mount device %s to %s, unable to detect filesystem", f.Path, dev.Target)
		}
	}
	return nil
}

// checkNodeName validates the name of a node made in the container's
// /dev (a disk's target).
func checkNodeName(field, name string) error {
	if err := checkText(field, name); err != nil {
		return err
	}
	switch {
	case len(name) > 64:
		return xmlErr("%s %q is longer than 64 bytes", field, name)
	case name == "." || name == "..":
		return xmlErr("%s %q is not a valid device name", field, name)
	case strings.ContainsAny(name, "/ \t\\"):
		return xmlErr("%s %q must not contain '/', '\\' or spaces", field, name)
	}
	return nil
}

// rootImage maps a root <filesystem type='file'> (a raw image) or
// type='block', which libvirt-lxc mounts as the container's root
// (lxcContainerPrepareRoot) through a loop device for an image: LXC's
// loop storage (lxc.rootfs.path = loop:PATH) attaches it to a loop
// device that clears itself once the container is gone, and mounts it
// with the filesystem type it finds, as libvirt-lxc probes it. A block
// device is reached through a loop device on it the same way.
func (mp *mapper) rootImage(root *libvirtxml.DomainFilesystem) error {
	src := root.Source
	var p string
	var err error
	if src.File != nil {
		if p, err = checkPath("root <filesystem><source file>", src.File.File); err != nil {
			return err
		}
		src.File.File = p
		if err := fsDriver(root.Driver, "root <filesystem type='file'>"); err != nil {
			return err
		}
	} else {
		if p, err = checkPath("root <filesystem><source dev>", src.Block.Dev); err != nil {
			return err
		}
		src.Block.Dev = p
	}
	if mp.opts.UserNS != nil {
		return unsupported("a root filesystem image or block device cannot be given to an unprivileged container")
	}
	os := mp.d.OS
	for _, id := range []string{os.InitUser, os.InitGroup} {
		if _, err := strconv.ParseUint(id, 10, 32); id != "" && err != nil {
			return unsupported("<inituser>/<initgroup> by name with a root filesystem image or block device is not supported by the LXC driver (give numeric ids)")
		}
	}
	mp.out.RootImage = p
	mp.add("lxc.rootfs.path", "loop:"+p)
	if root.ReadOnly != nil {
		mp.add("lxc.rootfs.options", "ro")
	}
	return nil
}

// autodevPath reports whether p is, or lies under, what LXC puts in every
// container's /dev (lxc.autodev, the console and the ttys tty1 … ttyN of
// the container's N consoles, devpts, /dev/.lxc): a device's node there
// would hide it, where libvirt-lxc's mknod fails.
func autodevPath(p string, ttys int) bool {
	rest, _ := strings.CutPrefix(p, "/dev/")
	first, _, under := strings.Cut(rest, "/")
	switch first {
	case "pts", "shm", "mqueue", "hugepages", ".lxc", "lxc", "fd":
		return true
	case "null", "zero", "full", "random", "urandom", "tty", "console", "ptmx", "stdin", "stdout", "stderr", "kmsg", "initctl", "log":
		return !under
	}
	n, err := strconv.Atoi(strings.TrimPrefix(first, "tty"))
	return strings.HasPrefix(first, "tty") && !under && err == nil && n >= 1 && n <= ttys
}

// usbID reads a USB hostdev's <vendor id> and <product id> (both needed
// without an <address>).
func usbID(s *libvirtxml.DomainHostdevSubsysUSBSource) (USBID, error) {
	if s.Vendor == nil || s.Product == nil {
		return USBID{}, xmlErr("<hostdev type='usb'> needs <source><address bus device> or <vendor id> and <product id>")
	}
	var id USBID
	for _, f := range []struct {
		elem string
		val  string
		out  *uint16
	}{{"vendor", s.Vendor.ID, &id.Vendor}, {"product", s.Product.ID, &id.Product}} {
		n, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(f.val), "0x"), 16, 16)
		if err != nil || !strings.HasPrefix(strings.ToLower(f.val), "0x") {
			return USBID{}, xmlErr("<hostdev type='usb'><%s id='%s'>: expected a hexadecimal id such as 0x1234", f.elem, f.val)
		}
		*f.out = uint16(n)
	}
	return id, nil
}

// foundUSB completes a USB device found by vendor and product with the
// node the host's facts name (/dev/bus/usb/BBB/DDD): its path in the
// container, and the <address> the running definition shows, as libvirt
// fills it in.
func (mp *mapper) foundUSB(dev *Device, f *DeviceFacts) error {
	var bus, num uint
	if _, err := fmt.Sscanf(f.Path, "/dev/bus/usb/%03d/%03d", &bus, &num); err != nil || f.Path != fmt.Sprintf("/dev/bus/usb/%03d/%03d", bus, num) {
		return virterror.New(libvirt.ErrInternalError, "%s: %q is not a USB device node", dev.Elem, f.Path)
	}
	dev.Source, dev.Target = f.Path, f.Path
	mp.out.Devices[len(mp.out.Devices)-1] = *dev
	for i := range mp.d.Devices.Hostdevs {
		u := mp.d.Devices.Hostdevs[i].SubsysUSB
		if u != nil && u.Source != nil && u.Source.Address == nil {
			if id, err := usbID(u.Source); err == nil && id == *dev.USB {
				u.Source.Address = &libvirtxml.DomainAddressUSB{Bus: &bus, Device: &num}
				break
			}
		}
	}
	return nil
}
