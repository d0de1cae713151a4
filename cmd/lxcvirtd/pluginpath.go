package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/lxcvirt/lxcvirt/plugin"
)

// pluginDirs are where lxcvirtd looks for its driver plugin when none is
// configured, relative to the directory of its own binary: beside it (make
// build's bin/), then the installed layout of make install and the Debian
// package, PREFIX/sbin/lxcvirtd with PREFIX/lib/lxcvirt/lxcvirt-driver-lxc
// (Debian keeps libvirt's own helpers in /usr/lib/libvirt the same way).
var pluginDirs = []string{".", "../lib/lxcvirt"}

// findDriverPlugin returns the first plugin binary present in pluginDirs
// relative to exe's directory; the error names every place it looked.
func findDriverPlugin(exe string) (string, error) {
	var tried []string
	for _, d := range pluginDirs {
		p := filepath.Join(filepath.Dir(exe), d, plugin.DefaultBinary)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("LXC driver plugin not found in %s: %w", strings.Join(tried, " or "), fs.ErrNotExist)
}

// driverPluginPath is the configured plugin, else the one findDriverPlugin
// finds beside or under the running lxcvirtd.
func driverPluginPath(cfg config) (string, error) {
	if cfg.DriverPlugin != "" {
		return cfg.DriverPlugin, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the LXC driver plugin: %w", err)
	}
	return findDriverPlugin(exe)
}
