// Package testenv builds what lxcvirt's tests need on the host: a root check,
// the host bridge and busybox root filesystems with tiny inits. Test-only
// helpers; nothing in the product imports it.
package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Busybox is the static busybox the rootfs builders copy.
const Busybox = "/bin/busybox"

// Bridge is the host bridge the default network maps to.
const Bridge = "lxcbr0"

// Inits for test containers. The busybox template's own init defers signals
// while it waits for DHCP, so tests use these instead.
const (
	// InitHonoursHalt exits on SIGPWR/SIGTERM (LXC's halt signal is SIGPWR).
	InitHonoursHalt = `#!/bin/sh
trap 'exit 0' PWR TERM INT
while :; do sleep 1000 & wait $!; done
`
	// InitIgnoresHalt ignores the halt signals; only SIGKILL stops it.
	InitIgnoresHalt = `#!/bin/sh
trap '' PWR TERM INT HUP
while :; do sleep 1000 & wait $!; done
`
	// InitShell runs a shell on the console, as in the seed demo; it also
	// honours the halt signal.
	InitShell = `#!/bin/sh
trap 'exit 0' PWR TERM
hostname -F /etc/hostname 2>/dev/null
while :; do /bin/sh -i </dev/console >/dev/console 2>&1 & wait $!; sleep 1; done
`
)

// RequireRoot skips t unless the test runs as root with the lxc tools
// installed (make test installs them; CI runs as root).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	if _, err := exec.LookPath("lxc-start"); err != nil {
		t.Skip("needs the lxc tools (make deps)")
	}
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
	if err := WriteRootfs(dir, init); err != nil {
		t.Fatal(err)
	}
	return dir
}

// WriteRootfs is BuildRootfs without a testing.TB, for demos and benchmarks.
func WriteRootfs(dir, init string) error {
	for _, d := range []string{"bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "dev/pts", "tmp", "root", "run", "var/run"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	bb, err := os.ReadFile(Busybox)
	if err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bin/busybox"), bb, 0o755); err != nil {
		return err
	}
	list, err := exec.Command(Busybox, "--list-full").Output()
	if err != nil {
		return fmt.Errorf("rootfs: busybox --list-full: %w", err)
	}
	for _, applet := range strings.Fields(string(list)) {
		link := filepath.Join(dir, applet)
		if applet == "bin/busybox" || applet == "sbin/init" {
			continue
		}
		rel, err := filepath.Rel(filepath.Dir(link), filepath.Join(dir, "bin/busybox"))
		if err != nil {
			return err
		}
		if err := os.Symlink(rel, link); err != nil && !os.IsExist(err) {
			return err
		}
	}
	files := map[string]string{
		"sbin/init":   init,
		"etc/passwd":  "root:x:0:0:root:/root:/bin/sh\n",
		"etc/group":   "root:x:0:\n",
		"etc/profile": "export PATH=/bin:/sbin:/usr/bin:/usr/sbin\n",
	}
	for name, body := range files {
		mode := os.FileMode(0o644)
		if bytes.HasPrefix([]byte(body), []byte("#!")) {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), mode); err != nil {
			return err
		}
	}
	return nil
}
