// Package testenv builds what lxcvirt's tests need on the host: the gate for
// real-container tests (root, tools; never a skip under CI), the host
// bridge, busybox root filesystems with tiny inits and the commands the
// tests run, built once with -race. Test-only helpers; nothing in the
// product imports it.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/rootfs"
)

// Bridge is the host bridge the default network maps to.
const Bridge = "lxcbr0"

// Inits for test containers (see package rootfs).
const (
	InitHonoursHalt = rootfs.InitHonoursHalt
	InitIgnoresHalt = rootfs.InitIgnoresHalt
	InitShell       = rootfs.InitShell
)

// Missing skips t because something it needs is missing on the host (root,
// a tool, a Debian package). Under CI (CI set, as .ci/run does) it fails
// instead: CI runs as root after make deps, so a real-container test that
// does not run there is a failure, not a skip. Real-container tests call
// this instead of t.Skip.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("CI: "+format, args...)
	}
	t.Skipf(format, args...)
}

// RequireRoot stops t (see Missing) unless the test runs as root with the
// lxc tools installed (make deps installs them).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "needs root")
	}
	RequireTool(t, "lxc-start", "lxc")
}

// RequireTool returns the path of a host tool t needs, or stops t (see
// Missing) naming the Debian package that make deps installs for it.
func RequireTool(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		Missing(t, "needs %s (Debian package %s, installed by make deps)", tool, debianPackage)
	}
	return p
}

// EnsureBridge creates and raises the host bridge when it is missing: a
// bare bridge, enough for a veth; make deps's lxc-net takes it over. Tests
// that need DHCP or NAT call RequireLXCNet.
func EnsureBridge(t testing.TB) {
	t.Helper()
	if _, err := os.Stat("/sys/class/net/" + Bridge); err == nil {
		return
	}
	for _, argv := range [][]string{
		{"ip", "link", "add", Bridge, "type", "bridge"},
		{"ip", "link", "set", Bridge, "up"},
	} {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			if _, serr := os.Stat("/sys/class/net/" + Bridge); serr == nil {
				continue // created concurrently
			}
			t.Fatalf("%s: %v: %s", strings.Join(argv, " "), err, out)
		}
	}
}

// LXC's lxc-net serves the default network on Bridge: its dnsmasq's pid
// file and lease file.
const (
	LXCNetDnsmasqPid = "/run/lxc/dnsmasq.pid"
	LXCNetLeases     = "/var/lib/misc/dnsmasq." + Bridge + ".leases"
)

// RequireLXCNet stops t (see Missing) unless LXC's lxc-net serves the
// default network, DHCP included: its dnsmasq runs (make deps starts it).
func RequireLXCNet(t testing.TB) {
	t.Helper()
	pid, err := os.ReadFile(LXCNetDnsmasqPid)
	if err == nil {
		_, err = os.Stat("/proc/" + strings.TrimSpace(string(pid)))
	}
	if err != nil {
		Missing(t, "lxc-net's dnsmasq does not run (make deps starts lxc-net): %v", err)
	}
}

// BuildRootfs makes a busybox root filesystem under dir with init as its
// /sbin/init and returns dir.
func BuildRootfs(t testing.TB, dir, init string) string {
	t.Helper()
	if err := rootfs.Write(dir, init); err != nil {
		t.Fatal(err)
	}
	return dir
}

// LXCFSMeminfo is lxcfs's /proc/meminfo view; it exists while lxcfs serves
// /var/lib/lxcfs.
const LXCFSMeminfo = "/var/lib/lxcfs/proc/meminfo"

// RequireLXCFS stops t (see Missing) unless lxcfs serves its files (make
// deps starts it).
func RequireLXCFS(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(LXCFSMeminfo); err != nil {
		Missing(t, "lxcfs is not serving /var/lib/lxcfs (make deps starts it): %v", err)
	}
}

// WaitCatches waits until process pid has a handler for sig (SigCgt in its
// /proc status). A container's init is PID 1 of its namespace: a signal it
// has no handler for yet — its shell has not reached `trap` — is dropped,
// LXC's halt (SIGPWR) and reboot (SIGINT) signals included, so a test
// that signals a freshly started init waits for this first.
func WaitCatches(t testing.TB, pid int, sig syscall.Signal) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !catches(pid, sig) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d has no handler for %v after 10s (%s)", pid, sig, SignalState(pid))
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// SignalState is what pid's /proc status says of its signals (blocked,
// ignored, caught masks), for a failure message; "gone" once it exited.
// A signal ignored when a shell started cannot be trapped by it.
func SignalState(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "gone"
	}
	var out []string
	for line := range strings.SplitSeq(string(b), "\n") {
		if strings.HasPrefix(line, "State:") || strings.HasPrefix(line, "SigBlk:") || strings.HasPrefix(line, "SigIgn:") || strings.HasPrefix(line, "SigCgt:") {
			out = append(out, strings.Join(strings.Fields(line), " "))
		}
	}
	return strings.Join(out, ", ")
}

// catches reports whether pid has a handler for sig.
func catches(pid int, sig syscall.Signal) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return false
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "SigCgt:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			return err == nil && mask&(1<<(uint(sig)-1)) != 0
		}
	}
	return false
}
