package ratelog

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestLimiterBurstThenRateWithSuppressedCount(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	clock := time.Unix(1000, 0)
	l := newAt(log, 2, 3, func() time.Time { return clock })
	for range 100 {
		l.Warn(nil, "flood")
	}
	if n := strings.Count(buf.String(), "flood"); n != 3 {
		t.Fatalf("%d lines after 100 at once; want the burst of 3:\n%s", n, buf.String())
	}
	clock = clock.Add(time.Second) // two tokens
	buf.Reset()
	for range 10 {
		l.Warn(nil, "flood")
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines a second later; want 2:\n%s", len(lines), buf.String())
	}
	if !strings.Contains(lines[0], "suppressed=97") || strings.Contains(lines[1], "suppressed") {
		t.Fatalf("want the first line to count the 97 suppressed, the second none:\n%s", buf.String())
	}
}

func TestLimiterSkipsDisabledLevels(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clock := time.Unix(1000, 0)
	l := newAt(log, 1, 1, func() time.Time { return clock })
	l.Info(nil, "quiet")
	l.Warn(log.With("client", "x"), "loud")
	if got := buf.String(); strings.Contains(got, "quiet") || !strings.Contains(got, "client=x") || strings.Contains(got, "suppressed") {
		t.Fatalf("an info line below the level must not use a token nor count as suppressed:\n%s", got)
	}
}
