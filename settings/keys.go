package settings

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/defaults"
)

// Key is one setting: a line of the config file and a flag of lxcvirtd.
type Key struct {
	Name    string // the config file's key; the flag is Flag()
	Arg     string // what the value is, in --help: DIR, SECONDS …
	Default string // the default, in config syntax
	Doc     string
	kind    flagKind
	set     func(*Settings, Value) error
}

// Flag is the command-line flag of k: its name with '-' for '_'.
func (k Key) Flag() string { return strings.ReplaceAll(k.Name, "_", "-") }

func (k Key) defaultValue() (Value, error) {
	e, err := Parse("default", []byte("v = "+k.Default))
	if err != nil {
		return Value{}, err
	}
	return e[0].Value, nil
}

// wholeSeconds is a default duration in config syntax.
func wholeSeconds(d time.Duration) string { return strconv.Itoa(int(d / time.Second)) }

// Keys are all the settings, in the order --help and the sample config
// file (Sample) list them. Keys that libvirt's daemons have use libvirt's
// name, type and meaning; the others are lxcvirt's own. The driver's
// defaults are its own (internal/defaults).
var Keys = []Key{
	{Name: "socket", Arg: "PATH", Default: `"/run/lxcvirt/lxcvirt-sock"`, kind: flagString,
		Doc: `The read-write socket; the read-only one is the same path with "-ro" (every call that changes something is refused there). Under systemd socket activation the .socket units decide instead. (libvirt's unix_sock_dir names a directory of fixed socket names; lxcvirtd's path is set whole.)`,
		set: str(func(s *Settings) *string { return &s.Socket }, absPath)},
	{Name: "listen_default", Arg: "0|1", Default: `0`, kind: flagBool,
		Doc: `1: also listen on /run/libvirt/virtlxcd-sock and its "-ro", where a stock "virsh -c lxc:///system" looks first, when libvirt's own LXC daemon is not installed.`,
		set: boolean(func(s *Settings) *bool { return &s.ListenDefault })},
	{Name: "unix_sock_group", Arg: "GROUP", Default: `""`, kind: flagString,
		Doc: `Group owning the sockets, by name or number; "" keeps the daemon's. Not used under socket activation.`,
		set: str(func(s *Settings) *string { return &s.UnixSockGroup }, nil)},
	{Name: "unix_sock_ro_perms", Arg: "MODE", Default: `"0666"`, kind: flagString,
		Doc: `Permissions of the read-only socket, in octal. Not used under socket activation.`,
		set: perms(func(s *Settings) *os.FileMode { return &s.UnixSockROPerms })},
	{Name: "unix_sock_rw_perms", Arg: "MODE", Default: `"0600"`, kind: flagString,
		Doc: `Permissions of the read-write socket, in octal. Not used under socket activation.`,
		set: perms(func(s *Settings) *os.FileMode { return &s.UnixSockRWPerms })},
	{Name: "keepalive_interval", Arg: "SECONDS", Default: `5`, kind: flagSeconds,
		Doc: `Once a client enables keepalive, it is pinged after this many seconds of silence. (libvirt's -1, never ping, is not supported.)`,
		set: unsupported(-1, "-1 (never ping a client) is not supported",
			seconds(func(s *Settings) *time.Duration { return &s.KeepaliveInterval }))},
	{Name: "keepalive_count", Arg: "N", Default: `5`, kind: flagNumber,
		Doc: `A client that leaves this many pings unanswered is dropped. (libvirt's 0, drop without pinging, is not supported.)`,
		set: unsupported(0, "0 (drop a silent client without pinging it) is not supported",
			integer(func(s *Settings) *int { return &s.KeepaliveCount }, 1, 1<<20))},
	{Name: "max_client_requests", Arg: "N", Default: `5`, kind: flagNumber,
		Doc: `How many calls of one client run at once; the client's further calls wait to be read.`,
		set: integer(func(s *Settings) *int { return &s.MaxClientRequests }, 1, 1<<16)},
	{Name: "max_clients", Arg: "N", Default: `5000`, kind: flagNumber,
		Doc: `How many clients each socket (read-write, read-only) serves at once; at the limit it stops accepting and new clients wait in the listen backlog.`,
		set: integer(func(s *Settings) *int { return &s.MaxClients }, 1, 1<<20)},
	{Name: "max_anonymous_clients", Arg: "N", Default: `20`, kind: flagNumber,
		Doc: `How many clients of each socket may be connected without having opened a connection yet; at the limit the socket stops accepting.`,
		set: integer(func(s *Settings) *int { return &s.MaxAnonymousClients }, 1, 1<<20)},
	{Name: "max_queued_clients", Arg: "N", Default: `1000`, kind: flagNumber,
		Doc: `The listen backlog of each socket: clients that wait to be accepted.`,
		set: integer(func(s *Settings) *int { return &s.MaxQueuedClients }, 1, 1<<20)},
	{Name: "open_timeout", Arg: "SECONDS", Default: `30`, kind: flagSeconds,
		Doc: `A client that has not opened a connection this many seconds after connecting is dropped. (lxcvirtd's own.)`,
		set: seconds(func(s *Settings) *time.Duration { return &s.OpenTimeout })},
	{Name: "log_level", Arg: "LEVEL", Default: `2`, kind: flagNumberOrString,
		Doc: `Logging level of the daemon and its driver plugin: 4 errors, 3 warnings, 2 information, 1 debug, as libvirt's; or one of "error", "warn", "info", "debug".`,
		set: level},
	{Name: "log_outputs", Arg: "OUTPUTS", Default: `""`, kind: flagString,
		Doc: `Where the daemon logs (with its driver plugin's records), as libvirt's: outputs separated by spaces, each LEVEL:stderr, LEVEL:file:PATH or LEVEL:syslog:IDENT, where LEVEL (1 to 4, as log_level) is the least priority the output takes, e.g. "3:syslog:lxcvirtd 1:file:/var/log/lxcvirtd.log". "" logs to stderr. (libvirt's journald output is not supported: under systemd, stderr reaches the journal.)`,
		set: logOutputs},
	{Name: "emulator", Arg: "PATH", Default: strconv.Quote(defaults.Emulator), kind: flagString,
		Doc: `The <emulator> that the capabilities XML names.`,
		set: str(func(s *Settings) *string { return &s.Emulator }, absPath)},
	{Name: "stop_timeout", Arg: "SECONDS", Default: `30`, kind: flagSeconds,
		Doc: `On SIGTERM, how long the calls in flight may take to finish.`,
		set: seconds(func(s *Settings) *time.Duration { return &s.StopTimeout })},
	{Name: "shutdown_guests", Arg: "0|1", Default: `0`, kind: flagBool,
		Doc: `1: on SIGTERM (host shutdown), shut the running containers down as libvirt-guests does (see shutdown_grace); 0 leaves them running for the next daemon.`,
		set: boolean(func(s *Settings) *bool { return &s.ShutdownGuests })},
	{Name: "shutdown_grace", Arg: "SECONDS", Default: wholeSeconds(defaults.ShutdownGrace), kind: flagSeconds,
		Doc: `How long a container's init gets to halt on "virsh shutdown" (and with shutdown_guests) before the container is killed.`,
		set: seconds(func(s *Settings) *time.Duration { return &s.ShutdownGrace })},
	{Name: "timeout", Arg: "SECONDS", Default: `0`, kind: flagNumber,
		Doc: `Exit after this many seconds without clients and without running containers, as libvirt's daemons' --timeout (a libvirt client that starts a session daemon passes --timeout=120); 0 never exits.`,
		set: integer(func(s *Settings) *int { return &s.Timeout }, 0, maxSeconds)},
	{Name: "driver_plugin", Arg: "PATH", Default: `""`, kind: flagString,
		Doc: `The LXC driver plugin binary; "" finds lxcvirt-driver-lxc beside the lxcvirtd binary, else in ../lib/lxcvirt from it (the installed layout).`,
		set: str(func(s *Settings) *string { return &s.DriverPlugin }, optional(absPath))},
	{Name: "driver_gc_percent", Arg: "PERCENT", Default: `0`, kind: flagNumber,
		Doc: fmt.Sprintf(`The driver plugin's garbage-collection target (GOGC); 0 takes GOGC from the environment, else %d.`, DefaultGCPercent),
		set: integer(func(s *Settings) *int { return &s.DriverGCPercent }, 0, 1<<20)},
	{Name: "state_dir", Arg: "DIR", Default: strconv.Quote(defaults.StateDir), kind: flagString,
		Doc: `Where the driver keeps domain definitions and state.`,
		set: str(func(s *Settings) *string { return &s.StateDir }, absPath)},
	{Name: "lxcpath", Arg: "DIR", Default: `""`, kind: flagString,
		Doc: `The LXC path of the containers (lxc-* -P); /var/lib/lxc is never touched. "" is state_dir's lxc subdirectory (` + defaults.LXCPath + ` for the default state_dir).`,
		set: str(func(s *Settings) *string { return &s.LXCPath }, optional(absPath))},
	{Name: "run_dir", Arg: "DIR", Default: `""`, kind: flagString,
		Doc: `Per-boot state of the driver (the autostart marker, the plugin's socket), on a tmpfs. "" follows state_dir: ` + defaults.RunDir + ` for the default state_dir, else ` + defaults.RunDir + `/state-HASH, HASH naming the state_dir, so two daemons never share one. lxcvirtd locks state_dir, lxcpath and run_dir (.lxcvirtd.lock in each) for its life: a second daemon on any of them exits 1.`,
		set: str(func(s *Settings) *string { return &s.RunDir }, optional(absPath))},
	{Name: "cgroup_root", Arg: "DIR", Default: strconv.Quote(defaults.CgroupRoot), kind: flagString,
		Doc: `Where the cgroup hierarchies are mounted.`,
		set: str(func(s *Settings) *string { return &s.CgroupRoot }, absPath)},
	{Name: "job_timeout", Arg: "SECONDS", Default: wholeSeconds(defaults.JobTimeout), kind: flagSeconds,
		Doc: `How long a call waits for another one on the same domain to finish before it fails, as libvirt's job lock.`,
		set: seconds(func(s *Settings) *time.Duration { return &s.JobTimeout })},
	{Name: "lxc_timeout", Arg: "SECONDS", Default: wholeSeconds(defaults.LXCTimeout), kind: flagSeconds,
		Doc: `How long an lxc-* command may run (beyond the wait it was asked for, as lxc-stop -t's) before it is killed with its process group and its call fails. A start that hangs can always be ended sooner with "virsh destroy".`,
		set: seconds(func(s *Settings) *time.Duration { return &s.LXCTimeout })},
	{Name: "autostart_parallel", Arg: "N", Default: strconv.Itoa(defaults.AutostartParallel), kind: flagNumber,
		Doc: `How many autostart domains start at once at boot; a failed start is retried with backoff.`,
		set: integer(func(s *Settings) *int { return &s.AutostartParallel }, 1, 64)},
	{Name: "default_bridge", Arg: "BRIDGE", Default: strconv.Quote(defaults.Bridge), kind: flagString,
		Doc: `Host bridge of <interface type='bridge'> without a <source bridge>, and of the network "default" unless networks maps it.`,
		set: str(func(s *Settings) *string { return &s.DefaultBridge }, ifName)},
	{Name: "networks", Arg: "NAME=BRIDGE", Default: `[]`, kind: flagList,
		Doc: `The host bridge of each libvirt network name that <interface type='network'> may use, e.g. [ "default=lxcbr0", "lab=br-lab" ].`,
		set: networks},
	{Name: "network_driver", Arg: "auto|none|PATH", Default: `"auto"`, kind: flagString,
		Doc: `Where libvirt's network driver is asked for the network calls and for <interface type='network'>, as libvirt's modular daemons open network:///system: "auto" looks for virtnetworkd's socket, then libvirtd's (/run/libvirt/virtnetworkd-sock, /run/libvirt/libvirt-sock); a PATH names the socket; "none" never asks. Without it, lxcvirtd serves "default" (lxc-net's bridge, default_bridge) and the networks of "networks" itself, read-only.`,
		set: str(func(s *Settings) *string { return &s.NetworkDriver }, networkDriver)},
}

