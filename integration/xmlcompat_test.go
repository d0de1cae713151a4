//go:build integration

package integration

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// xcInit prints, on the console, what libvirt-lxc hands a guest's init:
// <os><cmdline> as LIBVIRT_LXC_CMDLINE and Nova's <initenv>.
const xcInit = `#!/bin/sh
trap 'exit 0' PWR TERM
echo "xmlcompat-boot cmdline=[$LIBVIRT_LXC_CMDLINE] product=[$product_name]"
while :; do sleep 1000 & wait $!; done
`

const xcMarker = "xmlcompat-boot cmdline=[console=tty0 console=ttyS0 console=hvc0] product=[OpenStack Nova]"

// xcNovaXML is the guest XML Nova's own driver code wrote
// (testdata/xmlmap/nova-lxc.xml) with this test's name, UUID, rootfs,
// console log, bridge and host device put in.
func xcNovaXML(t *testing.T, name, uuid, rootfs, logFile, tap, appendMode string) string {
	t.Helper()
	text, err := os.ReadFile("../testdata/xmlmap/nova-lxc.xml")
	if err != nil {
		t.Fatal(err)
	}
	const instDir = "/var/lib/nova/instances/8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d"
	out := strings.NewReplacer(
		"instance-00000001", name,
		"8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d</uuid>", uuid+"</uuid>",
		instDir+"/rootfs", rootfs,
		instDir+"/console.log\" append=\"off\"", logFile+"\" append=\""+appendMode+"\"",
		"bridge=\"br100\"", "bridge=\""+testenv.Bridge+"\"",
		"tap0a1b2c3d-4e", tap,
	).Replace(string(text))
	for _, want := range []string{name, rootfs, logFile, tap, "<cmdline>", "<controller type=\"usb\""} {
		if !strings.Contains(out, want) {
			t.Fatalf("Nova's XML lacks %q after substitution:\n%s", want, out)
		}
	}
	return out
}

// xcWaitLog polls the console log until cond holds, failing the test
// after timeout.
func xcWaitLog(t *testing.T, path, what string, timeout time.Duration, cond func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		b, err := os.ReadFile(path)
		if err == nil && cond(string(b)) {
			return string(b)
		}
		if time.Now().After(deadline) {
			t.Fatalf("console log %s: %s not seen within %v (err %v):\n%s", path, what, timeout, err, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestXMLCompatNovaConsoleLog defines and runs the LXC guest XML that
// Nova's own code builds: <os><cmdline> reaches init as
// LIBVIRT_LXC_CMDLINE, the console output lands in <log file>, which
// append='off' empties on every start and append='on' keeps, the tap
// target names the host veth with Nova's MTU, and the elements libvirt-lxc
// ignores stay in the XML.
func TestXMLCompatNovaConsoleLog(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("xc-nova")
	rootfs := h.rootfs(xcInit)
	logFile := filepath.Join(t.TempDir(), "console.log")
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	tap := "tapxc" + hex.EncodeToString(b[:4])

	// Something from before this run, which append='off' must discard.
	if err := os.WriteFile(logFile, []byte("stale output from an earlier run\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d.ok("define", writeXML(t, xcNovaXML(t, name, uuid, rootfs, logFile, tap, "off")))
	d.ok("start", name)
	got := xcWaitLog(t, logFile, "the boot marker", time.Minute, func(s string) bool { return strings.Contains(s, xcMarker) })
	if strings.Contains(got, "stale output") {
		t.Errorf("append='off' kept the earlier content:\n%s", got)
	}

	if mtu := readTrim(t, "/sys/class/net/"+tap+"/mtu"); mtu != "1450" {
		t.Errorf("host veth %s mtu %s, want Nova's 1450", tap, mtu)
	}
	if master, err := os.Readlink("/sys/class/net/" + tap + "/master"); err != nil || filepath.Base(master) != testenv.Bridge {
		t.Errorf("host veth %s is not on %s: %q %v", tap, testenv.Bridge, master, err)
	}
	live := d.ok("dumpxml", name)
	for _, want := range []string{"<cmdline>console=tty0 console=ttyS0 console=hvc0</cmdline>",
		"<log file='" + logFile + "' append='off'/>", "<controller type='usb' index='0' model='none'/>",
		"<nova:name>nova-lxc-test</nova:name>"} {
		if !strings.Contains(live, want) {
			t.Errorf("dumpxml lacks %q:\n%s", want, live)
		}
	}

	// append='off': each start begins with an empty log.
	d.ok("destroy", name)
	d.ok("start", name)
	got = xcWaitLog(t, logFile, "the second boot's marker", time.Minute, func(s string) bool { return strings.Contains(s, xcMarker) })
	if n := strings.Count(got, xcMarker); n != 1 {
		t.Errorf("append='off': %d boot markers after a restart, want 1:\n%s", n, got)
	}

	// append='on': the next start adds to what is there.
	d.ok("destroy", name)
	d.ok("define", writeXML(t, xcNovaXML(t, name, uuid, rootfs, logFile, tap, "on")))
	d.ok("start", name)
	got = xcWaitLog(t, logFile, "a second boot marker", time.Minute, func(s string) bool { return strings.Count(s, xcMarker) >= 2 })
	if n := strings.Count(got, xcMarker); n != 2 {
		t.Errorf("append='on': %d boot markers, want 2:\n%s", n, got)
	}
	d.ok("destroy", name)
	if !strings.Contains(d.log(), "accepted and ignored") || !strings.Contains(d.log(), "<controller type='usb' model='none'>") {
		t.Errorf("the daemon's debug log does not name the ignored usb controller")
	}
}

// TestXMLCompatVirtInstall runs Debian's virt-install with its defaults
// for a container, which writes <filesystem accessmode='mapped'> and a
// default network interface: the container runs.
func TestXMLCompatVirtInstall(t *testing.T) {
	h := newHost(t)
	testenv.RequireTool(t, "virt-install", "virtinst")
	d := startDaemon(t, h)
	name := h.name("xc-vi")
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	cmd := exec.CommandContext(t.Context(), "virt-install", "--connect", uri(d.sock), "--name", name,
		"--memory", "128", "--filesystem", rootfs+",/", "--init", "/sbin/init", "--noautoconsole")
	cmd.Env = append(os.Environ(), "LC_ALL=C", "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("virt-install: %v\n%s", err, out)
	}
	d.waitState(name, "running (booted)")
	xml := d.ok("dumpxml", name)
	if !strings.Contains(xml, "accessmode='mapped'") || !strings.Contains(xml, "<source network='default'/>") {
		t.Errorf("dumpxml does not keep what virt-install wrote:\n%s", xml)
	}
	d.ok("destroy", name)
}
