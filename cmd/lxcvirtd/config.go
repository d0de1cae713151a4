package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"strings"

	"github.com/lxcvirt/lxcvirt/settings"
)

// config is the daemon's settings: the config file's, then the flags'.
type config = settings.Settings

const (
	// libvirtDirectSocket is where a stock `virsh -c lxc:///system` looks
	// first (libvirt's modular LXC daemon, virtlxcd); the client falls back
	// to libvirtd's socket only when this one is absent.
	libvirtDirectSocket = "/run/libvirt/virtlxcd-sock"
	roSuffix            = "-ro"
)

// parseArgs reads the config file named by --config, then applies the
// other flags on top of it. It also returns the file's ignored statements.
// A session daemon (session not nil) starts from the session defaults and
// reads session.ConfigFile() when --config names no file and it exists.
func parseArgs(args []string, out io.Writer, session *settings.SessionDirs) (config, []settings.Warning, error) {
	cfg := settings.Defaults()
	if session != nil {
		cfg.UseSession(*session)
	}
	fs := flag.NewFlagSet("lxcvirtd", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprint(out, usage+"\n"+settings.Syntax+"\nFlags:\n")
		fs.PrintDefaults()
	}
	configFile := fs.String("config", "", "read settings from `FILE` (dist/lxcvirtd.conf lists them all); flags override it")
	flags := settings.RegisterFlags(fs)
	if err := fs.Parse(args); err != nil {
		return cfg, nil, err
	}
	if fs.NArg() > 0 {
		return cfg, nil, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	var warns []settings.Warning
	if *configFile == "" && session != nil {
		if _, err := os.Stat(session.ConfigFile()); err == nil {
			*configFile = session.ConfigFile()
		}
	}
	if *configFile != "" {
		var err error
		if warns, err = cfg.LoadFile(*configFile); err != nil {
			return cfg, warns, err
		}
	}
	return cfg, warns, flags.Apply(&cfg)
}

// socketGroup is the group id unix_sock_group names (a name, or a number
// as libvirt also takes it, "+N"), or -1 when it names none.
func socketGroup(name string) (int, error) {
	if name == "" {
		return -1, nil
	}
	if gid, err := strconv.Atoi(strings.TrimPrefix(name, "+")); err == nil && gid >= 0 {
		return gid, nil
	}
	g, err := user.LookupGroup(name)
	if err != nil {
		return 0, fmt.Errorf("unix_sock_group: %w", err)
	}
	return strconv.Atoi(g.Gid)
}

// chownSocket gives the socket at path to group gid (none when -1).
func chownSocket(path string, gid int) error {
	if gid < 0 {
		return nil
	}
	if err := os.Chown(path, -1, gid); err != nil {
		return fmt.Errorf("unix_sock_group: %w", err)
	}
	return nil
}
