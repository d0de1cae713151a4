// Package clienttest is a fake libvirt daemon on a unix socket for tests
// of libvirt clients: it answers the connection sequence (AUTH_LIST,
// CONNECT_OPEN) and hands every other call to the test's handlers.
package clienttest

import (
	"bufio"
	"net"
	"path/filepath"
	"sync"
	"testing"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// Handler answers one call: a result to encode (nil for none), or an
// error payload.
type Handler func(payload []byte) (any, *wire.ErrorPayload)

// Daemon is a fake libvirt daemon.
type Daemon struct {
	Path string // its socket

	t        testing.TB
	handlers map[int32]Handler

	mu     sync.Mutex
	opens  []libvirt.ConnectOpenArgs
	calls  []int32
	conns  []*conn
	closed int
}

// conn is one client connection; writes are whole packets.
type conn struct {
	net.Conn
	wmu sync.Mutex
}

func (c *conn) writePacket(buf []byte) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.Write(buf)
}

// Start serves handlers on a socket in a temporary directory until the
// test ends. A call without a handler is answered with an RPC error.
func Start(t testing.TB, handlers map[int32]Handler) *Daemon {
	t.Helper()
	d := &Daemon{Path: filepath.Join(t.TempDir(), "sock"), t: t, handlers: handlers}
	l, err := net.Listen("unix", d.Path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			nc, err := l.Accept()
			if err != nil {
				return
			}
			c := &conn{Conn: nc}
			d.mu.Lock()
			d.conns = append(d.conns, c)
			d.mu.Unlock()
			go d.serve(c)
		}
	}()
	return d
}

func (d *Daemon) serve(c *conn) {
	defer c.Close()
	send := func(h wire.Header, v any) {
		var b []byte
		if v != nil {
			var err error
			if b, err = wire.Marshal(v); err != nil {
				d.t.Errorf("fake daemon: encode %T: %v", v, err)
				return
			}
		}
		buf, _ := wire.AppendPacket(nil, h, b)
		c.writePacket(buf)
	}
	r := bufio.NewReader(c)
	for {
		p, err := wire.ReadPacket(r)
		if err != nil {
			d.mu.Lock()
			d.closed++
			d.mu.Unlock()
			return
		}
		d.mu.Lock()
		d.calls = append(d.calls, p.Procedure)
		d.mu.Unlock()
		h := p.Header
		h.Type = wire.Reply
		switch p.Procedure {
		case proto.ProcAuthList:
			send(h, &libvirt.AuthListRet{Types: []libvirt.AuthType{0}})
			continue
		case proto.ProcConnectOpen:
			var a libvirt.ConnectOpenArgs
			if err := wire.Unmarshal(p.Payload, &a); err != nil {
				d.t.Errorf("fake daemon: CONNECT_OPEN: %v", err)
			}
			d.mu.Lock()
			d.opens = append(d.opens, a)
			d.mu.Unlock()
			send(h, nil)
			continue
		}
		handler := d.handlers[p.Procedure]
		if handler == nil {
			h.Status = wire.Error
			send(h, wire.NewError(int32(libvirt.ErrRPC), 7, "unknown procedure", "unknown procedure"))
			continue
		}
		ret, e := handler(p.Payload)
		if e != nil {
			h.Status = wire.Error
			send(h, e)
			continue
		}
		send(h, ret)
	}
}

// Event sends an asynchronous message (an event) to every connection.
func (d *Daemon) Event(proc int32, msg any) {
	d.mu.Lock()
	conns := append([]*conn(nil), d.conns...)
	d.mu.Unlock()
	b, err := wire.Marshal(msg)
	if err != nil {
		d.t.Fatal(err)
	}
	buf, _ := wire.AppendPacket(nil, wire.Header{Program: proto.RemoteProgram, Version: 1, Procedure: proc, Type: wire.Message}, b)
	for _, c := range conns {
		c.writePacket(buf)
	}
}

// Opens are the CONNECT_OPEN calls made so far.
func (d *Daemon) Opens() []libvirt.ConnectOpenArgs {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]libvirt.ConnectOpenArgs(nil), d.opens...)
}

// Calls are the procedures called so far, in order.
func (d *Daemon) Calls() []int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]int32(nil), d.calls...)
}

// Closed is how many connections have ended.
func (d *Daemon) Closed() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.closed
}

// Decode decodes a call's payload for a handler, failing the test when it
// does not decode.
func Decode[A any](t testing.TB, payload []byte) *A {
	a := new(A)
	if err := wire.Unmarshal(payload, a); err != nil {
		t.Errorf("fake daemon: decode %T: %v", a, err)
	}
	return a
}
