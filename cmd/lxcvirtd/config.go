package main

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/defaults"
	"github.com/lxcvirt/lxcvirt/plugin"
)

// config is everything lxcvirtd can be told, from its config file and
// flags (flags win).
type config struct {
	Socket            string
	StateDir          string
	LXCPath           string
	RunDir            string
	LogLevel          slog.Level
	ListenDefault     bool
	ShutdownGrace     time.Duration
	DefaultBridge     string
	Networks          map[string]string
	Emulator          string
	KeepaliveInterval time.Duration
	KeepaliveCount    int
	StopTimeout       time.Duration
	DriverPlugin      string // "" = plugin.DefaultBinary beside lxcvirtd
	DriverGCPercent   int    // 0 = GOGC, else plugin.DefaultGCPercent
	ShutdownGuests    bool
	LXCTimeout        time.Duration
	AutostartParallel int
}

// Defaults.
const (
	defaultSocket = "/run/lxcvirt/lxcvirt-sock"
	// libvirtDirectSocket is where a stock `virsh -c lxc:///system` looks
	// first (libvirt's modular LXC daemon, virtlxcd); the client falls back
	// to libvirtd's socket only when this one is absent.
	libvirtDirectSocket = "/run/libvirt/virtlxcd-sock"
	roSuffix            = "-ro"
)

func defaultConfig() config {
	return config{
		Socket:      defaultSocket,
		LogLevel:    slog.LevelInfo,
		Networks:    map[string]string{},
		StopTimeout: 30 * time.Second,
	}
}

// configHelp documents the config file; --help prints it.
const configHelp = `Config file (--config): one "key = value" per line, '#' starts a comment.
  socket             = /run/lxcvirt/lxcvirt-sock  read-write socket (the read-only one adds "-ro")
  state_dir          = /var/lib/lxcvirt           domain definitions and state
  lxcpath            = /var/lib/lxcvirt/lxc       the containers' LXC path (default: state_dir/lxc)
  run_dir            = /run/lxcvirt               per-boot markers, plugin sockets (tmpfs; default for
                                                  another state_dir: /run/lxcvirt/state-HASH of its path)
  log_level          = info                       debug, info, warn or error
  listen_default     = false                      also serve /run/libvirt/virtlxcd-sock(-ro)
  shutdown_grace     = 30s                        virsh shutdown, shutdown_guests: wait for init, then kill
  lxc_timeout        = 60s                        an lxc-* call still running after this (plus the wait it
                                                  was asked for) is killed with its process group
  autostart_parallel = 4                          autostart domains started at once (failures retried)
  default_bridge     = lxcbr0                     bridge for <interface type='bridge'> without one
  network.NAME       = BRIDGE                     <interface type='network'> NAME → host bridge
  emulator           = /usr/bin/lxc-start         <emulator> in the capabilities XML
  keepalive_interval = 5s                         ping an idle client after this long
  keepalive_count    = 5                          drop it after this many unanswered pings
  stop_timeout       = 30s                        on SIGTERM, wait this long for calls in flight
  shutdown_guests    = false                      on SIGTERM, shut running containers down (see above)
  driver_plugin      = PATH                       the LXC driver plugin (default: lxcvirt-driver-lxc beside lxcvirtd)
  driver_gc_percent  = 50                         the plugin's garbage-collection target (default: GOGC, else 50)
`

// loadConfigFile reads a config file into c.
func loadConfigFile(c *config, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return parseConfig(c, f, path)
}

func parseConfig(c *config, r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s:%d: want key = value, got %q", name, n, line)
		}
		key, val = strings.TrimSpace(key), strings.Trim(strings.TrimSpace(val), `"`)
		if err := c.set(key, val); err != nil {
			return fmt.Errorf("%s:%d: %s: %w", name, n, key, err)
		}
	}
	return sc.Err()
}

