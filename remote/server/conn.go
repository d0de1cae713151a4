package server

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// writeTimeout bounds one packet write; a client that stops reading for
// that long is dropped rather than allowed to stall the daemon.
const writeTimeout = 30 * time.Second

// eventQueueLen is how many driver events may wait for one client's event
// writer; a client that lets more pile up cannot keep up and is dropped.
const eventQueueLen = 1024

// conn is one client connection.
type conn struct {
	srv      *Server
	nc       net.Conn
	log      *slog.Logger
	readOnly bool // accepted on the read-only socket

	// ctx is cancelled when the client goes away or the server aborts it;
	// every call of this client runs under it.
	ctx    context.Context
	cancel context.CancelFunc

	wmu sync.Mutex // serialises packet writes

	calls    sync.WaitGroup
	inflight atomic.Int32
	slots    chan struct{} // calls in flight, at most MaxClientRequests

	sockets   *socketSlots // this socket kind's client counts
	anonymous sync.Once    // gives back the anonymous slot
	everOpen  atomic.Bool  // made CONNECT_OPEN at least once

	lastRecv   atomic.Int64 // unix nanoseconds of the last packet received
	keepalive  sync.Once
	draining   atomic.Bool          // server shutdown: finish calls, read no more
	events     chan driverapi.Event // events waiting for this client's writer
	eventsOnce sync.Once            // makes events and starts the writer
	slow       sync.Once            // dropping the client for falling behind
	streams    streams              // open streams (stream.go)

	mu            sync.Mutex // guards the fields below
	opened        bool
	ro            bool // read-only: the socket is, or the client asked at open
	closeCallback bool
	callbacks     map[int32]*callback
	noSupport     map[procKey]bool // procedures answered "not supported", logged once each

	upMu          sync.Mutex     // guards the fields below (network.go)
	up            upstream       // the connection to libvirt's network driver
	netCallbacks  map[int32]bool // network event callbacks lxcvirtd answers itself
	netCallbackID int32
}

func newConn(s *Server, nc net.Conn, readOnly bool, slots *socketSlots) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	c := &conn{
		srv:      s,
		nc:       nc,
		log:      s.log.With("client", clientName(nc)),
		readOnly: readOnly,
		ro:       readOnly,
		ctx:      ctx,
		cancel:   cancel,
		slots:    make(chan struct{}, s.cfg.Limits.MaxClientRequests),
		sockets:  slots,
	}
	c.lastRecv.Store(time.Now().UnixNano())
	return c
}

// clientName identifies a unix-socket client by its process, when the
// kernel tells.
func clientName(nc net.Conn) string {
	if cred := peerCred(nc); cred != "" {
		return cred
	}
	return nc.RemoteAddr().String()
}

// serve reads packets until the client leaves, then waits for its calls.
// A client that has not made CONNECT_OPEN within OpenTimeout is dropped.
func (c *conn) serve() {
	c.log.Debug("client connected", "readonly", c.readOnly)
	defer c.finish()
	openTimer := time.AfterFunc(c.srv.cfg.Limits.OpenTimeout, func() {
		if !c.everOpen.Load() {
			c.srv.clientLog.Warn(c.log, "dropping client: no CONNECT_OPEN in time", "timeout", c.srv.cfg.Limits.OpenTimeout)
			c.abort()
		}
	})
	defer openTimer.Stop()
	r := bufio.NewReaderSize(c.nc, readBufferSize)
	for {
		p, err := wire.ReadPacketBounded(r, c.packetLimit, c.srv.buffers)
		if err != nil {
			c.readFailed(r, err)
			return
		}
		c.lastRecv.Store(time.Now().UnixNano())
		c.handle(p)
	}
}

// packetLimit is the largest packet the client may send now.
func (c *conn) packetLimit() uint32 {
	if c.everOpen.Load() {
		return uint32(c.srv.cfg.Limits.MaxClientBuffer)
	}
	return anonymousPacketMax
}

