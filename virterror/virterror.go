// Package virterror is libvirt's error model for lxcvirt: an error number
// (virErrorNumber), the subsystem it came from (virErrorDomain) and a message
// formatted the way libvirt formats it, so that every layer — driver, plugin
// boundary, wire server — hands the same error to virsh unchanged.
package virterror

import (
	"errors"
	"fmt"

	libvirt "github.com/digitalocean/go-libvirt"
)

// Code is a libvirt error number (virErrorNumber).
type Code = libvirt.ErrorNumber

// Domain is the libvirt subsystem an error comes from (virErrorDomain).
type Domain int32

// The error domains lxcvirt reports (values from libvirt's virterror.h).
const (
	FromNone    Domain = 0
	FromXML     Domain = 5
	FromDom     Domain = 6
	FromRPC     Domain = 7
	FromConf    Domain = 9
	FromRemote  Domain = 13
	FromLXC     Domain = 17
	FromNetwork Domain = 19
	FromDomain  Domain = 20
)

// Level is the libvirt error level; lxcvirt only reports errors.
const LevelError = 2

// Error is a libvirt error. Message is the full text virsh prints after
// "error: ", including libvirt's per-code prefix.
type Error struct {
	Code    Code
	Domain  Domain
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is lets errors.Is match on the error number alone:
// errors.Is(err, &virterror.Error{Code: libvirt.ErrNoDomain}).
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && (t.Domain == 0 || t.Domain == e.Domain)
}

// prefixes mirror libvirt's virErrorMsg texts for the codes lxcvirt raises.
var prefixes = map[Code]string{
	libvirt.ErrInternalError:        "internal error: ",
	libvirt.ErrNoSupport:            "this function is not supported by the connection driver: ",
	libvirt.ErrInvalidArg:           "invalid argument: ",
	libvirt.ErrXMLError:             "XML error: ",
	libvirt.ErrOperationFailed:      "operation failed: ",
	libvirt.ErrOperationDenied:      "operation forbidden: ",
	libvirt.ErrNoDomain:             "Domain not found: ",
	libvirt.ErrOperationInvalid:     "Requested operation is not valid: ",
	libvirt.ErrConfigUnsupported:    "unsupported configuration: ",
	libvirt.ErrOperationTimeout:     "Timed out during operation: ",
	libvirt.ErrXMLDetail:            "XML error: ",
	libvirt.ErrRPC:                  "", // libvirt formats RPC errors as "%s": clients match "unknown procedure" at the start
	libvirt.ErrSystemError:          "",
	libvirt.ErrOperationAborted:     "operation aborted: ",
	libvirt.ErrResourceBusy:         "resource busy: ",
	libvirt.ErrAuthFailed:           "authentication failed: ",
	libvirt.ErrArgumentUnsupported:  "argument unsupported: ",
	libvirt.ErrOperationUnsupported: "Operation not supported: ",
	libvirt.ErrNoDomainMetadata:     "metadata not found: ",
	libvirt.ErrNoHostname:           "no hostname found: ",
}

// Prefix returns libvirt's message prefix for code ("Domain not found: " …).
func Prefix(code Code) string { return prefixes[code] }

// New builds an error from the LXC driver domain with libvirt's prefix for
// code followed by the formatted detail.
func New(code Code, format string, args ...any) *Error {
	return NewFrom(FromLXC, code, format, args...)
}

// NewFrom is New with an explicit error domain.
func NewFrom(dom Domain, code Code, format string, args ...any) *Error {
	return &Error{Code: code, Domain: dom, Message: prefixes[code] + fmt.Sprintf(format, args...)}
}

// As returns the libvirt error inside err, or nil when there is none.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// CodeOf returns err's libvirt error number, or ErrInternalError for an
// error that carries none (and 0 for nil).
func CodeOf(err error) Code {
	if err == nil {
		return 0
	}
	if e := As(err); e != nil {
		return e.Code
	}
	return libvirt.ErrInternalError
}

// HasCode reports whether err carries the libvirt error number code.
func HasCode(err error, code Code) bool {
	e := As(err)
	return e != nil && e.Code == code
}

// Wrap turns any error into a libvirt error: one that already is keeps its
// code, domain and message; any other becomes an internal error whose message
// is the error's text.
func Wrap(err error) *Error {
	if err == nil {
		return nil
	}
	if e := As(err); e != nil {
		return e
	}
	return New(libvirt.ErrInternalError, "%s", err.Error())
}
