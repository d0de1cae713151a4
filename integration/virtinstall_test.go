//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestVirtInstallDefaults runs Debian's virt-install with its defaults for
// an operating-system container, then virt-xml's metadata edit on the
// running container. It logs the XML virt-install wrote and the procedures
// each tool called, for the record of what real clients use.
func TestVirtInstallDefaults(t *testing.T) {
	h := newHost(t)
	testenv.RequireTool(t, "virt-install", "virtinst")
	testenv.RequireTool(t, "virt-xml", "virtinst")
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	marker := viToken()
	must(t, os.WriteFile(filepath.Join(rootfs, "vi-marker"), []byte(marker), 0o644))
	name := h.name("vi")
	install := []string{"--connect", uri(d.sock), "--name", name, "--memory", "128",
		"--filesystem", rootfs + ",/", "--init", "/sbin/init", "--noautoconsole"}

	printed, pid, err := viRun(t, "virt-install", append(install, "--print-xml")...)
	viCheckCalls(t, d, "virt-install --print-xml", pid)
	must(t, err)
	elems, err := xmlElements(printed)
	must(t, err)
	t.Logf("XML elements virt-install wrote (attributes in brackets):\n%s", strings.Join(elems, "\n"))

	_, pid, err = viRun(t, "virt-install", install...)
	viCheckCalls(t, d, "virt-install", pid)
	must(t, err)

	if got := d.ok("domstate", name); got != "running" {
		t.Fatalf("after virt-install %s is %q, want running", name, got)
	}
	if got := field(t, d.ok("dominfo", name), "Persistent"); got != "yes" {
		t.Errorf("virt-install left %s with Persistent %q, want yes", name, got)
	}
	initPid, err := strconv.Atoi(d.ok("domid", name))
	must(t, err)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", initPid))
	must(t, err)
	if !strings.Contains(string(cmdline), "/sbin/init") {
		t.Errorf("the container's init (pid %d) runs %q, not /sbin/init", initPid, cmdline)
	}
	if out, err := h.inGuest(name, "cat", "/vi-marker"); err != nil || out != marker {
		t.Errorf("the container's / is not the rootfs given to --filesystem: cat /vi-marker = %q, %v", out, err)
	}

	// virt-install's default <interface type='network'> on network 'default'
	// (lxcbr0) gives the container a NIC with the MAC the live XML shows.
	mac := viMAC.FindStringSubmatch(d.ok("dumpxml", name))
	if mac == nil {
		t.Fatalf("no <mac address> in %s's live XML", name)
	}
	if out, err := h.inGuest(name, "sh", "-c", "cat /sys/class/net/*/address"); err != nil || !strings.Contains(out, mac[1]) {
		t.Errorf("no NIC with MAC %s in the container: %q, %v", mac[1], out, err)
	}

	title := "vi-title-" + viToken()
	_, pid, err = viRun(t, "virt-xml", name, "--edit", "--metadata", "title="+title, "--connect", uri(d.sock))
	viCheckCalls(t, d, "virt-xml --edit --metadata", pid)
	must(t, err)
	want := "<title>" + title + "</title>"
	if live := d.ok("dumpxml", name); !strings.Contains(live, want) {
		t.Errorf("virt-xml's title edit did not reach the running container's live XML (want %s):\n%s", want, live)
	}
	if inactive := d.ok("dumpxml", "--inactive", name); !strings.Contains(inactive, want) {
		t.Errorf("virt-xml's title edit is not in the persistent definition (want %s):\n%s", want, inactive)
	}
	if got := d.ok("domid", name); got != strconv.Itoa(initPid) || !alive(initPid) {
		t.Errorf("the metadata edit restarted the container: id %s, was %d", got, initPid)
	}
}

// viRun runs one of virtinst's tools and logs what it printed; it returns
// stdout, the tool's pid and an error when it failed.
func viRun(t testing.TB, tool string, args ...string) (string, int, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LIBVIRT_DEFAULT_URI=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	t.Logf("$ %s %s\n%s%s[%v]", tool, strings.Join(args, " "), out.String(), errb.String(), err)
	if err != nil {
		err = fmt.Errorf("%s: %w: %s", tool, err, errb.String())
	}
	return out.String(), cmd.Process.Pid, err
}

// viToken is a random hex string.
func viToken() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var viMAC = regexp.MustCompile(`<mac address='([0-9a-f:]+)'/>`)

// viCheckCalls logs which procedures the tool that ran as pid called, from
// the daemon's debug log, and fails the test for any call that failed,
// except a lookup answering that the name is free, which virt-install
// makes on purpose.
func viCheckCalls(t testing.TB, d *daemon, tool string, pid int) {
	t.Helper()
	calls := d.callsOf(pid)
	for _, c := range calls {
		nameFree := c.proc == "DOMAIN_LOOKUP_BY_NAME" && strings.HasPrefix(c.err, "Domain not found")
		if c.failed && !nameFree {
			t.Errorf("%s: %s failed: %s", tool, c.proc, c.err)
		}
	}
	t.Logf("procedures %s called (✗ = error reply): %s", tool, foldCalls(calls))
	if len(calls) == 0 {
		t.Errorf("no calls from %s in the daemon's log", tool)
	}
}