// libvirtOnly are the keys of libvirt's daemon config
// (remote_daemon_config.c) that lxcvirtd does not implement: a
// virtlxcd.conf may set them, and they are ignored with a warning that
// says so.
var libvirtOnly = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`listen_tcp listen_tls tls_port tcp_port listen_addr
		auth_unix_rw auth_unix_ro auth_tcp auth_tls access_drivers unix_sock_admin_perms unix_sock_dir
		tls_no_sanity_certificate tls_no_verify_certificate key_file cert_file ca_file crl_file
		tls_allowed_dn_list tls_priority sasl_allowed_username_list
		min_workers max_workers prio_workers
		admin_min_workers admin_max_workers admin_max_clients admin_max_queued_clients admin_max_client_requests
		admin_keepalive_interval admin_keepalive_count keepalive_required admin_keepalive_required
		audit_level audit_logging host_uuid host_uuid_source log_filters ovs_timeout`) {
		libvirtOnly[k] = true
	}
}

var keyByName = func() map[string]*Key {
	m := make(map[string]*Key, len(Keys))
	for i := range Keys {
		m[Keys[i].Name] = &Keys[i]
	}
	return m
}()

func want(v Value, k Kind) error {
	if v.Kind != k {
		return fmt.Errorf("expected a %s, got a %s", k, v.Kind)
	}
	return nil
}

