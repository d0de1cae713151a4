package driver

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"
)

// The LXC config to-native returns is the one a start writes, and
// from-native turns it back into the same domain.
func TestNativeRoundTrip(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	config, err := e.l.DomainXMLToNative(ctx, "lxc-tools", domXML("nat", uuidA), 0)
	must(t, err)
	d := e.start(e.define("nat", uuidA))
	e.rt.mu.Lock()
	started := e.rt.configs["nat"]
	e.rt.mu.Unlock()
	if config != started {
		t.Fatalf("to-native:\n%s\nthe start wrote:\n%s", config, started)
	}
	if !strings.Contains(config, "lxc.net.0.veth.pair = "+vethName(d.UUID, 0)) {
		t.Fatalf("to-native lacks the host-side veth name:\n%s", config)
	}
	text, err := e.l.DomainXMLFromNative(ctx, "lxc-tools", config, 0)
	must(t, err)
	var dom libvirtxml.Domain
	must(t, dom.Unmarshal(text))
	if dom.Name != "nat" || dom.Memory == nil || dom.Memory.Value != 500000 || dom.UUID == "" || dom.UUID == uuidA {
		t.Fatalf("from-native: name %q memory %+v uuid %q; want nat, 500000 KiB and a new UUID\n%s", dom.Name, dom.Memory, dom.UUID, text)
	}
	if dom.Devices == nil || len(dom.Devices.Filesystems) != 1 || dom.Devices.Filesystems[0].Source.Mount.Dir != "/srv/nat" {
		t.Fatalf("from-native lost the root filesystem:\n%s", text)
	}
}

func TestNativeRefusals(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	_, err := e.l.DomainXMLFromNative(ctx, "native-argv", "lxc.uts.name = a\n", 0)
	wantCode(t, err, libvirt.ErrInvalidArg, "unsupported config type native-argv")
	_, err = e.l.DomainXMLToNative(ctx, "qemu-argv", domXML("a", uuidA), 0)
	wantCode(t, err, libvirt.ErrInvalidArg, "unsupported config type qemu-argv")
	_, err = e.l.DomainXMLFromNative(ctx, "lxc-tools", "lxc.uts.name = a\n", 1)
	wantCode(t, err, libvirt.ErrInvalidArg, "unsupported flags")
	_, err = e.l.DomainXMLFromNative(ctx, "lxc-tools", "lxc.uts.name = a\nlxc.mount.fstab = /x\n", 0)
	wantCode(t, err, libvirt.ErrConfigUnsupported, "lxc.mount.fstab")
	_, err = e.l.DomainXMLFromNative(ctx, "lxc-tools", "no equals sign\n", 0)
	wantCode(t, err, libvirt.ErrInvalidArg, "line 1")
	_, err = e.l.DomainXMLFromNative(ctx, "lxc-tools", strings.Repeat("#", 3<<20), 0)
	wantCode(t, err, libvirt.ErrInvalidArg, "limit")
	_, err = e.l.DomainXMLToNative(ctx, "lxc-tools", "<domain type='kvm'><name>a</name></domain>", 0)
	if err == nil {
		t.Fatal("to-native converted a kvm domain")
	}
	if names, _ := e.l.ListAll(ctx, 0); len(names) != 0 {
		t.Fatalf("conversions defined domains: %v", names)
	}
}
