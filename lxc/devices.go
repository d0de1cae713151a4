package lxc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Host devices given to containers, as libvirt-lxc gives them: at a start
// the facts of each device (its node's type and number, a loop device for
// an image file, the filesystem on a mounted one) for the LXC config
// (PrepareDevices); on a running container, a device node made in or
// removed from its /dev with the device cgroup changed to match (AddNode,
// RemoveNode), as lxcDomainAttachDeviceMknod and
// lxcDomainAttachDeviceUnlink do.

// PrepareDevices resolves devs (xmlmap.Mapped.Devices) for a start: an
// image file is attached to a free loop device (raw, read-only when the
// device is), a node is stat'ed, a mounted device's filesystem is probed.
// It returns the facts in devs' order and the loop devices attached,
// which the caller releases (ReleaseLoops) when the container stops. On
// an error nothing stays attached; a *DeviceError names the device.
func (rt *Runtime) PrepareDevices(ctx context.Context, devs []xmlmap.Device) (facts []xmlmap.DeviceFacts, loops []Loop, err error) {
	defer func() {
		if err != nil {
			rt.ReleaseLoops(loops)
			loops = nil
		}
	}()
	for _, d := range devs {
		if d.USB != nil {
			p, err := findUSB(usbDevices, *d.USB)
			if err != nil {
				return nil, loops, &DeviceError{Elem: d.Elem, Err: err}
			}
			d.Source = p
		}
		if d.Source == "" {
			return nil, loops, &DeviceError{Elem: d.Elem, Err: ErrNoMedia}
		}
		node := d.Source
		if d.File {
			l, err := attachLoop(d.Source, d.ReadOnly)
			if err != nil {
				return nil, loops, &DeviceError{Elem: d.Elem, Err: err}
			}
			loops = append(loops, l)
			node = l.Device
		}
		f, err := nodeFacts(node)
		if err != nil {
			return nil, loops, &DeviceError{Elem: d.Elem, Err: err}
		}
		if d.Kind == xmlmap.DeviceMount && f.Type == 'b' {
			if f.FSType, err = rt.probeFS(ctx, f.Path); err != nil {
				return nil, loops, &DeviceError{Elem: d.Elem, Err: err}
			}
		}
		facts = append(facts, f)
	}
	return facts, loops, nil
}

// usbDevices is where the kernel lists USB devices.
const usbDevices = "/sys/bus/usb/devices"

// findUSB is the node (/dev/bus/usb/BBB/DDD) of the one USB device with
// id under root (sysfs's USB devices), as libvirt's virUSBDeviceFindByVendor
// finds it, with its errors.
func findUSB(root string, id xmlmap.USBID) (string, error) {
	ents, err := os.ReadDir(root)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("cannot list USB devices: %w", err)
	}
	var found []string
	for _, e := range ents {
		dir := filepath.Join(root, e.Name())
		vendor, err1 := readString(filepath.Join(dir, "idVendor"))
		product, err2 := readString(filepath.Join(dir, "idProduct"))
		if err1 != nil || err2 != nil || vendor != fmt.Sprintf("%04x", id.Vendor) || product != fmt.Sprintf("%04x", id.Product) {
			continue
		}
		bus, err1 := readUint(filepath.Join(dir, "busnum"))
		num, err2 := readUint(filepath.Join(dir, "devnum"))
		if err1 != nil || err2 != nil {
			continue
		}
		found = append(found, fmt.Sprintf("/dev/bus/usb/%03d/%03d", bus, num))
	}
	switch len(found) {
	case 0:
		return "", fmt.Errorf("Did not find USB device %04x:%04x", id.Vendor, id.Product)
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("Multiple USB devices for %x:%x, use <address> to specify one", id.Vendor, id.Product)
}

// ErrNoMedia is a disk without a source.
var ErrNoMedia = errors.New("Can't setup disk without media")

// ErrDeviceType marks a source that is not the kind of device node asked
// for (libvirt-lxc's "… must be a block device").
var ErrDeviceType = errors.New("wrong kind of device")

// deviceTypeError is an ErrDeviceType with libvirt-lxc's message.
type deviceTypeError string

func (e deviceTypeError) Error() string        { return string(e) }
func (e deviceTypeError) Is(target error) bool { return target == ErrDeviceType }

// DeviceError is a device a start cannot give the container.
type DeviceError struct {
	Elem string
	Err  error
}

func (e *DeviceError) Error() string { return e.Elem + ": " + e.Err.Error() }
func (e *DeviceError) Unwrap() error { return e.Err }

// nodeFacts stats a device node (following symlinks, as libvirt-lxc's
// stat does); the path in the facts is the node itself.
func nodeFacts(p string) (xmlmap.DeviceFacts, error) {
	var f xmlmap.DeviceFacts
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return f, fmt.Errorf("Unable to access %s: %w", p, err)
	}
	var st unix.Stat_t
	if err := unix.Stat(real, &st); err != nil {
		return f, fmt.Errorf("Unable to access %s: %w", p, err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		f.Type = 'b'
	case unix.S_IFCHR:
		f.Type = 'c'
	default:
		return f, deviceTypeError(fmt.Sprintf("Disk source %s must be a character/block device", p))
	}
	f.Path, f.Major, f.Minor = real, unix.Major(st.Rdev), unix.Minor(st.Rdev)
	return f, nil
}

