package plugin

import (
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/defaults"
)

// Settings are the driver's options as the daemon hands them to the
// plugin binary: Args on the host side, RegisterFlags in the plugin. Zero
// values are left out, so the driver's defaults apply.
type Settings struct {
	StateDir      string
	LXCPath       string
	RunDir        string
	CgroupRoot    string
	ShutdownGrace time.Duration
	JobTimeout    time.Duration
	LXCTimeout    time.Duration
	// AutostartParallel is how many autostart domains start at once.
	AutostartParallel int
	DefaultBridge     string
	Emulator          string            // the capabilities' <emulator>
	Networks          map[string]string // libvirt network name → host bridge
	LogLevel          slog.Level        // the plugin's log level
	// GCPercent is the plugin's garbage-collection target (see
	// GCPercentToApply); 0 leaves it to GOGC or DefaultGCPercent.
	GCPercent int
}

// DefaultGCPercent is the plugin's garbage-collection target when neither
// Settings.GCPercent nor GOGC sets one. The plugin's heap is mostly the
// domains' long-lived state, and it allocates much only for large listings
// and statistics; collecting when the heap has grown by half (Go's default
// waits for it to double) keeps its memory about a tenth lower, for about
// half a millisecond more CPU on a listing of a thousand domains. (The
// daemon keeps Go's default: its heap is small and every call allocates,
// so there the same setting doubles the CPU of a listing.)
const DefaultGCPercent = 50

// GCPercentToApply is the value for debug.SetGCPercent in the plugin, or
// 0 to leave the runtime alone: GCPercent when set, else nothing when the
// environment sets GOGC, else DefaultGCPercent.
func (s Settings) GCPercentToApply(getenv func(string) string) int {
	switch {
	case s.GCPercent != 0:
		return s.GCPercent
	case getenv("GOGC") != "":
		return 0
	}
	return DefaultGCPercent
}

// Args renders s as the plugin's command-line flags ("-name=value", so a
// value can never be taken for another flag).
func (s Settings) Args() []string {
	var args []string
	str := func(name, v string) {
		if v != "" {
			args = append(args, "-"+name+"="+v)
		}
	}
	dur := func(name string, d time.Duration) {
		if d != 0 {
			args = append(args, "-"+name+"="+d.String())
		}
	}
	str("state-dir", s.StateDir)
	str("lxcpath", s.LXCPath)
	str("run-dir", s.RunDir)
	str("cgroup-root", s.CgroupRoot)
	dur("shutdown-grace", s.ShutdownGrace)
	dur("job-timeout", s.JobTimeout)
	dur("lxc-timeout", s.LXCTimeout)
	if s.AutostartParallel != 0 {
		args = append(args, "-autostart-parallel="+strconv.Itoa(s.AutostartParallel))
	}
	str("default-bridge", s.DefaultBridge)
	str("emulator", s.Emulator)
	for _, name := range slices.Sorted(maps.Keys(s.Networks)) {
		args = append(args, "-network="+name+"="+s.Networks[name])
	}
	args = append(args, "-log-level="+s.LogLevel.String())
	if s.GCPercent != 0 {
		args = append(args, "-gc-percent="+strconv.Itoa(s.GCPercent))
	}
	return args
}

// RegisterFlags defines the flags Args produces on fs, filling s.
func (s *Settings) RegisterFlags(fs *flag.FlagSet) {
	fs.StringVar(&s.StateDir, "state-dir", "", "`DIR` holding domain definitions and state (default "+defaults.StateDir+")")
	fs.StringVar(&s.LXCPath, "lxcpath", "", "LXC path `DIR` of the containers (default "+defaults.LXCPath+")")
	fs.StringVar(&s.RunDir, "run-dir", "", "per-boot run `DIR` (default "+defaults.RunDir+")")
	fs.StringVar(&s.CgroupRoot, "cgroup-root", "", "`DIR` where the cgroup hierarchies are mounted (default "+defaults.CgroupRoot+")")
	fs.DurationVar(&s.ShutdownGrace, "shutdown-grace", 0, "how long Shutdown waits for init before killing (default 30s)")
	fs.DurationVar(&s.JobTimeout, "job-timeout", 0, "how long a call waits for another one on the same domain (default 30s)")
	fs.DurationVar(&s.LXCTimeout, "lxc-timeout", 0, "how long an lxc-* call may run before its process group is killed (default "+defaults.LXCTimeout.String()+")")
	fs.IntVar(&s.AutostartParallel, "autostart-parallel", 0, "how many autostart domains start at once (default "+strconv.Itoa(defaults.AutostartParallel)+")")
	fs.StringVar(&s.DefaultBridge, "default-bridge", "", "`BRIDGE` for interfaces that name none (default "+defaults.Bridge+")")
	fs.StringVar(&s.Emulator, "emulator", "", "`PATH` the capabilities XML names as <emulator> (default "+defaults.Emulator+")")
	fs.Func("network", "map a libvirt network to a host bridge: `NAME=BRIDGE` (repeatable)", func(v string) error {
		name, bridge, ok := strings.Cut(v, "=")
		if !ok || name == "" || bridge == "" {
			return fmt.Errorf("want NAME=BRIDGE, got %q", v)
		}
		if s.Networks == nil {
			s.Networks = map[string]string{}
		}
		s.Networks[name] = bridge
		return nil
	})
	fs.TextVar(&s.LogLevel, "log-level", slog.LevelInfo, "log `LEVEL`: debug, info, warn or error")
	fs.Func("gc-percent", "garbage-collection target `PERCENT` (default: GOGC, else "+strconv.Itoa(DefaultGCPercent)+")", func(v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return fmt.Errorf("want a positive integer, got %q", v)
		}
		s.GCPercent = n
		return nil
	})
}
