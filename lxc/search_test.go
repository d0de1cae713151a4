package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

// TestAddSearchACL: the entry grants search alone, the mask follows the
// group class, and a second grant changes nothing.
func TestAddSearchACL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "d")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := addSearchACL(dir, 0o700, 100000); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			t.Skip("no ACLs on this file system")
		}
		t.Fatal(err)
	}
	got, err := readACL(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []aclEntry{{aclUserObj, 7, aclNoID}, {aclUser, 1, 100000}, {aclGroupObj, 0, aclNoID}, {aclMask, 1, aclNoID}, {aclOther, 0, aclNoID}}
	if !slices.Equal(got, want) {
		t.Errorf("ACL %v, want %v", got, want)
	}
	if err := addSearchACL(dir, 0o710, 100000); err != nil {
		t.Fatal(err)
	}
	if again, _ := readACL(dir); !slices.Equal(again, want) {
		t.Errorf("second grant changed the ACL: %v", again)
	}
}