// probeFS is the filesystem type on dev, as libvirt-lxc's
// lxcContainerMountDetectFilesystem asks libblkid (here blkid's low-level
// probe, without its cache).
func (rt *Runtime) probeFS(ctx context.Context, dev string) (string, error) {
	res, err := rt.r.exec1(ctx, []string{"blkid", "-p", "-o", "value", "-s", "TYPE", dev}, nil)
	if err != nil {
		return "", fmt.Errorf("cannot probe %s for a filesystem: %w", dev, err)
	}
	typ := strings.TrimSpace(string(res.Stdout))
	if res.ExitCode != 0 || typ == "" || strings.ContainsAny(typ, " \t\n,") {
		return "", fmt.Errorf("Failed to mount device %s, unable to detect filesystem", dev)
	}
	return typ, nil
}

// Loop is a loop device attached to an image file for a container. The
// backing file's device and inode tell it from a device someone else
// attached after it was released.
type Loop struct {
	Device string `json:"device"`
	File   string `json:"file"`
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
}

// attachLoop attaches file to a free loop device (LOOP_CTL_GET_FREE,
// LOOP_CONFIGURE), read-only when ro. The device is not set to clear
// itself: the container's node of it does not hold it open, so it lasts
// until ReleaseLoops.
func attachLoop(file string, ro bool) (Loop, error) {
	flags := unix.O_RDWR
	if ro {
		flags = unix.O_RDONLY
	}
	bf, err := os.OpenFile(file, flags|unix.O_CLOEXEC, 0)
	if err != nil {
		return Loop{}, fmt.Errorf("Unable to open %s: %w", file, err)
	}
	defer bf.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(bf.Fd()), &st); err != nil {
		return Loop{}, fmt.Errorf("cannot stat %s: %w", file, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return Loop{}, fmt.Errorf("%s is not a regular file", file)
	}
	ctl, err := os.OpenFile("/dev/loop-control", unix.O_RDWR|unix.O_CLOEXEC, 0)
	if err != nil {
		return Loop{}, fmt.Errorf("Unable to open /dev/loop-control: %w", err)
	}
	defer ctl.Close()
	cfg := unix.LoopConfig{Fd: uint32(bf.Fd())}
	if ro {
		cfg.Info.Flags = unix.LO_FLAGS_READ_ONLY
	}
	copy(cfg.Info.File_name[:len(cfg.Info.File_name)-1], file)
	// Another process may take the free device first: LOOP_CONFIGURE
	// then fails with EBUSY, and the next free one is tried.
	for range 16 {
		n, err := unix.IoctlRetInt(int(ctl.Fd()), unix.LOOP_CTL_GET_FREE)
		if err != nil {
			return Loop{}, fmt.Errorf("Unable to get a free loop device: %w", err)
		}
		dev := "/dev/loop" + strconv.Itoa(n)
		lf, err := os.OpenFile(dev, flags|unix.O_CLOEXEC, 0)
		if err != nil {
			return Loop{}, fmt.Errorf("Unable to open %s: %w", dev, err)
		}
		err = unix.IoctlLoopConfigure(int(lf.Fd()), &cfg)
		lf.Close()
		if errors.Is(err, unix.EBUSY) {
			continue
		}
		if err != nil {
			return Loop{}, fmt.Errorf("Unable to attach %s to loop device %s: %w", file, dev, err)
		}
		return Loop{Device: dev, File: file, Dev: st.Dev, Ino: st.Ino}, nil
	}
	return Loop{}, fmt.Errorf("Unable to attach %s: every free loop device was taken", file)
}

// ReleaseLoops detaches loops that are still attached to their file
// (LOOP_CLR_FD: the kernel detaches a device still in use, such as a
// filesystem a dying container still has mounted, when its last user
// closes it). Failures are logged.
func (rt *Runtime) ReleaseLoops(loops []Loop) {
	for _, l := range loops {
		if err := releaseLoop(l); err != nil {
			rt.log.Warn("cannot detach loop device", "device", l.Device, "file", l.File, "err", err)
		}
	}
}

