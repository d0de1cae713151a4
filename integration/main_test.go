//go:build integration

package integration

import (
	"os"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// TestMain runs the event flooder when the event-flood test re-executes
// the test binary as one, and otherwise the tests, then removes the daemon
// and plugin binaries they built once.
func TestMain(m *testing.M) {
	if sock := os.Getenv(floodEnv); sock != "" {
		os.Exit(floodMain(sock))
	}
	code := m.Run()
	testenv.RemoveBinaries()
	os.Exit(code)
}
