//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driver"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/lxc"
)

// patience is how long a test waits for something that must happen before
// it fails: a guard against hanging on a loaded machine, never a measure of
// speed (tests assert order and outcome, not durations).
const patience = 2 * time.Minute

// host is one test's driver world: a state dir, an lxcpath and a run dir
// of its own, and the container names it may have started (all killed when
// the test ends, whatever happened).
type host struct {
	t        testing.TB
	stateDir string
	lxcPath  string
	runDir   string
	grace    time.Duration
	log      *slog.Logger

	mu    sync.Mutex
	names []string
}

func newHost(t testing.TB) *host {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.EnsureBridge(t)
	base := t.TempDir()
	h := &host{
		t: t, stateDir: filepath.Join(base, "state"), lxcPath: filepath.Join(base, "state", "lxc"),
		runDir: filepath.Join(base, "run"), grace: 30 * time.Second,
	}
	w := &testWriter{t: t, on: true}
	h.log = slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelInfo}))
	// Registered first, so it runs last: no logging into a finished test.
	t.Cleanup(w.off)
	t.Cleanup(h.killAll)
	return h
}

// open starts a driver instance on h's directories; it is closed at the
// end of the test (containers keep running until killAll).
func (h *host) open() *driver.LXC {
	h.t.Helper()
	l, err := driver.New(h.t.Context(), driver.Config{
		StateDir: h.stateDir, LXCPath: h.lxcPath, RunDir: h.runDir, ShutdownGrace: h.grace, Logger: h.log,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { _ = l.Close() })
	return l
}

// name returns a unique container name and remembers it for cleanup.
func (h *host) name(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	n := prefix + "-" + hex.EncodeToString(b)
	h.mu.Lock()
	h.names = append(h.names, n)
	h.mu.Unlock()
	return n
}

func (h *host) killAll() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	r, err := lxc.New(h.lxcPath)
	if err != nil {
		h.t.Error(err)
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, n := range h.names {
		if err := r.Stop(ctx, n, lxc.StopOptions{Kill: true}); err != nil &&
			!errors.Is(err, lxc.ErrNotRunning) && !errors.Is(err, lxc.ErrNotFound) {
			h.t.Errorf("cleanup %s: %v", n, err)
		}
	}
}

// rootfs builds a busybox root filesystem with init.
func (h *host) rootfs(init string) string {
	h.t.Helper()
	dir, err := os.MkdirTemp(filepath.Dir(h.stateDir), "rootfs-")
	if err != nil {
		h.t.Fatal(err)
	}
	return testenv.BuildRootfs(h.t, dir, init)
}

// seedXML is the seed demo's XML (libvirt's LXC announcement), with a
// unique name and the rootfs path replaced.
func seedXML(name, rootfs string) string {
	return strings.NewReplacer("/srv/mycontainer", rootfs, "mycontainer", name).Replace(`<domain type='lxc'>
  <name>mycontainer</name>
  <memory>500000</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='/srv/mycontainer'/><target dir='/'/></filesystem>
    <interface type='bridge'><source network='br0'/><mac address='00:11:22:34:34:34'/></interface>
    <console type='pty'/>
  </devices>
</domain>`)
}

// smallXML is a minimal container without a network.
func smallXML(name, rootfs string, extra string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>%s
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
  </devices>
</domain>`, name, extra, rootfs)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, l *driver.LXC, d driverapi.Domain) driverapi.Status {
	t.Helper()
	st, err := l.Status(t.Context(), d.UUID)
	must(t, err)
	return st
}

// waitStatus polls until cond holds or timeout passes.
func waitStatus(t *testing.T, l *driver.LXC, d driverapi.Domain, what string, cond func(driverapi.Status) bool) driverapi.Status {
	t.Helper()
	var st driverapi.Status
	testenv.Eventually(t, patience, 10*time.Millisecond, d.Name+" "+what, func() (bool, string) {
		var err error
		st, err = l.Status(t.Context(), d.UUID)
		return err == nil && cond(st), fmt.Sprintf("%+v, %v", st, err)
	})
	return st
}

func isShutoff(st driverapi.Status) bool { return st.State == libvirt.DomainShutoff }

// alive reports whether pid exists.
func alive(pid int) bool {
	_, err := os.Stat("/proc/" + strconv.Itoa(pid))
	return err == nil
}

// waitUntil polls cond until it holds; the test fails if it still does not
// after patience.
func waitUntil(t testing.TB, what string, cond func() bool) {
	t.Helper()
	testenv.Eventually(t, patience, 10*time.Millisecond, what, func() (bool, string) { return cond(), "" })
}

// waitGone waits until pid has exited.
func waitGone(t testing.TB, pid int) {
	t.Helper()
	testenv.Eventually(t, patience, 10*time.Millisecond, fmt.Sprintf("pid %d gone", pid), func() (bool, string) { return !alive(pid), "still alive" })
}

// cgroupFile returns the path of file in pid's cgroup for controller
// (v1 hierarchy) or, when the controller is not mounted as v1, in its v2
// cgroup.
func cgroupFile(t testing.TB, pid int, controller, v1file, v2file string) string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	must(t, err)
	var v2 string
	for line := range strings.Lines(string(b)) {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == controller {
				return filepath.Join("/sys/fs/cgroup", parts[1], parts[2], v1file)
			}
		}
	}
	if _, err := os.Stat("/sys/fs/cgroup/cgroup.controllers"); err == nil {
		return filepath.Join("/sys/fs/cgroup", v2, v2file)
	}
	return filepath.Join("/sys/fs/cgroup/unified", v2, v2file)
}

func readTrim(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	return string(bytes.TrimSpace(b))
}

// files lists the regular files under dir (relative paths).
func files(dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, de os.DirEntry, err error) error {
		if err == nil && !de.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

type testWriter struct {
	mu sync.Mutex
	t  testing.TB
	on bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.on {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}

func (w *testWriter) off() {
	w.mu.Lock()
	w.on = false
	w.mu.Unlock()
}
