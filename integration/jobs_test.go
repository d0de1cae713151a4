//go:build integration

package integration

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// hungLXCStart puts an lxc-start first in PATH (for the daemons the test
// starts from now on) that records its pid in dir and then hangs.
func hungLXCStart(t *testing.T) (dir string) {
	dir = t.TempDir()
	script := "#!/bin/sh\necho $$ > " + dir + "/started.$$\nexec sleep 100000\n"
	if err := os.WriteFile(filepath.Join(dir, "lxc-start"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	return dir
}

// startedPIDs are the pids of the hung lxc-starts run so far.
func startedPIDs(t *testing.T, dir string) []int {
	m, _ := filepath.Glob(filepath.Join(dir, "started.*"))
	var pids []int
	for _, p := range m {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Ext(p), "."))
		if err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// A hung lxc-start is killed at lxc_timeout and the start fails; with the
// default timeout, destroy preempts a hung start and the domain is shut
// off. A second daemon on the same state dir exits 1 naming the first; a
// killed daemon's plugin socket directory is removed at start.
func TestHungStartTimeoutAndDestroy(t *testing.T) {
	h := newHost(t)
	wrap := hungLXCStart(t)
	stale := filepath.Join(h.runDir, "plugin-dir4242")
	must(t, os.MkdirAll(stale, 0o700))
	must(t, os.WriteFile(filepath.Join(stale, "plugin4343"), nil, 0o600))

	d := startDaemon(t, h, "--lxc-timeout", "2")
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale plugin dir after start: %v; want removed", err)
	}
	if own, _ := filepath.Glob(filepath.Join(h.runDir, "plugin-dir*")); len(own) != 1 {
		t.Errorf("plugin socket dirs in the run dir: %v; want the running plugin's", own)
	}

	// The second daemon on the same state dir.
	out, err := exec.Command(d.cmd.Path, "--socket", filepath.Join(socketDir(t), "sock"), "--state-dir", h.stateDir,
		"--lxcpath", h.lxcPath, "--run-dir", h.runDir).CombinedOutput()
	want := "state dir " + h.stateDir + " is in use by another lxcvirtd (pid " + strconv.Itoa(d.cmd.Process.Pid) + ")"
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), want) {
		t.Errorf("second daemon: exit %d, %q; want 1 and %q", code, out, want)
	}

	name := h.name("hung")
	xml := filepath.Join(t.TempDir(), "dom.xml")
	must(t, os.WriteFile(xml, []byte(smallXML(name, t.TempDir(), "")), 0o644))
	d.ok("define", xml)
	r := d.virsh("start", name)
	if r.code == 0 || !strings.Contains(r.stderr, "lxc timeout") {
		t.Fatalf("start with a hung lxc-start: exit %d, %s; want the lxc timeout", r.code, r.stderr)
	}
	pids := startedPIDs(t, wrap)
	if len(pids) != 1 {
		t.Fatalf("hung lxc-starts: %v", pids)
	}
	waitGone(t, pids[0])
	if st := d.ok("domstate", name); st != "shut off" {
		t.Errorf("after the timeout: %s", st)
	}
	d.stop()

	// Default timeout: destroy ends the hung start.
	d2 := runDaemon(t, h, d.cmd.Path, socketDir(t))
	started := make(chan virshResult, 1)
	go func() {
		r, err := runVirsh(context.Background(), d2.sock, "start", name)
		if err != nil {
			r.code, r.stderr = -1, err.Error()
		}
		started <- r
	}()
	waitUntil(t, "second lxc-start runs", func() bool { return len(startedPIDs(t, wrap)) == 2 })
	d2.ok("destroy", name)
	r = <-started
	if r.code == 0 || !strings.Contains(r.stderr, "destroyed while it started") {
		t.Errorf("start preempted by destroy: exit %d, %s", r.code, r.stderr)
	}
	for _, pid := range startedPIDs(t, wrap) {
		waitGone(t, pid)
	}
	if st := d2.ok("domstate", name); st != "shut off" {
		t.Errorf("after destroy: %s", st)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}
