package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseArgsConfigThenFlags(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lxcvirtd.conf")
	conf := `# lxcvirtd settings
socket = /run/x/sock
state_dir = "/var/lib/x"
log_level = debug   # chatty
listen_default = true
shutdown_grace = 5s
default_bridge = br1
network.default = lxcbr0
keepalive_count = 3
max_clients = 100
max_anonymous_clients = 4
open_timeout = 2s
`
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseArgs([]string{"--config", file, "--socket", "/tmp/s", "--log-level", "warn", "--listen-default=false"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Socket != "/tmp/s" || cfg.StateDir != "/var/lib/x" || cfg.LogLevel != slog.LevelWarn || cfg.ListenDefault ||
		cfg.ShutdownGrace != 5*time.Second || cfg.DefaultBridge != "br1" || cfg.Networks["default"] != "lxcbr0" || cfg.KeepaliveCount != 3 ||
		cfg.Limits.MaxClients != 100 || cfg.Limits.MaxAnonymousClients != 4 || cfg.Limits.OpenTimeout != 2*time.Second {
		t.Fatalf("%+v", cfg)
	}
}

func TestParseArgsDefaults(t *testing.T) {
	cfg, err := parseArgs(nil, &bytes.Buffer{})
	if err != nil || cfg.Socket != defaultSocket || cfg.LogLevel != slog.LevelInfo || cfg.ListenDefault {
		t.Fatalf("%+v %v", cfg, err)
	}
}

func TestParseArgsRejects(t *testing.T) {
	dir := t.TempDir()
	n := 0
	write := func(body string) string {
		n++
		p := filepath.Join(dir, fmt.Sprintf("c%d.conf", n))
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--socket", "relative/sock"}, "not an absolute path"},
		{[]string{"--log-level", "loud"}, "loud"},
		{[]string{"--shutdown-grace", "-1s"}, "not positive"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--config", write("nonsense\n")}, "want key = value"},
		{[]string{"--config", write("colour = red\n")}, "unknown key"},
		{[]string{"--config", write("network.x = a/b\n")}, "not a valid interface name"},
		{[]string{"--config", write("keepalive_count = 0\n")}, "at least 1"},
		{[]string{"--config", write("driver_gc_percent = 0\n")}, "at least 1"},
		{[]string{"--driver-gc-percent", "half"}, "invalid syntax"},
		{[]string{"--config", filepath.Join(dir, "missing")}, "no such file"},
	} {
		_, err := parseArgs(tc.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, err := parseArgs([]string{"--help"}, &out)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatal(err)
	}
	for _, want := range []string{"virsh -c 'lxc:///system?socket=", "-listen-default", "-state-dir", "Config file", "network.NAME"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if code := run([]string{"--help"}, &out); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	if code := run([]string{"--bogus"}, &out); code != 2 {
		t.Fatalf("bad flag exit %d", code)
	}
}

func TestParseArgsPluginAndGuests(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lxcvirtd.conf")
	if err := os.WriteFile(file, []byte("driver_plugin = /opt/lxcvirt/driver\nshutdown_guests = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := parseArgs([]string{"--config", file}, &bytes.Buffer{})
	if err != nil || cfg.DriverPlugin != "/opt/lxcvirt/driver" || !cfg.ShutdownGuests {
		t.Fatalf("%+v %v", cfg, err)
	}
	cfg, err = parseArgs([]string{"--config", file, "--driver-plugin", "/usr/lib/x", "--shutdown-guests=false"}, &bytes.Buffer{})
	if err != nil || cfg.DriverPlugin != "/usr/lib/x" || cfg.ShutdownGuests {
		t.Fatalf("flags over the file: %+v %v", cfg, err)
	}
	if cfg, err := parseArgs([]string{"--shutdown-guests"}, &bytes.Buffer{}); err != nil || !cfg.ShutdownGuests || cfg.DriverPlugin != "" {
		t.Fatalf("--shutdown-guests: %+v %v", cfg, err)
	}
	if _, err := parseArgs([]string{"--driver-plugin", "lxcvirt-driver-lxc"}, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Fatalf("relative plugin path: %v", err)
	}
	var out bytes.Buffer
	parseArgs([]string{"--help"}, &out)
	for _, want := range []string{"-driver-plugin PATH", "-shutdown-guests", "driver_plugin", "shutdown_guests", "lxcvirt-driver-lxc beside lxcvirtd", "it is being restarted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
}

// TestPluginSettings: the plugin gets the daemon's driver settings.
func TestPluginSettings(t *testing.T) {
	cfg, err := parseArgs([]string{"--state-dir", "/s", "--lxcpath", "/l", "--run-dir", "/r", "--shutdown-grace", "7s", "--log-level", "debug"}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(cfg.set("default_bridge", "br9"), cfg.set("network.default", "lxcbr0")); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cfg.pluginSettings().Args(), " ")
	want := "-state-dir=/s -lxcpath=/l -run-dir=/r -shutdown-grace=7s -default-bridge=br9 -network=default=lxcbr0 -log-level=DEBUG"
	if got != want {
		t.Errorf("plugin args\n got %s\nwant %s", got, want)
	}
	if err := cfg.set("driver_gc_percent", "80"); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cfg.pluginSettings().Args(), " "); got != want+" -gc-percent=80" {
		t.Errorf("plugin args with driver_gc_percent: %s", got)
	}
	if g := cfg.guestGrace(); g != 7*time.Second {
		t.Errorf("guest grace %v", g)
	}
	if g := defaultConfig().guestGrace(); g != 30*time.Second {
		t.Errorf("default guest grace %v", g)
	}
}

// TestSampleConfig: every setting dist/lxcvirtd.conf shows (commented out)
// is one the daemon accepts.
func TestSampleConfig(t *testing.T) {
	b, err := os.ReadFile("../../dist/lxcvirtd.conf")
	if err != nil {
		t.Fatal(err)
	}
	var settings strings.Builder
	n := 0
	for line := range strings.Lines(string(b)) {
		if k, _, ok := strings.Cut(strings.TrimPrefix(line, "#"), " = "); ok && !strings.Contains(k, " ") {
			settings.WriteString(strings.TrimPrefix(line, "#"))
			n++
		}
	}
	cfg := defaultConfig()
	if err := parseConfig(&cfg, strings.NewReader(settings.String()), "lxcvirtd.conf"); err != nil {
		t.Fatal(err)
	}
	if n < 15 || cfg.DriverPlugin == "" || cfg.ShutdownGuests {
		t.Fatalf("%d settings: %+v", n, cfg)
	}
}
