package server

import (
	"context"
	"errors"
	"io"
	"sync"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/remote/wire"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Streams, as libvirtd's remote_daemon_stream.c runs them. A call such as
// DOMAIN_OPEN_CONSOLE gets an ordinary reply; from then on both sides send
// STREAM packets carrying the call's program, procedure and serial:
//
//   - data: status CONTINUE with a payload, either way; never acknowledged.
//   - end of data from the server: an empty CONTINUE packet. The stream
//     stays open until the client finishes or aborts it.
//   - finish (client): an empty OK packet. The server closes its end and
//     confirms with an empty OK packet; the client waits for that.
//   - abort (client): an ERROR packet. The server closes its end and
//     confirms with an empty OK packet.
//   - failure (server): an ERROR packet with the error; the stream is gone.
//     The client reports the error on its next stream call.
//
// The server never sends an OK packet except to confirm a finish or abort:
// libvirt's client drops the connection on an unsolicited one. Client data
// is written in order by one goroutine per stream; when it falls behind,
// the connection's reader waits, as libvirtd stops reading a client whose
// requests pile up. Packets for a stream that is gone are ignored.

// streamInbox is how many client packets may wait for a stream's writer.
const streamInbox = 16

// streamChunk is the most data one server STREAM packet carries; libvirtd
// reads VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX (256 KiB) at a time.
const streamChunk = 64 << 10

// fromStreams is libvirt's VIR_FROM_STREAMS error domain.
const fromStreams = virterror.Domain(38)

// callInfo carries a call's header to its handler and lets the handler run
// something once the reply is on the wire.
type callInfo struct {
	hdr        wire.Header
	afterReply func()
}

type callKey struct{}

func withCall(ctx context.Context, ci *callInfo) context.Context {
	return context.WithValue(ctx, callKey{}, ci)
}

// callFrom returns the call a handler serves (nil outside dispatch).
func callFrom(ctx context.Context) *callInfo {
	ci, _ := ctx.Value(callKey{}).(*callInfo)
	return ci
}

// replied runs the handler's after-reply hook, if it set one.
func (ci *callInfo) replied() {
	if ci.afterReply != nil {
		ci.afterReply()
	}
}

// streams is a connection's table of open streams, by serial.
type streams struct {
	mu sync.Mutex
	m  map[uint32]*stream
	wg sync.WaitGroup // every stream goroutine
}

// stream is one open stream: the call that opened it and the data source
// and sink behind it.
type stream struct {
	c     *conn
	hdr   wire.Header // the opening call's header
	rw    io.ReadWriteCloser
	inbox chan *wire.Packet
	done  chan struct{} // closed when the stream is closed

	mu     sync.Mutex // held while a packet of the stream is sent
	closed bool
	once   sync.Once
}

// openStream registers a stream for the call ci, backed by rw. Packets the
// client sends for it queue from now on; the stream starts relaying once
// the call's reply went out. It ends when the client finishes or aborts
// it, when rw fails, or when the client goes away; rw is closed then.
func (c *conn) openStream(ci *callInfo, rw io.ReadWriteCloser) {
	st := &stream{c: c, hdr: ci.hdr, rw: rw, inbox: make(chan *wire.Packet, streamInbox), done: make(chan struct{})}
	c.streams.mu.Lock()
	if c.streams.m == nil {
		c.streams.m = map[uint32]*stream{}
	}
	if old := c.streams.m[st.hdr.Serial]; old != nil {
		// A client reusing a live stream's serial: the old one is lost.
		go old.abandon()
	}
	c.streams.m[st.hdr.Serial] = st
	c.streams.wg.Add(1)
	c.streams.mu.Unlock()

	stopWatch := context.AfterFunc(c.ctx, st.abandon)
	ci.afterReply = func() {
		c.streams.wg.Add(2)
		go st.pump()
		go st.write()
	}
	go func() {
		defer c.streams.wg.Done()
		<-st.done
		stopWatch()
	}()
}

// streamPacket hands a client STREAM packet to its stream; it waits while
// the stream's inbox is full.
func (c *conn) streamPacket(p *wire.Packet) {
	c.streams.mu.Lock()
	st := c.streams.m[p.Serial]
	c.streams.mu.Unlock()
	if st == nil || st.hdr.Program != p.Program || st.hdr.Procedure != p.Procedure {
		c.log.Debug("ignoring packet of no open stream", "header", p.Header.String())
		return
	}
	select {
	case st.inbox <- p:
	case <-st.done:
	case <-c.ctx.Done():
	}
}

// closeStreams ends every stream (the client is gone) and waits for their
// goroutines.
func (c *conn) closeStreams() {
	c.streams.mu.Lock()
	var open []*stream
	for _, st := range c.streams.m {
		open = append(open, st)
	}
	c.streams.mu.Unlock()
	for _, st := range open {
		st.abandon()
	}
	c.streams.wg.Wait()
}

// header is the header of a packet this stream sends with status s.
func (st *stream) header(s wire.Status) wire.Header {
	h := st.hdr
	h.Type, h.Status = wire.Stream, s
	return h
}

// sendLocked sends one packet unless the stream is closed. Caller holds mu.
func (st *stream) sendLocked(s wire.Status, payload []byte) bool {
	if st.closed {
		return false
	}
	return st.c.send(st.header(s), payload) == nil
}

// pump relays the source's data to the client, then its end of data.
func (st *stream) pump() {
	defer st.c.streams.wg.Done()
	buf := make([]byte, streamChunk)
	for {
		n, err := st.rw.Read(buf)
		if n > 0 {
			st.mu.Lock()
			ok := st.sendLocked(wire.Continue, buf[:n])
			st.mu.Unlock()
			if !ok {
				return
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			st.mu.Lock()
			st.sendLocked(wire.Continue, nil)
			st.mu.Unlock()
			return
		case err != nil:
			st.fail(err)
			return
		}
	}
}

// write runs the client's packets in order: data to the sink, then a
// finish or an abort.
func (st *stream) write() {
	defer st.c.streams.wg.Done()
	for {
		var p *wire.Packet
		select {
		case p = <-st.inbox:
		case <-st.done:
			return
		}
		if p.Type == wire.StreamHole {
			st.fail(virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "Unexpected stream hole"))
			return
		}
		switch p.Status {
		case wire.Continue:
			if len(p.Payload) == 0 {
				continue
			}
			if _, err := st.rw.Write(p.Payload); err != nil {
				st.fail(err)
				return
			}
		case wire.OK, wire.Error:
			// Finish or abort: close our end, then confirm, unless the
			// stream failed meanwhile (the client has its error).
			st.mu.Lock()
			failed := st.closed
			st.closed = true
			st.mu.Unlock()
			st.close()
			if !failed {
				st.mu.Lock()
				st.c.send(st.header(wire.OK), nil)
				st.mu.Unlock()
			}
			return
		default:
			st.fail(virterror.NewFrom(virterror.FromRPC, libvirt.ErrRPC, "stream aborted with unexpected status %d", p.Status))
			return
		}
	}
}

// fail ends the stream with err, which the client receives. An error that
// follows the stream's own close (its source reports being closed) is not
// sent.
func (st *stream) fail(err error) {
	st.mu.Lock()
	if !st.closed {
		e := toPayload(err)
		if virterror.As(err) == nil {
			e = payload(virterror.NewFrom(fromStreams, libvirt.ErrRPC, "stream had I/O failure: %v", err))
		}
		if b, merr := wire.Marshal(e); merr == nil {
			st.c.send(st.header(wire.Error), b)
		}
		st.closed = true
	}
	st.mu.Unlock()
	st.close()
}

// abandon ends the stream without telling the client (it is gone).
func (st *stream) abandon() { st.close() }

// close marks the stream closed so nothing more is sent for it, closes the
// source and sink, and forgets the stream.
func (st *stream) close() {
	st.once.Do(func() {
		st.mu.Lock()
		st.closed = true
		st.mu.Unlock()
		if err := st.rw.Close(); err != nil {
			st.c.log.Debug("closing stream", "serial", st.hdr.Serial, "err", err)
		}
		st.c.streams.mu.Lock()
		if st.c.streams.m[st.hdr.Serial] == st {
			delete(st.c.streams.m, st.hdr.Serial)
		}
		st.c.streams.mu.Unlock()
		close(st.done)
	})
}
