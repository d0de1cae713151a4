//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// debianSystemdRootfs makes a Debian root filesystem that boots systemd
// from the host's own /usr (Debian 12 is merged-/usr), bind-mounted
// read-only, with an /etc of its own that enables no host service.
func debianSystemdRootfs(t *testing.T, h *host) string {
	t.Helper()
	if _, err := os.Stat("/usr/lib/systemd/systemd"); err != nil {
		t.Fatalf("systemd is not installed on the host: %v", err)
	}
	root := filepath.Join(filepath.Dir(h.stateDir), "debian")
	for _, d := range []string{"usr", "etc/systemd/system", "var/log", "var/tmp", "run", "tmp", "proc", "sys", "dev", "root", "home"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	for _, l := range []string{"bin", "sbin", "lib", "lib64"} {
		must(t, os.Symlink("usr/"+l, filepath.Join(root, l)))
	}
	for _, f := range []string{"os-release", "passwd", "group", "shadow", "gshadow", "nsswitch.conf", "login.defs"} {
		b, err := os.ReadFile(filepath.Join("/etc", f))
		must(t, err)
		must(t, os.WriteFile(filepath.Join(root, "etc", f), b, 0o644))
	}
	must(t, os.WriteFile(filepath.Join(root, "etc/machine-id"), nil, 0o444))
	must(t, os.WriteFile(filepath.Join(root, "etc/hostname"), []byte("debian\n"), 0o644))
	return root
}

// TestDebianSystemdGuest boots systemd as a container's init under the
// confinement every container gets (device allow-list, seccomp policy,
// lxcfs) and waits until it has finished booting.
func TestDebianSystemdGuest(t *testing.T) {
	h := newHost(t)
	l := h.open()
	ctx := t.Context()
	name := h.name("debian")
	root := debianSystemdRootfs(t, h)
	d, err := l.DefineXML(ctx, fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>256</memory>
  <os><type>exe</type><init>/lib/systemd/systemd</init><initarg>--unit=multi-user.target</initarg></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <filesystem type='mount'><source dir='/usr'/><target dir='/usr'/><readonly/></filesystem>
    <interface type='bridge'><source bridge='%s'/></interface>
    <console type='pty'/>
  </devices>
</domain>`, name, root, testenv.Bridge), 0)
	must(t, err)
	d, err = l.Create(ctx, d.UUID, 0)
	must(t, err)
	if st := readTrim(t, fmt.Sprintf("/proc/%d/status", d.ID)); !strings.Contains(st, "\nSeccomp:\t2\n") {
		t.Errorf("systemd runs without LXC's seccomp policy:\n%s", st)
	}

	var state, out string
	deadline := time.Now().Add(2 * time.Minute)
	for {
		out, err = h.inGuest(name, "systemctl", "is-system-running")
		state = strings.TrimSpace(out)
		if state == "running" || state == "degraded" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	failed, _ := h.inGuest(name, "systemctl", "--failed", "--no-legend", "--plain")
	t.Logf("system state %q; failed units:\n%s", state, failed)
	if state != "running" {
		t.Errorf("systemd did not finish booting: is-system-running = %q (%v); failed units:\n%s", state, err, failed)
	}
}
