//go:build integration

package integration

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// metaURI is the namespace of the tests' custom metadata.
const metaURI = "http://example.org/lxcvirt-test/1.0"

// metaWatch starts `virsh event --event metadata-change --loop` and
// returns once virsh registered its callback.
func (d *daemon) metaWatch() *eventWatch {
	d.t.Helper()
	return d.watch(1, "--event", "metadata-change", "--loop")
}

// metaGuest defines and starts a guest named after prefix, with extra
// after its <os>, and watches its metadata changes.
func (d *daemon) metaGuest(prefix, extra string) (string, *eventWatch) {
	d.t.Helper()
	name := d.h.name(prefix)
	d.ok("define", writeXML(d.t, guestXML(name, d.h.rootfs(testenv.InitHonoursHalt), extra)))
	d.ok("start", name)
	return name, d.metaWatch()
}

// metaLine is how virsh event prints a metadata change (uri "" is NULL).
func metaLine(name, typ, uri string) string {
	if uri == "" {
		uri = "<null>"
	}
	return fmt.Sprintf("event 'metadata-change' for domain '%s': type %s, uri %s", name, typ, uri)
}

// metaXMLHas fails unless the domain XML virsh prints with args holds
// each of want and none of unwanted.
func (d *daemon) metaXMLHas(args []string, want, unwanted []string) {
	d.t.Helper()
	x := d.ok(args...)
	for _, w := range want {
		if !strings.Contains(x, w) {
			d.t.Errorf("virsh %s lacks %q:\n%s", strings.Join(args, " "), w, x)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(x, u) {
			d.t.Errorf("virsh %s has %q:\n%s", strings.Join(args, " "), u, x)
		}
	}
}

// TestMetadataVirsh sets and reads a running container's title,
// description and custom metadata with virsh desc and virsh metadata, live
// and in the persistent definition, and follows the metadata-change events
// virsh event prints; then the refusals libvirt makes.
func TestMetadataVirsh(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name, ev := d.metaGuest("meta", "")

	if out := d.ok("desc", name, "--live", "--title", "live title"); out != "Domain title updated successfully" {
		t.Errorf("desc --title: %q", out)
	}
	ev.want(metaLine(name, "title", ""))
	d.ok("desc", name, "--config", "config description")
	ev.want(metaLine(name, "description", ""))
	d.ok("metadata", name, "--uri", metaURI, "--key", "app", "--set", `<app x="1"><live/></app>`, "--live")
	ev.want(metaLine(name, "element", metaURI))
	d.ok("metadata", name, "--uri", metaURI, "--key", "app", "--set", "<app><config/></app>", "--config")
	ev.want(metaLine(name, "element", metaURI))

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"desc", name, "--title"}, "live title"}, // current: live, it runs
		{[]string{"desc", name, "--title", "--config"}, "No title for domain: " + name},
		{[]string{"desc", name, "--config"}, "config description"},
		{[]string{"desc", name, "--live"}, "No description for domain: " + name},
		{[]string{"metadata", name, "--uri", metaURI, "--live"},
			"<app:app xmlns:app=\"" + metaURI + "\" x=\"1\">\n  <app:live/>\n</app:app>"},
		{[]string{"metadata", name, "--uri", metaURI, "--config"},
			"<app:app xmlns:app=\"" + metaURI + "\">\n  <app:config/>\n</app:app>"},
	} {
		if got := d.ok(c.args...); got != c.want {
			t.Errorf("virsh %s = %q; want %q", strings.Join(c.args, " "), got, c.want)
		}
	}
	if out := d.ok("list", "--title"); !strings.Contains(out, "live title") {
		t.Errorf("list --title:\n%s", out)
	}
	d.metaXMLHas([]string{"dumpxml", name},
		[]string{"<title>live title</title>", "<app:app xmlns:app='" + metaURI + "' x='1'>", "<app:live/>"},
		[]string{"<description>", "<app:config/>"})
	d.metaXMLHas([]string{"dumpxml", name, "--inactive"},
		[]string{"<description>config description</description>", "<app:config/>"},
		[]string{"<title>", "<app:live/>"})

	// Removal.
	d.ok("metadata", name, "--uri", metaURI, "--remove", "--live")
	ev.want(metaLine(name, "element", metaURI))
	if e := d.failsOn(d.sock, "metadata", name, "--uri", metaURI, "--live"); e != "error: metadata not found: Requested metadata element is not present" {
		t.Errorf("metadata of a removed element: %q", e)
	}
	d.ok("desc", name, "--live", "--title", "")
	ev.want(metaLine(name, "title", ""))
	d.metaXMLHas([]string{"dumpxml", name}, nil, []string{"<title>", "<metadata>"})

	// What libvirt refuses, with its codes and words; nothing changes.
	if e := d.failsOn(d.sock, "metadata", name, "--uri", metaURI, "--key", "a:b", "--set", "<x/>"); !strings.Contains(e, "invalid argument") {
		t.Errorf("bad key: %q", e)
	}
	if e := d.failsOn(d.sock, "metadata", name, "--uri", metaURI, "--key", "app", "--set", "<x>"); !strings.Contains(e, "XML error") {
		t.Errorf("bad XML: %q", e)
	}
	if e := d.failsOn(d.ro, "desc", name, "--title", "ro"); !strings.Contains(e, "read only access prevents virDomainSetMetadata") {
		t.Errorf("read-only: %q", e)
	}
	d.ok("destroy", name)
	if e := d.failsOn(d.sock, "desc", name, "--live", "--title", "x"); !strings.HasSuffix(e, "error: Requested operation is not valid: domain is not running") {
		t.Errorf("live on a stopped domain: %q", e)
	}
	if got := d.ok("desc", name, "--title"); got != "No title for domain: "+name {
		t.Errorf("a refused change was made: %q", got)
	}
	d.ok("desc", name, "--title", "stopped title") // current: config, it is off
	ev.want(metaLine(name, "title", ""))
	d.metaXMLHas([]string{"dumpxml", name}, []string{"<title>stopped title</title>", "<description>config description</description>"}, nil)

	transient := h.name("metatr")
	d.ok("create", writeXML(t, guestXML(transient, h.rootfs(testenv.InitHonoursHalt), "")))
	if e := d.failsOn(d.sock, "desc", transient, "--config", "--title", "x"); !strings.HasSuffix(e, "error: Requested operation is not valid: transient domains do not have any persistent config") {
		t.Errorf("config on a transient domain: %q", e)
	}
	d.ok("destroy", transient)
	ev.quiet(300 * time.Millisecond)
}

