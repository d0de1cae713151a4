package server

import (
	"strings"
	"testing"
)

// TestCheckURISession: as libvirt's virConnectValidateURIPath, a system
// daemon takes /system and a session daemon /session, each refusing the
// other's path with a hint.
func TestCheckURISession(t *testing.T) {
	for _, tc := range []struct {
		uri     string
		session bool
		hint    string // "" when accepted
	}{
		{"lxc:///system", false, ""},
		{"lxc:///", false, ""},
		{"lxc:///session", false, "try lxc:///system"},
		{"lxc:///session", true, ""},
		{"lxc:///", true, ""},
		{"lxc:///system", true, "try lxc:///session"},
	} {
		err := checkURI(tc.uri, tc.session)
		if tc.hint == "" && err != nil {
			t.Errorf("%s (session %v): %v", tc.uri, tc.session, err)
		}
		if tc.hint != "" && (err == nil || !strings.Contains(err.Error(), tc.hint)) {
			t.Errorf("%s (session %v): %v, want %q", tc.uri, tc.session, err, tc.hint)
		}
	}
}
