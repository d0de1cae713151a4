//go:build integration

package integration

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin/plugintest"
)

// loopWithMarker attaches a file of the test's own, holding marker at its
// start, to a loop device (losetup; detached when the test ends) and
// returns the device.
func loopWithMarker(t *testing.T, marker string) string {
	t.Helper()
	img := filepath.Join(t.TempDir(), "disk.img")
	data := make([]byte, 1<<20)
	copy(data, marker)
	must(t, os.WriteFile(img, data, 0o600))
	out, err := runTool("losetup", "--find", "--show", img)
	if err != nil {
		t.Fatalf("losetup: %v\n%s", err, out)
	}
	dev := strings.TrimSpace(out)
	t.Cleanup(func() { _, _ = runTool("losetup", "-d", dev) })
	return dev
}

// loopsOf lists the loop devices attached to file.
func loopsOf(t *testing.T, file string) string {
	t.Helper()
	out, err := runTool("losetup", "-n", "-O", "NAME", "-j", file)
	if err != nil {
		t.Fatalf("losetup -j: %v\n%s", err, out)
	}
	return strings.TrimSpace(out)
}

func randomMarker(what string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "lxcvirt-" + what + "-" + hex.EncodeToString(b)
}

// A <disk type='block'> on a loop device the test made is /dev/<target>
// in the container, readable there; a <filesystem type='file'> holding an
// ext4 image is mounted at its target (its loop device attached by the
// driver, gone again after destroy); a disk attached live with virsh
// attach-device is there with a device-added event, and leaves with
// detach-device and device-removed; --config changes only the definition;
// a <hostdev> storage device is its host path inside; the device cgroup
// allows nothing else.
func TestDevicesVirsh(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("devs")

	diskMarker := randomMarker("disk")
	disk := loopWithMarker(t, diskMarker)

	fsMarker := randomMarker("fs")
	content := t.TempDir()
	must(t, os.WriteFile(filepath.Join(content, "marker"), []byte(fsMarker), 0o644))
	img := filepath.Join(t.TempDir(), "fs.img")
	must(t, os.WriteFile(img, nil, 0o600))
	must(t, os.Truncate(img, 16<<20))
	if out, err := runTool("mkfs.ext4", "-q", "-F", "-d", content, img); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}

	hostdevMarker := randomMarker("hostdev")
	hostdev := loopWithMarker(t, hostdevMarker)

	devs := fmt.Sprintf(`<disk type='block' device='disk'><source dev='%s'/><target dev='sdb'/></disk>
    <filesystem type='file'><driver type='loop' format='raw'/><source file='%s'/><target dir='/data'/></filesystem>
    <hostdev mode='capabilities' type='storage'><source><block>%s</block></source></hostdev>
  </devices>`, disk, img, hostdev)
	xml := strings.Replace(guestXML(name, h.rootfs(testenv.InitHonoursHalt), ""), "</devices>", devs, 1)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)
	ev := d.watchEvents()

	if out, err := h.inGuest(name, "head", "-c", fmt.Sprint(len(diskMarker)), "/dev/sdb"); err != nil || out != diskMarker {
		t.Errorf("/dev/sdb in the container reads %q (%v); want %q", out, err, diskMarker)
	}
	if out, err := h.inGuest(name, "head", "-c", fmt.Sprint(len(hostdevMarker)), hostdev); err != nil || out != hostdevMarker {
		t.Errorf("hostdev %s in the container reads %q (%v); want %q", hostdev, out, err, hostdevMarker)
	}
	// Another loop device cannot be reached: no node is made for it, and
	// the container can neither make one (mknod is dropped) nor open one
	// (the device cgroup allows only the devices given).
	if out, err := h.inGuest(name, "sh", "-c", "mknod /tmp/other b 7 200 && head -c 1 /tmp/other"); err == nil {
		t.Errorf("a device not given to the container can be read: %q", out)
	}
	if out, err := h.inGuest(name, "cat", "/data/marker"); err != nil || out != fsMarker {
		t.Errorf("/data/marker in the container reads %q (%v); want %q", out, err, fsMarker)
	}
	if loops := loopsOf(t, img); loops == "" || strings.Contains(loops, "\n") {
		t.Errorf("loop devices on the image while running: %q; want one", loops)
	}

	hotMarker := randomMarker("hot")
	hot := loopWithMarker(t, hotMarker)
	hotXML := writeXML(t, fmt.Sprintf(`<disk type='block' device='disk'><source dev='%s'/><target dev='sdc'/></disk>`, hot))
	d.ok("attach-device", name, hotXML, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': disk1", name))
	if out, err := h.inGuest(name, "head", "-c", fmt.Sprint(len(hotMarker)), "/dev/sdc"); err != nil || out != hotMarker {
		t.Errorf("hot-plugged /dev/sdc reads %q (%v); want %q", out, err, hotMarker)
	}
	if x := d.ok("dumpxml", name); !strings.Contains(x, "<target dev='sdc'") {
		t.Errorf("live XML lacks the attached disk:\n%s", x)
	}
	d.ok("detach-device", name, hotXML, "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': disk1", name))
	if out, err := h.inGuest(name, "test", "-e", "/dev/sdc"); err == nil {
		t.Errorf("/dev/sdc still in the container after detach-device: %s", out)
	}

	// virsh attach-disk and detach-disk write the same device XML.
	d.ok("attach-disk", name, hot, "sdd", "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': disk1", name))
	if out, err := h.inGuest(name, "head", "-c", fmt.Sprint(len(hotMarker)), "/dev/sdd"); err != nil || out != hotMarker {
		t.Errorf("/dev/sdd from attach-disk reads %q (%v); want %q", out, err, hotMarker)
	}
	d.ok("detach-disk", name, "sdd", "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': disk1", name))

	// A char device (misc hostdev) attached live can be opened inside,
	// and is gone again after detach-device.
	tunXML := writeXML(t, `<hostdev mode='capabilities' type='misc'><source><char>/dev/net/tun</char></source></hostdev>`)
	d.ok("attach-device", name, tunXML, "--live")
	ev.want(fmt.Sprintf("event 'device-added' for domain '%s': hostdev1", name))
	if out, err := h.inGuest(name, "sh", "-c", "exec 3</dev/net/tun"); err != nil {
		t.Errorf("opening the hot-plugged /dev/net/tun: %v\n%s", err, out)
	}
	d.ok("detach-device", name, tunXML, "--live")
	ev.want(fmt.Sprintf("event 'device-removed' for domain '%s': hostdev1", name))
	if out, err := h.inGuest(name, "test", "-e", "/dev/net/tun"); err == nil {
		t.Errorf("/dev/net/tun still in the container after detach-device: %s", out)
	}

	// --config changes the definition only.
	d.ok("attach-device", name, hotXML, "--config")
	if x := d.ok("dumpxml", name, "--inactive"); !strings.Contains(x, "<target dev='sdc'") {
		t.Errorf("definition lacks the disk attached with --config:\n%s", x)
	}
	if out, err := h.inGuest(name, "test", "-e", "/dev/sdc"); err == nil {
		t.Errorf("a --config attach made /dev/sdc in the running container: %s", out)
	}
	if msg := d.failsOn(d.sock, "attach-device", name, hotXML, "--config"); !strings.Contains(msg, "target sdc already exists") {
		t.Errorf("a second --config attach: %q", msg)
	}
	d.ok("detach-device", name, hotXML, "--config")
	if x := d.ok("dumpxml", name, "--inactive"); strings.Contains(x, "<target dev='sdc'") {
		t.Errorf("definition keeps the disk detached with --config:\n%s", x)
	}

	d.ok("destroy", name)
	testenv.Eventually(t, 10*time.Second, 50*time.Millisecond, "the image's loop device detached", func() (bool, string) {
		loops := loopsOf(t, img)
		return loops == "", loops
	})
}

