package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/internal/defaults"
)

// A second daemon on a state dir that a running daemon holds exits 1,
// naming the directory and the holder, before it touches any socket.
func TestSecondDaemonRefused(t *testing.T) {
	base := t.TempDir()
	cfg := testConfig(t)
	cfg.StateDir, cfg.RunDir = filepath.Join(base, "state"), filepath.Join(base, "run")
	cfg.ResolveDirs()
	lock, err := lockDirs(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	for _, args := range [][]string{
		{"--state-dir", cfg.StateDir, "--run-dir", filepath.Join(base, "run2")},
		{"--state-dir", filepath.Join(base, "state2"), "--run-dir", filepath.Join(base, "run2"), "--lxcpath", cfg.LXCPath},
		{"--state-dir", filepath.Join(base, "state2"), "--run-dir", cfg.RunDir},
	} {
		var stderr bytes.Buffer
		sock := filepath.Join(base, "sock2")
		code := run(append(args, "--socket", sock), &stderr)
		msg := stderr.String()
		if code != 1 || !strings.Contains(msg, "in use by another lxcvirtd (pid "+strconv.Itoa(os.Getpid())+")") {
			t.Errorf("%v: exit %d, %q; want 1 and the holder named", args, code, msg)
		}
		if _, err := os.Stat(sock); err == nil {
			t.Errorf("%v: the refused daemon created its socket", args)
		}
	}
}

// The lxcpath and run dir follow the state dir unless set.
func TestDirsFollowStateDir(t *testing.T) {
	var c config
	c.ResolveDirs()
	if c.StateDir != defaults.StateDir || c.LXCPath != defaults.LXCPath || c.RunDir != defaults.RunDir {
		t.Errorf("defaults: %q %q %q", c.StateDir, c.LXCPath, c.RunDir)
	}
	a, b := config{StateDir: "/srv/a"}, config{StateDir: "/srv/b"}
	a.ResolveDirs()
	b.ResolveDirs()
	if a.LXCPath != "/srv/a/lxc" || filepath.Dir(a.RunDir) != defaults.RunDir || a.RunDir == b.RunDir || a.RunDir == defaults.RunDir {
		t.Errorf("state dir /srv/a: lxcpath %q, run dir %q (/srv/b's: %q)", a.LXCPath, a.RunDir, b.RunDir)
	}
	set := config{StateDir: "/srv/a", LXCPath: "/srv/l", RunDir: "/srv/r"}
	set.ResolveDirs()
	if set.LXCPath != "/srv/l" || set.RunDir != "/srv/r" {
		t.Errorf("set dirs changed: %+v", set)
	}
}

// The plugin socket directories a killed daemon left in the run dir are
// removed when the next daemon takes the run dir; other files stay.
func TestStalePluginDirsRemoved(t *testing.T) {
	base := t.TempDir()
	cfg := config{StateDir: filepath.Join(base, "state"), RunDir: filepath.Join(base, "run")}
	cfg.ResolveDirs()
	stale := filepath.Join(cfg.RunDir, "plugin-dir1234")
	if err := os.MkdirAll(stale, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(stale, "plugin5678"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(cfg.RunDir, "autostarted")
	if err := os.WriteFile(keep, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	lock, err := lockDirs(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale plugin dir: %v; want removed", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("autostart marker: %v; want kept", err)
	}
}
