package lxc

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest container name ValidateName accepts: LXC uses the
// name for the container's directory, cgroup and command socket, and this
// keeps it within a hostname's length.
const MaxNameLen = 64

// ValidateName reports whether name is safe to use as a container name in an
// argv and as a directory under the lxcpath. The error wraps ErrInvalidName.
func ValidateName(name string) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidName, name, why)
	}
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrInvalidName)
	case len(name) > MaxNameLen:
		return bad(fmt.Sprintf("longer than %d bytes", MaxNameLen))
	case !utf8.ValidString(name):
		return bad("not valid UTF-8")
	case name == "." || name == "..":
		return bad("not a directory name")
	case strings.HasPrefix(name, "-"):
		return bad("starts with '-'")
	case strings.ContainsRune(name, '/'):
		return bad("contains '/'")
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return bad("contains a control or space character")
		}
	}
	return nil
}

// validatePath checks a path that reaches an argv: absolute, clean, no
// control characters.
func validatePath(what, p string) error {
	if !filepath.IsAbs(p) || filepath.Clean(p) != p {
		return fmt.Errorf("%s %q: must be an absolute, clean path", what, p)
	}
	if strings.IndexFunc(p, unicode.IsControl) >= 0 {
		return fmt.Errorf("%s %q: contains a control character", what, p)
	}
	return nil
}