// A root <filesystem type='file'> holding an ext4 image of a busybox root
// filesystem boots (LXC's loop storage attaches and mounts it), and its
// loop device is gone after destroy; so does a root <filesystem
// type='block'> on a block device holding it.
func TestRootImageVirsh(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("devroot")

	dir := h.rootfs(testenv.InitHonoursHalt)
	marker := randomMarker("root")
	must(t, os.WriteFile(filepath.Join(dir, "marker"), []byte(marker), 0o644))
	img := filepath.Join(t.TempDir(), "root.img")
	must(t, os.WriteFile(img, nil, 0o600))
	must(t, os.Truncate(img, 64<<20))
	if out, err := runTool("mkfs.ext4", "-q", "-F", "-d", dir, img); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	xml := strings.Replace(guestXML(name, dir, ""),
		fmt.Sprintf("<filesystem type='mount'><source dir='%s'/>", dir),
		fmt.Sprintf("<filesystem type='file'><driver type='loop' format='raw'/><source file='%s'/>", img), 1)
	d.ok("define", writeXML(t, xml))
	d.ok("start", name)
	if out, err := h.inGuest(name, "cat", "/marker"); err != nil || out != marker {
		t.Errorf("/marker in the container reads %q (%v); want %q", out, err, marker)
	}
	if loops := loopsOf(t, img); loops == "" {
		t.Error("no loop device on the root image while running")
	}
	d.ok("destroy", name)
	testenv.Eventually(t, 10*time.Second, 50*time.Millisecond, "the root image's loop device detached", func() (bool, string) {
		loops := loopsOf(t, img)
		return loops == "", loops
	})

	// The same image on a block device (a loop device the test made) as
	// a root <filesystem type='block'>.
	out, err := runTool("losetup", "--find", "--show", img)
	if err != nil {
		t.Fatalf("losetup: %v\n%s", err, out)
	}
	dev := strings.TrimSpace(out)
	t.Cleanup(func() { _, _ = runTool("losetup", "-d", dev) })
	block := h.name("devblk")
	d.ok("define", writeXML(t, strings.Replace(strings.Replace(xml, name, block, 1),
		fmt.Sprintf("<filesystem type='file'><driver type='loop' format='raw'/><source file='%s'/>", img),
		fmt.Sprintf("<filesystem type='block'><source dev='%s'/>", dev), 1)))
	d.ok("start", block)
	if out, err := h.inGuest(block, "cat", "/marker"); err != nil || out != marker {
		t.Errorf("/marker in the block-rooted container reads %q (%v); want %q", out, err, marker)
	}
	d.ok("destroy", block)
	testenv.Eventually(t, 10*time.Second, 50*time.Millisecond, "the loop device on the root block device detached", func() (bool, string) {
		loops := loopsOf(t, dev)
		return loops == "", loops
	})
}

