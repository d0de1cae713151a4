// Package wire is libvirt's RPC wire format: length-prefixed packets with a
// 24-byte header (virnetprotocol.x), XDR payloads coded from go-libvirt's
// generated types, and the error payload. It knows nothing of procedures.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Type is a packet's message type (virNetMessageType).
type Type int32

// Message types.
const (
	Call         Type = 0 // client → server
	Reply        Type = 1 // server → client, answers a Call
	Message      Type = 2 // asynchronous, either way (events, keepalive)
	Stream       Type = 3 // stream data, either way
	CallWithFDs  Type = 4
	ReplyWithFDs Type = 5
	StreamHole   Type = 6
)

// Status is a packet's status (virNetMessageStatus).
type Status int32

// Statuses.
const (
	OK       Status = 0 // for replies: the payload is the result
	Error    Status = 1 // for replies: the payload is an ErrorPayload
	Continue Status = 2 // for streams: more data follows
)

// HeaderSize is the encoded size of Header; PrefixSize adds the length word.
const (
	HeaderSize = MessageHeaderMax
	PrefixSize = MessageLenMax + HeaderSize
)

// Header is the fixed part of every packet (virNetMessageHeader).
type Header struct {
	Program   uint32
	Version   uint32
	Procedure int32
	Type      Type
	Serial    uint32
	Status    Status
}

func (h Header) String() string {
	return fmt.Sprintf("prog=%#x vers=%d proc=%d type=%d serial=%d status=%d",
		h.Program, h.Version, h.Procedure, h.Type, h.Serial, h.Status)
}

// Packet is a header with its undecoded payload.
type Packet struct {
	Header
	Payload []byte
}

// FrameError is a packet whose framing is broken: its length word is out of
// range or the stream ended inside it. The connection cannot continue after
// one; libvirt drops such clients too.
type FrameError struct {
	Length uint32
	Err    error
}

func (e *FrameError) Error() string {
	return fmt.Sprintf("packet of %d bytes: %v", e.Length, e.Err)
}

func (e *FrameError) Unwrap() error { return e.Err }

// Framing failures.
var (
	ErrTooSmall  = errors.New("shorter than a header")
	ErrTooLarge  = fmt.Errorf("larger than the %d-byte message limit", MessageMax)
	ErrTruncated = errors.New("truncated")
	ErrNoBuffer  = errors.New("the server's read buffers are full")
)

// LimitError is a packet larger than the reader allows this peer, though
// within the protocol's limit.
type LimitError struct{ Limit uint32 }

func (e *LimitError) Error() string {
	return fmt.Sprintf("larger than the %d bytes allowed at this point", e.Limit)
}

// ReadPacket reads one packet of at most MessageMax bytes, with no buffer
// pool. See ReadPacketBounded.
func ReadPacket(r io.Reader) (*Packet, error) {
	return ReadPacketBounded(r, nil, nil)
}

// readChunk is the most a packet's buffer grows by before the bytes to fill
// it have arrived.
const readChunk = MessageInitial

