package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/plugin"
	"github.com/lxcvirt/lxcvirt/settings"
)

// TestFindDriverPlugin: the plugin beside lxcvirtd wins (make build's
// bin/); else the installed one, PREFIX/lib/lxcvirt for PREFIX/sbin/lxcvirtd;
// else the error names both places.
func TestFindDriverPlugin(t *testing.T) {
	prefix := t.TempDir()
	exe := filepath.Join(prefix, "sbin", "lxcvirtd")
	beside := filepath.Join(prefix, "sbin", plugin.DefaultBinary)
	installed := filepath.Join(prefix, "lib", "lxcvirt", plugin.DefaultBinary)
	for _, p := range []string{exe, installed} {
		mkExecutable(t, p)
	}
	if got, err := findDriverPlugin(exe); err != nil || got != installed {
		t.Errorf("installed layout: %q, %v; want %s", got, err, installed)
	}
	mkExecutable(t, beside)
	if got, err := findDriverPlugin(exe); err != nil || got != beside {
		t.Errorf("beside: %q, %v; want %s", got, err, beside)
	}
	for _, p := range []string{beside, installed} {
		if err := os.Remove(p); err != nil {
			t.Fatal(err)
		}
	}
	_, err := findDriverPlugin(exe)
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), beside) || !strings.Contains(err.Error(), installed) {
		t.Errorf("none: %v; want ErrNotExist naming %s and %s", err, beside, installed)
	}
}

// TestDriverPluginConfigured: a configured plugin is used as given.
func TestDriverPluginConfigured(t *testing.T) {
	cfg := settings.Defaults()
	cfg.DriverPlugin = "/opt/lxcvirt/driver"
	if got, err := driverPluginPath(cfg); err != nil || got != cfg.DriverPlugin {
		t.Errorf("driverPluginPath = %q, %v", got, err)
	}
}

func mkExecutable(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}
