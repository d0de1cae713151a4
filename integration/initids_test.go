//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// <inituser> and <initgroup> by name run init as the ids the container's
// own /etc/passwd and /etc/group give them, as libvirt-lxc resolves them in
// the container; a name the container lacks fails the start naming it.
func TestInitUserGroupByName(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	root := h.rootfs(testenv.InitHonoursHalt)
	// The container's / must be open to a user other than root.
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for file, line := range map[string]string{"etc/passwd": "tester:x:4321:4321::/:/bin/sh\n", "etc/group": "staff:x:765:\n"} {
		f, err := os.OpenFile(filepath.Join(root, file), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.WriteString(line)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	name := h.name("initids")
	ids := "<init>/bin/sleep</init><initarg>600</initarg><inituser>tester</inituser><initgroup>staff</initgroup>"
	d.ok("define", writeXML(t, strings.Replace(smallXML(name, root, ""), "<init>/sbin/init</init>", ids, 1)))
	d.ok("start", name)
	pid := d.ok("domid", name)
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^Uid:\s+4321\s`).Match(status) || !regexp.MustCompile(`(?m)^Gid:\s+765\s`).Match(status) {
		t.Errorf("init does not run as tester:staff (4321:765):\n%s", status)
	}
	if x := d.ok("dumpxml", name); !strings.Contains(x, "<inituser>tester</inituser>") {
		t.Errorf("the definition lost the name:\n%s", x)
	}
	d.ok("destroy", name)

	other := h.name("initnoid")
	d.ok("define", writeXML(t, strings.Replace(smallXML(other, root, ""), "<init>/sbin/init</init>", "<init>/bin/sleep</init><initarg>600</initarg><inituser>nobody-here</inituser>", 1)))
	if msg := d.failsOn(d.sock, "start", other); !strings.Contains(msg, "User nobody-here doesn't exist") {
		t.Errorf("start with an unknown user: %s", msg)
	}
}
