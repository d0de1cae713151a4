//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// withBind adds a bind mount of src on target to a domain XML.
func withBind(xml, src, target string) string {
	fs := "<filesystem type='mount'><source dir='" + src + "'/><target dir='" + target + "'/></filesystem>\n  </devices>"
	return strings.Replace(xml, "</devices>", fs, 1)
}

// cgroupDirsOf lists the cgroup directories, in every v1 hierarchy and
// the v2 one, whose name holds one of names.
func cgroupDirsOf(t *testing.T, names ...string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir("/sys/fs/cgroup", func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		for _, n := range names {
			if strings.Contains(d.Name(), n) {
				found = append(found, p)
				return filepath.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// A start that LXC aborts says why, with LXC's own words: a missing bind
// source is named.
func TestStartErrorNamesTheCause(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("starterr")
	missing := filepath.Join(t.TempDir(), "no-such-dir")
	d.ok("define", writeXML(t, withBind(smallXML(name, h.rootfs(testenv.InitHonoursHalt), ""), missing, "/mnt/data")))
	msg := d.failsOn(d.sock, "start", name)
	if !strings.Contains(msg, missing) {
		t.Errorf("the start error does not name the missing bind source %s:\n%s", missing, msg)
	}
	if st := d.ok("domstate", name); st != "shut off" {
		t.Errorf("after the failed start: %s", st)
	}
}

// withBridgeNIC adds an interface on bridge to a domain XML.
func withBridgeNIC(xml, bridge string) string {
	nic := "<interface type='bridge'><source bridge='" + bridge + "'/></interface>\n  </devices>"
	return strings.Replace(xml, "</devices>", nic, 1)
}

// bridgePorts lists the interfaces enslaved to bridge.
func bridgePorts(t *testing.T, bridge string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join("/sys/class/net", bridge, "brif"))
	if err != nil {
		t.Fatal(err)
	}
	var ports []string
	for _, e := range ents {
		ports = append(ports, e.Name())
	}
	return ports
}

// monitorsOf lists the LXC monitor processes of the named containers.
func monitorsOf(t *testing.T, names ...string) []string {
	t.Helper()
	procs, err := filepath.Glob("/proc/[0-9]*/cmdline")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil || !strings.HasPrefix(string(b), "[lxc monitor]") {
			continue
		}
		for _, n := range names {
			if strings.Contains(string(b), n) {
				found = append(found, filepath.Dir(p)+": "+strings.ReplaceAll(string(b), "\x00", " "))
			}
		}
	}
	return found
}

// Failed starts and start/destroy cycles of containers with a veth leave
// no cgroup directory, veth or LXC monitor of theirs behind.
func TestNoCgroupLeftAfterFailedStartsAndCycles(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	br := hotBridge(t)
	bad, good := h.name("cgfail"), h.name("cgcycle")
	fd, err := l.DefineXML(ctx, withBridgeNIC(withBind(smallXML(bad, rootfs, ""), filepath.Join(t.TempDir(), "absent"), "/mnt/x"), br), 0)
	must(t, err)
	gd, err := l.DefineXML(ctx, withBridgeNIC(smallXML(good, rootfs, ""), br), 0)
	must(t, err)
	for i := range 50 {
		if _, err := l.Create(ctx, fd.UUID, 0); err == nil {
			t.Fatalf("start %d with a missing bind source succeeded", i)
		}
		if _, err := l.Create(ctx, gd.UUID, 0); err != nil {
			t.Fatalf("cycle %d: start: %v", i, err)
		}
		if i == 0 {
			if dirs := cgroupDirsOf(t, good); len(dirs) == 0 {
				t.Fatal("no cgroup directory of a running container found: the check cannot see one")
			}
			if len(bridgePorts(t, br)) != 1 || len(monitorsOf(t, good)) != 1 {
				t.Fatalf("a running container's veth and monitor not found (ports %v, monitors %v): the checks cannot see them",
					bridgePorts(t, br), monitorsOf(t, good))
			}
		}
		must(t, l.Destroy(ctx, gd.UUID, 0))
	}
	if dirs := cgroupDirsOf(t, bad, good); len(dirs) > 0 {
		t.Errorf("%d cgroup directories left after 50 failed starts and 50 cycles:\n%s", len(dirs), strings.Join(dirs, "\n"))
	}
	if ports := bridgePorts(t, br); len(ports) > 0 {
		t.Errorf("veths left on the bridge: %v", ports)
	}
	if mons := monitorsOf(t, bad, good); len(mons) > 0 {
		t.Errorf("LXC monitors left: %v", mons)
	}
}
