package plugin

import (
	"flag"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"
)

func TestSettingsRoundTrip(t *testing.T) {
	for _, in := range []Settings{
		{LogLevel: slog.LevelInfo},
		{
			StateDir: "/var/lib/x", LXCPath: "/var/lib/x/lxc", RunDir: "/run/x", CgroupRoot: "/sys/fs/cgroup",
			ShutdownGrace: 1500 * time.Millisecond, JobTimeout: time.Minute, DefaultBridge: "br-0", Emulator: "/usr/libexec/start",
			Networks: map[string]string{"default": "lxcbr0", "lab": "br=lab", "-x": "-y"},
			LogLevel: slog.LevelDebug, GCPercent: 75,
		},
		{StateDir: "-looks-like-a-flag", LogLevel: slog.LevelError},
	} {
		var out Settings
		fs := flag.NewFlagSet("plugin", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		out.RegisterFlags(fs)
		if err := fs.Parse(in.Args()); err != nil {
			t.Fatalf("%v: %v", in.Args(), err)
		}
		if fs.NArg() != 0 {
			t.Errorf("%v: left %v", in.Args(), fs.Args())
		}
		if !reflect.DeepEqual(out, in) {
			t.Errorf("args %q\ngot  %+v\nwant %+v", in.Args(), out, in)
		}
	}
}

func TestSettingsRejectBadValues(t *testing.T) {
	var s Settings
	fs := flag.NewFlagSet("plugin", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s.RegisterFlags(fs)
	for _, arg := range []string{"-network=lab", "-network==br", "-network=lab=", "-gc-percent=0", "-gc-percent=-1", "-gc-percent=x"} {
		if err := fs.Parse([]string{arg}); err == nil {
			t.Errorf("%s accepted", arg)
		}
	}
}

// TestGCPercentToApply: the setting wins, then GOGC (left to the runtime),
// then the default.
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
		s    Settings
		gogc string
		want int
	}{
		{Settings{}, "", DefaultGCPercent},
		{Settings{}, "200", 0},
		{Settings{GCPercent: 30}, "200", 30},
		{Settings{GCPercent: 30}, "", 30},
	} {
		if got := tc.s.GCPercentToApply(env(tc.gogc)); got != tc.want {
			t.Errorf("GCPercent %d, GOGC %q: %d, want %d", tc.s.GCPercent, tc.gogc, got, tc.want)
		}
	}
}
