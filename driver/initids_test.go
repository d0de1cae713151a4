package driver

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// <inituser> and <initgroup> names are resolved at each start, in the
// container's files, into the config's numeric ids; a name the container
// lacks fails the start with libvirt-lxc's error.
func TestInitUserByName(t *testing.T) {
	e := newEnv(t)
	withIDs := func(name, uuid, ids string) driverapi.Domain {
		d, err := e.l.DefineXML(t.Context(), strings.Replace(domXML(name, uuid), "</init>", "</init>"+ids, 1), 0)
		must(t, err)
		return d
	}
	d := e.start(withIDs("named", uuidA, "<inituser>tester</inituser><initgroup>staff</initgroup>"))
	e.rt.mu.Lock()
	cfg := e.rt.configs["named"]
	e.rt.mu.Unlock()
	if !strings.Contains(cfg, "lxc.init.uid = 1234\n") || !strings.Contains(cfg, "lxc.init.gid = 50\n") {
		t.Fatalf("config lacks the resolved ids:\n%s", cfg)
	}
	must(t, e.l.Destroy(t.Context(), d.UUID, 0))
	bad := withIDs("unnamed", uuidB, "<inituser>bob</inituser>")
	_, err := e.l.Create(t.Context(), bad.UUID, 0)
	wantCode(t, err, libvirt.ErrInternalError, "User bob doesn't exist")
}