func releaseLoop(l Loop) error {
	if !strings.HasPrefix(l.Device, "/dev/loop") {
		return fmt.Errorf("%s is not a loop device", l.Device)
	}
	f, err := os.OpenFile(l.Device, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := unix.IoctlLoopGetStatus64(int(f.Fd()))
	if errors.Is(err, unix.ENXIO) {
		return nil // not attached any more
	}
	if err != nil {
		return err
	}
	if info.Device != l.Dev || info.Inode != l.Ino {
		return nil // someone else's now
	}
	return unix.IoctlSetInt(int(f.Fd()), unix.LOOP_CLR_FD, 0)
}

// DeviceNode is a node to make in a running container.
type DeviceNode struct {
	// Source is the host's node; Path the node's path in the container.
	Source string
	Path   string
	// Type is 'b', 'c', or 0 for either; Access the cgroup's ("rwm" …).
	Type   byte
	Access string
}

// AddNode makes n in the running container: the device cgroup allows it
// (lxc-cgroup, which also reaches LXC's BPF device program on cgroup v2),
// then the node is created in the container's mount namespace (mode
// 0700, parents made), as libvirt-lxc's live attach does. On an error the
// cgroup rule is taken back.
func (c *Container) AddNode(ctx context.Context, n DeviceNode) error {
	f, err := nodeFacts(n.Source)
	if err != nil {
		return err
	}
	switch {
	case n.Type == 'b' && f.Type != 'b':
		return deviceTypeError(fmt.Sprintf("Disk source %s must be a block device", n.Source))
	case n.Type == 'c' && f.Type != 'c':
		return deviceTypeError(fmt.Sprintf("Hostdev source %s must be a character device", n.Source))
	}
	rule := fmt.Sprintf("%c %d:%d %s", f.Type, f.Major, f.Minor, n.Access)
	if err := c.rt.r.cgroupSet(ctx, c.name, "devices.allow", rule); err != nil {
		return err
	}
	mode := uint32(0o700 | unix.S_IFBLK)
	if f.Type == 'c' {
		mode = 0o700 | unix.S_IFCHR
	}
	err = c.inMountNS(func() error {
		if err := os.MkdirAll(filepath.Dir(n.Path), 0o755); err != nil {
			return err
		}
		return unix.Mknod(n.Path, mode, int(unix.Mkdev(f.Major, f.Minor)))
	})
	if err != nil {
		if derr := c.rt.r.cgroupSet(ctx, c.name, "devices.deny", rule); derr != nil {
			c.rt.log.Warn("cannot deny device again", "domain", c.name, "rule", rule, "err", derr)
		}
		return fmt.Errorf("Unable to create device %s: %w", n.Path, err)
	}
	return nil
}

// RemoveNode removes the node at path from the running container (a bind
// mount of the host's node, as a start makes them, is unmounted first)
// and denies its device in the device cgroup. A missing node is no error.
func (c *Container) RemoveNode(ctx context.Context, path string) error {
	var st unix.Stat_t
	found := false
	err := c.inMountNS(func() error {
		if err := unix.Stat(path, &st); err != nil {
			if errors.Is(err, unix.ENOENT) {
				return nil
			}
			return err
		}
		found = true
		if err := unix.Unmount(path, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
			return err
		}
		if err := unix.Unlink(path); err != nil && !errors.Is(err, unix.ENOENT) {
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("Unable to remove device %s: %w", path, err)
	}
	if !found {
		return nil
	}
	typ := byte('b')
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
	case unix.S_IFCHR:
		typ = 'c'
	default:
		return nil
	}
	rule := fmt.Sprintf("%c %d:%d rwm", typ, unix.Major(st.Rdev), unix.Minor(st.Rdev))
	return c.rt.r.cgroupSet(ctx, c.name, "devices.deny", rule)
}

// inMountNS runs fn on a thread of its own in the container's mount
// namespace (root and working directory at the container's root). The
// thread then returns to the host's mount namespace, so that it holds no
// reference to the container's mounts whatever becomes of it (Go keeps
// the main thread, wedged, when a goroutine locked to it exits), and is
// never used again.
func (c *Container) inMountNS(fn func() error) error {
	p := filepath.Join(c.rt.sys.procRoot, strconv.Itoa(c.pid), "ns", "mnt")
	fd, err := unix.Open(p, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return ErrNotRunning
		}
		return fmt.Errorf("cannot open %s: %w", p, err)
	}
	defer unix.Close(fd)
	if !c.Running() {
		return ErrNotRunning
	}
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // not unlocked: the thread dies with the goroutine
		host, err := unix.Open("/proc/thread-self/ns/mnt", unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			done <- fmt.Errorf("cannot open the host's mount namespace: %w", err)
			return
		}
		defer unix.Close(host)
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			done <- fmt.Errorf("unshare: %w", err)
			return
		}
		if err := unix.Setns(fd, unix.CLONE_NEWNS); err != nil {
			done <- fmt.Errorf("cannot enter the container's mount namespace: %w", err)
			return
		}
		ferr := fn()
		if err := unix.Setns(host, unix.CLONE_NEWNS); err != nil {
			c.rt.log.Error("cannot return to the host's mount namespace", "err", err)
		}
		done <- ferr
	}()
	return <-done
}

// cgroupSet runs lxc-cgroup: key = value in the container's cgroup.
func (r *Runner) cgroupSet(ctx context.Context, name, key, value string) error {
	_, err := r.run(ctx, "lxc-cgroup", name, []string{key, value}, 0)
	return err
}
