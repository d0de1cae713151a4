package driver

import (
	"context"
	"errors"
	"fmt"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Errors the driver raises, with libvirt's texts.

func errNoName(name string) error {
	return virterror.New(libvirt.ErrNoDomain, "no domain with matching name '%s'", name)
}

func errNoUUID(u driverapi.UUID) error { return driverapi.NoDomainError(u) }

func errNoID(id int32) error {
	return virterror.New(libvirt.ErrNoDomain, "no domain with matching id %d", id)
}

func errNotRunning() error {
	return virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
}

func errRunning() error {
	return virterror.New(libvirt.ErrOperationInvalid, "domain is already running")
}

// checkFlags mirrors libvirt's virCheckFlags: a bit outside allowed is an
// invalid argument naming the entry point.
func checkFlags(fn string, flags, allowed uint32) error {
	if extra := flags &^ allowed; extra != 0 {
		return virterror.New(libvirt.ErrInvalidArg, "%s: unsupported flags (0x%x)", fn, extra)
	}
	return nil
}

// internalErr reports a failure of the driver itself (file system, host).
func internalErr(format string, args ...any) error {
	return virterror.New(libvirt.ErrInternalError, format, args...)
}

// runtimeErr turns an lxc error into a libvirt error naming the operation
// and the domain; lxc's own message stays in the text.
func runtimeErr(op, name string, err error) error {
	if e := virterror.As(err); e != nil {
		return e
	}
	switch {
	case errors.Is(err, lxc.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return virterror.New(libvirt.ErrOperationTimeout, "%s domain '%s': %v", op, name, err)
	case errors.Is(err, lxc.ErrNotRunning):
		return errNotRunning()
	case errors.Is(err, lxc.ErrAlreadyRunning):
		return errRunning()
	case errors.Is(err, context.Canceled):
		return virterror.New(libvirt.ErrOperationAborted, "%s domain '%s': %v", op, name, err)
	}
	return virterror.New(libvirt.ErrOperationFailed, "failed to %s domain '%s': %v", op, name, err)
}

// parseUUID reads a UUID in libvirt's accepted forms (with or without
// dashes, any case).
func parseUUID(s string) (driverapi.UUID, error) {
	var u driverapi.UUID
	hex := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	if len(hex) != 32 {
		return u, fmt.Errorf("malformed uuid %q", s)
	}
	for i := range u {
		var b byte
		for _, c := range hex[2*i : 2*i+2] {
			var v byte
			switch {
			case c >= '0' && c <= '9':
				v = byte(c - '0')
			case c >= 'a' && c <= 'f':
				v = byte(c-'a') + 10
			case c >= 'A' && c <= 'F':
				v = byte(c-'A') + 10
			default:
				return driverapi.UUID{}, fmt.Errorf("malformed uuid %q", s)
			}
			b = b<<4 | v
		}
		u[i] = b
	}
	return u, nil
}

func errJobTimeout() error {
	return virterror.New(libvirt.ErrOperationTimeout, "cannot acquire state change lock")
}
