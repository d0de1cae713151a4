package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// partial is a packet announcing size bytes of which only the first sent
// arrive.
func partial(size, sent int) []byte {
	b, _ := AppendPacket(nil, Header{Program: 1, Type: Call}, make([]byte, size-PrefixSize))
	return b[:sent]
}

// A packet that announces the maximum and sends little holds a buffer the
// size of what arrived, not of what it announced, and gives it back.
func TestReadPacketGrowsWithArrival(t *testing.T) {
	pool := NewPool(MessageMax)
	_, err := ReadPacketBounded(bytes.NewReader(partial(MessageMax, 1000)), nil, pool)
	if !errors.Is(err, ErrTruncated) {
		t.Fatalf("err = %v, want truncated", err)
	}
	if pool.Used() != 0 {
		t.Fatalf("pool holds %d bytes after a failed read", pool.Used())
	}
	// While the bytes trickle in, the held buffer stays within twice
	// what arrived plus one chunk.
	r := &countingReader{r: bytes.NewReader(partial(MessageMax, 5<<20)), pool: pool}
	ReadPacketBounded(r, nil, pool)
	if r.maxHeld > 2*(5<<20)+readChunk {
		t.Fatalf("held %d bytes for %d received", r.maxHeld, 5<<20)
	}
	if r.maxHeld == 0 {
		t.Fatal("the pool saw no buffer")
	}
}

type countingReader struct {
	r       *bytes.Reader
	pool    *Pool
	maxHeld int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	c.maxHeld = max(c.maxHeld, c.pool.Used())
	return c.r.Read(p)
}

// Packets larger than the pool has left are refused; a complete packet
// holds exactly its payload's capacity until Put.
func TestReadPacketPool(t *testing.T) {
	pool := NewPool(3 * readChunk)
	full, _ := AppendPacket(nil, Header{Program: 1, Type: Call}, bytes.Repeat([]byte{7}, 2*readChunk+5))
	p, err := ReadPacketBounded(bytes.NewReader(full), nil, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Payload) != 2*readChunk+5 || p.Payload[2*readChunk+4] != 7 {
		t.Fatalf("payload of %d bytes", len(p.Payload))
	}
	if pool.Used() != int64(p.Held()) {
		t.Fatalf("pool holds %d, packet %d", pool.Used(), p.Held())
	}
	_, err = ReadPacketBounded(bytes.NewReader(full), nil, pool)
	if !errors.Is(err, ErrNoBuffer) {
		t.Fatalf("second packet: err = %v, want ErrNoBuffer", err)
	}
	if pool.Used() != int64(p.Held()) {
		t.Fatalf("refused packet left %d bytes taken", pool.Used()-int64(p.Held()))
	}
	pool.Put(p.Held())
	if pool.Used() != 0 {
		t.Fatalf("pool holds %d after Put", pool.Used())
	}
}

// A packet over the reader's limit is refused from its length word alone.
func TestReadPacketLimit(t *testing.T) {
	b := make([]byte, 4)
	binary.BigEndian.PutUint32(b, MessageInitial+1)
	_, err := ReadPacketBounded(bytes.NewReader(b), func() uint32 { return MessageInitial }, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != MessageInitial {
		t.Fatalf("err = %v, want a LimitError", err)
	}
}
