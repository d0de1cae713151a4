//go:build integration

package integration

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestVirshLxcEnterNamespace runs a command inside a running container with
// virsh lxc-enter-namespace: the daemon passes the init's namespace
// descriptors back over the socket and virsh enters them, so the command
// sees the container's hostname, its init as PID 1 and its network.
func TestVirshLxcEnterNamespace(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("nsenter")
	d.ok("define", writeXML(t, guestXML(name, h.rootfs(testenv.InitHonoursHalt), "")))
	d.ok("start", name)
	id := d.ok("domid", name)

	hostname, _ := os.Hostname()
	if hostname == name {
		t.Fatal("the host is named like the container")
	}
	initCmdline, err := os.ReadFile("/proc/" + id + "/cmdline")
	must(t, err)
	netns, err := os.Readlink("/proc/" + id + "/ns/net")
	must(t, err)
	if self, _ := os.Readlink("/proc/self/ns/net"); self == netns {
		t.Fatal("the container shares the host's network namespace")
	}

	script := "hostname; cat /proc/1/cmdline; echo; readlink /proc/self/ns/net; echo $$"
	for _, args := range [][]string{
		{"lxc-enter-namespace", name, "--", "/bin/sh", "-c", script},
		{"lxc-enter-namespace", name, "--noseclabel", "--", "/bin/sh", "-c", script},
	} {
		out := d.virsh(args...)
		if out.code != 0 {
			t.Fatalf("virsh %s: exit %d: %s", strings.Join(args, " "), out.code, out.stderr)
		}
		lines := strings.Split(strings.TrimRight(out.stdout, "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("output %q", out.stdout)
		}
		if lines[0] != name {
			t.Errorf("hostname inside = %q; want %q", lines[0], name)
		}
		if lines[1] != string(initCmdline) {
			t.Errorf("PID 1's cmdline inside = %q; want the container init's %q", lines[1], initCmdline)
		}
		if lines[2] != netns {
			t.Errorf("network namespace inside = %q; want %q", lines[2], netns)
		}
		if lines[3] == "1" || lines[3] == id {
			t.Errorf("the command ran as PID %s", lines[3])
		}
	}
	if !bytes.Contains(initCmdline, []byte("/sbin/init")) {
		t.Errorf("init's cmdline %q", initCmdline)
	}

	// A failing command is reported as virsh reports it against libvirtd.
	if msg := d.failsOn(d.sock, "lxc-enter-namespace", name, "--noseclabel", "--", "/bin/sh", "-c", "exit 7"); !strings.Contains(msg, "unexpected exit status 7") {
		t.Errorf("failing command: %s", msg)
	}
	// The read-only socket cannot hand out namespaces.
	if msg := d.failsOn(d.ro, "lxc-enter-namespace", name, "--", "/bin/true"); !strings.Contains(msg, "read only access prevents virDomainLxcOpenNamespace") {
		t.Errorf("read-only socket: %s", msg)
	}
	d.ok("destroy", name)
	if msg := d.failsOn(d.sock, "lxc-enter-namespace", name, "--", "/bin/true"); !strings.Contains(msg, "domain is not running") {
		t.Errorf("stopped domain: %s", msg)
	}
}
