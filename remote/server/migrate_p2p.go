package server

import (
	"context"
	"errors"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Peer-to-peer migration (`virsh migrate --p2p`, virDomainMigrateToURI3
// with VIR_MIGRATE_PEER2PEER): the client calls Perform on the source
// only, with the destination's connection URI (dconnuri), and the source
// daemon drives the phases itself, as libvirt's QEMU driver does
// (qemuMigrationSrcPerformPeer2Peer3): Begin here, Prepare on the target,
// Perform here (skipped offline), Finish on the target (cancelled if
// Perform failed), Confirm here (cancelled if Finish failed, which runs
// the container here again). Every failure leaves the domain on the
// source as it was and the target without it.

// Bounds of a peer-to-peer migration.
const (
	// p2pConnectTimeout bounds reaching the target and opening it.
	p2pConnectTimeout = 30 * time.Second
	// p2pCallTimeout bounds each call on the target (Finish restores
	// a container from its checkpoint).
	p2pCallTimeout = 10 * time.Minute
	// p2pCleanupTimeout bounds the calls that undo a failed migration
	// after the client has gone.
	p2pCleanupTimeout = 5 * time.Minute
)

// p2pConn is the source's connection to the target: calls on it are bounded.
type p2pConn struct{ c *client.Conn }

func (d p2pConn) call(ctx context.Context, proc int32, args, ret any) error {
	ctx, cancel := context.WithTimeout(ctx, p2pCallTimeout)
	defer cancel()
	err := d.c.Call(ctx, proc, args, ret)
	var ve *virterror.Error
	if err != nil && !errors.As(err, &ve) {
		return virterror.New(libvirt.ErrOperationFailed, "migration: the destination did not answer: %v", err)
	}
	return err
}

// supports asks the target whether it has feature.
func (d p2pConn) supports(ctx context.Context, feature int32) (bool, error) {
	var r libvirt.ConnectSupportsFeatureRet
	err := d.call(ctx, proto.ProcConnectSupportsFeature, &libvirt.ConnectSupportsFeatureArgs{Feature: feature}, &r)
	return r.Supported != 0, err
}

// lockP2P takes the domain's peer-to-peer migration slot; the function it
// returns gives it back.
func (s *Server) lockP2P(dom libvirt.Domain) (func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.p2p == nil {
		s.p2p = map[driverapi.UUID]bool{}
	}
	if s.p2p[dom.UUID] {
		return nil, virterror.New(libvirt.ErrOperationInvalid, "domain '%s' is already being migrated", dom.Name)
	}
	s.p2p[dom.UUID] = true
	return func() {
		s.mu.Lock()
		delete(s.p2p, dom.UUID)
		s.mu.Unlock()
	}, nil
}

// openTarget connects to dconnuri and checks that its daemon serves
// peer-to-peer migration with parameters (and offline migration, asked).
func (s *Server) openTarget(ctx context.Context, dconnuri string, offline bool) (p2pConn, error) {
	cctx, cancel := context.WithTimeout(ctx, p2pConnectTimeout)
	defer cancel()
	c, err := client.OpenURI(cctx, dconnuri, client.Options{}, s.log)
	if err != nil {
		var ve *virterror.Error
		if errors.As(err, &ve) {
			return p2pConn{}, err
		}
		return p2pConn{}, virterror.New(libvirt.ErrOperationFailed, "cannot connect to the destination '%s': %v", dconnuri, err)
	}
	d := p2pConn{c}
	for _, f := range []struct {
		feature int32
		want    bool
		msg     string
	}{
		{featureMigrationP2P, true, "Destination libvirt does not support peer-to-peer migration protocol"},
		{featureMigrationParams, true, "Destination libvirt does not support migration with extensible parameters"},
		{featureMigrationOffline, offline, "offline migration is not supported by the destination host"},
	} {
		if !f.want {
			continue
		}
		ok, err := d.supports(cctx, f.feature)
		if err == nil && !ok {
			err = virterror.New(libvirt.ErrOperationFailed, "%s", f.msg)
		}
		if err != nil {
			c.Close()
			return p2pConn{}, err
		}
	}
	return d, nil
}

// migrateP2P is Perform with VIR_MIGRATE_PEER2PEER: this daemon drives
// the migration of dom to dconnuri.
func (s *Server) migrateP2P(ctx context.Context, c *conn, dom libvirt.Domain, dconnuri string, m migration, params []libvirt.TypedParam) error {
	unlock, err := s.lockP2P(dom)
	if err != nil {
		return err
	}
	defer unlock()
	// Undoing a failed migration outlives the client's connection.
	cleanup := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), p2pCleanupTimeout)
	}
	dst, err := s.openTarget(ctx, dconnuri, m.offline())
	if err != nil {
		return err
	}
	defer dst.c.Close()

	flags := m.flags
	begin, err := s.migrateBegin3Params(ctx, c, &libvirt.DomainMigrateBegin3ParamsArgs{Dom: dom, Params: params, Flags: flags})
	if err != nil {
		return err
	}
	if st, err := s.drv().Status(ctx, dom.UUID); err == nil && st.State == libvirt.DomainPaused {
		flags |= uint32(libvirt.MigratePaused)
	}
	destFlags := flags &^ uint32(libvirt.MigrateAbortOnError)
	// The target gets the caller's parameters and Begin's definition.
	tparams := append([]libvirt.TypedParam{strParam(libvirt.MigrateParamDestXML, begin.XML)}, params...)
	var prep libvirt.DomainMigratePrepare3ParamsRet
	if err := dst.call(ctx, proto.ProcDomainMigratePrepare3Params, &libvirt.DomainMigratePrepare3ParamsArgs{Params: tparams, CookieIn: begin.CookieOut, Flags: destFlags}, &prep); err != nil {
		return err
	}
	if len(prep.UriOut) == 1 {
		tparams = setStrParam(tparams, libvirt.MigrateParamURI, prep.UriOut[0])
	}

	var performErr error
	var cookie []byte
	if !m.offline() {
		m.flags = flags
		cookie, performErr = s.performLive(ctx, dom, m, prep.CookieOut)
	}
	if m.destName == "" {
		tparams = append(tparams, strParam(libvirt.MigrateParamDestName, dom.Name))
	}
	cancelled := performErr != nil
	fctx, fcancel := ctx, context.CancelFunc(func() {})
	if cancelled || ctx.Err() != nil {
		fctx, fcancel = cleanup()
	}
	var fin libvirt.DomainMigrateFinish3ParamsRet
	finishErr := dst.call(fctx, proto.ProcDomainMigrateFinish3Params, &libvirt.DomainMigrateFinish3ParamsArgs{Params: tparams, CookieIn: cookie, Flags: destFlags, Cancelled: boolInt(cancelled)}, &fin)
	fcancel()
	if cancelled {
		if finishErr == nil {
			s.log.Error("migration: the destination's finish ignored that the migration was cancelled", "domain", dom.Name)
		} else if !virterror.HasCode(finishErr, libvirt.ErrMigrateFinishOk) {
			s.log.Warn("migration: the destination could not abort", "domain", dom.Name, "err", finishErr)
		}
		finishErr = nil
	}
	// The domain runs on the target only if Finish returned it.
	cancelled = cancelled || finishErr != nil
	cctx, ccancel := cleanup()
	defer ccancel()
	confirmErr := s.migrateConfirm3Params(cctx, c, &libvirt.DomainMigrateConfirm3ParamsArgs{Dom: dom, Params: tparams, Flags: flags, Cancelled: boolInt(cancelled)})
	if confirmErr != nil {
		s.log.Warn("migration: confirm on the source failed", "domain", dom.Name, "cancelled", cancelled, "err", confirmErr)
	}
	switch {
	case performErr != nil:
		return performErr
	case finishErr != nil:
		return finishErr
	}
	return confirmErr
}

// setStrParam sets the string parameter field in params.
func setStrParam(params []libvirt.TypedParam, field, v string) []libvirt.TypedParam {
	for i, p := range params {
		if p.Field == field {
			params[i] = strParam(field, v)
			return params
		}
	}
	return append(params, strParam(field, v))
}

// strParam is a string parameter.
func strParam(field, v string) libvirt.TypedParam {
	return libvirt.TypedParam{Field: field, Value: *libvirt.NewTypedParamValueString(v)}
}
