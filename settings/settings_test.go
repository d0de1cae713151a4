package settings

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite ../dist/lxcvirtd.conf from the key table")

func TestDefaults(t *testing.T) {
	d := Defaults()
	want := Settings{
		Socket: "/run/lxcvirt/lxcvirt-sock", UnixSockROPerms: 0o666, UnixSockRWPerms: 0o600,
		KeepaliveInterval: 5 * time.Second, KeepaliveCount: 5, MaxClientRequests: 5, LogLevel: slog.LevelInfo,
		MaxClients: 5000, MaxAnonymousClients: 20, MaxQueuedClients: 1000, OpenTimeout: 30 * time.Second,
		Emulator: "/usr/bin/lxc-start", StopTimeout: 30 * time.Second, ShutdownGrace: 30 * time.Second,
		StateDir:   "/var/lib/lxcvirt", // LXCPath and RunDir "": they follow StateDir (ResolveDirs)
		CgroupRoot: "/sys/fs/cgroup", JobTimeout: 30 * time.Second, DefaultBridge: "lxcbr0",
		LXCTimeout: time.Minute, AutostartParallel: 4,
		Networks: map[string]string{}, NetworkDriver: "auto",
	}
	if !reflect.DeepEqual(d, want) {
		t.Errorf("defaults\n got %+v\nwant %+v", d, want)
	}
}

// TestEveryFieldHasAKey: each field of Settings is set by some key, so no
// setting exists that neither the file nor a flag can reach.
func TestEveryFieldHasAKey(t *testing.T) {
	typ := reflect.TypeOf(Settings{})
	for i := range typ.NumField() {
		f := typ.Field(i)
		reached := false
		for _, k := range Keys {
			var a, b Settings
			for _, v := range []Value{num(1), num(2), text("/x"), text("/y"), text("3s"), text("0700"), text("debug"), text("1:stderr"), list(text("a=b"))} {
				if k.set(&a, v) == nil && !reflect.DeepEqual(a, b) {
					if !reflect.DeepEqual(reflect.ValueOf(a).Field(i).Interface(), reflect.ValueOf(b).Field(i).Interface()) {
						reached = true
					}
				}
			}
		}
		if !reached {
			t.Errorf("no key sets Settings.%s", f.Name)
		}
	}
}

func apply(t *testing.T, conf string) (Settings, []Warning, error) {
	t.Helper()
	s := Defaults()
	entries, err := Parse("t.conf", []byte(conf))
	if err != nil {
		t.Fatalf("%q: %v", conf, err)
	}
	w, err := s.Apply("t.conf", entries)
	return s, w, err
}

func TestApply(t *testing.T) {
	s, warns, err := apply(t, `
state_dir = "/srv/x/"
log_level = 1
listen_default = 1
shutdown_grace = 7
job_timeout = "1500ms"
unix_sock_group = "libvirt"
unix_sock_rw_perms = "0770"
log_outputs = "3:syslog:lxcvirtd  1:file:/var/log/x.log 2:stderr"
networks = [ "default=lxcbr0", "lab=br-lab" ]
max_workers = 10      # libvirt's, not lxcvirtd's
log_level = 4
colour = "red"
`)
	if err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.StateDir, want.LogLevel, want.ListenDefault = "/srv/x", slog.LevelDebug, true
	want.ShutdownGrace, want.JobTimeout = 7*time.Second, 1500*time.Millisecond
	want.UnixSockGroup, want.UnixSockRWPerms = "libvirt", 0o770
	want.LogOutputs = []LogOutput{{slog.LevelWarn, "syslog", "lxcvirtd"}, {slog.LevelDebug, "file", "/var/log/x.log"}, {slog.LevelInfo, "stderr", ""}}
	want.Networks = map[string]string{"default": "lxcbr0", "lab": "br-lab"}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	got := []string{}
	for _, w := range warns {
		got = append(got, w.String())
	}
	if strings.Join(got, "\n") != "t.conf:11: max_workers: libvirt's setting, not implemented by lxcvirtd: ignored\n"+
		"t.conf:12: log_level: set again, ignored: line 3 counts\nt.conf:13: colour: unknown setting, ignored" {
		t.Errorf("warnings: %q", got)
	}
}

