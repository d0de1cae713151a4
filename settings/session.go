package settings

import (
	"errors"
	"path/filepath"
)

// SessionSocketName is the socket a libvirt client looks for under the
// user's runtime directory for lxc:///session when it picks the modular
// daemon (libvirt's remote_sockets.c: "virt" + driver + "d-sock").
const SessionSocketName = "virtlxcd-sock"

// SessionDirs are the places of a session daemon (one that runs as an
// unprivileged user, serving lxc:///session), from the user's XDG base
// directories as libvirt's session daemons take them.
type SessionDirs struct {
	// Runtime is $XDG_RUNTIME_DIR/libvirt (libvirt falls back to
	// $XDG_CACHE_HOME/libvirt, ~/.cache/libvirt, when it is unset).
	Runtime string
	// Data is $XDG_DATA_HOME (~/.local/share) and Config $XDG_CONFIG_HOME
	// (~/.config).
	Data, Config string
}

// SessionDirsFrom computes SessionDirs from the environment (getenv) and
// the user's home directory. Relative XDG values are ignored, as the XDG
// base directory specification says.
func SessionDirsFrom(getenv func(string) string, home string) (SessionDirs, error) {
	xdg := func(name, fallback string) (string, error) {
		if v := getenv(name); filepath.IsAbs(v) {
			return filepath.Clean(v), nil
		}
		if !filepath.IsAbs(home) {
			return "", errors.New("session daemon: $" + name + " is unset and the user has no home directory")
		}
		return filepath.Join(home, fallback), nil
	}
	var d SessionDirs
	var err error
	if d.Data, err = xdg("XDG_DATA_HOME", ".local/share"); err != nil {
		return d, err
	}
	if d.Config, err = xdg("XDG_CONFIG_HOME", ".config"); err != nil {
		return d, err
	}
	run := filepath.Clean(getenv("XDG_RUNTIME_DIR"))
	if !filepath.IsAbs(run) {
		if run, err = xdg("XDG_CACHE_HOME", ".cache"); err != nil {
			return d, err
		}
	}
	d.Runtime = filepath.Join(run, "libvirt")
	return d, nil
}

// ConfigFile is the session daemon's config file, read when no --config
// names one: $XDG_CONFIG_HOME/libvirt/lxcvirtd.conf (libvirt's session
// virtlxcd reads virtlxcd.conf there).
func (d SessionDirs) ConfigFile() string { return filepath.Join(d.Config, "libvirt", "lxcvirtd.conf") }

// UseSession makes the defaults of s those of a session daemon: the
// socket libvirt's clients look for (Runtime/virtlxcd-sock), the state
// under Data/lxcvirt (definitions, and the containers in its lxc
// subdirectory) and the run dir Runtime/lxcvirt. The config file and
// flags applied afterwards still override them.
func (s *Settings) UseSession(d SessionDirs) {
	s.Socket = filepath.Join(d.Runtime, SessionSocketName)
	s.StateDir = filepath.Join(d.Data, "lxcvirt")
	s.RunDir = filepath.Join(d.Runtime, "lxcvirt")
}
