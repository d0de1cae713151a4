//go:build integration

package integration

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// uuidLine matches the <uuid> line, which from-native makes anew each time.
var uuidLine = regexp.MustCompile(`(?m)^\s*<uuid>[^<]*</uuid>\n`)

// Every lxcconf2xml config of libvirt's own tests goes through `virsh
// domxml-from-native lxc-tools` and comes back as the converter the
// conformance tests check against libvirt's expected XML makes it; the two
// fstab configs libvirt refuses are refused.
func TestDomXMLFromNativeConformance(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	configs, err := filepath.Glob("../testdata/xmlmap/conformance/lxcconf2xml/*.config")
	if err != nil || len(configs) < 20 {
		t.Fatalf("found %d configs (err %v)", len(configs), err)
	}
	for _, f := range configs {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(f, "fstab") {
			msg := d.failsOn(d.sock, "domxml-from-native", "lxc-tools", f)
			if !strings.Contains(msg, "unsupported configuration") || !strings.Contains(msg, "lxc.mount.fstab") {
				t.Errorf("%s: %s", filepath.Base(f), msg)
			}
			continue
		}
		cfg, err := xmlmap.ParseConfig(text)
		if err != nil {
			t.Fatal(err)
		}
		dom, err := xmlmap.FromConfig(cfg, xmlmap.Options{})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want, err := xmlmap.FormatDomain(dom)
		if err != nil {
			t.Fatal(err)
		}
		got := d.ok("domxml-from-native", "lxc-tools", f)
		if !strings.Contains(got, "<uuid>") {
			t.Errorf("%s: from-native gave no UUID:\n%s", filepath.Base(f), got)
		}
		if g, w := uuidLine.ReplaceAllString(got, ""), strings.TrimSpace(uuidLine.ReplaceAllString(want, "")); g != w {
			t.Errorf("%s: virsh printed\n%s\nthe converter makes\n%s", filepath.Base(f), g, w)
		}
	}
}

// domxml-to-native prints the LXC config a start would write; fed back
// through domxml-from-native it defines a domain that runs.
func TestDomXMLToNativeAndBack(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("native")
	src := writeXML(t, guestXML(name, h.rootfs(testenv.InitHonoursHalt), ""))
	config := d.ok("domxml-to-native", "lxc-tools", src)
	for _, want := range []string{"lxc.uts.name = " + name, "lxc.rootfs.path = ", "lxc.net.0.link = " + testenv.Bridge, "lxc.net.0.veth.pair = "} {
		if !strings.Contains(config, want) {
			t.Errorf("to-native lacks %q:\n%s", want, config)
		}
	}
	cfgFile := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(cfgFile, []byte(config+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	back := d.ok("domxml-from-native", "lxc-tools", cfgFile)
	if out := d.ok("list", "--all", "--name"); strings.Contains(out, name) {
		t.Fatalf("conversions defined %s:\n%s", name, out)
	}
	d.ok("define", writeXML(t, back))
	d.ok("start", name)
	if out, err := h.inGuest(name, "cat", "/proc/1/cmdline"); err != nil || !strings.Contains(out, "/sbin/init") {
		t.Fatalf("init of the converted domain: %q %v", out, err)
	}
	// libvirt-lxc's environment for init (container=lxc is LXC's own).
	environ, err := h.inGuest(name, "cat", "/proc/1/environ")
	if err != nil {
		t.Fatal(err)
	}
	u := d.ok("domuuid", name)
	for _, want := range []string{"PATH=/bin:/sbin", "TERM=linux", "HOME=/", "container=lxc", "container_uuid=" + u,
		"LIBVIRT_LXC_UUID=" + u, "LIBVIRT_LXC_NAME=" + name} {
		if !slices.Contains(strings.Split(environ, "\x00"), want) {
			t.Errorf("init's environment lacks %s: %q", want, environ)
		}
	}
	d.ok("destroy", name)
	d.ok("undefine", name)

	if msg := d.failsOn(d.sock, "domxml-from-native", "native-argv", cfgFile); !strings.Contains(msg, "unsupported config type native-argv") {
		t.Errorf("unknown format: %s", msg)
	}
	if msg := d.failsOn(d.ro, "domxml-from-native", "lxc-tools", cfgFile); !strings.Contains(msg, "read only") {
		t.Errorf("from-native on the read-only socket: %s", msg)
	}
}