func TestApplyRejects(t *testing.T) {
	for _, tc := range []struct{ conf, want string }{
		{"state_dir = 1", "t.conf:1: state_dir: expected a string, got a number"},
		{"\nstate_dir = \"relative\"", `t.conf:2: state_dir: "relative" is not an absolute path`},
		{"listen_default = 2", "listen_default: must be 0 or 1, not 2"},
		{"listen_default = \"yes\"", "listen_default: expected a number, got a string"},
		{"keepalive_interval = -1", "keepalive_interval: -1 (never ping a client) is not supported"},
		{"keepalive_interval = 0", "keepalive_interval: must be in range 1:86400 seconds, not 0"},
		{"keepalive_count = 0", "keepalive_count: 0 (drop a silent client without pinging it) is not supported"},
		{"keepalive_count = -1", "keepalive_count: must be in range 1:1048576, not -1"},
		{"shutdown_grace = \"soon\"", `shutdown_grace: time: invalid duration "soon"`},
		{"shutdown_grace = \"-1s\"", `shutdown_grace: "-1s" is not between 0 and 86400s`},
		{"log_level = 5", "log_level: must be in range 1:4, not 5"},
		{"log_level = \"loud\"", `log_level: "loud" is not a level`},
		{"log_level = \"info+1\"", `log_level: "info+1" is not a level`},
		{"log_outputs = \"1:journald\"", `log_outputs: output "1:journald": journald is not supported`},
		{"log_outputs = \"5:stderr\"", `log_outputs: output "5:stderr": the level must be 1 to 4`},
		{"log_outputs = \"1:file:log\"", `log_outputs: output "1:file:log": "log" is not an absolute path`},
		{"log_outputs = \"1:syslog\"", `log_outputs: output "1:syslog": syslog needs an ident`},
		{"log_outputs = \"1:stderr:x\"", `log_outputs: output "1:stderr:x": stderr takes no argument`},
		{"log_outputs = \"1:tape\"", `log_outputs: output "1:tape": unknown destination "tape"`},
		{"unix_sock_ro_perms = \"0999\"", `unix_sock_ro_perms: "0999" is not an octal mode`},
		{"unix_sock_ro_perms = \"01777\"", `unix_sock_ro_perms: "01777" is not an octal mode`},
		{"networks = \"default=lxcbr0\"", "networks: expected a list, got a string"},
		{"networks = [ \"lab\" ]", `networks: "lab" is not NAME=BRIDGE`},
		{"networks = [ 1 ]", "networks: expected a list of strings, found a number"},
		{"networks = [ \"a=b\", \"a=c\" ]", `networks: network "a" is mapped twice`},
		{"networks = [ \"a=b/c\" ]", `networks: "b/c" is not a valid interface name`},
		{"default_bridge = \"a-very-long-bridge-name\"", "not a valid interface name"},
		{"driver_gc_percent = -1", "driver_gc_percent: must be in range 0:1048576, not -1"},
		{"driver_plugin = \"lxcvirt-driver-lxc\"", "not an absolute path"},
	} {
		_, _, err := apply(t, tc.conf)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.conf, err, tc.want)
		}
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.conf")
	os.WriteFile(good, []byte("lxcpath = \"/l\"\n"), 0o644)
	s := Defaults()
	if _, err := s.LoadFile(good); err != nil || s.LXCPath != "/l" {
		t.Fatalf("%v %+v", err, s)
	}
	bad := filepath.Join(dir, "bad.conf")
	os.WriteFile(bad, []byte("# ok\nlxcpath = /l\n"), 0o644)
	if _, err := s.LoadFile(bad); err == nil || err.Error() != bad+":2: expecting a value" {
		t.Fatalf("malformed file: %v", err)
	}
	if _, err := s.LoadFile(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func parseFlags(t *testing.T, args ...string) (*Flags, error) {
	t.Helper()
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f := RegisterFlags(fs)
	return f, fs.Parse(args)
}

// TestFlags: every key is a flag with the same checks; flags apply over
// the file in command-line order.
func TestFlags(t *testing.T) {
	f, err := parseFlags(t, "--state-dir", "/s", "--log-level", "debug", "--listen-default", "--shutdown-grace", "10s",
		"--keepalive-interval", "7", "--networks", "default=br0,lab=br1", "--shutdown-guests=false", "--log-level", "3")
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := apply(t, "shutdown_guests = 1\nstate_dir = \"/file\"\nlxcpath = \"/file/lxc\"")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(&s); err != nil {
		t.Fatal(err)
	}
	want := Defaults()
	want.StateDir, want.LXCPath, want.LogLevel, want.ListenDefault = "/s", "/file/lxc", slog.LevelWarn, true
	want.ShutdownGrace, want.KeepaliveInterval = 10*time.Second, 7*time.Second
	want.Networks = map[string]string{"default": "br0", "lab": "br1"}
	if !reflect.DeepEqual(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}
	for _, args := range [][]string{
		{"--socket", "rel"}, {"--log-level", "loud"}, {"--shutdown-grace", "-1s"}, {"--keepalive-count", "x"},
		{"--listen-default=maybe"}, {"--networks", "lab"}, {"--driver-gc-percent", "half"}, {"--max-workers", "1"}, {"--max-clients", "0"},
	} {
		if _, err := parseFlags(t, args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

func TestHelpListsEveryKey(t *testing.T) {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	RegisterFlags(fs)
	fs.PrintDefaults()
	for _, k := range Keys {
		if !strings.Contains(out.String(), "-"+k.Flag()+" ") && !strings.Contains(out.String(), "-"+k.Flag()+"\n") {
			t.Errorf("help lacks -%s", k.Flag())
		}
		if !strings.Contains(out.String(), "config file: "+k.Name+" = ") || !strings.Contains(out.String(), " (default "+k.Default+")") {
			t.Errorf("help lacks the file key %s", k.Name)
		}
	}
}

const distConf = "../dist/lxcvirtd.conf"

// TestDistConfig: dist/lxcvirtd.conf is Sample() (go test -update rewrites
// it), it parses, it names every key, and uncommented it sets the
// defaults.
func TestDistConfig(t *testing.T) {
	if *update {
		if err := os.WriteFile(distConf, []byte(Sample()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(distConf)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != Sample() {
		t.Errorf("%s differs from Sample(); run go test ./settings -run TestDistConfig -update", distConf)
	}
	if e, err := Parse(distConf, b); err != nil || len(e) != 0 {
		t.Fatalf("as shipped (all commented out): %v %v", e, err)
	}
	var uncommented strings.Builder
	named := map[string]bool{}
	for line := range strings.Lines(string(b)) {
		if k, _, ok := strings.Cut(line, " = "); ok && strings.HasPrefix(k, "#") && !strings.Contains(k, " ") {
			uncommented.WriteString(line[1:])
			named[k[1:]] = true
		}
	}
	for _, k := range Keys {
		if !named[k.Name] {
			t.Errorf("%s lacks %s", distConf, k.Name)
		}
	}
	s, warns, err := apply(t, uncommented.String())
	if err != nil || len(warns) != 0 || !reflect.DeepEqual(s, Defaults()) {
		t.Errorf("uncommented: %v %v\n%+v", err, warns, s)
	}
}

func TestGCPercentToApply(t *testing.T) {
	env := func(gogc string) func(string) string {
		return func(k string) string {
			if k == "GOGC" {
				return gogc
			}
			return ""
		}
	}
	for _, tc := range []struct {
		pct  int
		gogc string
		want int
	}{{0, "", DefaultGCPercent}, {0, "200", 0}, {30, "200", 30}, {30, "", 30}} {
		if got := (Settings{DriverGCPercent: tc.pct}).GCPercentToApply(env(tc.gogc)); got != tc.want {
			t.Errorf("DriverGCPercent %d, GOGC %q: %d, want %d", tc.pct, tc.gogc, got, tc.want)
		}
	}
}

// TestLibvirtOnlyKeysAreNotKeys: a libvirt key lxcvirtd implements is in
// the table, not among those it warns it does not implement.
func TestLibvirtOnlyKeysAreNotKeys(t *testing.T) {
	for _, k := range Keys {
		if libvirtOnly[k.Name] {
			t.Errorf("%s is a key and listed as not implemented", k.Name)
		}
	}
	if !libvirtOnly["max_workers"] || !libvirtOnly["log_filters"] {
		t.Error("libvirt's max_workers and log_filters are not listed")
	}
}