// TestMetadataVirtXML: virt-xml --edit --metadata on a running container
// redefines it (virt-xml 4.1 calls nothing else), and the live XML shows
// the new title at once.
func TestMetadataVirtXML(t *testing.T) {
	virtXML := testenv.RequireTool(t, "virt-xml", "virtinst")
	h := newHost(t)
	d := startDaemon(t, h)
	name, ev := d.metaGuest("metavx", "<title>before</title>")

	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, virtXML, "--connect", uri(d.sock), name, "--edit", "--metadata", "title=set by virt-xml,description=desc by virt-xml")
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LIBVIRT_DEFAULT_URI=")
	out, err := cmd.CombinedOutput()
	t.Logf("$ virt-xml … --edit --metadata …\n%s", out)
	if err != nil {
		t.Fatalf("virt-xml: %v", err)
	}
	ev.want(metaLine(name, "title", ""), metaLine(name, "description", ""))
	for _, args := range [][]string{{"dumpxml", name}, {"dumpxml", name, "--inactive"}} {
		d.metaXMLHas(args, []string{"<title>set by virt-xml</title>", "<description>desc by virt-xml</description>"}, []string{"before"})
	}
	if got := d.ok("desc", name, "--live", "--title"); got != "set by virt-xml" {
		t.Errorf("live title %q", got)
	}
}

// metaPython runs a libvirt-python script with the daemon's URI as
// sys.argv[1] and the domain name as sys.argv[2]; without libvirt-python
// the test stops (testenv.Missing).
func metaPython(t *testing.T, d *daemon, name, script string) string {
	t.Helper()
	py := testenv.RequireTool(t, "/usr/bin/python3", "python3")
	if err := exec.Command(py, "-c", "import libvirt").Run(); err != nil {
		testenv.Missing(t, "needs libvirt-python (Debian package python3-libvirt, installed by make deps)")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, py, "-c", script, uri(d.sock), name)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s%s", err, out, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// TestMetadataVirtManagerCalls makes the calls virt-manager 4.1 makes to
// save a title edit on a running guest (details.py _apply_overview →
// addhardware.py change_config_helper): define_overview redefines the
// inactive XML with the new title, then vm.hotplug(title=…) calls
// setMetadata(TITLE, title, None, None, AFFECT_LIVE|AFFECT_CONFIG). Only
// when that raises does virt-manager say the change "will take effect
// after the next guest shutdown".
func TestMetadataVirtManagerCalls(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name, ev := d.metaGuest("metavm", "<title>old</title>")
	out := metaPython(t, d, name, `
import sys, libvirt
conn = libvirt.open(sys.argv[1])
dom = conn.lookupByName(sys.argv[2])
xml = dom.XMLDesc(libvirt.VIR_DOMAIN_XML_INACTIVE)
conn.defineXML(xml.replace("<title>old</title>", "<title>from virt-manager</title>"))
flags = libvirt.VIR_DOMAIN_AFFECT_LIVE | libvirt.VIR_DOMAIN_AFFECT_CONFIG
dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_TITLE, "from virt-manager", None, None, flags)
dom.setMetadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, "", None, None, flags)
print(dom.metadata(libvirt.VIR_DOMAIN_METADATA_TITLE, None, libvirt.VIR_DOMAIN_AFFECT_LIVE))
try:
    dom.metadata(libvirt.VIR_DOMAIN_METADATA_DESCRIPTION, None, 0)
except libvirt.libvirtError as e:
    print(e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN_METADATA)
`)
	if out != "from virt-manager\nTrue" {
		t.Fatalf("python printed %q", out)
	}
	// The redefinition changed the live title (one event), setMetadata
	// reported its changes too.
	ev.want(metaLine(name, "title", ""), metaLine(name, "title", ""), metaLine(name, "description", ""))
	d.metaXMLHas([]string{"dumpxml", name}, []string{"<title>from virt-manager</title>"}, []string{"<description>"})
}
