package driverapi

import (
	"unicode/utf8"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// MaxNameLen is the longest domain name (the container's hostname, which
// Linux limits to 64 bytes; xmlmap enforces the same at define).
const MaxNameLen = 64

// MaxDefinitionLen bounds a domain XML a client may define: half of the
// 4 MiB string limit of libvirt's wire, so that the XML the driver later
// reports for it, with defaults filled in, still fits one reply.
const MaxDefinitionLen = 2 << 20

// CheckName refuses a name no domain can have before it crosses the
// contract: invalid UTF-8 (which the plugin's gRPC would refuse) or longer
// than MaxNameLen. The error does not echo the name.
func CheckName(name string) error {
	switch {
	case len(name) > MaxNameLen:
		return virterror.New(libvirt.ErrInvalidArg, "domain name of %d bytes is longer than %d bytes", len(name), MaxNameLen)
	case !utf8.ValidString(name):
		return virterror.New(libvirt.ErrInvalidArg, "domain name is not valid UTF-8")
	}
	return nil
}

// CheckDefinition refuses a domain XML longer than MaxDefinitionLen or not
// valid UTF-8, without echoing it.
func CheckDefinition(xml string) error {
	switch {
	case len(xml) > MaxDefinitionLen:
		return virterror.New(libvirt.ErrInvalidArg, "domain XML of %d bytes is larger than the %d-byte limit", len(xml), MaxDefinitionLen)
	case !utf8.ValidString(xml):
		return virterror.New(libvirt.ErrXMLError, "domain XML is not valid UTF-8")
	}
	return nil
}