// set assigns one config key; flags use it too.
func (c *config) set(key, val string) error {
	var err error
	switch key {
	case "socket":
		c.Socket, err = absPath(val)
	case "state_dir":
		c.StateDir, err = absPath(val)
	case "lxcpath":
		c.LXCPath, err = absPath(val)
	case "run_dir":
		c.RunDir, err = absPath(val)
	case "emulator":
		c.Emulator, err = absPath(val)
	case "driver_plugin":
		c.DriverPlugin, err = absPath(val)
	case "log_level":
		err = c.LogLevel.UnmarshalText([]byte(val))
	case "listen_default":
		c.ListenDefault, err = strconv.ParseBool(val)
	case "shutdown_guests":
		c.ShutdownGuests, err = strconv.ParseBool(val)
	case "shutdown_grace":
		c.ShutdownGrace, err = positiveDuration(val)
	case "lxc_timeout":
		c.LXCTimeout, err = positiveDuration(val)
	case "autostart_parallel":
		c.AutostartParallel, err = strconv.Atoi(val)
		if err == nil && (c.AutostartParallel < 1 || c.AutostartParallel > 64) {
			err = fmt.Errorf("must be 1 to 64")
		}
	case "keepalive_interval":
		c.KeepaliveInterval, err = positiveDuration(val)
	case "stop_timeout":
		c.StopTimeout, err = positiveDuration(val)
	case "driver_gc_percent":
		c.DriverGCPercent, err = strconv.Atoi(val)
		if err == nil && c.DriverGCPercent < 1 {
			err = fmt.Errorf("must be at least 1")
		}
	case "keepalive_count":
		c.KeepaliveCount, err = strconv.Atoi(val)
		if err == nil && c.KeepaliveCount < 1 {
			err = fmt.Errorf("must be at least 1")
		}
	case "default_bridge":
		c.DefaultBridge, err = ifName(val)
	default:
		name, ok := strings.CutPrefix(key, "network.")
		if !ok || name == "" {
			return fmt.Errorf("unknown key")
		}
		c.Networks[name], err = ifName(val)
	}
	return err
}

// resolveDirs fills in the directories left unset: the state dir's
// defaults, and the lxcpath and run dir that go with the state dir
// (defaults.LXCPathFor, defaults.RunDirFor), so a daemon on another state
// dir shares nothing with the system's.
func (c *config) resolveDirs() {
	if c.StateDir == "" {
		c.StateDir = defaults.StateDir
	}
	if c.LXCPath == "" {
		c.LXCPath = defaults.LXCPathFor(c.StateDir)
	}
	if c.RunDir == "" {
		c.RunDir = defaults.RunDirFor(c.StateDir)
	}
}

// pluginSettings are the driver settings handed to the plugin.
func (c config) pluginSettings() plugin.Settings {
	return plugin.Settings{
		StateDir:          c.StateDir,
		LXCPath:           c.LXCPath,
		RunDir:            c.RunDir,
		ShutdownGrace:     c.ShutdownGrace,
		LXCTimeout:        c.LXCTimeout,
		AutostartParallel: c.AutostartParallel,
		DefaultBridge:     c.DefaultBridge,
		Emulator:          c.Emulator,
		Networks:          c.Networks,
		LogLevel:          c.LogLevel,
		GCPercent:         c.DriverGCPercent,
	}
}

// guestGrace is how long a guest gets to halt before it is killed.
func (c config) guestGrace() time.Duration {
	if c.ShutdownGrace > 0 {
		return c.ShutdownGrace
	}
	return defaults.ShutdownGrace
}

func absPath(p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%q is not an absolute path", p)
	}
	return filepath.Clean(p), nil
}

func positiveDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil && d <= 0 {
		err = fmt.Errorf("%q is not positive", s)
	}
	return d, err
}

// ifName checks a host interface name (what the kernel accepts: 1–15
// bytes, no '/', whitespace or ':').
func ifName(s string) (string, error) {
	if s == "" || len(s) > 15 || strings.ContainsAny(s, "/: \t\n=") || s == "." || s == ".." {
		return "", fmt.Errorf("%q is not a valid interface name", s)
	}
	return s, nil
}
