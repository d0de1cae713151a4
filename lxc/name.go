package lxc

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// ValidateName reports whether name is safe to use as a container name in
// an argv and as a directory under the lxcpath. A container is named after
// its domain, so the rule is the domain name's, xmlmap.ValidateName. The
// error wraps ErrInvalidName.
func ValidateName(name string) error {
	if err := xmlmap.ValidateName(name); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidName, err)
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