// readBufferSize is each client's read buffer; larger reads bypass it.
const readBufferSize = 4096

// opened records CONNECT_OPEN: the client no longer counts as anonymous.
func (c *conn) markOpened() {
	c.everOpen.Store(true)
	c.anonymous.Do(func() { <-c.sockets.anonymous })
}

// releaseSlots gives back the client's socket slots once it is gone.
func (c *conn) releaseSlots() {
	c.anonymous.Do(func() { <-c.sockets.anonymous })
	<-c.sockets.clients
}

func (c *conn) finish() {
	if !c.draining.Load() {
		c.cancel() // the client is gone: abandon its calls
	}
	c.calls.Wait()
	c.cancel()
	c.closeStreams()
	c.closeUpstream()
	c.nc.Close()
	c.log.Debug("client disconnected")
}

// stopReading ends the read loop but lets calls in flight reply.
func (c *conn) stopReading() {
	c.draining.Store(true)
	if cr, ok := c.nc.(interface{ CloseRead() error }); ok && cr.CloseRead() == nil {
		return
	}
	c.nc.SetReadDeadline(time.Now())
}

// abort cancels the client's calls and closes its connection.
func (c *conn) abort() {
	c.cancel()
	c.nc.Close()
}

// oversizedGrace is how long the server waits for the header of a packet
// that is too large, to answer it before dropping the client.
const oversizedGrace = time.Second

func (c *conn) readFailed(r io.Reader, err error) {
	var fe *wire.FrameError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed), c.draining.Load():
		return
	case errors.As(err, &fe):
		c.srv.clientLog.Warn(c.log, "dropping client: bad packet", "err", err)
		var le *wire.LimitError
		limit := uint32(wire.MessageMax)
		switch {
		case errors.As(err, &le):
			limit = le.Limit
		case !errors.Is(err, wire.ErrTooLarge):
			return
		}
		c.nc.SetReadDeadline(time.Now().Add(oversizedGrace))
		if h, herr := wire.ReadHeader(r); herr == nil && isCall(h.Type) {
			c.replyError(h, rpcError("packet of %d bytes received from client is larger than the %d-byte limit", fe.Length, limit))
		}
	default:
		c.log.Debug("read failed", "err", err)
	}
}

func isCall(t wire.Type) bool { return t == wire.Call || t == wire.CallWithFDs }

// handle routes one packet: keepalive messages are answered inline, calls
// run concurrently (at most MaxClientRequests at once) unless the driver
// knows the answer at once (quick.go), stream packets go to their stream,
// anything else a client may send is ignored, as libvirtd does.
func (c *conn) handle(p *wire.Packet) {
	if p.Program != proto.KeepaliveProgram && isCall(p.Type) && !c.answerAtOnce(p) {
		c.slots <- struct{}{}
		c.calls.Add(1)
		c.inflight.Add(1)
		go func() {
			defer func() {
				c.srv.buffers.Put(p.Held())
				c.inflight.Add(-1)
				<-c.slots
				c.calls.Done()
			}()
			c.dispatch(p)
		}()
		return
	}
	// The packet's buffer counts until it is handled here or handed to its
	// stream, whose inbox is bounded.
	defer c.srv.buffers.Put(p.Held())
	switch {
	case p.Program == proto.KeepaliveProgram:
		c.keepaliveMessage(p)
	case isCall(p.Type): // answered at once
	case p.Type == wire.Stream || p.Type == wire.StreamHole:
		c.streamPacket(p)
	default:
		c.log.Debug("ignoring packet", "header", p.Header.String())
	}
}

// send writes one packet.
func (c *conn) send(h wire.Header, payload []byte) error {
	buf, err := wire.AppendPacket(make([]byte, 0, wire.PrefixSize+len(payload)), h, payload)
	if err != nil {
		return err
	}
	return c.write(buf)
}

func (c *conn) write(buf []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.writeLocked(buf)
}

