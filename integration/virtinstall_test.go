//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
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
	elems, err := viElements(printed)
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

// viClientLog returns the daemon's log lines about the client process pid,
// once they show all its connections closed: the log reaches the test
// through a pipe, behind the client's exit.
func viClientLog(t testing.TB, d *daemon, pid int) []string {
	t.Helper()
	client := fmt.Sprintf(`client="pid=%d `, pid)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var lines []string
		opened, closed := 0, 0
		for line := range strings.Lines(d.log()) {
			if !strings.Contains(line, client) {
				continue
			}
			lines = append(lines, line)
			if strings.Contains(line, `msg="client connected"`) {
				opened++
			}
			if strings.Contains(line, `msg="client disconnected"`) {
				closed++
			}
		}
		if opened > 0 && closed == opened {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("the daemon's log does not show client pid %d come and go (%d connected, %d gone):\n%s",
				pid, opened, closed, strings.Join(lines, ""))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// viToken is a random hex string.
func viToken() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var (
	viMAC    = regexp.MustCompile(`<mac address='([0-9a-f:]+)'/>`)
	viCallRE = regexp.MustCompile(`msg=(call|"call failed"|"call not supported") client="[^"]*" proc=(?:REMOTE_PROC_)?(\w+)`)
	viErrRE  = regexp.MustCompile(` err=("(?:[^"\\]|\\.)*"|\S+)`)
)

// viCheckCalls logs which procedures the tool that ran as pid called, from
// the daemon's debug log (first-call order, with counts and failures), and
// fails the test for any call that failed, except a lookup answering that
// the name is free, which virt-install makes on purpose.
func viCheckCalls(t testing.TB, d *daemon, tool string, pid int) {
	t.Helper()
	log := viClientLog(t, d, pid)
	var order []string
	count, failed := map[string]int{}, map[string]int{}
	var last []string // the previous call line's match
	for _, line := range log {
		m := viCallRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		kind, proc := m[1], m[2]
		// A handler's "not supported" answer is logged twice: as the
		// failed call, then as the first unsupported call of its kind.
		dup := kind == `"call not supported"` && last != nil && last[1] == `"call failed"` && last[2] == proc
		last = m
		if dup {
			continue
		}
		if count[proc] == 0 {
			order = append(order, proc)
		}
		count[proc]++
		if kind == "call" {
			continue
		}
		failed[proc]++
		msg := "(no message)"
		if e := viErrRE.FindStringSubmatch(line); e != nil {
			msg = e[1]
			if u, err := strconv.Unquote(msg); err == nil {
				msg = u
			}
		}
		if proc == "DOMAIN_LOOKUP_BY_NAME" && strings.HasPrefix(msg, "Domain not found") {
			t.Logf("%s: %s answered %q (expected: the name is free)", tool, proc, msg)
			continue
		}
		t.Errorf("%s: %s failed: %s", tool, proc, msg)
	}
	calls := make([]string, len(order))
	for i, p := range order {
		calls[i] = fmt.Sprintf("%s ×%d", p, count[p])
		if failed[p] > 0 {
			calls[i] += fmt.Sprintf(" (%d failed)", failed[p])
		}
	}
	t.Logf("procedures %s called: %s", tool, strings.Join(calls, ", "))
	if len(order) == 0 {
		t.Errorf("no calls from %s in the daemon's log", tool)
	}
}

// viElements lists the element paths of an XML document, each once in
// document order, with its attribute names in brackets.
func viElements(doc string) ([]string, error) {
	dec := xml.NewDecoder(strings.NewReader(doc))
	var path, out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("virt-install's XML: %w", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			path = append(path, tok.Name.Local)
			p := strings.Join(path, "/")
			if len(tok.Attr) > 0 {
				names := make([]string, len(tok.Attr))
				for i, a := range tok.Attr {
					names[i] = a.Name.Local
				}
				p += "[" + strings.Join(names, " ") + "]"
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		}
	}
}
