// Package testenv builds what lxcvirt's tests need on the host: the gate for
// real-container tests (root, tools; never a skip under CI), the host
// bridge, busybox root filesystems with tiny inits and the commands the
// tests run, built once with -race. Test-only helpers; nothing in the
// product imports it.
package testenv

import (
	"os"
	"os/exec"
	"strings"
	"testing"

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

// EnsureBridge creates and raises the host bridge when it is missing.
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
