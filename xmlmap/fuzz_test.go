package xmlmap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// FuzzParse feeds arbitrary bytes to Parse: it must never panic, every
// error must be a *virterror.Error, and whatever it accepts must give a
// config of single-line entries and a normalised domain that maps to the
// same config again.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"*.xml", "conformance/lxcxml2xml/*.xml"} {
		files, err := filepath.Glob(filepath.Join(goldenDir, pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(edit{os: `<initarg>-x</initarg><initenv name='A'>b=c</initenv>`}.xml()))
	f.Fuzz(func(t *testing.T, in []byte) {
		opts := testOptions(CgroupV1)
		m, err := Parse(in, opts)
		if err != nil {
			var ve *virterror.Error
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T) is not a *virterror.Error", err, err)
			}
			return
		}
		for _, e := range m.Config {
			if !validKey(e.Key) || bytes.ContainsAny([]byte(e.Value), "\n\r\x00") {
				t.Fatalf("unsafe entry %q = %q", e.Key, e.Value)
			}
		}
		out, err := FormatDomain(m.Domain)
		if err != nil {
			t.Fatalf("FormatDomain: %v", err)
		}
		again, err := Parse([]byte(out), opts)
		if err != nil {
			t.Fatalf("normalised domain refused: %v\n%s", err, out)
		}
		if !bytes.Equal(again.Config.Marshal(), m.Config.Marshal()) {
			t.Fatalf("normalised domain maps differently:\n%s\nvs\n%s", again.Config.Marshal(), m.Config.Marshal())
		}
	})
}
