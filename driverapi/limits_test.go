package driverapi_test

import (
	"errors"
	"strings"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

func TestNameBoundMatchesXMLMap(t *testing.T) {
	if driverapi.MaxNameLen != xmlmap.MaxNameLen {
		t.Fatalf("driverapi allows %d-byte names, xmlmap %d", driverapi.MaxNameLen, xmlmap.MaxNameLen)
	}
}

func TestCheckName(t *testing.T) {
	for _, ok := range []string{"ct1", strings.Repeat("a", driverapi.MaxNameLen), "ünïcode", "a/b"} {
		if err := driverapi.CheckName(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"\xff\xfe", strings.Repeat("a", driverapi.MaxNameLen+1), strings.Repeat("x", 4<<20)} {
		err := driverapi.CheckName(bad)
		var ve *virterror.Error
		if !errors.As(err, &ve) || ve.Code != libvirt.ErrInvalidArg || len(err.Error()) > 200 {
			t.Errorf("%.20q: %v", bad, err)
		}
	}
}

func TestCheckDefinition(t *testing.T) {
	if err := driverapi.CheckDefinition("<domain/>"); err != nil {
		t.Fatal(err)
	}
	err := driverapi.CheckDefinition(strings.Repeat(" ", 4<<20))
	var ve *virterror.Error
	if !errors.As(err, &ve) || ve.Code != libvirt.ErrInvalidArg || !strings.Contains(err.Error(), "larger than the 2097152-byte limit") {
		t.Fatalf("%v", err)
	}
}
