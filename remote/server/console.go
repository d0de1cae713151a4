package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// openConsole serves DOMAIN_OPEN_CONSOLE: the driver attaches to the
// console, and the call's stream carries it (see stream.go) from the reply
// on. Exclusive access and --force are the driver's to decide.
func (s *Server) openConsole(ctx context.Context, c *conn, args *libvirt.DomainOpenConsoleArgs) error {
	cons, ok := s.drv().(driverapi.Consoler)
	if !ok {
		return noSupport("virDomainOpenConsole")
	}
	ci := callFrom(ctx)
	if ci == nil {
		return virterror.New(libvirt.ErrInternalError, "virDomainOpenConsole outside a call")
	}
	dev := ""
	if len(args.DevName) > 0 {
		dev = args.DevName[0]
	}
	con, err := cons.OpenConsole(ctx, args.Dom.UUID, dev, args.Flags)
	if err != nil {
		return err
	}
	c.openStream(ci, con)
	return nil
}
