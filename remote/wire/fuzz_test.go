package wire

import (
	"bytes"
	"testing"
)

// FuzzDecodePacket feeds arbitrary bytes to the packet decoder: it must
// never panic, and what it accepts must re-encode to the same bytes.
func FuzzDecodePacket(f *testing.F) {
	ok, _ := AppendPacket(nil, Header{Program: 0x20008086, Version: 1, Procedure: 1, Serial: 2}, []byte{0, 0, 0, 1, 0, 0, 0, 1, 'x', 0, 0, 0, 0, 0, 0, 0})
	f.Add(ok)
	f.Add([]byte{0, 0, 0, 28})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Add([]byte{0, 0, 0, 3})
	f.Fuzz(func(t *testing.T, b []byte) {
		p, n, err := DecodePacket(b)
		if err != nil {
			return
		}
		again, err := AppendPacket(nil, p.Header, p.Payload)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(again, b[:n]) {
			t.Fatalf("re-encoded %x, read %x", again, b[:n])
		}
		if _, err := ReadPacket(bytes.NewReader(b)); err != nil {
			t.Fatalf("ReadPacket refused what DecodePacket accepted: %v", err)
		}
	})
}
