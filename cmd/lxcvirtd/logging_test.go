package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lxcvirt/lxcvirt/settings"
)

// TestLogOutputs: each output takes the records at or above both its own
// level and log_level.
func TestLogOutputs(t *testing.T) {
	file := filepath.Join(t.TempDir(), "lxcvirtd.log")
	cfg := settings.Defaults()
	cfg.LogLevel = slog.LevelInfo
	cfg.LogOutputs = []settings.LogOutput{{Level: slog.LevelDebug, Dest: "file", Arg: file}, {Level: slog.LevelWarn, Dest: "stderr"}}
	var stderr bytes.Buffer
	log, closeLog, err := newLogger(cfg, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	log.Debug("dropped by log_level")
	log.Info("to the file")
	log.With("component", "driver").Warn("to both")
	closeLog()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); strings.Contains(got, "dropped") || !strings.Contains(got, "msg=\"to the file\"") || !strings.Contains(got, "msg=\"to both\" component=driver") {
		t.Errorf("file output:\n%s", got)
	}
	if got := stderr.String(); strings.Contains(got, "to the file") || !strings.Contains(got, "to both") {
		t.Errorf("stderr output:\n%s", got)
	}
	cfg.LogOutputs = []settings.LogOutput{{Level: slog.LevelDebug, Dest: "file", Arg: filepath.Join(file, "not-a-dir", "x.log")}}
	if _, _, err := newLogger(cfg, &stderr); err == nil || !strings.Contains(err.Error(), "log_outputs") {
		t.Errorf("unwritable file output: %v", err)
	}
}

// TestPriorityHandler: a record goes, as one line without a time, to the
// sender of its level, with the logger's attributes and groups.
func TestPriorityHandler(t *testing.T) {
	var sent [4][]string
	var senders [4]func(string) error
	for i := range senders {
		senders[i] = func(s string) error { sent[i] = append(sent[i], s); return nil }
	}
	log := slog.New(newPriorityHandler(senders, &slog.HandlerOptions{Level: slog.LevelInfo})).With("a", 1).WithGroup("g")
	log.Debug("d")
	log.Info("i", "k", "v")
	log.Warn("w")
	log.Error("e")
	want := [4][]string{nil, {`level=INFO msg=i a=1 g.k=v`}, {`level=WARN msg=w a=1`}, {`level=ERROR msg=e a=1`}}
	for i := range want {
		if strings.Join(sent[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("priority %d: %q, want %q", i, sent[i], want[i])
		}
	}
}