func str(field func(*Settings) *string, check func(string) (string, error)) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		if err := want(v, String); err != nil {
			return err
		}
		val := v.Str
		if check != nil {
			var err error
			if val, err = check(val); err != nil {
				return err
			}
		}
		*field(s) = val
		return nil
	}
}

// unsupported refuses the number n, which libvirt gives a meaning
// lxcvirtd does not implement, with msg; other values go to set.
func unsupported(n int64, msg string, set func(*Settings, Value) error) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		if v.Kind == Number && v.Num == n {
			return errors.New(msg)
		}
		return set(s, v)
	}
}

func boolean(field func(*Settings) *bool) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		if err := want(v, Number); err != nil {
			return err
		}
		if v.Num != 0 && v.Num != 1 {
			return fmt.Errorf("must be 0 or 1, not %d", v.Num)
		}
		*field(s) = v.Num == 1
		return nil
	}
}

func integer(field func(*Settings) *int, lo, hi int64) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		if err := want(v, Number); err != nil {
			return err
		}
		if v.Num < lo || v.Num > hi {
			return fmt.Errorf("must be in range %d:%d, not %d", lo, hi, v.Num)
		}
		*field(s) = int(v.Num)
		return nil
	}
}

// maxSeconds bounds durations (a day is longer than any sensible value).
const maxSeconds = 24 * 60 * 60

