package plugin

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/settings"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// buildTestPlugin builds plugin/internal/testplugin with -race, once per
// test binary.
func buildTestPlugin(t *testing.T) string {
	t.Helper()
	return testenv.Binary(t, "github.com/lxcvirt/lxcvirt/plugin/internal/testplugin")
}

// logSink collects the host's log output.
type logSink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logSink) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logSink) lines(substr string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, line := range strings.Split(l.buf.String(), "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return out
}

type harness struct {
	s     *Supervisor
	logs  *logSink
	state string
	path  string
}

// startSupervisor runs the test plugin (from path, or the shared build
// when path is empty) under a supervisor that logs into h.logs.
func startSupervisor(t *testing.T, path string, backoff Backoff) *harness {
	t.Helper()
	if path == "" {
		path = buildTestPlugin(t)
	}
	h := &harness{logs: &logSink{}, state: t.TempDir(), path: path}
	logger := slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: levelTrace}))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewSupervisor(ctx, SupervisorConfig{
		Path:     h.path,
		Settings: settings.Settings{StateDir: h.state},
		Args:     []string{"-tick", "10ms"},
		Logger:   logger,
		Backoff:  backoff,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	t.Cleanup(func() {
		_ = s.Close()
		if t.Failed() || testing.Verbose() {
			t.Logf("host log:\n%s", h.logs.buf.String())
		}
	})
	return h
}

// waitLog waits until the host logged a line containing substr.
func (h *harness) waitLog(t *testing.T, substr string) string {
	t.Helper()
	var line string
	waitFor(t, "log line "+strconv.Quote(substr), func() bool {
		l := h.logs.lines(substr)
		if len(l) > 0 {
			line = l[0]
		}
		return len(l) > 0
	})
	return line
}

// nextTick reads events until one comes from the process pid.
func nextTick(t *testing.T, ch <-chan driverapi.Event, pid int) driverapi.Event {
	t.Helper()
	timeout := time.After(patience)
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatal("events channel closed")
			}
			if int(ev.Type) == pid {
				return ev
			}
		case <-timeout:
			t.Fatalf("no event from pid %d", pid)
		}
	}
}

// zombieChildren lists this process's children that exited unreaped.
func zombieChildren(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 && f[0] == "Z" && f[1] == strconv.Itoa(os.Getpid()) {
			out = append(out, pid)
		}
	}
	return out
}

func processGone(pid int) bool {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	return len(f) > 0 && f[0] == "Z"
}

