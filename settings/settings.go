// Package settings is lxcvirt's one settings model: the Settings struct,
// the table of keys that fills it (each key is a line of the config file
// and a command-line flag of lxcvirtd), and the parser of the config
// file's syntax, libvirt's own (virtlxcd.conf, libvirtd.conf). The daemon
// loads it; the driver plugin receives it whole over its Configure call.
// It imports nothing of LXC.
package settings

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/defaults"
)

// Settings is everything lxcvirtd and its driver plugin can be told. Each
// field is set by one key of Keys; Defaults has every key's default.
type Settings struct {
	// The daemon's sockets and clients.
	Socket            string
	ListenDefault     bool
	UnixSockGroup     string
	UnixSockROPerms   os.FileMode
	UnixSockRWPerms   os.FileMode
	KeepaliveInterval time.Duration
	KeepaliveCount    int
	MaxClientRequests int
	// Client limits, libvirtd's (see remote/server.Limits).
	MaxClients          int
	MaxAnonymousClients int
	MaxQueuedClients    int
	OpenTimeout         time.Duration
	LogLevel            slog.Level
	LogOutputs          []LogOutput // none: stderr
	Emulator            string
	StopTimeout         time.Duration
	ShutdownGuests      bool
	// Timeout is libvirt's --timeout: the daemon exits after this many
	// seconds without clients and without running containers (0: never).
	Timeout int
	// The driver plugin process.
	DriverPlugin    string // "": found beside lxcvirtd
	DriverGCPercent int    // 0: see GCPercentToApply
	// The LXC driver.
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
	Networks          map[string]string // libvirt network name → host bridge
	// NetworkDriver is where libvirt's network driver is asked: "auto",
	// "none" or a socket path (remote/client.NetworkSockets).
	NetworkDriver string
}

// LogOutput is one of libvirt's log outputs (log_outputs): records of
// Level and above go to Dest, "stderr", "file" (Arg is its path) or
// "syslog" (Arg is the ident).
type LogOutput struct {
	Level slog.Level
	Dest  string
	Arg   string
}

// DefaultGCPercent is the plugin's garbage-collection target when neither
// DriverGCPercent nor GOGC sets one. The plugin's heap is mostly the
// domains' long-lived state, and it allocates much only for large listings
// and statistics; collecting when the heap has grown by half (Go's default
// waits for it to double) keeps its memory about a tenth lower, for about
// half a millisecond more CPU on a listing of a thousand domains. (The
// daemon keeps Go's default: its heap is small and every call allocates,
// so there the same setting doubles the CPU of a listing.)
const DefaultGCPercent = 50

// GCPercentToApply is the value for debug.SetGCPercent in the plugin, or
// 0 to leave the runtime alone: DriverGCPercent when set, else nothing
// when the environment sets GOGC, else DefaultGCPercent.
func (s Settings) GCPercentToApply(getenv func(string) string) int {
	switch {
	case s.DriverGCPercent != 0:
		return s.DriverGCPercent
	case getenv("GOGC") != "":
		return 0
	}
	return DefaultGCPercent
}

// ResolveDirs fills in the lxcpath and run dir left "": those that go
// with the state dir (defaults.LXCPathFor, defaults.RunDirFor), so a
// daemon on another state dir shares nothing with the system's.
func (s *Settings) ResolveDirs() {
	if s.StateDir == "" {
		s.StateDir = defaults.StateDir
	}
	if s.LXCPath == "" {
		s.LXCPath = defaults.LXCPathFor(s.StateDir)
	}
	if s.RunDir == "" {
		s.RunDir = defaults.RunDirFor(s.StateDir)
	}
}

// Defaults returns the settings with every key at its default.
func Defaults() Settings {
	var s Settings
	for _, k := range Keys {
		v, err := k.defaultValue()
		if err == nil {
			err = k.set(&s, v)
		}
		if err != nil {
			panic(fmt.Sprintf("settings: default of %s: %v", k.Name, err))
		}
	}
	return s
}

// Warning is a statement of a config file that was ignored.
type Warning struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (w Warning) String() string { return fmt.Sprintf("%s:%d: %s: %s", w.File, w.Line, w.Key, w.Msg) }

// Apply sets s from the entries of a parsed config file. As in libvirt, a
// key's first statement counts, and keys it does not know are ignored
// (libvirt's own keys that lxcvirtd does not implement too); each ignored
// statement is returned as a warning. A value of the wrong
// type or out of range is an error naming the file, line and key.
func (s *Settings) Apply(file string, entries []Entry) ([]Warning, error) {
	var warns []Warning
	seen := map[string]int{}
	for _, e := range entries {
		k, ok := keyByName[e.Name]
		if !ok {
			msg := "unknown setting, ignored"
			if libvirtOnly[e.Name] {
				msg = "libvirt's setting, not implemented by lxcvirtd: ignored"
			}
			warns = append(warns, Warning{file, e.Line, e.Name, msg})
			continue
		}
		if first, dup := seen[e.Name]; dup {
			warns = append(warns, Warning{file, e.Line, e.Name, fmt.Sprintf("set again, ignored: line %d counts", first)})
			continue
		}
		seen[e.Name] = e.Line
		if err := k.set(s, e.Value); err != nil {
			return warns, fmt.Errorf("%s:%d: %s: %w", file, e.Line, e.Name, err)
		}
	}
	return warns, nil
}

// LoadFile applies the config file at path to s.
func (s *Settings) LoadFile(path string) ([]Warning, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	entries, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	return s.Apply(path, entries)
}
