package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Guest shutdown on SIGTERM with --shutdown-guests follows libvirt-guests
// with ON_SHUTDOWN=shutdown and parallel shutdown: every running domain is
// asked to halt at once, all get the same grace period, and those still
// running at its end are destroyed.

const (
	// guestPoll is how often a halting guest's state is checked.
	guestPoll = 50 * time.Millisecond
	// destroyAllowance bounds the destroys after the grace period.
	destroyAllowance = 30 * time.Second
)

// shutdownGuests stops every running domain of drv, cleanly when init
// halts within grace, by force otherwise, and returns when all are down
// (or grace plus destroyAllowance has passed).
func shutdownGuests(drv driverapi.Driver, grace time.Duration, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), grace+destroyAllowance)
	defer cancel()
	running, err := drv.ListAll(ctx, uint32(libvirt.ConnectListDomainsActive))
	if err != nil {
		log.Error("shut guests down: list the running domains", "err", err)
		return
	}
	log.Info("shutting guests down", "count", len(running), "grace", grace)
	deadline := time.Now().Add(grace)
	var wg sync.WaitGroup
	for _, st := range running {
		wg.Go(func() { shutdownGuest(ctx, drv, st, deadline, log.With("domain", st.Name)) })
	}
	wg.Wait()
}

// shutdownGuest asks one domain's init to halt (resuming it first when it
// is paused, since a frozen init cannot halt), waits until deadline for it
// to stop, then destroys it.
func shutdownGuest(ctx context.Context, drv driverapi.Driver, st driverapi.Status, deadline time.Time, log *slog.Logger) {
	start := time.Now()
	if st.State == libvirt.DomainPaused {
		if err := drv.Resume(ctx, st.UUID); err != nil && !stopped(err) {
			log.Warn("resume the paused guest before its shutdown", "err", err)
		}
	}
	err := drv.Shutdown(ctx, st.UUID, 0)
	switch {
	case stopped(err):
		log.Info("guest stopped", "took", time.Since(start).Round(time.Millisecond))
		return
	case err != nil:
		log.Warn("guest shutdown failed; destroying the guest", "err", err)
	case waitStopped(ctx, drv, st.UUID, deadline):
		log.Info("guest shut down", "took", time.Since(start).Round(time.Millisecond))
		return
	default:
		log.Warn("guest did not halt within the grace period; destroying it", "waited", time.Since(start).Round(time.Millisecond))
	}
	if err := drv.Destroy(ctx, st.UUID, 0); err != nil && !stopped(err) {
		log.Error("destroy guest", "err", err)
		return
	}
	log.Info("guest destroyed", "took", time.Since(start).Round(time.Millisecond))
}

// waitStopped polls u's state until it is shut off or gone (a transient
// domain is forgotten once it stops), up to deadline.
func waitStopped(ctx context.Context, drv driverapi.Driver, u driverapi.UUID, deadline time.Time) bool {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	tick := time.NewTicker(guestPoll)
	defer tick.Stop()
	for {
		st, err := drv.Status(ctx, u)
		if virterror.HasCode(err, libvirt.ErrNoDomain) || err == nil && st.State == libvirt.DomainShutoff {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
}

// stopped reports whether err says the domain no longer runs.
func stopped(err error) bool {
	return virterror.HasCode(err, libvirt.ErrOperationInvalid) || virterror.HasCode(err, libvirt.ErrNoDomain)
}
