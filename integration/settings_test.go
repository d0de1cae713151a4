//go:build integration

package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestDaemonConfigFile runs lxcvirtd with a config file in libvirt's
// syntax: its driver settings reach the driver plugin (a network the file
// maps is known to the driver, one it does not map is not), flags override
// the file, and a libvirt key lxcvirtd does not honour is named in the log.
func TestDaemonConfigFile(t *testing.T) {
	h := newHost(t)
	conf := filepath.Join(t.TempDir(), "lxcvirtd.conf")
	must(t, os.WriteFile(conf, []byte(`# as virtlxcd.conf
state_dir = "/proc/lxcvirt-unusable"   # the flag overrides it, or the driver could not open
networks = [ "lab=lxcbr0",
             "other=lxcbr0" ]
max_workers = 10
`), 0o600))
	d := startDaemon(t, h, "--config", conf)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	withNet := func(name, network string) string {
		return writeXML(t, fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='network'><source network='%s'/></interface>
  </devices>
</domain>`, name, rootfs, network))
	}
	name := h.name("conf")
	d.ok("define", withNet(name, "lab"))
	if e := d.failsOn(d.sock, "define", withNet(h.name("conf"), "unmapped")); !strings.Contains(e, "Network not found: no network with matching name 'unmapped'") {
		t.Errorf("define on an unmapped network: %s", e)
	}
	if log := d.log(); !strings.Contains(log, "setting ignored") || !strings.Contains(log, "key=max_workers") || !strings.Contains(log, "line=5") {
		t.Errorf("the daemon's log does not name the ignored setting:\n%s", log)
	}
}
