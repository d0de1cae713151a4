package driver

import (
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

func TestCheckpointDir(t *testing.T) {
	e := newEnv(t)
	dir, err := e.l.CheckpointDir(t.Context(), domXML("ck", uuidA))
	must(t, err)
	if dir != "/srv/ck"+checkpointSuffix {
		t.Fatalf("checkpoint dir %q", dir)
	}
	hostRoot := strings.Replace(domXML("ck", uuidA), "<filesystem type='mount'><source dir='/srv/ck'/><target dir='/'/></filesystem>", "", 1)
	if _, err := e.l.CheckpointDir(t.Context(), hostRoot); !virterror.HasCode(err, libvirt.ErrOperationInvalid) {
		t.Fatalf("a container on the host's root: %v", err)
	}
	if _, err := e.l.CheckpointDir(t.Context(), "<domain"); !virterror.HasCode(err, libvirt.ErrXMLError) {
		t.Fatalf("bad XML: %v", err)
	}
}
