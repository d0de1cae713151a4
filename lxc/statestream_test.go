package lxc

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseMonitorLine(t *testing.T) {
	for _, c := range []struct {
		line string
		want StateEvent
		ok   bool
	}{
		// Lines recorded from lxc-monitor 5.0.2.
		{"'t1' changed state to [STARTING]", StateEvent{Name: "t1", State: Starting}, true},
		{"'t1' changed state to [FROZEN]", StateEvent{Name: "t1", State: Frozen}, true},
		{"'t1' exited with status [0]", StateEvent{Name: "t1", Exited: true}, true},
		{"'web-1' exited with status [3]", StateEvent{Name: "web-1", Exited: true, ExitStatus: 3}, true},
		// A name may hold quotes and brackets; the suffix decides.
		{"'a' changed state to [X]' changed state to [RUNNING]", StateEvent{Name: "a' changed state to [X]", State: Running}, true},
		{"'it's' changed state to [STOPPED]", StateEvent{Name: "it's", State: Stopped}, true},
		{"'t1' changed state to [BOGUS]", StateEvent{}, false},
		{"'' changed state to [RUNNING]", StateEvent{}, false},
		{"'t1' exited with status [-1]", StateEvent{}, false},
		{"'t1' exited with status [x]", StateEvent{}, false},
		{"t1 changed state to [RUNNING]", StateEvent{}, false},
		{"lxc-monitor: ../src/lxc/monitor.c: Failed to connect", StateEvent{}, false},
		{"", StateEvent{}, false},
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

func collectEvents(t *testing.T, ch <-chan StateEvent) []StateEvent {
	t.Helper()
	var out []StateEvent
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

func TestStateStreamParsesInOrderAndCloses(t *testing.T) {
	s := &streamExecer{out: strings.NewReader("'a' changed state to [RUNNING]\ngarbage\n'b' changed state to [FROZEN]\n'a' exited with status [1]\n"), res: Result{ExitCode: 1}}
	r, err := New("/var/lib/lxcvirt/lxc")
	if err != nil {
		t.Fatal(err)
	}
	r.exec, r.binDir, r.monitord = s, "/opt/lxc/bin", noMonitord
	ch, err := r.StateStream(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	got := collectEvents(t, ch)
	want := []StateEvent{{Name: "a", State: Running}, {Name: "b", State: Frozen}, {Name: "a", Exited: true, ExitStatus: 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("events = %+v; want %+v", got, want)
	}
	if wantArgv := []string{"/opt/lxc/bin/lxc-monitor", "-P", "/var/lib/lxcvirt/lxc", "-n", ".*"}; !slices.Equal(s.argv, wantArgv) {
		t.Errorf("argv = %q; want %q", s.argv, wantArgv)
	}
}

func TestStateStreamNeedsStreamer(t *testing.T) {
	r, err := New("/x")
	if err != nil {
		t.Fatal(err)
	}
	r.exec = &fakeExecer{}
	if _, err := r.StateStream(t.Context()); !errors.Is(err, ErrNoStreaming) {
		t.Fatalf("StateStream with a plain Execer: %v; want ErrNoStreaming", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	r.exec, r.monitord = &streamExecer{out: strings.NewReader("")}, noMonitord
	if _, err := r.StateStream(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("StateStream with an ended context: %v", err)
	}
}

func noMonitord(context.Context, string) (net.Conn, error) {
	return nil, errors.New("no lxc-monitord here")
}

// monitordRecord encodes a struct lxc_msg.
func monitordRecord(typ int32, name string, value int32) []byte {
	b := make([]byte, monitorRecordLen)
	binary.NativeEndian.PutUint32(b, uint32(typ))
	copy(b[4:4+monitorNameLen], name)
	binary.NativeEndian.PutUint32(b[4+monitorNameLen:], uint32(value))
	return b
}

// With lxc-monitord's socket reachable, events come from its records,
// with full wait statuses; lxc-monitor's own output is drained.
func TestStateStreamReadsMonitordSocket(t *testing.T) {
	pr, pw := io.Pipe()
	s := &streamExecer{out: pr}
	r, err := New("/var/lib/lxcvirt/lxc")
	if err != nil {
		t.Fatal(err)
	}
	r.exec = s
	client, server := net.Pipe()
	var dialed string
	r.monitord = func(_ context.Context, lxcpath string) (net.Conn, error) {
		dialed = lxcpath
		return client, nil
	}
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := r.StateStream(ctx)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		pw.Write([]byte("'a' changed state to [RUNNING]\n")) // drained, not reported
		for _, rec := range [][]byte{
			monitordRecord(monitorMsgState, "a", 2),
			monitordRecord(1, "a", 5),                // a priority message: skipped
			monitordRecord(monitorMsgState, "a", 99), // no such state: skipped
			monitordRecord(monitorMsgState, "a", 6),
			monitordRecord(monitorMsgExit, "a", int32(syscall.SIGHUP)),
			monitordRecord(monitorMsgExit, "b", 3<<8),
		} {
			if _, err := server.Write(rec); err != nil {
				return
			}
		}
	}()
	var got []StateEvent
	for range 4 {
		got = append(got, <-ch)
	}
	want := []StateEvent{
		{Name: "a", State: Running}, {Name: "a", State: Frozen},
		{Name: "a", Exited: true, ExitStatus: int(syscall.SIGHUP), WaitStatus: true},
		{Name: "b", Exited: true, ExitStatus: 3 << 8, WaitStatus: true},
	}
	if !slices.Equal(got, want) || dialed != "/var/lib/lxcvirt/lxc" {
		t.Fatalf("events = %+v (dialed %q); want %+v", got, dialed, want)
	}
	cancel()
	if rest := collectEvents(t, ch); len(rest) != 0 {
		t.Fatalf("events after cancel: %+v", rest)
	}
	pw.Close()
}

func TestMonitordSocketName(t *testing.T) {
	got, err := MonitordSocket("/var/lib/lxc")
	// FNV-1a 64 of "lxc//var/lib/lxc/monitor-sock".
	if err != nil || got != "@lxc/ad055575fe28ddd5//var/lib/lxc" {
		t.Fatalf("MonitordSocket = %q, %v", got, err)
	}
	if _, err := MonitordSocket("/" + strings.Repeat("x", 90)); err == nil {
		t.Fatal("a name over 105 bytes was accepted")
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
	cancel()
	// Killed, the shell never gets to echo: its output ends empty.
	rest, _ := io.ReadAll(p.Stdout)
	_, err = p.Wait()
	if !errors.Is(err, context.Canceled) || len(rest) != 0 {
		t.Fatalf("after cancel: rest %q, err %v", rest, err)
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

// TestStreamDiesWithCaller runs a caller process (this test binary again)
// that streams `sleep`, kills the caller with SIGKILL and expects the
// streamed process to die too.
func TestStreamDiesWithCaller(t *testing.T) {
	if os.Getenv("RUNNER_STREAM_CALLER") == "1" {
		p, err := OSExecer{}.Stream(context.Background(), []string{"sh", "-c", "echo $$; exec sleep 60"})
		if err != nil {
			os.Exit(2)
		}
		io.Copy(os.Stdout, p.Stdout)
		return
	}
	caller := exec.Command(os.Args[0], "-test.run=^TestStreamDiesWithCaller$")
	caller.Env = append(os.Environ(), "RUNNER_STREAM_CALLER=1")
	out, err := caller.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := caller.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no pid from the caller: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	caller.Process.Kill()
	caller.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); err == nil && strings.Contains(string(b), ") Z ") {
			break // dead, waiting for its new parent to reap it
		}
		if time.Now().After(deadline) {
			syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("streamed process %d outlived its caller", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
