package server

import (
	"errors"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// toPayload turns any handler error into the remote_error a client sees.
// Driver errors are *virterror.Error and keep their code, domain and
// message; a payload that does not decode is an RPC error, as in libvirtd;
// anything else is an internal error.
func toPayload(err error) *wire.ErrorPayload {
	var de *proto.DecodeError
	if errors.As(err, &de) {
		return rpcError("Unable to decode message payload: %v", de.Err)
	}
	return payload(virterror.Wrap(err))
}

func payload(e *virterror.Error) *wire.ErrorPayload {
	detail := strings.TrimPrefix(e.Message, virterror.Prefix(e.Code))
	return wire.NewError(int32(e.Code), int32(e.Domain), e.Message, detail)
}

func newError(dom virterror.Domain, code libvirt.ErrorNumber, format string, args ...any) *wire.ErrorPayload {
	return payload(virterror.NewFrom(dom, code, format, args...))
}

func rpcError(format string, args ...any) *wire.ErrorPayload {
	return newError(virterror.FromRPC, libvirt.ErrRPC, format, args...)
}

func internalError(format string, args ...any) *wire.ErrorPayload {
	return newError(virterror.FromRPC, libvirt.ErrInternalError, format, args...)
}

// noSupport is libvirt's answer for an API the connection's driver lacks.
func noSupport(api string) *virterror.Error {
	return virterror.NewFrom(virterror.FromDomain, libvirt.ErrNoSupport, "%s", api)
}

// checkFlags refuses flags outside allowed, as libvirt's virCheckFlags does.
func checkFlags(flags, allowed uint32, api string) error {
	if extra := flags &^ allowed; extra != 0 {
		return virterror.New(libvirt.ErrInvalidArg, "unsupported flags (0x%x) in function %s", extra, api)
	}
	return nil
}
