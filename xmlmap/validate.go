package xmlmap

import (
	"encoding/hex"
	"fmt"
	"path"
	"reflect"
	"strings"
	"unicode/utf8"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/virterror"
)

// MaxNameLen is the longest domain name accepted: the name becomes the
// container's hostname (lxc.uts.name), which Linux limits to 64 bytes.
const MaxNameLen = 64

// maxNetdevLen is IFNAMSIZ-1, the longest Linux network device name.
const maxNetdevLen = 15

func xmlErr(format string, args ...any) error {
	return virterror.New(libvirt.ErrXMLError, format, args...)
}

func unsupported(format string, args ...any) error {
	return virterror.New(libvirt.ErrConfigUnsupported, format, args...)
}

// ValidateName checks a domain name against libvirt's rules and what is
// safe as an LXC container name, a directory name and an argv element:
// non-empty, at most MaxNameLen bytes of valid UTF-8, no '/', no whitespace
// or control characters, not "." or "..", not starting with '-'. The error
// is ErrInvalidArg naming the field.
func ValidateName(name string) error {
	if p := nameProblem(name); p != "" {
		return virterror.New(libvirt.ErrInvalidArg, "domain name %q %s", name, p)
	}
	return nil
}

func nameProblem(name string) string {
	switch {
	case name == "":
		return "is empty"
	case len(name) > MaxNameLen:
		return fmt.Sprintf("is longer than %d bytes", MaxNameLen)
	case !utf8.ValidString(name):
		return "is not valid UTF-8"
	case name == "." || name == "..":
		return "is not a valid file name"
	case strings.HasPrefix(name, "-"):
		return "must not start with '-'"
	case strings.ContainsRune(name, '/'):
		return "must not contain '/'"
	}
	for _, r := range name {
		if isControl(r) {
			return "must not contain control characters"
		}
		if isSpace(r) {
			return "must not contain whitespace"
		}
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r', 0x85, 0xa0:
		return true
	}
	return false
}

// checkText reports why v cannot be carried verbatim as (part of) an LXC
// config value: LXC reads one line per entry and trims the value's ends.
func checkText(field, v string) error {
	if !utf8.ValidString(v) {
		return xmlErr("%s %q is not valid UTF-8", field, v)
	}
	for _, r := range v {
		if isControl(r) {
			return xmlErr("%s %q must not contain control characters (newline, carriage return, NUL …)", field, v)
		}
	}
	if strings.TrimSpace(v) != v {
		return unsupported("%s %q: leading or trailing whitespace cannot be expressed in an LXC config", field, v)
	}
	return nil
}

// checkPath validates an absolute path that reaches the config and returns
// it cleaned. ".." components are refused outright, even when cleaning
// would resolve them.
func checkPath(field, p string) (string, error) {
	if p == "" {
		return "", xmlErr("%s is missing", field)
	}
	if err := checkText(field, p); err != nil {
		return "", err
	}
	if !strings.HasPrefix(p, "/") {
		return "", xmlErr("%s %q must be an absolute path", field, p)
	}
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return "", xmlErr("%s %q must not contain '..' components", field, p)
		}
	}
	return path.Clean(p), nil
}

// checkFieldPath is checkPath for a path written into a whitespace-separated
// fstab line (lxc.mount.entry), where blanks and backslashes would need
// escapes that LXC builds decode inconsistently.
func checkFieldPath(field, p string) (string, error) {
	c, err := checkPath(field, p)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(c, " \t\\") {
		return "", unsupported("%s %q: whitespace and '\\' cannot be expressed in lxc.mount.entry", field, p)
	}
	return c, nil
}

// checkNetdev validates a Linux network device name (host veth, guest
// device, bridge).
func checkNetdev(field, name string) error {
	if err := checkText(field, name); err != nil {
		return err
	}
	switch {
	case name == "":
		return xmlErr("%s is empty", field)
	case len(name) > maxNetdevLen:
		return xmlErr("%s %q is longer than %d bytes", field, name, maxNetdevLen)
	case name == "." || name == "..":
		return xmlErr("%s %q is not a valid device name", field, name)
	case strings.ContainsAny(name, "/: "):
		return xmlErr("%s %q must not contain '/', ':' or spaces", field, name)
	}
	return nil
}

// parseMAC validates a unicast MAC address and returns it in lower case.
func parseMAC(field, s string) (string, error) {
	parts := strings.Split(s, ":")
	var b [6]byte
	if len(parts) != 6 {
		return "", xmlErr("%s: unable to parse mac address %q", field, s)
	}
	for i, p := range parts {
		if len(p) != 2 {
			return "", xmlErr("%s: unable to parse mac address %q", field, s)
		}
		if _, err := hex.Decode(b[i:i+1], []byte(p)); err != nil {
			return "", xmlErr("%s: unable to parse mac address %q", field, s)
		}
	}
	if b[0]&1 == 1 {
		return "", xmlErr("%s: expected unicast mac address, found multicast %q", field, s)
	}
	return formatMAC(b), nil
}

func formatMAC(b [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5])
}

// parseUUID accepts libvirt's UUID syntax (32 hex digits, dashes anywhere,
// surrounding blanks) and returns the raw bytes.
func parseUUID(s string) ([16]byte, error) {
	var u [16]byte
	h := strings.ReplaceAll(strings.TrimSpace(s), "-", "")
	if len(h) != 32 {
		return u, xmlErr("malformed uuid element %q", s)
	}
	if _, err := hex.Decode(u[:], []byte(h)); err != nil {
		return u, xmlErr("malformed uuid element %q", s)
	}
	return u, nil
}

func formatUUID(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// checkXMLText walks a libvirtxml value and refuses strings XML cannot
// carry (invalid UTF-8, control characters other than tab, newline and
// carriage return, U+FFFE/U+FFFF): encoding/xml would silently replace
// them, so a domain built in Go would be validated as something else.
func checkXMLText(v reflect.Value, where string) error {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return checkXMLText(v.Elem(), where)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			name, _ := xmlName(f)
			if err := checkXMLText(v.Field(i), where+"/"+name); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := checkXMLText(v.Index(i), where); err != nil {
				return err
			}
		}
	case reflect.String:
		s := v.String()
		if !utf8.ValidString(s) {
			return xmlErr("%s %q is not valid UTF-8", where, s)
		}
		for _, r := range s {
			if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xfffe || r == 0xffff {
				return xmlErr("%s %q contains a character XML cannot carry", where, s)
			}
		}
	}
	return nil
}
