package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

func TestPacketRoundTrip(t *testing.T) {
	h := Header{Program: 0x20008086, Version: 1, Procedure: 23, Type: Call, Serial: 7, Status: OK}
	payload := []byte{0, 0, 0, 3, 'c', 't', '1', 0}
	buf, err := AppendPacket(nil, h, payload)
	if err != nil {
		t.Fatal(err)
	}
	if len(buf) != PrefixSize+len(payload) || binary.BigEndian.Uint32(buf) != uint32(len(buf)) {
		t.Fatalf("length word %d for %d bytes", binary.BigEndian.Uint32(buf), len(buf))
	}
	// The header is six big-endian words in virNetMessageHeader order.
	want := []uint32{0x20008086, 1, 23, 0, 7, 0}
	for i, w := range want {
		if got := binary.BigEndian.Uint32(buf[4+4*i:]); got != w {
			t.Errorf("header word %d = %d, want %d", i, got, w)
		}
	}
	p, err := ReadPacket(bytes.NewReader(buf))
	if err != nil {
		t.Fatal(err)
	}
	if p.Header != h || !bytes.Equal(p.Payload, payload) {
		t.Fatalf("read %+v %x", p.Header, p.Payload)
	}
	q, n, err := DecodePacket(append(buf, 0xff))
	if err != nil || n != len(buf) || q.Header != h || !bytes.Equal(q.Payload, payload) {
		t.Fatalf("decode: %+v n=%d err=%v", q, n, err)
	}
}

func TestEmptyCallIs28Bytes(t *testing.T) {
	buf, err := AppendPacket(nil, Header{Program: 1, Version: 1}, nil)
	if err != nil || len(buf) != 28 {
		t.Fatalf("len %d err %v", len(buf), err)
	}
}

func lengthWord(n uint32) []byte { return binary.BigEndian.AppendUint32(nil, n) }

func TestReadPacketLimits(t *testing.T) {
	hdr := make([]byte, HeaderSize)
	binary.BigEndian.PutUint32(hdr[16:], 42) // serial
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"length below header", lengthWord(27), ErrTooSmall},
		{"zero length", lengthWord(0), ErrTooSmall},
		{"oversized", append(lengthWord(MessageMax+1), hdr...), ErrTooLarge},
		{"huge without a header", lengthWord(0xffffffff), ErrTooLarge},
		{"truncated length word", []byte{0, 0}, ErrTruncated},
		{"truncated header", append(lengthWord(40), hdr[:10]...), ErrTruncated},
		{"truncated payload", append(append(lengthWord(40), hdr...), 1, 2), ErrTruncated},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadPacket(bytes.NewReader(tc.in))
			var fe *FrameError
			if !errors.As(err, &fe) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want a FrameError %v", err, tc.want)
			}
			if _, _, derr := DecodePacket(tc.in); !errors.Is(derr, tc.want) {
				t.Fatalf("DecodePacket err = %v, want %v", derr, tc.want)
			}
		})
	}
}

// After an oversized length word the header can still be read to answer.
func TestReadHeaderAfterOversizedLength(t *testing.T) {
	buf, _ := AppendPacket(nil, Header{Program: 9, Serial: 42, Type: Call}, nil)
	binary.BigEndian.PutUint32(buf, MessageMax+1)
	r := bytes.NewReader(buf)
	if _, err := ReadPacket(r); !errors.Is(err, ErrTooLarge) {
		t.Fatal(err)
	}
	h, err := ReadHeader(r)
	if err != nil || h.Serial != 42 || h.Program != 9 {
		t.Fatalf("%+v %v", h, err)
	}
	if _, err := ReadHeader(bytes.NewReader(buf[4:10])); !errors.Is(err, ErrTruncated) {
		t.Fatal(err)
	}
}

func TestReadPacketCleanEOF(t *testing.T) {
	if _, err := ReadPacket(bytes.NewReader(nil)); err != io.EOF {
		t.Fatalf("err = %v, want io.EOF", err)
	}
}

func TestReadPacketAtMessageMax(t *testing.T) {
	buf, err := AppendPacket(nil, Header{Serial: 1}, make([]byte, MessageMax-PrefixSize))
	if err != nil {
		t.Fatal(err)
	}
	p, err := ReadPacket(bytes.NewReader(buf))
	// libvirt's limit counts the length word too (virNetMessageDecodeLength).
	if err != nil || len(p.Payload) != MessageMax-PrefixSize {
		t.Fatalf("payload %d err %v", len(p.Payload), err)
	}
	if _, err := AppendPacket(nil, Header{}, make([]byte, MessageMax-PrefixSize+1)); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("oversized append: %v", err)
	}
}
