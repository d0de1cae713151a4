//go:build integration

package integration

import (
	"bytes"
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// hostCapsLibvirtdCaps returns the capabilities XML of Debian's libvirtd
// (its QEMU driver) on this host: from a libvirtd already running, or from
// one the test starts and stops. Without libvirtd the test skips, and
// fails under CI.
func hostCapsLibvirtdCaps(t *testing.T) string {
	t.Helper()
	query := func() (string, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "virsh", "-c", "qemu:///system", "capabilities")
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, err := cmd.Output()
		return string(out), err
	}
	if out, err := query(); err == nil {
		return out
	}
	bin := testenv.RequireTool(t, "libvirtd", "libvirt-daemon-system")
	for _, dir := range []string{"/var/log/libvirt", "/run/libvirt"} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin) // in the foreground: the test owns this process
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, err := query()
		if err == nil {
			return out
		}
		select {
		case werr := <-exited:
			t.Fatalf("libvirtd exited: %v\n%s", werr, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("libvirtd did not answer within 2 minutes: %v\n%s", err, log.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func hostCapsParse(t *testing.T, what, doc string) libvirtxml.Caps {
	t.Helper()
	var caps libvirtxml.Caps
	if err := xml.Unmarshal([]byte(doc), &caps); err != nil {
		t.Fatalf("%s: %v\n%s", what, err, doc)
	}
	if caps.Host.CPU == nil {
		t.Fatalf("%s has no host CPU:\n%s", what, doc)
	}
	return caps
}

// TestHostCPUAsLibvirtd compares the host CPU of lxcvirtd's capabilities
// (what Nova's cpu_info reads: model, vendor, topology, features) with the
// one Debian's libvirtd reports on the same host.
func TestHostCPUAsLibvirtd(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	ours := hostCapsParse(t, "lxcvirtd", d.ok("capabilities")).Host.CPU
	theirs := hostCapsParse(t, "libvirtd", hostCapsLibvirtdCaps(t)).Host.CPU
	if ours.Model == "" && theirs.Model != "" {
		t.Fatalf("lxcvirtd reports no CPU model; libvirtd reports %s", theirs.Model)
	}
	if !reflect.DeepEqual(ours, theirs) {
		o, _ := xml.MarshalIndent(ours, "", "  ")
		l, _ := xml.MarshalIndent(theirs, "", "  ")
		t.Fatalf("host CPU differs from libvirtd's\nlxcvirtd:\n%s\nlibvirtd:\n%s", o, l)
	}
	t.Logf("host CPU %s (%s) with %d features, as libvirtd reports it", ours.Model, ours.Vendor, len(ours.FeatureFlags))
}

// TestVirshHostCalls runs the host calls Nova and virt-install make through
// the real virsh: nodecpumap against the kernel's CPU lists, and
// domcapabilities for lxc with its refusals.
func TestVirshHostCalls(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	present := slices.Max(hostCapsCPUList(t, "present")) + 1 // libvirt counts up to the highest
	online := hostCapsCPUList(t, "online")
	out := keyValues(strings.ReplaceAll(d.ok("nodecpumap"), ":", " "))
	wantMap := bytes.Repeat([]byte{'-'}, present)
	for _, c := range online {
		wantMap[c] = 'y'
	}
	if out["present"] != strconv.Itoa(present) || out["online"] != strconv.Itoa(len(online)) || out["map"] != string(wantMap) {
		t.Fatalf("nodecpumap %v; want %d present, %d online, map %s", out, present, len(online), wantMap)
	}

	var caps libvirtxml.DomainCaps
	if err := xml.Unmarshal([]byte(d.ok("domcapabilities")), &caps); err != nil {
		t.Fatal(err)
	}
	hostCaps := hostCapsParse(t, "lxcvirtd", d.ok("capabilities"))
	if caps.Domain != "lxc" || caps.Arch != hostCaps.Host.CPU.Arch || caps.Path != hostCaps.Guests[0].Arch.Emulator ||
		caps.VCPU == nil || caps.VCPU.Max != uint(len(online)) || caps.Devices == nil || caps.Devices.FileSystem.Supported != "yes" {
		t.Fatalf("domcapabilities %+v", caps)
	}
	if msg := d.failsOn(d.sock, "domcapabilities", "--virttype", "kvm"); !strings.Contains(msg, "unknown virttype: kvm") {
		t.Fatalf("domcapabilities --virttype kvm: %s", msg)
	}
	if msg := d.failsOn(d.sock, "domcapabilities", "--arch", "nosucharch"); !strings.Contains(msg, "unknown architecture: nosucharch") {
		t.Fatalf("domcapabilities --arch nosucharch: %s", msg)
	}
	// The daemon logged the not-supported answer once with its procedure.
	d.failsOn(d.sock, "domcapabilities", "--arch", "s390x")
	d.failsOn(d.sock, "domcapabilities", "--arch", "s390x")
	if n := strings.Count(d.log(), `msg="call not supported"`); n != 2 { // one per virsh client
		t.Fatalf("%d not-supported log lines; want one per client:\n%s", n, d.log())
	}
	if !strings.Contains(d.log(), "proc=REMOTE_PROC_CONNECT_GET_DOMAIN_CAPABILITIES") {
		t.Fatalf("the not-supported log line does not name the procedure:\n%s", d.log())
	}
}

// hostCapsCPUList reads one of /sys/devices/system/cpu's CPU lists.
func hostCapsCPUList(t *testing.T, name string) []int {
	t.Helper()
	b, err := os.ReadFile("/sys/devices/system/cpu/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, part := range strings.Split(strings.TrimSpace(string(b)), ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			t.Fatalf("%s: %q", name, b)
		}
		z := a
		if isRange {
			if z, err = strconv.Atoi(hi); err != nil {
				t.Fatalf("%s: %q", name, b)
			}
		}
		for c := a; c <= z; c++ {
			out = append(out, c)
		}
	}
	return out
}
