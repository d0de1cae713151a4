package xmlmap

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// nsXML is a domain joining namespaces as ns says, with devs.
func nsXML(ns, devs string) string {
	return `<domain type='lxc' xmlns:lxc='http://libvirt.org/schemas/domain/lxc/1.0'>
  <name>joiner</name><memory>500000</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <lxc:namespace>` + ns + `</lxc:namespace>
  <devices><filesystem type='mount'><source dir='/srv/c'/><target dir='/'/></filesystem>` + devs + `</devices>
</domain>`
}

func TestSharedNamespaces(t *testing.T) {
	opts := testOptions(CgroupV1)
	m, err := Parse([]byte(nsXML(`<lxc:sharenet type='netns' value='red'/><lxc:shareipc type='pid' value='123'/><lxc:shareuts type='name' value='other'/>`, "")), opts)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"lxc.namespace.share.net": "/run/netns/red", "lxc.namespace.share.ipc": "/proc/123/ns/ipc"} {
		if v, ok := m.Config.Value(key); !ok || v != want {
			t.Errorf("%s = %q, %v; want %q", key, v, ok, want)
		}
	}
	if _, ok := m.Config.Value("lxc.namespace.share.uts"); ok {
		t.Error("a definition resolved type='name' (only a start can)")
	}
	if _, ok := m.Config.Value("lxc.net.0.type"); ok {
		t.Errorf("a container joining a network namespace got a network of its own: %q", m.Config)
	}
	out, err := FormatDomain(m.Domain)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "sharenet") || !strings.Contains(out, "value=\"other\"") && !strings.Contains(out, "value='other'") {
		t.Errorf("<lxc:namespace> lost in the formatted definition:\n%s", out)
	}

	// At a start, type='name' is the other domain's init.
	opts.DomainInit = func(name string) (int, error) {
		if name != "other" {
			t.Errorf("DomainInit(%q)", name)
		}
		return 4242, nil
	}
	m, err = Parse([]byte(nsXML(`<lxc:shareuts type='name' value='other'/>`, "")), opts)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := m.Config.Value("lxc.namespace.share.uts"); v != "/proc/4242/ns/uts" {
		t.Errorf("lxc.namespace.share.uts = %q", v)
	}
	if v, _ := m.Config.Value("lxc.net.0.type"); v != "empty" {
		t.Errorf("without sharenet the container keeps its own network namespace: lxc.net.0.type = %q", v)
	}
	opts.DomainInit = func(string) (int, error) {
		return 0, virterror.New(libvirt.ErrOperationInvalid, "Init pid is not yet available")
	}
	_, err = Parse([]byte(nsXML(`<lxc:sharenet type='name' value='other'/>`, "")), opts)
	wantErr(t, err, libvirt.ErrOperationInvalid, "Init pid")
}

func TestSharedNamespacesRefused(t *testing.T) {
	for _, c := range []struct {
		ns, devs string
		code     libvirt.ErrorNumber
		msg      string
	}{
		{`<lxc:shareipc type='netns' value='red'/>`, "", libvirt.ErrConfigUnsupported, "only be used with sharenet"},
		{`<lxc:sharenet type='netns' value='red'/>`, `<interface type='bridge'><source bridge='b'/></interface>`, libvirt.ErrConfigUnsupported, "inherit net namespace"},
		{`<lxc:sharenet type='pid' value='1x'/>`, "", libvirt.ErrXMLError, "sharenet"},
		{`<lxc:sharenet type='pid' value='-4'/>`, "", libvirt.ErrXMLError, "not a process ID"},
		{`<lxc:sharenet type='netns' value='../x'/>`, "", libvirt.ErrXMLError, "'/'"},
		{`<lxc:shareuts type='name' value=''/>`, "", libvirt.ErrXMLError, "empty"},
		{`<lxc:shareuts type='volume' value='x'/>`, "", libvirt.ErrInternalError, "Unknown LXC namespace source 'volume'"},
	} {
		_, err := Parse([]byte(nsXML(c.ns, c.devs)), testOptions(CgroupV1))
		if err == nil {
			t.Errorf("%s %s accepted", c.ns, c.devs)
			continue
		}
		wantErr(t, err, c.code, c.msg)
	}
	// <privnet/> asks for a namespace of its own too.
	x := strings.Replace(nsXML(`<lxc:sharenet type='netns' value='red'/>`, ""), "<devices>", "<features><privnet/></features><devices>", 1)
	_, err := Parse([]byte(x), testOptions(CgroupV1))
	wantErr(t, err, libvirt.ErrConfigUnsupported, "inherit net namespace")
}
