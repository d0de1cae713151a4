// Package plugintest helps other packages' tests use the plugin boundary:
// a driver served over real gRPC in process, and the daemon and driver
// plugin binaries built for tests that run them. Test-only; nothing in the
// product imports it.
package plugintest

import (
	"testing"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin"
)

// Connect serves impl through go-plugin's in-memory gRPC pair and returns
// the host side: every call crosses the real boundary (encoding, errors,
// deadlines, event streams) without a child process. The pair is closed
// when the test ends.
func Connect(t testing.TB, impl driverapi.Driver) driverapi.Driver {
	t.Helper()
	client, _ := goplugin.TestPluginGRPCConn(t, false, map[string]goplugin.Plugin{
		plugin.DriverPluginName: &plugin.DriverPlugin{Impl: impl},
	})
	t.Cleanup(func() { _ = client.Close() }) // go-plugin stops the server
	raw, err := client.Dispense(plugin.DriverPluginName)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(*plugin.Client)
}

// Driver returns cmd/lxcvirt-driver-lxc built with -race once per test
// binary (testenv.Binary), next to where Daemon puts lxcvirtd.
func Driver(t testing.TB) string {
	t.Helper()
	return testenv.Binary(t, "github.com/lxcvirt/lxcvirt/cmd/"+plugin.DefaultBinary)
}

// Daemon returns cmd/lxcvirtd built with -race once per test binary, with
// its driver plugin next to it, where the daemon finds it by default.
func Daemon(t testing.TB) string {
	t.Helper()
	Driver(t)
	return testenv.Binary(t, "github.com/lxcvirt/lxcvirt/cmd/lxcvirtd")
}
