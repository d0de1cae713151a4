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

// Failed starts and start/destroy cycles leave no cgroup directory of
// their containers behind.
func TestNoCgroupLeftAfterFailedStartsAndCycles(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	bad, good := h.name("cgfail"), h.name("cgcycle")
	fd, err := l.DefineXML(ctx, withBind(smallXML(bad, rootfs, ""), filepath.Join(t.TempDir(), "absent"), "/mnt/x"), 0)
	must(t, err)
	gd, err := l.DefineXML(ctx, smallXML(good, rootfs, ""), 0)
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
		}
		must(t, l.Destroy(ctx, gd.UUID, 0))
	}
	if dirs := cgroupDirsOf(t, bad, good); len(dirs) > 0 {
		t.Errorf("%d cgroup directories left after 50 failed starts and 50 cycles:\n%s", len(dirs), strings.Join(dirs, "\n"))
	}
}
