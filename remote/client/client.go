// Package client is a small libvirt RPC client over a unix socket (or
// ssh: OpenURI): it opens a connection URI on a libvirt daemon (e.g.
// network:///system on virtnetworkd or libvirtd) and makes calls on it,
// typed (payloads coded from go-libvirt's types) or raw (payloads passed
// through undecoded, for forwarding a client's call). Every call is
// bounded by its context; the daemon's asynchronous messages (events) go
// to a callback.
package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Authentication types of REMOTE_PROC_AUTH_LIST (remote_auth_type).
const (
	authNone   = 0
	authPolkit = 2
)

// Message is an asynchronous packet from the daemon (an event).
type Message struct {
	Header  wire.Header
	Payload []byte
}

// Options configure Dial.
type Options struct {
	// ReadOnly opens the connection read-only (VIR_CONNECT_RO).
	ReadOnly bool
	// OnMessage receives the daemon's asynchronous messages, in order, on
	// the connection's reader goroutine: it must not block.
	OnMessage func(Message)
}

// Conn is an open connection. It is safe for concurrent use.
type Conn struct {
	nc        net.Conn
	onMessage func(Message)

	wmu sync.Mutex // serialises writes

	mu      sync.Mutex
	serial  uint32
	pending map[uint32]chan *wire.Packet
	err     error // why the connection ended
	done    chan struct{}
}

// ErrClosed is the error of calls on a connection that has ended.
var ErrClosed = errors.New("connection to the libvirt daemon closed")

// Dial connects to the daemon at socket and opens uri on it.
func Dial(ctx context.Context, socket, uri string, opt Options) (*Conn, error) {
	var d net.Dialer
	nc, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, err
	}
	return newConn(ctx, nc, uri, opt)
}

// newConn opens uri on the daemon at the other end of nc; nc is closed
// when that fails.
func newConn(ctx context.Context, nc net.Conn, uri string, opt Options) (*Conn, error) {
	c := &Conn{nc: nc, onMessage: opt.OnMessage, pending: map[uint32]chan *wire.Packet{}, done: make(chan struct{})}
	go c.read()
	if err := c.open(ctx, uri, opt.ReadOnly); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// open authenticates (a root client of libvirtd needs none; polkit is
// asked when the daemon wants it) and opens uri.
func (c *Conn) open(ctx context.Context, uri string, readOnly bool) error {
	var auth libvirt.AuthListRet
	if err := c.Call(ctx, proto.ProcAuthList, nil, &auth); err != nil {
		return fmt.Errorf("auth list: %w", err)
	}
	ok := len(auth.Types) == 0
	for _, t := range auth.Types {
		switch t {
		case authNone:
			ok = true
		case authPolkit:
			var r libvirt.AuthPolkitRet
			if err := c.Call(ctx, proto.ProcAuthPolkit, nil, &r); err != nil {
				return fmt.Errorf("polkit authentication: %w", err)
			}
			ok = true
		}
		if ok {
			break
		}
	}
	if !ok {
		return fmt.Errorf("the daemon asks for authentication %v, which lxcvirtd does not do", auth.Types)
	}
	var flags libvirt.ConnectFlags
	if readOnly {
		flags = libvirt.ConnectRo
	}
	return c.Call(ctx, proto.ProcConnectOpen, &libvirt.ConnectOpenArgs{Name: libvirt.OptString{uri}, Flags: flags}, nil)
}

// Done is closed when the connection has ended.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Close ends the connection; calls in flight fail with ErrClosed.
func (c *Conn) Close() error {
	err := c.nc.Close()
	c.fail(ErrClosed)
	return err
}

func (c *Conn) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return
	}
	c.err = err
	for s, ch := range c.pending {
		close(ch)
		delete(c.pending, s)
	}
	close(c.done)
}

// read delivers replies to their callers and messages to OnMessage until
// the connection ends.
func (c *Conn) read() {
	r := bufio.NewReader(c.nc)
	for {
		p, err := wire.ReadPacket(r)
		if err != nil {
			c.nc.Close()
			c.fail(fmt.Errorf("%w: %v", ErrClosed, err))
			return
		}
		switch p.Type {
		case wire.Reply:
			c.mu.Lock()
			ch := c.pending[p.Serial]
			delete(c.pending, p.Serial)
			c.mu.Unlock()
			if ch != nil {
				ch <- p
			}
		case wire.Message:
			if p.Program == proto.RemoteProgram && c.onMessage != nil {
				c.onMessage(Message{Header: p.Header, Payload: p.Payload})
			}
		}
	}
}

// Raw makes call proc of libvirt's remote program with an encoded payload
// and returns the reply's payload, or the daemon's error payload. err is
// set when no reply came (the connection ended, ctx ended).
func (c *Conn) Raw(ctx context.Context, proc int32, payload []byte) ([]byte, *wire.ErrorPayload, error) {
	ch := make(chan *wire.Packet, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return nil, nil, c.err
	}
	c.serial++
	serial := c.serial
	c.pending[serial] = ch
	c.mu.Unlock()
	h := wire.Header{Program: proto.RemoteProgram, Version: proto.RemoteProtocolVersion, Procedure: proc, Type: wire.Call, Serial: serial}
	buf, err := wire.AppendPacket(nil, h, payload)
	if err == nil {
		err = c.write(ctx, buf)
	}
	if err != nil {
		c.forget(serial)
		return nil, nil, err
	}
	select {
	case p, ok := <-ch:
		if !ok {
			return nil, nil, c.closedErr()
		}
		if p.Status == wire.Error {
			e := new(wire.ErrorPayload)
			if err := wire.Unmarshal(p.Payload, e); err != nil {
				return nil, nil, fmt.Errorf("decode error reply: %w", err)
			}
			return nil, e, nil
		}
		return p.Payload, nil, nil
	case <-ctx.Done():
		c.forget(serial)
		return nil, nil, ctx.Err()
	}
}

func (c *Conn) forget(serial uint32) {
	c.mu.Lock()
	delete(c.pending, serial)
	c.mu.Unlock()
}

func (c *Conn) closedErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// write sends one packet, bounded by ctx's deadline (at most a minute).
func (c *Conn) write(ctx context.Context, buf []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	deadline := time.Now().Add(time.Minute)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.nc.SetWriteDeadline(deadline)
	_, err := c.nc.Write(buf)
	return err
}

// Call makes call proc with args (nil for none) and decodes its result
// into ret (nil for none). The daemon's error comes back as a
// *virterror.Error carrying its number, domain and message.
func (c *Conn) Call(ctx context.Context, proc int32, args, ret any) error {
	var payload []byte
	if args != nil {
		var err error
		if payload, err = wire.Marshal(args); err != nil {
			return err
		}
	}
	out, e, err := c.Raw(ctx, proc, payload)
	if err != nil {
		return err
	}
	if e != nil {
		return ErrorOf(e)
	}
	if ret == nil {
		return nil
	}
	return wire.Unmarshal(out, ret)
}

// ErrorOf is the libvirt error an error payload carries.
func ErrorOf(e *wire.ErrorPayload) *virterror.Error {
	return &virterror.Error{Code: virterror.Code(e.Code), Domain: virterror.Domain(e.Domain), Message: e.Text()}
}
