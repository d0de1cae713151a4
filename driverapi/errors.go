package driverapi

import (
	"fmt"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// NoDomainError is libvirt's error for a UUID that names no domain; callers
// that find a domain missing from a reply (Stats leaves it out) use it too.
func NoDomainError(u UUID) error {
	return virterror.New(libvirt.ErrNoDomain, "no domain with matching uuid '%s'", FormatUUID(u))
}

// FormatUUID renders u the way libvirt prints UUIDs.
func FormatUUID(u UUID) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
