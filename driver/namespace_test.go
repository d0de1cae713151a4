package driver

import (
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
)

// The namespaces of a running domain's init come from its handle; a shut
// off domain and an unknown one get libvirt's errors.
func TestOpenNamespaces(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	d := e.start(e.define("web", uuidA))
	files, err := e.l.OpenNamespaces(ctx, d.UUID)
	must(t, err)
	if len(files) != 1 {
		t.Fatalf("%d files; want the handle's", len(files))
	}
	files[0].Close()
	must(t, e.l.Destroy(ctx, d.UUID, 0))
	_, err = e.l.OpenNamespaces(ctx, d.UUID)
	wantCode(t, err, libvirt.ErrOperationInvalid, "domain is not running")
	_, err = e.l.OpenNamespaces(ctx, driverapi.UUID{9})
	wantCode(t, err, libvirt.ErrNoDomain, "no domain with matching uuid")
}