// seconds takes a whole number of seconds, as libvirt's durations are, or
// a string in Go's duration syntax ("1.5s", "2m") for other values.
func seconds(field func(*Settings) *time.Duration) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		var d time.Duration
		switch v.Kind {
		case Number:
			if v.Num < 1 || v.Num > maxSeconds {
				return fmt.Errorf("must be in range 1:%d seconds, not %d", maxSeconds, v.Num)
			}
			d = time.Duration(v.Num) * time.Second
		case String:
			var err error
			if d, err = time.ParseDuration(v.Str); err != nil {
				return err
			}
			if d <= 0 || d > maxSeconds*time.Second {
				return fmt.Errorf("%q is not between 0 and %ds", v.Str, maxSeconds)
			}
		default:
			return fmt.Errorf("expected a number of seconds or a duration string, got a %s", v.Kind)
		}
		*field(s) = d
		return nil
	}
}

// libvirtLevels are libvirt's log priorities, 1 to 4.
var libvirtLevels = [...]slog.Level{1: slog.LevelDebug, 2: slog.LevelInfo, 3: slog.LevelWarn, 4: slog.LevelError}

func level(s *Settings, v Value) error {
	switch v.Kind {
	case Number:
		if v.Num < 1 || v.Num > 4 {
			return fmt.Errorf("must be in range 1:4, not %d", v.Num)
		}
		s.LogLevel = libvirtLevels[v.Num]
	case String:
		var l slog.Level
		if err := l.UnmarshalText([]byte(v.Str)); err != nil || strings.ContainsAny(v.Str, "+-") {
			return fmt.Errorf("%q is not a level (1-4, or debug, info, warn, error)", v.Str)
		}
		s.LogLevel = l
	default:
		return fmt.Errorf("expected a number or a string, got a %s", v.Kind)
	}
	return nil
}

