package wire

import libvirt "github.com/digitalocean/go-libvirt"

// ErrorPayload is virNetMessageError (remote_error), the payload of a reply
// with status Error. virsh prints Message after "error: ".
type ErrorPayload struct {
	Code    int32
	Domain  int32
	Message libvirt.OptString
	Level   int32
	Dom     libvirt.OptDomain // unused by libvirt; always empty
	Str1    libvirt.OptString
	Str2    libvirt.OptString
	Str3    libvirt.OptString
	Int1    int32
	Int2    int32
	Net     libvirt.OptNetwork // unused by libvirt; always empty
}

// LevelError is VIR_ERR_ERROR, the level of every error lxcvirt reports.
const LevelError = 2

// NewError builds an error payload. detail, the message without libvirt's
// per-code prefix, goes into str1 as libvirt's own errors carry it.
func NewError(code, domain int32, message, detail string) *ErrorPayload {
	p := &ErrorPayload{Code: code, Domain: domain, Message: libvirt.OptString{message}, Level: LevelError}
	if detail != "" {
		p.Str1 = libvirt.OptString{detail}
	}
	return p
}

// Text returns the error's message, or "" when it has none.
func (p *ErrorPayload) Text() string {
	if len(p.Message) == 0 {
		return ""
	}
	return p.Message[0]
}
