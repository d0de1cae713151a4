//go:build integration

package integration

import (
	"os"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestMain removes the daemon and plugin binaries the tests built once.
func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}