// A start that fails leaves no loop device behind: an image without a
// filesystem fails at the probe, naming the element; one LXC cannot start
// (a mount source that does not exist) fails after the image was attached.
func TestDevicesFailedStart(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	root := h.rootfs(testenv.InitHonoursHalt)

	blank := filepath.Join(t.TempDir(), "blank.img")
	must(t, os.WriteFile(blank, make([]byte, 1<<20), 0o600))
	name := h.name("devfail")
	devs := fmt.Sprintf(`<filesystem type='file'><source file='%s'/><target dir='/data'/></filesystem>
  </devices>`, blank)
	d.ok("define", writeXML(t, strings.Replace(guestXML(name, root, ""), "</devices>", devs, 1)))
	if msg := d.failsOn(d.sock, "start", name); !strings.Contains(msg, "<filesystem type='file'> on '/data'") || !strings.Contains(msg, "unable to detect filesystem") {
		t.Errorf("start with a blank image: %q", msg)
	}
	if loops := loopsOf(t, blank); loops != "" {
		t.Errorf("loop devices left on the blank image: %q", loops)
	}

	content := t.TempDir()
	img := filepath.Join(t.TempDir(), "fs.img")
	must(t, os.WriteFile(img, nil, 0o600))
	must(t, os.Truncate(img, 16<<20))
	if out, err := runTool("mkfs.ext4", "-q", "-F", "-d", content, img); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	name2 := h.name("devfail")
	devs = fmt.Sprintf(`<filesystem type='file'><source file='%s'/><target dir='/data'/></filesystem>
    <filesystem type='mount'><source dir='%s'/><target dir='/gone'/></filesystem>
  </devices>`, img, filepath.Join(t.TempDir(), "missing"))
	d.ok("define", writeXML(t, strings.Replace(guestXML(name2, root, ""), "</devices>", devs, 1)))
	d.failsOn(d.sock, "start", name2)
	testenv.Eventually(t, 10*time.Second, 50*time.Millisecond, "the image's loop device detached after the failed start", func() (bool, string) {
		loops := loopsOf(t, img)
		return loops == "", loops
	})
}

// The loop device of a running domain's image outlives a killed driver
// plugin: the new plugin re-adopts the domain with it, and detaches it
// when the domain is destroyed.
func TestDevicesLoopAcrossPluginRestart(t *testing.T) {
	h := newHost(t)
	s := superviseDriver(t, h, plugintest.Driver(t))
	ctx := t.Context()

	img := filepath.Join(t.TempDir(), "fs.img")
	must(t, os.WriteFile(img, nil, 0o600))
	must(t, os.Truncate(img, 16<<20))
	if out, err := runTool("mkfs.ext4", "-q", "-F", img); err != nil {
		t.Fatalf("mkfs.ext4: %v\n%s", err, out)
	}
	xml := strings.Replace(smallXML(h.name("devplug"), h.rootfs(testenv.InitHonoursHalt), ""), "</devices>",
		fmt.Sprintf("<filesystem type='file'><source file='%s'/><target dir='/data'/></filesystem></devices>", img), 1)
	dom, err := s.DefineXML(ctx, xml, 0)
	must(t, err)
	dom, err = s.Create(ctx, dom.UUID, 0)
	must(t, err)
	loops := loopsOf(t, img)
	if loops == "" {
		t.Fatal("no loop device on the image while running")
	}

	pid := s.PID()
	must(t, syscall.Kill(pid, syscall.SIGKILL))
	testenv.Eventually(t, patience, 50*time.Millisecond, "a new driver plugin re-adopting the domain", func() (bool, string) {
		st, err := s.Status(ctx, dom.UUID)
		return err == nil && s.PID() != pid && st.State == libvirt.DomainRunning, fmt.Sprint(st, err)
	})
	if got := loopsOf(t, img); got != loops {
		t.Errorf("loop devices after the restart: %q; want %q", got, loops)
	}
	must(t, s.Destroy(ctx, dom.UUID, 0))
	testenv.Eventually(t, 10*time.Second, 50*time.Millisecond, "the image's loop device detached", func() (bool, string) {
		loops := loopsOf(t, img)
		return loops == "", loops
	})
}
