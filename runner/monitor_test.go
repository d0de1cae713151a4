package runner

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseMonitorLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want MonitorEvent
		ok   bool
	}{
		// Lines recorded from lxc-monitor 5.0.2.
		{"'t1' changed state to [STARTING]", MonitorEvent{Name: "t1", State: Starting}, true},
		{"'t1' changed state to [FROZEN]", MonitorEvent{Name: "t1", State: Frozen}, true},
		{"'t1' exited with status [0]", MonitorEvent{Name: "t1", Exited: true}, true},
		{"'web-1' exited with status [3]", MonitorEvent{Name: "web-1", Exited: true, ExitStatus: 3}, true},
		// A name may hold quotes and brackets; the suffix decides.
		{"'a' changed state to [X]' changed state to [RUNNING]", MonitorEvent{Name: "a' changed state to [X]", State: Running}, true},
		{"'it's' changed state to [STOPPED]", MonitorEvent{Name: "it's", State: Stopped}, true},
		{"'t1' changed state to [BOGUS]", MonitorEvent{}, false},
		{"'' changed state to [RUNNING]", MonitorEvent{}, false},
		{"'t1' exited with status [-1]", MonitorEvent{}, false},
		{"'t1' exited with status [x]", MonitorEvent{}, false},
		{"t1 changed state to [RUNNING]", MonitorEvent{}, false},
		{"lxc-monitor: ../src/lxc/monitor.c: Failed to connect", MonitorEvent{}, false},
		{"", MonitorEvent{}, false},
	} {
		got, ok := ParseMonitorLine(c.line)
		if ok != c.ok || got != c.want {
			t.Errorf("ParseMonitorLine(%q) = %+v, %v; want %+v, %v", c.line, got, ok, c.want, c.ok)
		}
	}
}

// streamExecer is a fakeExecer that also streams: Stream hands out out as
// the process's stdout and records the argv.
type streamExecer struct {
	fakeExecer
	out  io.Reader
	res  Result
	argv []string
}

func (s *streamExecer) Stream(ctx context.Context, argv []string) (*Proc, error) {
	s.argv = slices.Clone(argv)
	return &Proc{Stdout: s.out, Wait: func() (Result, error) { return s.res, nil }}, nil
}

func collectEvents(t *testing.T, ch <-chan MonitorEvent) []MonitorEvent {
	t.Helper()
	var out []MonitorEvent
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				return out
			}
			out = append(out, ev)
		case <-timeout:
			t.Fatal("monitor channel not closed")
		}
	}
}

func TestMonitorParsesInOrderAndCloses(t *testing.T) {
	s := &streamExecer{out: strings.NewReader("'a' changed state to [RUNNING]\ngarbage\n'b' changed state to [FROZEN]\n'a' exited with status [1]\n"), res: Result{ExitCode: 1}}
	r, err := New("/var/lib/lxcvirt/lxc", WithExecer(s), WithBinDir("/opt/lxc/bin"))
	if err != nil {
		t.Fatal(err)
	}
	ch, err := r.Monitor(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := collectEvents(t, ch)
	want := []MonitorEvent{{Name: "a", State: Running}, {Name: "b", State: Frozen}, {Name: "a", Exited: true, ExitStatus: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %+v; want %+v", got, want)
	}
	if wantArgv := []string{"/opt/lxc/bin/lxc-monitor", "-P", "/var/lib/lxcvirt/lxc", "-n", ".*"}; !slices.Equal(s.argv, wantArgv) {
		t.Errorf("argv = %q; want %q", s.argv, wantArgv)
	}
}

func TestMonitorNeedsStreamer(t *testing.T) {
	r, err := New("/x", WithExecer(&fakeExecer{}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Monitor(t.Context()); !errors.Is(err, ErrNoStreaming) {
		t.Fatalf("Monitor with a plain Execer: %v; want ErrNoStreaming", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r, _ = New("/x", WithExecer(&streamExecer{out: strings.NewReader("")}))
	if _, err := r.Monitor(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Monitor with an ended context: %v", err)
	}
}

func TestOSExecerStream(t *testing.T) {
	p, err := OSExecer{}.Stream(t.Context(), []string{"sh", "-c", "echo one; echo two; echo oops >&2; exit 3"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(p.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	res, err := p.Wait()
	if err != nil || res.ExitCode != 3 || string(out) != "one\ntwo\n" || string(res.Stderr) != "oops\n" {
		t.Fatalf("stream = %q, %+v, %v", out, res, err)
	}
}

func TestOSExecerStreamKilledWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	// The child shell's sleep shares the process group and dies with it.
	p, err := OSExecer{}.Stream(ctx, []string{"sh", "-c", "echo up; sleep 60; echo never"})
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 3)
	if _, err := io.ReadFull(p.Stdout, buf); err != nil || string(buf) != "up\n" {
		t.Fatalf("first line %q, %v", buf, err)
	}
	start := time.Now()
	cancel()
	rest, _ := io.ReadAll(p.Stdout)
	_, err = p.Wait()
	if !errors.Is(err, context.Canceled) || len(rest) != 0 {
		t.Fatalf("after cancel: rest %q, err %v", rest, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("kill took %v", d)
	}
	if _, err := (OSExecer{}).Stream(ctx, []string{"true"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Stream with an ended context: %v", err)
	}
}

func TestTailBuffer(t *testing.T) {
	b := &tailBuffer{max: 4}
	for _, s := range []string{"ab", "cdef", "g"} {
		b.Write([]byte(s))
	}
	if got := string(b.Bytes()); got != "defg" {
		t.Fatalf("tail = %q", got)
	}
}
