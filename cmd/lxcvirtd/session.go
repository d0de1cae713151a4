package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/settings"
)

// isSession says whether the daemon is a session daemon: as libvirt's
// daemons decide it, one not running as root.
func isSession() bool { return os.Geteuid() != 0 }

// sessionDirs are the session daemon's places, nil for the system daemon.
func sessionDirs() (*settings.SessionDirs, error) {
	if !isSession() {
		return nil, nil
	}
	home, _ := os.UserHomeDir()
	d, err := settings.SessionDirsFrom(os.Getenv, home)
	if err != nil {
		return nil, err
	}
	// The runtime directory holds the socket: only the user may enter it,
	// as libvirt makes it.
	if err := os.MkdirAll(d.Runtime, 0o700); err != nil {
		return nil, err
	}
	return &d, nil
}

// busy reports whether the daemon has something to keep it running: a
// connected client or a running container.
type busy func(ctx context.Context) bool

// idleTimeout returns a context that ends with parent, or once the daemon
// has not been busy for timeout (libvirt's --timeout); timeout 0 never
// ends it. It checks a few times per timeout, at most once a second.
func idleTimeout(parent context.Context, timeout time.Duration, isBusy busy, log *slog.Logger) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(parent)
	if timeout <= 0 {
		return ctx, cancel
	}
	tick := min(max(timeout/4, 10*time.Millisecond), time.Second)
	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		last := time.Now()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				if isBusy(ctx) {
					last = now
				} else if now.Sub(last) >= timeout {
					log.Info("exiting: no clients and no running containers", "timeout", timeout)
					cancel()
					return
				}
			}
		}
	}()
	return ctx, cancel
}

// hasActiveDomains reports whether a container runs; as libvirt's drivers
// inhibit the daemon's timeout while a domain is active. When the driver
// cannot answer (its plugin restarts), it counts as busy.
func hasActiveDomains(ctx context.Context, drv driverapi.Driver) bool {
	doms, err := drv.ListAll(ctx, uint32(libvirt.ConnectListDomainsActive))
	return err != nil || len(doms) > 0
}
