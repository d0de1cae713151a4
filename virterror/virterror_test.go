package virterror

import (
	"errors"
	"fmt"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"
)

func TestNewFormatsLibvirtPrefix(t *testing.T) {
	err := New(libvirt.ErrNoDomain, "no domain with matching name '%s'", "x")
	if got, want := err.Error(), "Domain not found: no domain with matching name 'x'"; got != want {
		t.Fatalf("message %q, want %q", got, want)
	}
	if err.Domain != FromLXC || err.Code != libvirt.ErrNoDomain {
		t.Fatalf("code/domain %d/%d", err.Code, err.Domain)
	}
}

func TestCodeSurvivesWrapping(t *testing.T) {
	base := New(libvirt.ErrOperationInvalid, "domain is not running")
	wrapped := fmt.Errorf("suspend ct1: %w", base)
	if CodeOf(wrapped) != libvirt.ErrOperationInvalid || !HasCode(wrapped, libvirt.ErrOperationInvalid) {
		t.Fatalf("CodeOf(wrapped) = %d", CodeOf(wrapped))
	}
	if !errors.Is(wrapped, &Error{Code: libvirt.ErrOperationInvalid}) {
		t.Fatal("errors.Is on the code failed")
	}
	if errors.Is(wrapped, &Error{Code: libvirt.ErrNoDomain}) {
		t.Fatal("errors.Is matched another code")
	}
	if errors.Is(wrapped, &Error{Code: libvirt.ErrOperationInvalid, Domain: FromRPC}) {
		t.Fatal("errors.Is ignored an explicit domain")
	}
	if Wrap(wrapped) != base {
		t.Fatal("Wrap did not return the libvirt error inside")
	}
}

func TestPlainErrorsBecomeInternal(t *testing.T) {
	if CodeOf(nil) != 0 || Wrap(nil) != nil {
		t.Fatal("nil must stay nil")
	}
	e := Wrap(errors.New("disk on fire"))
	if e.Code != libvirt.ErrInternalError || e.Message != "internal error: disk on fire" {
		t.Fatalf("Wrap(plain) = %+v", e)
	}
	if HasCode(errors.New("x"), libvirt.ErrInternalError) {
		t.Fatal("HasCode must only match libvirt errors")
	}
}