// ReadPacketBounded reads one packet of at most limit() bytes, asked once
// the length word has arrived (nil: MessageMax). Its buffers grow with the
// bytes that arrive, a chunk at a time, so a peer that announces a large
// packet and sends little of it holds little memory: never more than what
// arrived plus one chunk (at most maxChunk). When pool is not nil every byte of buffer is first
// taken from it; a packet the pool cannot cover fails with ErrNoBuffer, and
// the caller gives a packet's Held bytes back with pool.Put once done with
// it. io.EOF means the peer closed cleanly between packets; every other
// failure to frame is a *FrameError.
func ReadPacketBounded(r io.Reader, limit func() uint32, pool *Pool) (*Packet, error) {
	var prefix [MessageLenMax]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &FrameError{Err: ErrTruncated}
		}
		return nil, err
	}
	n := binary.BigEndian.Uint32(prefix[:])
	switch {
	case n < PrefixSize:
		return nil, &FrameError{Length: n, Err: ErrTooSmall}
	case n > MessageMax:
		return nil, &FrameError{Length: n, Err: ErrTooLarge}
	}
	if limit != nil {
		if l := limit(); n > l {
			return nil, &FrameError{Length: n, Err: &LimitError{Limit: l}}
		}
	}
	h, err := ReadHeader(r)
	if err != nil {
		return nil, &FrameError{Length: n, Err: err}
	}
	p := &Packet{Header: h}
	size := int(n - PrefixSize)
	if size <= readChunk {
		if !pool.take(size) {
			return nil, &FrameError{Length: n, Err: ErrNoBuffer}
		}
		p.Payload = make([]byte, size)
		if _, err := io.ReadFull(r, p.Payload); err != nil {
			pool.Put(size)
			return nil, &FrameError{Length: n, Err: truncated(err)}
		}
		return p, nil
	}
	// A larger packet arrives in chunks, each taken from the pool before it
	// is read into, then is joined into one buffer: no chunk outlives the
	// packet, and a packet that never completes leaves no garbage behind.
	var chunks [][]byte
	held := 0
	for got := 0; got < size; {
		c := min(max(readChunk, held), maxChunk, size-got)
		if !pool.take(c) {
			pool.Put(held)
			return nil, &FrameError{Length: n, Err: ErrNoBuffer}
		}
		held += c
		chunk := make([]byte, c)
		if _, err := io.ReadFull(r, chunk); err != nil {
			pool.Put(held)
			return nil, &FrameError{Length: n, Err: truncated(err)}
		}
		chunks = append(chunks, chunk)
		got += c
	}
	p.Payload = make([]byte, 0, size)
	for _, c := range chunks {
		p.Payload = append(p.Payload, c...)
	}
	return p, nil
}

// maxChunk is the largest chunk a large packet is read in.
const maxChunk = 1 << 20

// Held is the buffer the packet holds, in bytes: what ReadPacketBounded
// took from its pool for it.
func (p *Packet) Held() int { return cap(p.Payload) }

// ReadHeader reads a 24-byte header. After a packet that is too large, the
// server reads its header this way to answer the call before dropping the
// client.
func ReadHeader(r io.Reader) (Header, error) {
	var b [HeaderSize]byte
	if _, err := io.ReadFull(r, b[:]); err != nil {
		return Header{}, truncated(err)
	}
	return decodeHeader(b[:]), nil
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}

// DecodePacket decodes the packet at the start of b and returns it with the
// number of bytes it used. The payload aliases b.
func DecodePacket(b []byte) (*Packet, int, error) {
	if len(b) < MessageLenMax {
		return nil, 0, &FrameError{Err: ErrTruncated}
	}
	n := binary.BigEndian.Uint32(b)
	switch {
	case n < PrefixSize:
		return nil, 0, &FrameError{Length: n, Err: ErrTooSmall}
	case n > MessageMax:
		return nil, 0, &FrameError{Length: n, Err: ErrTooLarge}
	case uint32(len(b)) < n:
		return nil, 0, &FrameError{Length: n, Err: ErrTruncated}
	}
	h := decodeHeader(b[MessageLenMax:PrefixSize])
	return &Packet{Header: h, Payload: b[PrefixSize:n]}, int(n), nil
}

// AppendPacket appends the encoded packet to dst.
func AppendPacket(dst []byte, h Header, payload []byte) ([]byte, error) {
	n := PrefixSize + len(payload)
	if n > MessageMax {
		return dst, &FrameError{Length: uint32(min(n, 1<<32-1)), Err: ErrTooLarge}
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(n))
	for _, v := range []uint32{h.Program, h.Version, uint32(h.Procedure), uint32(h.Type), h.Serial, uint32(h.Status)} {
		dst = binary.BigEndian.AppendUint32(dst, v)
	}
	return append(dst, payload...), nil
}

func decodeHeader(b []byte) Header {
	u := func(i int) uint32 { return binary.BigEndian.Uint32(b[4*i:]) }
	return Header{
		Program:   u(0),
		Version:   u(1),
		Procedure: int32(u(2)),
		Type:      Type(u(3)),
		Serial:    u(4),
		Status:    Status(u(5)),
	}
}
