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

	"github.com/lxcvirt/lxcvirt/settings"
)

func writeConf(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "lxcvirtd.conf")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestParseArgsConfigThenFlags(t *testing.T) {
	file := writeConf(t, `# lxcvirtd settings, libvirt syntax
socket = "/run/x/sock"
state_dir = "/var/lib/x"
log_level = 1   # chatty
listen_default = 1
shutdown_grace = 5
default_bridge = "br1"
networks = [ "default=lxcbr0",
             "lab=br-lab" ]
keepalive_count = 3
max_workers = 20
`)
	cfg, warns, err := parseArgs([]string{"--config", file, "--socket", "/tmp/s", "--log-level", "warn", "--listen-default=false"}, &bytes.Buffer{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Socket != "/tmp/s" || cfg.StateDir != "/var/lib/x" || cfg.LogLevel != slog.LevelWarn || cfg.ListenDefault ||
		cfg.ShutdownGrace != 5*time.Second || cfg.DefaultBridge != "br1" || cfg.Networks["lab"] != "br-lab" || cfg.KeepaliveCount != 3 {
		t.Fatalf("%+v", cfg)
	}
	if len(warns) != 1 || warns[0].String() != file+":11: max_workers: libvirt's setting, not implemented by lxcvirtd: ignored" {
		t.Errorf("warnings %v", warns)
	}
}

func TestParseArgsDefaults(t *testing.T) {
	cfg, warns, err := parseArgs(nil, &bytes.Buffer{}, nil)
	if err != nil || len(warns) != 0 || fmt.Sprint(cfg) != fmt.Sprint(settings.Defaults()) {
		t.Fatalf("%+v %v %v", cfg, warns, err)
	}
}

func TestParseArgsRejects(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--socket", "relative/sock"}, "not an absolute path"},
		{[]string{"--log-level", "loud"}, "loud"},
		{[]string{"--shutdown-grace", "-1s"}, "not between"},
		{[]string{"extra"}, "unexpected argument"},
		{[]string{"--config", writeConf(t, "# fine\nnonsense\n")}, "lxcvirtd.conf:2: expecting an assignment"},
		{[]string{"--config", writeConf(t, "state_dir = /var/lib/x\n")}, "lxcvirtd.conf:1: expecting a value"},
		{[]string{"--config", writeConf(t, "networks = [ \"x=a/b\" ]\n")}, "lxcvirtd.conf:1: networks: \"a/b\" is not a valid interface name"},
		{[]string{"--config", writeConf(t, "keepalive_count = 0\n")}, "keepalive_count: 0 (drop a silent client without pinging it) is not supported"},
		{[]string{"--driver-gc-percent", "half"}, "not an integer"},
		{[]string{"--config", filepath.Join(dir, "missing")}, "no such file"},
	} {
		_, _, err := parseArgs(tc.args, &bytes.Buffer{}, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err = %v, want %q", tc.args, err, tc.want)
		}
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	_, _, err := parseArgs([]string{"--help"}, &out, nil)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatal(err)
	}
	for _, want := range []string{"virsh -c 'lxc:///system?socket=", "libvirt's\nconfig syntax", "-config FILE", "it is being restarted"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	for _, k := range settings.Keys {
		if !strings.Contains(out.String(), "-"+k.Flag()) || !strings.Contains(out.String(), "config file: "+k.Name+" = ") {
			t.Errorf("help lacks -%s or %s", k.Flag(), k.Name)
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
	file := writeConf(t, "driver_plugin = \"/opt/lxcvirt/driver\"\nshutdown_guests = 1\n")
	cfg, _, err := parseArgs([]string{"--config", file}, &bytes.Buffer{}, nil)
	if err != nil || cfg.DriverPlugin != "/opt/lxcvirt/driver" || !cfg.ShutdownGuests {
		t.Fatalf("%+v %v", cfg, err)
	}
	cfg, _, err = parseArgs([]string{"--config", file, "--driver-plugin", "/usr/lib/x", "--shutdown-guests=false"}, &bytes.Buffer{}, nil)
	if err != nil || cfg.DriverPlugin != "/usr/lib/x" || cfg.ShutdownGuests {
		t.Fatalf("flags over the file: %+v %v", cfg, err)
	}
	if cfg, _, err := parseArgs([]string{"--shutdown-guests"}, &bytes.Buffer{}, nil); err != nil || !cfg.ShutdownGuests || cfg.DriverPlugin != "" {
		t.Fatalf("--shutdown-guests: %+v %v", cfg, err)
	}
	if _, _, err := parseArgs([]string{"--driver-plugin", "lxcvirt-driver-lxc"}, &bytes.Buffer{}, nil); err == nil || !strings.Contains(err.Error(), "not an absolute path") {
		t.Fatalf("relative plugin path: %v", err)
	}
}

// TestRunLogsIgnoredSettings: the daemon names each ignored statement of
// its config file in its log before it starts (here it then fails: no
// socket can be made in /proc).
func TestRunLogsIgnoredSettings(t *testing.T) {
	file := writeConf(t, "max_workers = 10\n")
	var out bytes.Buffer
	run([]string{"--config", file, "--socket", filepath.Join("/proc", "lxcvirt-test-sock")}, &out)
	if !strings.Contains(out.String(), "setting ignored") || !strings.Contains(out.String(), "key=max_workers") || !strings.Contains(out.String(), "line=1") {
		t.Errorf("log lacks the ignored setting:\n%s", out.String())
	}
}
