package driverapi

import (
	"context"
	"io"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// Console flags, values from libvirt (VIR_DOMAIN_CONSOLE_*).
const (
	// ConsoleForce detaches a client already attached to the console.
	ConsoleForce = uint32(libvirt.DomainConsoleForce)
	// ConsoleSafe asks for a console that cannot be shared unsafely.
	ConsoleSafe = uint32(libvirt.DomainConsoleSafe)
)

// Consoler is implemented by drivers that attach clients to a running
// domain's console, as virDomainOpenConsole does. It is separate from
// Driver so drivers without consoles need not stub it.
type Consoler interface {
	// OpenConsole attaches to console dev of a running domain: "" is its
	// first console, otherwise a console's alias (by default "consoleN").
	// A console another client holds is refused with
	// VIR_ERR_OPERATION_FAILED unless flags has ConsoleForce, which
	// detaches that client (its Read fails with ErrConsoleTakenOver). ctx
	// bounds the attachment only. Read returns io.EOF once the console
	// ended (the container stopped); Close detaches.
	OpenConsole(ctx context.Context, uuid UUID, dev string, flags uint32) (io.ReadWriteCloser, error)
}

// ErrConsoleTakenOver is what a session's Read returns once another client
// forced the console away from it. libvirt reports a stream forced off this
// way as an RPC error of the streams domain.
var ErrConsoleTakenOver = virterror.NewFrom(fromStreams, libvirt.ErrRPC,
	"stream had I/O failure: the console was taken over by another client (console --force)")

// fromStreams is libvirt's VIR_FROM_STREAMS error domain.
const fromStreams = virterror.Domain(38)