// writeLocked writes buf; the caller holds wmu.
func (c *conn) writeLocked(buf []byte) error {
	c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := c.nc.Write(buf); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			c.srv.clientLog.Warn(c.log, "dropping client: not reading", "timeout", writeTimeout)
		} else {
			c.log.Debug("write failed; dropping client", "err", err)
		}
		c.abort()
		return err
	}
	return nil
}

// reply answers call h with result ret (nil for none).
func (c *conn) reply(h wire.Header, ret any) {
	payload, err := wire.Marshal(ret)
	if err == nil {
		h.Type, h.Status = wire.Reply, wire.OK
		if err = c.send(h, payload); err == nil || !isFrameError(err) {
			return
		}
	}
	c.log.Error("cannot encode reply", "proc", h.Procedure, "err", err)
	c.replyError(h, internalError("cannot encode the reply: %v", err))
}

func isFrameError(err error) bool {
	var fe *wire.FrameError
	return errors.As(err, &fe)
}

// replyError answers call h with an error.
func (c *conn) replyError(h wire.Header, e *wire.ErrorPayload) {
	payload, err := wire.Marshal(e)
	if err != nil {
		c.log.Error("cannot encode error", "err", err)
		return
	}
	h.Type, h.Status = wire.Reply, wire.Error
	c.send(h, payload)
}

func (c *conn) keepaliveMessage(p *wire.Packet) {
	if p.Version != proto.KeepaliveProtocolVersion || p.Type != wire.Message {
		c.log.Debug("ignoring keepalive packet", "header", p.Header.String())
		return
	}
	if p.Procedure == proto.KeepaliveProcPing {
		c.send(keepaliveHeader(proto.KeepaliveProcPong), nil)
	}
}

func keepaliveHeader(proc int32) wire.Header {
	return wire.Header{Program: proto.KeepaliveProgram, Version: proto.KeepaliveProtocolVersion, Procedure: proc, Type: wire.Message}
}

// startKeepalive begins pinging an idle client; a client that stays silent
// for KeepaliveCount pings is dropped. Clients enable it by asking whether
// the server supports the keepalive program.
func (c *conn) startKeepalive() {
	c.keepalive.Do(func() { go c.keepaliveLoop() })
}

func (c *conn) keepaliveLoop() {
	interval := c.srv.cfg.KeepaliveInterval
	deadline := interval * time.Duration(c.srv.cfg.KeepaliveCount+1)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		idle := time.Since(time.Unix(0, c.lastRecv.Load()))
		switch {
		case idle < interval:
		case idle >= deadline && c.inflight.Load() == 0:
			c.srv.clientLog.Warn(c.log, "dropping client: no keepalive response", "idle", idle.Round(time.Second))
			c.abort()
			return
		default:
			c.send(keepaliveHeader(proto.KeepaliveProcPing), nil)
		}
	}
}

// post hands a driver event to the client's event writer; it never blocks
// the event source. A client whose queue is full is not keeping up: it is
// dropped, logged once, rather than left to miss events silently.
func (c *conn) post(ev driverapi.Event) {
	if c.ctx.Err() != nil {
		return
	}
	select {
	case c.eventQueue() <- ev:
	default:
		c.slow.Do(func() {
			c.srv.clientLog.Warn(c.log, "dropping client: not reading its events", "queued", eventQueueLen)
			c.abort()
		})
	}
}

// eventQueue returns the client's event queue, made with its writer when
// the first event comes: a client that never gets one costs no queue.
func (c *conn) eventQueue() chan driverapi.Event {
	c.eventsOnce.Do(func() {
		c.events = make(chan driverapi.Event, eventQueueLen)
		go c.writeEvents()
	})
	return c.events
}

// writeEvents turns the client's queued events into packets and writes
// them, in order, until the client goes away.
func (c *conn) writeEvents() {
	for {
		select {
		case <-c.ctx.Done():
			return
		case ev := <-c.events:
			if !c.deliver(ev) {
				return
			}
		}
	}
}
