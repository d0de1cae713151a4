//go:build integration

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/plugin/plugintest"
)

// TestServeThroughPlugin runs the daemon in process with the real driver
// plugin: the client's connection survives a kill -9 of the plugin, the
// plugin's log comes out of the daemon's, and stopping the daemon stops
// the plugin (goleak then checks the supervisor left nothing running).
func TestServeThroughPlugin(t *testing.T) {
	testenv.RequireRoot(t)
	base := t.TempDir()
	cfg := testConfig(t)
	cfg.DriverPlugin = plugintest.Driver(t)
	cfg.StateDir, cfg.LXCPath, cfg.RunDir = filepath.Join(base, "state"), filepath.Join(base, "lxc"), filepath.Join(base, "run")
	cfg.LogLevel = slog.LevelDebug
	var sup *plugin.Supervisor
	r := startServe(t, cfg, func(ctx context.Context, cfg config, log *slog.Logger) (driverapi.Driver, error) {
		d, err := openPlugin(ctx, cfg, log)
		if err == nil {
			sup = d.(*plugin.Supervisor)
		}
		return d, err
	})
	l := r.dial(t)
	defer l.Disconnect()
	if got := listNames(t, l); len(got) != 0 {
		t.Fatalf("fresh state dir lists %v", got)
	}
	pid := sup.PID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	for {
		_, _, err := l.ConnectListAllDomains(1, 0)
		if err == nil {
			break
		}
		if !strings.Contains(err.Error(), "LXC driver process") || time.Since(killed) > time.Minute {
			t.Fatalf("after the plugin was killed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("served again %v after kill -9 of the plugin", time.Since(killed).Round(time.Millisecond))
	if sup.PID() == pid {
		t.Fatal("the killed plugin still serves")
	}
	if err := l.Disconnect(); err != nil {
		t.Fatal(err)
	}
	newPID := sup.PID()
	if err, _ := r.shutdown(t); err != nil {
		t.Fatalf("serve: %v", err)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(newPID)); !os.IsNotExist(err) {
		t.Errorf("plugin %d still runs after the daemon stopped", newPID)
	}
	logs := r.logs.String()
	if strings.Contains(logs, "WARNING: DATA RACE") {
		t.Errorf("the race detector reported a data race in the plugin:\n%s", logs)
	}
	for _, want := range []string{"LXC driver plugin exited; restarting it", "logger=" + plugin.DefaultBinary} {
		if !strings.Contains(logs, want) {
			t.Errorf("daemon log lacks %q", want)
		}
	}
}