func TestSupervisorRestartsKilledPlugin(t *testing.T) {
	h := startSupervisor(t, "", Backoff{Initial: 50 * time.Millisecond, Max: time.Second})
	s := h.s
	ctx := context.Background()
	if _, err := s.DefineXML(ctx, "ct1", 0); err != nil {
		t.Fatal(err)
	}
	events, err := s.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pid1 := s.PID()
	first := nextTick(t, events, pid1)

	inflight := make(chan error, 1)
	go func() {
		_, err := s.LookupByName(ctx, "block")
		inflight <- err
	}()
	h.waitLog(t, "lookup blocks until cancelled")

	if err := syscall.Kill(pid1, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()

	select {
	case err := <-inflight:
		ve, ok := err.(*virterror.Error)
		want := virterror.New(libvirt.ErrInternalError, "LXC driver process exited; it is being restarted")
		if !ok || *ve != *want {
			t.Fatalf("call in flight got %T %v, want %v", err, err, want)
		}
		t.Logf("call in flight answered %v after the kill: %v", time.Since(killed).Round(time.Millisecond), err)
	case <-time.After(patience):
		t.Fatal("the call in flight was not answered")
	}

	// Calls succeed again (one racing the kill may still reach the dying
	// plugin and get the internal error, nothing else); the new plugin
	// reloaded the definition from the state_dir it was configured with
	// after the restart.
	var list []driverapi.Status
	for {
		cctx, cancel := context.WithTimeout(ctx, patience)
		list, err = s.ListAll(cctx, 0)
		cancel()
		if err == nil {
			break
		}
		if !virterror.HasCode(err, libvirt.ErrInternalError) || time.Since(killed) > patience {
			t.Fatalf("no call served after the kill: %v", err)
		}
	}
	recovery := time.Since(killed)
	t.Logf("recovery after kill -9: first call served %v after the kill", recovery.Round(time.Millisecond))
	if len(list) != 1 || list[0].Name != "ct1" {
		t.Fatalf("definitions after restart: %+v", list)
	}
	pid2 := s.PID()
	if pid2 == 0 || pid2 == pid1 {
		t.Fatalf("plugin pid after restart %d (before %d)", pid2, pid1)
	}
	if !processGone(pid1) {
		t.Errorf("killed plugin %d still exists", pid1)
	}
	if z := zombieChildren(t); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
	h.waitLog(t, "LXC driver plugin exited; restarting it")
	h.waitLog(t, "LXC driver plugin restarted")

	// The old subscription ended with its plugin, carrying only its
	// events; a new one carries the new plugin's events, in order, and
	// closes at Close.
	for ev := range events {
		if int(ev.Type) != pid1 {
			t.Fatalf("the old subscription carried an event of pid %d", ev.Type)
		}
	}
	events, err = s.Events(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ev := nextTick(t, events, pid2)
	next := nextTick(t, events, pid2)
	if next.Domain.ID != ev.Domain.ID+1 {
		t.Errorf("events out of order: %d then %d", ev.Domain.ID, next.Domain.ID)
	}
	t.Logf("events: first from pid %d (seq %d), then from pid %d", pid1, first.Domain.ID, pid2)

	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	for range events { // drain what was in flight; the channel must close
	}
	if b, err := os.ReadFile(filepath.Join(h.state, "closed")); err != nil || string(b) != strconv.Itoa(pid2) {
		t.Errorf("plugin %d was not closed gracefully: marker %q, %v", pid2, b, err)
	}
	waitFor(t, "the plugin to exit", func() bool { return processGone(pid2) })
	if z := zombieChildren(t); len(z) > 0 {
		t.Errorf("zombie children after Close: %v", z)
	}
	if _, err := s.ListAll(ctx, 0); !virterror.HasCode(err, libvirt.ErrInternalError) {
		t.Errorf("call after Close: %v", err)
	}
}

func TestSupervisorRelaysPluginOutput(t *testing.T) {
	h := startSupervisor(t, "", Backoff{})
	ctx := context.Background()
	if _, err := h.s.LookupByName(ctx, "log"); !virterror.HasCode(err, libvirt.ErrNoDomain) {
		t.Fatalf("lookup: %v", err)
	}
	line := h.waitLog(t, "test warning")
	for _, want := range []string{"level=WARN", "answer=42", "who=plugin", "logger=testplugin"} {
		if !strings.Contains(line, want) {
			t.Errorf("relayed line %q lacks %q", line, want)
		}
	}
	// Stdout after the handshake is forwarded, never mistaken for it.
	if _, err := h.s.LookupByName(ctx, "print"); !virterror.HasCode(err, libvirt.ErrNoDomain) {
		t.Fatalf("lookup: %v", err)
	}
	line = h.waitLog(t, "hello on stdout")
	if !strings.Contains(line, "stream=stdout") {
		t.Errorf("stdout line %q", line)
	}
	if _, err := h.s.ListAll(ctx, 0); err != nil {
		t.Fatalf("plugin unusable after printing: %v", err)
	}
}

func TestSupervisorBacksOffWhileThePluginCannotStart(t *testing.T) {
	good, err := os.ReadFile(buildTestPlugin(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "plugin")
	install := func(content []byte) {
		t.Helper()
		// A new file renamed into place: the old one may still be running.
		if err := os.WriteFile(path+".new", content, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(path+".new", path); err != nil {
			t.Fatal(err)
		}
	}
	install(good)
	h := startSupervisor(t, path, Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond})
	s := h.s
	install([]byte("#!/bin/sh\necho not a plugin\nexit 3\n"))
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h.waitLog(t, "restart LXC driver plugin")
	// The call fails at once with the reason rather than waiting for a
	// plugin that cannot start: waiting would end in the context's
	// timeout instead.
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	_, err = s.ListAll(ctx, 0)
	if !virterror.HasCode(err, libvirt.ErrInternalError) || !strings.Contains(err.Error(), "it is being restarted") {
		t.Fatalf("call while the plugin cannot start: %v", err)
	}
	// The supervisor keeps trying, counting its attempts (the delays
	// between them are Backoff.delay's, see TestBackoffDelay).
	attempts := len(h.logs.lines("restart LXC driver plugin"))
	waitFor(t, "three more restart attempts", func() bool {
		return len(h.logs.lines("restart LXC driver plugin")) >= attempts+3
	})
	for i, line := range h.logs.lines("restart LXC driver plugin")[:attempts+3] {
		if !strings.Contains(line, "attempt="+strconv.Itoa(i+1)+" ") && !strings.HasSuffix(line, "attempt="+strconv.Itoa(i+1)) {
			t.Errorf("restart attempt %d logged as %q", i+1, line)
		}
	}
	install(good)
	waitFor(t, "the plugin to come back", func() bool {
		_, err := s.ListAll(ctx, 0)
		return err == nil
	})
	if z := zombieChildren(t); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
}

func TestNewSupervisorErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := NewSupervisor(context.Background(), SupervisorConfig{Path: filepath.Join(dir, "missing")}); err == nil {
		t.Error("missing binary accepted")
	}
	script := filepath.Join(dir, "noplugin")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho hello\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := NewSupervisor(context.Background(), SupervisorConfig{Path: script, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || !strings.Contains(err.Error(), "hello") {
		t.Errorf("non-plugin binary: %v", err)
	}
	// A plugin that never completes the handshake is abandoned when
	// the caller's context ends.
	hang := filepath.Join(dir, "hang")
	if err := os.WriteFile(hang, []byte("#!/bin/sh\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err = NewSupervisor(ctx, SupervisorConfig{Path: hang, Logger: slog.New(slog.DiscardHandler)})
	if err == nil || ctx.Err() == nil {
		t.Errorf("hanging plugin: %v, context %v", err, ctx.Err())
	}
	if z := zombieChildren(t); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
}

// TestPluginRefusesToRunByHand checks the handshake guard: without the
// cookie the binary explains itself on stderr, writes nothing to stdout and
// opens no driver (so it cannot touch any state).
func TestPluginRefusesToRunByHand(t *testing.T) {
	cmd := exec.Command(buildTestPlugin(t))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("exit: %v", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout: %q", stdout.String())
	}
	if strings.Contains(stderr.String(), "test driver ready") {
		t.Errorf("the driver was opened: %q", stderr.String())
	}
	if !strings.Contains(stderr.String(), ErrNotLaunchedByHost.Error()) {
		t.Errorf("stderr: %q", stderr.String())
	}
}

// TestPluginExitsWithItsHost kills the parent of a configured plugin: the
// orphaned plugin must notice, close its driver and exit, so a restarted
// daemon never meets a second driver.
func TestPluginExitsWithItsHost(t *testing.T) {
	dir := t.TempDir()
	pidFile, handshake := filepath.Join(dir, "pid"), filepath.Join(dir, "handshake")
	sh := exec.Command("sh", "-c", `"$0" >"$1" 2>/dev/null & echo $! >"$2"; wait`, buildTestPlugin(t), handshake, pidFile)
	sh.Env = append(os.Environ(), Handshake.MagicCookieKey+"="+Handshake.MagicCookieValue,
		"PLUGIN_PROTOCOL_VERSIONS="+strconv.Itoa(int(Handshake.ProtocolVersion)))
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	var addr []string
	waitFor(t, "the plugin's pid and handshake", func() bool {
		b, err := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		h, _ := os.ReadFile(handshake)
		addr = strings.Split(strings.TrimSpace(string(h)), "|") // core|app|network|address|protocol
		return err == nil && pid > 0 && len(addr) >= 5
	})
	conn, err := grpc.NewClient("unix://"+addr[3], grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := NewClient(conn).Configure(t.Context(), settings.Settings{StateDir: dir}); err != nil {
		t.Fatal(err)
	}
	if err := sh.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = sh.Wait()
	waitFor(t, "the orphaned plugin to exit", func() bool { return processGone(pid) })
	if b, err := os.ReadFile(filepath.Join(dir, "closed")); err != nil || string(b) != strconv.Itoa(pid) {
		t.Errorf("orphaned plugin did not close its driver: %q, %v", b, err)
	}
}

// TestSupervisorEventsEndWithThePlugin: a subscription ends when its
// plugin dies, after that plugin's events in order, so the subscriber
// knows to subscribe again and resynchronise; the next subscription
// follows the new plugin.
func TestSupervisorEventsEndWithThePlugin(t *testing.T) {
	h := startSupervisor(t, "", Backoff{Initial: 20 * time.Millisecond})
	s := h.s
	events, err := s.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	pid1 := s.PID()
	nextTick(t, events, pid1)
	if err := syscall.Kill(pid1, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	last := -1
	for ev := range events {
		if int(ev.Type) != pid1 {
			t.Fatalf("an event of pid %d on the dead plugin's subscription", ev.Type)
		}
		if last >= 0 && int(ev.Domain.ID) != last+1 {
			t.Fatalf("seq %d after %d", ev.Domain.ID, last)
		}
		last = int(ev.Domain.ID)
	}
	h.waitLog(t, "LXC driver events subscription ended")
	var pid2 int
	waitFor(t, "a new plugin", func() bool { pid2 = s.PID(); return pid2 != 0 && pid2 != pid1 })
	events, err = s.Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	nextTick(t, events, pid2)
}

// TestSupervisorCallWaitsForRestartWithinItsContext: a call made while the
// plugin restarts waits for it, but no longer than its context allows.
func TestSupervisorCallWaitsForRestartWithinItsContext(t *testing.T) {
	h := startSupervisor(t, "", Backoff{Initial: time.Second, Max: time.Second})
	s := h.s
	if err := syscall.Kill(s.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	h.waitLog(t, "LXC driver plugin exited; restarting it")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := s.ListAll(ctx, 0)
	if !virterror.HasCode(err, libvirt.ErrOperationTimeout) {
		t.Fatalf("got %v, want an operation timeout", err)
	}
	// It waited for the restart until its context ended, not less.
	if ctx.Err() == nil {
		t.Errorf("the call timed out before its context ended")
	}
	// Without a deadline the call waits for the restarted plugin.
	if _, err := s.ListAll(context.Background(), 0); err != nil {
		t.Fatalf("call after the restart: %v", err)
	}
}

// TestSupervisorCachesStateQueries: once the supervisor follows the
// plugin's events, a listing's statuses of shut-off domains answer Status
// without a call to the plugin (the test plugin numbers its answers in
// Reason); a change nobody asked for, reported by an event, a changing
// call, and a plugin restart each send the next query to the plugin, a
// subscriber that received an event never gets the state from before it,
// and a paused domain is asked about every time.
func TestSupervisorCachesStateQueries(t *testing.T) {
	h := startSupervisor(t, "", Backoff{Initial: 20 * time.Millisecond})
	s := h.s
	ctx := context.Background()
	dom, err := s.DefineXML(ctx, "ct1", 0)
	if err != nil {
		t.Fatal(err)
	}
	h.waitLog(t, "status cache follows the LXC driver's events")
	status := func() driverapi.Status {
		t.Helper()
		st, err := s.Status(ctx, dom.UUID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	list, err := s.ListAll(ctx, 0)
	if err != nil || len(list) != 1 {
		t.Fatalf("ListAll: %+v, %v", list, err)
	}
	for range 3 {
		if st := status(); st != list[0] {
			t.Fatalf("Status after ListAll = %+v; want the listed %+v from the cache", st, list[0])
		}
	}
	if st, ok := s.CachedStatus(dom.UUID); !ok || st != list[0] {
		t.Fatalf("CachedStatus = %+v, %v; want %+v", st, ok, list[0])
	}
	if d, err := s.LookupByName(ctx, "ct1"); err != nil || d != dom {
		t.Fatalf("LookupByName = %+v, %v", d, err)
	}

	// The plugin pauses ct1 behind the supervisor's back and reports it.
	ctx2, cancel := context.WithCancel(ctx)
	events, err := s.Events(ctx2)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupByName(ctx, "poke:ct1"); err != nil {
		t.Fatal(err)
	}
	for ev := range events {
		if ev.Domain.UUID == dom.UUID {
			break
		}
	}
	paused := status()
	if paused.State != libvirt.DomainPaused || paused.Reason <= list[0].Reason {
		t.Fatalf("Status once the event arrived = %+v; want paused, a new answer", paused)
	}
	cancel()
	for range 3 {
		again := status()
		if again.State != libvirt.DomainPaused || again.Reason <= paused.Reason {
			t.Fatalf("Status of the paused domain = %+v; want a new answer after %+v", again, paused)
		}
		paused = again
	}
	if st, ok := s.CachedStatus(dom.UUID); ok {
		t.Fatalf("CachedStatus of the paused domain = %+v; want nothing cached", st)
	}

	// A changing call: the next query asks the plugin.
	if err := s.Resume(ctx, dom.UUID); err != nil {
		t.Fatal(err)
	}
	if st, ok := s.CachedStatus(dom.UUID); ok {
		t.Fatalf("CachedStatus after Resume = %+v; want nothing cached", st)
	}
	resumed := status()
	if resumed.State != libvirt.DomainShutoff || resumed.Reason <= paused.Reason {
		t.Fatalf("Status after Resume = %+v; want shut off, a new answer", resumed)
	}
	if st := status(); st != resumed {
		t.Fatalf("Status after the shut-off answer = %+v; want %+v from the cache", st, resumed)
	}

	// Without a subscriber the cache still follows the events.
	if _, err := s.LookupByName(ctx, "poke:ct1"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the event to reach the cache", func() bool { return status().State == libvirt.DomainPaused })

	// The restarted plugin has forgotten the pause; so has the cache.
	pid := s.PID()
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the restarted plugin to answer", func() bool {
		st, err := s.Status(ctx, dom.UUID)
		return err == nil && s.PID() != pid && st.State == libvirt.DomainShutoff
	})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if st, ok := s.CachedStatus(dom.UUID); ok {
		t.Fatalf("CachedStatus after Close = %+v", st)
	}
}

// A plugin whose driver keeps no metadata answers libvirt's "not
// supported" through the supervisor, and the plugin stays usable.
func TestSupervisorMetadataUnsupported(t *testing.T) {
	h := startSupervisor(t, "", Backoff{})
	ctx := context.Background()
	err := h.s.SetMetadata(ctx, driverapi.UUID{1}, driverapi.MetadataTitle, "t", "", "", 0)
	if !virterror.HasCode(err, libvirt.ErrNoSupport) || !strings.Contains(err.Error(), "virDomainSetMetadata") {
		t.Fatalf("SetMetadata: %v", err)
	}
	if _, err := h.s.Metadata(ctx, driverapi.UUID{1}, driverapi.MetadataTitle, "", 0); !virterror.HasCode(err, libvirt.ErrNoSupport) {
		t.Fatalf("Metadata: %v", err)
	}
	if _, err := h.s.ListAll(ctx, 0); err != nil {
		t.Fatalf("plugin unusable after refusing metadata: %v", err)
	}
}

// TestBackoffDelay: the delay before a restart starts at Initial, doubles
// with each failure in a row and stays at Max.
func TestBackoffDelay(t *testing.T) {
	b := Backoff{Initial: 20 * time.Millisecond, Max: 200 * time.Millisecond}
	want := []time.Duration{20, 40, 80, 160, 200, 200, 200}
	for failures, w := range want {
		if got := b.delay(failures); got != w*time.Millisecond {
			t.Errorf("delay(%d) = %v, want %v", failures, got, w*time.Millisecond)
		}
	}
	if got := b.delay(1 << 20); got != b.Max {
		t.Errorf("delay after many failures = %v, want %v", got, b.Max)
	}
}