func logOutputs(s *Settings, v Value) error {
	if err := want(v, String); err != nil {
		return err
	}
	var outs []LogOutput
	for _, f := range strings.Fields(v.Str) {
		prio, rest, _ := strings.Cut(f, ":")
		dest, arg, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(prio)
		if err != nil || n < 1 || n > 4 {
			return fmt.Errorf("output %q: the level must be 1 to 4", f)
		}
		o := LogOutput{Level: libvirtLevels[n], Dest: dest, Arg: arg}
		switch dest {
		case "stderr":
			if arg != "" {
				return fmt.Errorf("output %q: stderr takes no argument", f)
			}
		case "file":
			if o.Arg, err = absPath(arg); err != nil {
				return fmt.Errorf("output %q: %w", f, err)
			}
		case "syslog":
			if arg == "" {
				return fmt.Errorf("output %q: syslog needs an ident", f)
			}
		case "journald":
			return fmt.Errorf("output %q: journald is not supported (under systemd, stderr reaches the journal)", f)
		default:
			return fmt.Errorf("output %q: unknown destination %q (stderr, file or syslog)", f, dest)
		}
		outs = append(outs, o)
	}
	s.LogOutputs = outs
	return nil
}

func perms(field func(*Settings) *os.FileMode) func(*Settings, Value) error {
	return func(s *Settings, v Value) error {
		if err := want(v, String); err != nil {
			return err
		}
		m, err := strconv.ParseUint(v.Str, 8, 32)
		if err != nil || m > 0o777 {
			return fmt.Errorf("%q is not an octal mode up to 0777", v.Str)
		}
		*field(s) = os.FileMode(m)
		return nil
	}
}

func networks(s *Settings, v Value) error {
	if err := want(v, List); err != nil {
		return err
	}
	m := make(map[string]string, len(v.List))
	for _, e := range v.List {
		if e.Kind != String {
			return fmt.Errorf("expected a list of strings, found a %s", e.Kind)
		}
		name, bridge, ok := strings.Cut(e.Str, "=")
		if !ok || name == "" {
			return fmt.Errorf("%q is not NAME=BRIDGE", e.Str)
		}
		if _, dup := m[name]; dup {
			return fmt.Errorf("network %q is mapped twice", name)
		}
		var err error
		if m[name], err = ifName(bridge); err != nil {
			return err
		}
	}
	s.Networks = m
	return nil
}

func networkDriver(v string) (string, error) {
	if v == "auto" || v == "none" {
		return v, nil
	}
	if _, err := absPath(v); err != nil {
		return "", fmt.Errorf("%q is not auto, none or an absolute socket path", v)
	}
	return filepath.Clean(v), nil
}

func absPath(p string) (string, error) {
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%q is not an absolute path", p)
	}
	return filepath.Clean(p), nil
}

func optional(check func(string) (string, error)) func(string) (string, error) {
	return func(v string) (string, error) {
		if v == "" {
			return "", nil
		}
		return check(v)
	}
}

// ifName checks a host interface name (what the kernel accepts: 1–15
// bytes, no '/', whitespace or ':').
func ifName(s string) (string, error) {
	if s == "" || len(s) > 15 || strings.ContainsAny(s, "/: \t\n\r=") || s == "." || s == ".." {
		return "", fmt.Errorf("%q is not a valid interface name", s)
	}
	return s, nil
}
