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
			ShutdownGrace: 1500 * time.Millisecond, JobTimeout: time.Minute, DefaultBridge: "br-0",
			Networks: map[string]string{"default": "lxcbr0", "lab": "br=lab", "-x": "-y"},
			LogLevel: slog.LevelDebug,
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

func TestSettingsRejectBadNetwork(t *testing.T) {
	var s Settings
	fs := flag.NewFlagSet("plugin", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	s.RegisterFlags(fs)
	for _, arg := range []string{"-network=lab", "-network==br", "-network=lab="} {
		if err := fs.Parse([]string{arg}); err == nil {
			t.Errorf("%s accepted", arg)
		}
	}
}
