package xmlmap

import (
	"bytes"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// ParseConfig reads an LXC config the way LXC does: one "key = value" per
// line, blanks around key and value trimmed, a value quoted whole in '…'
// or "…" unquoted (LXC's parse_line; libvirt's parser unquotes them too),
// empty lines and '#' comments skipped. Order is kept. A line without '=', an empty or malformed key, or
// a NUL byte is an ErrInvalidArg error naming the line.
func ParseConfig(text []byte) (Config, error) {
	if bytes.IndexByte(text, 0) >= 0 {
		return nil, virterror.New(libvirt.ErrInvalidArg, "LXC config contains a NUL byte")
	}
	var cfg Config
	for i, line := range strings.Split(string(text), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, virterror.New(libvirt.ErrInvalidArg, "LXC config line %d: %q has no '='", i+1, line)
		}
		k, v = strings.TrimSpace(k), unquote(strings.TrimSpace(v))
		if !validKey(k) {
			return nil, virterror.New(libvirt.ErrInvalidArg, "LXC config line %d: invalid key %q", i+1, k)
		}
		cfg = append(cfg, Entry{Key: k, Value: v})
	}
	return cfg, nil
}

// unquote strips one pair of matching quotes around v, as LXC does
// (`lxc.uts.name = "c1"`, which LXC's busybox template writes).
func unquote(v string) string {
	if len(v) > 1 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// validKey accepts LXC's key alphabet: lower-case letters, digits, '.', '_'
// and '-', starting with a letter.
func validKey(k string) bool {
	if k == "" || k[0] < 'a' || k[0] > 'z' {
		return false
	}
	for _, c := range []byte(k) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Marshal renders the config as "key = value\n" lines in order.
func (c Config) Marshal() []byte {
	var b bytes.Buffer
	for _, e := range c {
		b.WriteString(e.Key)
		b.WriteString(" = ")
		b.WriteString(e.Value)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// Values returns every value of key, in order.
func (c Config) Values(key string) []string {
	var vs []string
	for _, e := range c {
		if e.Key == key {
			vs = append(vs, e.Value)
		}
	}
	return vs
}

// Value returns the last value of key (LXC's rule for single-valued keys)
// and whether the key is present.
func (c Config) Value(key string) (string, bool) {
	for i := len(c) - 1; i >= 0; i-- {
		if c[i].Key == key {
			return c[i].Value, true
		}
	}
	return "", false
}
