package plugin

import (
	"context"
	"errors"

	libvirt "github.com/digitalocean/go-libvirt"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// grpcCodes gives libvirt errors a matching gRPC code. The code is only a
// courtesy to generic gRPC tooling: the client rebuilds the error from the
// status detail, never from the code.
var grpcCodes = map[virterror.Code]codes.Code{
	libvirt.ErrNoDomain:          codes.NotFound,
	libvirt.ErrInvalidArg:        codes.InvalidArgument,
	libvirt.ErrXMLError:          codes.InvalidArgument,
	libvirt.ErrXMLDetail:         codes.InvalidArgument,
	libvirt.ErrOperationInvalid:  codes.FailedPrecondition,
	libvirt.ErrConfigUnsupported: codes.FailedPrecondition,
	libvirt.ErrNoSupport:         codes.Unimplemented,
	libvirt.ErrOperationTimeout:  codes.DeadlineExceeded,
	libvirt.ErrOperationAborted:  codes.Aborted,
	libvirt.ErrOperationDenied:   codes.PermissionDenied,
	libvirt.ErrInternalError:     codes.Internal,
}

// contextError turns a context error into the libvirt error a caller
// expects (a timeout or an abort), or returns nil for any other error.
func contextError(method string, err error) *virterror.Error {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return virterror.New(libvirt.ErrOperationTimeout, "%s: %v", method, context.DeadlineExceeded)
	case errors.Is(err, context.Canceled):
		return virterror.New(libvirt.ErrOperationAborted, "%s: %v", method, context.Canceled)
	}
	return nil
}

// toStatus is the server side: it turns a driver error into a gRPC status
// whose single detail is the libvirt error. A libvirt error keeps its code,
// domain and message; a context error becomes a timeout or abort; any other
// error becomes an internal error with the error's text.
func toStatus(method string, err error) error {
	if err == nil {
		return nil
	}
	ve := virterror.As(err)
	if ve == nil {
		ve = contextError(method, err)
	}
	if ve == nil {
		ve = virterror.Wrap(err)
	}
	code, ok := grpcCodes[ve.Code]
	if !ok {
		code = codes.Unknown
	}
	st := status.New(code, ve.Message)
	withDetail, derr := st.WithDetails(&pb.Error{Code: int32(ve.Code), Domain: int32(ve.Domain), Message: ve.Message})
	if derr != nil {
		return st.Err()
	}
	return withDetail.Err()
}

// errorFromStatus extracts the libvirt error a server put into a status, or
// nil when the status carries none (a transport or client-side failure).
func errorFromStatus(st *status.Status) *virterror.Error {
	for _, d := range st.Details() {
		if e, ok := d.(*pb.Error); ok {
			return &virterror.Error{Code: virterror.Code(e.GetCode()), Domain: virterror.Domain(e.GetDomain()), Message: e.GetMessage()}
		}
	}
	return nil
}

// fromStatus is the client side of toStatus. Errors without a libvirt
// detail did not come from the driver: the caller's own deadline or
// cancellation becomes a timeout or abort, an rpc the plugin does not know
// becomes "not supported", and anything else is a broken boundary handed to
// transport (which may know that the plugin process died).
func fromStatus(ctx context.Context, method string, err error, transport func(method string, st *status.Status) error) error {
	if err == nil {
		return nil
	}
	st, _ := status.FromError(err)
	if ve := errorFromStatus(st); ve != nil {
		return ve
	}
	if ctx.Err() != nil {
		return contextError(method, ctx.Err())
	}
	switch st.Code() {
	case codes.DeadlineExceeded:
		return virterror.New(libvirt.ErrOperationTimeout, "%s: %s", method, st.Message())
	case codes.Unimplemented:
		return virterror.New(libvirt.ErrNoSupport, "%s: the LXC driver plugin does not implement it", method)
	}
	return transport(method, st)
}

// unreachable is the default transport failure: an internal error naming
// the method and gRPC's reason.
func unreachable(method string, st *status.Status) error {
	return virterror.New(libvirt.ErrInternalError, "LXC driver plugin unreachable during %s: %s", method, st.Message())
}
