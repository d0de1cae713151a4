package server

import (
	"context"
	"log/slog"
	"strings"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/client"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// The network calls forwarded to libvirt's network driver; network.go
// says how and serves them when there is none.

const (
	// upstreamDialTimeout bounds opening a client's upstream connection.
	upstreamDialTimeout = 10 * time.Second
	// upstreamCallTimeout bounds one forwarded call.
	upstreamCallTimeout = 2 * time.Minute
	// upstreamRetry is how long a client's network calls are served by
	// lxcvirtd itself after libvirt's network driver was not found.
	upstreamRetry = 30 * time.Second
)

// networkProcs are the procedures of libvirt's network API: the calls
// forwarded to libvirt's network driver.
var networkProcs = func() map[int32]bool {
	m := map[int32]bool{}
	for _, p := range proto.Procedures() {
		if p.Program != proto.RemoteProgram || p.Msg != nil {
			continue
		}
		if strings.HasPrefix(p.API, "virNetwork") || strings.HasPrefix(p.API, "virConnectNetworkEvent") ||
			strings.HasSuffix(p.Name, "_NETWORKS") {
			m[p.Number] = true
		}
	}
	return m
}()

// upstream is a client's connection to libvirt's network driver.
type upstream struct {
	conn    *client.Conn
	nextTry time.Time // no connection: when to look again
}

// networkUpstream returns the client's connection to libvirt's network
// driver, opening it on first use, or nil when there is none (then
// lxcvirtd serves its own networks).
func (c *conn) networkUpstream(ctx context.Context) *client.Conn {
	sockets := c.srv.cfg.NetworkSockets
	if len(sockets) == 0 {
		return nil
	}
	c.upMu.Lock()
	defer c.upMu.Unlock()
	if u := c.up.conn; u != nil {
		select {
		case <-u.Done():
			c.up.conn = nil
		default:
			return u
		}
	}
	if time.Now().Before(c.up.nextTry) {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, upstreamDialTimeout)
	defer cancel()
	u, sock, err := client.DialNetwork(dctx, sockets, client.Options{ReadOnly: c.readOnlyAccess(), OnMessage: c.upstreamMessage})
	if err != nil {
		c.up.nextTry = time.Now().Add(upstreamRetry)
		c.srv.clientLog.Log(c.log, slog.LevelDebug, "serving networks without libvirt's network driver", "err", err)
		return nil
	}
	c.log.Debug("forwarding network calls", "socket", sock)
	c.up.conn = u
	return u
}

// closeUpstream ends the client's upstream connection, if any.
func (c *conn) closeUpstream() {
	c.upMu.Lock()
	defer c.upMu.Unlock()
	if c.up.conn != nil {
		c.up.conn.Close()
		c.up.conn = nil
	}
}

// upstreamMessage passes a network event of libvirt's network driver on
// to the client: its callback ids are the client's own, as the client
// registered them through this connection.
func (c *conn) upstreamMessage(m client.Message) {
	if networkEventMsg[m.Header.Procedure] {
		c.send(m.Header, m.Payload)
	}
}

// networkEventMsg are the network driver's event messages.
var networkEventMsg = map[int32]bool{proto.ProcNetworkEventLifecycle: true}

// forwardNetwork runs a network call on libvirt's network driver and
// relays its answer. It reports false when there is no network driver to
// forward to.
func (c *conn) forwardNetwork(ctx context.Context, h wire.Header, proc *proto.Procedure, payload []byte) bool {
	u := c.networkUpstream(ctx)
	if u == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, upstreamCallTimeout)
	defer cancel()
	out, e, err := u.Raw(ctx, h.Procedure, payload)
	switch {
	case c.ctx.Err() != nil:
	case err != nil:
		c.log.Debug("forwarded call failed", "proc", proc.Name, "err", err)
		c.replyFailure(h, proc, internalError("libvirt's network driver did not answer %s: %v", proc.API, err))
	case e != nil:
		c.log.Debug("forwarded call failed", "proc", proc.Name, "err", e.Text())
		c.replyFailure(h, proc, e)
	default:
		c.log.Debug("forwarded call", "proc", proc.Name, "serial", h.Serial)
		h.Type, h.Status = wire.Reply, wire.OK
		c.send(h, out)
	}
	return true
}

// networkLeases are the DHCP leases of mac on the named network: from
// libvirt's network driver when there is one, else from the driver's own
// networks.
func (c *conn) networkLeases(ctx context.Context, api, network, mac string) ([]libvirt.NetworkDhcpLease, error) {
	u := c.networkUpstream(ctx)
	if u == nil {
		return c.srv.dhcpLeases(ctx, api, network, mac)
	}
	ctx, cancel := context.WithTimeout(ctx, upstreamCallTimeout)
	defer cancel()
	var net libvirt.NetworkLookupByNameRet
	if err := u.Call(ctx, proto.ProcNetworkLookupByName, &libvirt.NetworkLookupByNameArgs{Name: network}, &net); err != nil {
		return nil, err
	}
	var r libvirt.NetworkGetDhcpLeasesRet
	args := &libvirt.NetworkGetDhcpLeasesArgs{Net: net.Net, Mac: libvirt.OptString{mac}, NeedResults: 1}
	if err := u.Call(ctx, proto.ProcNetworkGetDhcpLeases, args, &r); err != nil {
		return nil, err
	}
	return r.Leases, nil
}
