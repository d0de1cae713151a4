// Package plugintest helps other packages' tests use the plugin boundary:
// a driver served over real gRPC in process, and the driver plugin binary
// built for tests that run the daemon. Test-only; nothing in the product
// imports it.
package plugintest

import (
	"os/exec"
	"path/filepath"
	"testing"

	goplugin "github.com/hashicorp/go-plugin"
	"github.com/lxcvirt/lxcvirt/driverapi"
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

// BuildDriver builds cmd/lxcvirt-driver-lxc into dir (where a daemon built
// into the same dir finds it by default) and returns its path.
func BuildDriver(t testing.TB, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, plugin.DefaultBinary)
	out, err := exec.Command("go", "build", "-o", bin, "github.com/lxcvirt/lxcvirt/cmd/"+plugin.DefaultBinary).CombinedOutput()
	if err != nil {
		t.Fatalf("build %s: %v\n%s", plugin.DefaultBinary, err, out)
	}
	return bin
}
