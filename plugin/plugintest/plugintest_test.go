package plugintest

import (
	"context"
	"errors"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// lookupOnly answers LookupByName and nothing else.
type lookupOnly struct{ driverapi.Driver }

func (lookupOnly) LookupByName(_ context.Context, name string) (driverapi.Domain, error) {
	if name == "ct" {
		return driverapi.Domain{Name: name, ID: 7}, nil
	}
	return driverapi.Domain{}, virterror.New(libvirt.ErrNoDomain, "no domain with matching name '%s'", name)
}

func TestConnectCrossesTheBoundary(t *testing.T) {
	d := Connect(t, lookupOnly{})
	if _, ok := d.(lookupOnly); ok {
		t.Fatal("Connect returned the implementation itself")
	}
	got, err := d.LookupByName(context.Background(), "ct")
	if err != nil || got.Name != "ct" || got.ID != 7 {
		t.Fatalf("LookupByName = %+v, %v", got, err)
	}
	_, err = d.LookupByName(context.Background(), "nope")
	want := virterror.New(libvirt.ErrNoDomain, "no domain with matching name 'nope'")
	var ve *virterror.Error
	if !errors.As(err, &ve) || *ve != *want {
		t.Fatalf("error = %#v, want %#v", err, want)
	}
}
