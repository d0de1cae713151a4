package lxc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// newFake returns a Runner over a temp lxcpath in which pc1 is defined.
func newFake(t *testing.T, opts ...Option) (*Runner, *fakeExecer) {
	t.Helper()
	lxcpath := t.TempDir()
	if err := os.MkdirAll(filepath.Join(lxcpath, "pc1"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lxcpath, "pc1", "config"), []byte("lxc.uts.name = pc1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := &fakeExecer{replies: map[string]Result{
		"lxc-info": {Stdout: []byte(infoRunningRaw)},
	}}
	r, err := New(lxcpath, opts...)
	if err != nil {
		t.Fatal(err)
	}
	r.exec = f
	return r, f
}

func TestArgv(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name string
		call func(r *Runner) error
		want []string // after "-P <lxcpath>"
	}{
		{"start", func(r *Runner) error { return r.Start(ctx, "pc1", StartOptions{}) },
			[]string{"lxc-start", "-n", "pc1", "-d"}},
		{"start options", func(r *Runner) error {
			return r.Start(ctx, "pc1", StartOptions{ConfigFile: "/c/config", LogFile: "/l/log", LogLevel: "DEBUG", Console: "/l/console", PIDFile: "/c/pid"})
		}, []string{"lxc-start", "-n", "pc1", "-d", "-f", "/c/config", "-o", "/l/log", "-L", "/l/console", "-p", "/c/pid", "-l", "DEBUG"}},
		{"stop", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{}) },
			[]string{"lxc-stop", "-n", "pc1"}},
		{"stop -k", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Kill: true}) },
			[]string{"lxc-stop", "-n", "pc1", "-k"}},
		{"stop -t rounds up", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Timeout: 1500 * time.Millisecond}) },
			[]string{"lxc-stop", "-n", "pc1", "-t", "2"}},
		{"stop -t --nokill", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Timeout: 30 * time.Second, NoKill: true}) },
			[]string{"lxc-stop", "-n", "pc1", "-t", "30", "--nokill"}},
		{"stop -W", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{NoWait: true}) },
			[]string{"lxc-stop", "-n", "pc1", "-W"}},
		{"stop -r", func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Reboot: true}) },
			[]string{"lxc-stop", "-n", "pc1", "-r"}},
		{"state", func(r *Runner) error { _, _, err := r.State(ctx, "pc1"); return err },
			[]string{"lxc-info", "-n", "pc1", "-s", "-p", "-H"}},
		{"freeze", func(r *Runner) error { return r.Freeze(ctx, "pc1") },
			[]string{"lxc-freeze", "-n", "pc1"}},
		{"unfreeze", func(r *Runner) error { return r.Unfreeze(ctx, "pc1") },
			[]string{"lxc-unfreeze", "-n", "pc1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, f := newFake(t)
			if err := tt.call(r); err != nil {
				t.Fatal(err)
			}
			want := append([]string{tt.want[0], "-P", r.LXCPath()}, tt.want[1:]...)
			if got := f.last(); !slices.Equal(got, want) {
				t.Errorf("argv\n got %q\nwant %q", got, want)
			}
			if len(f.calls) != 1 {
				t.Errorf("%d calls; want 1", len(f.calls))
			}
		})
	}
}

func TestArgvBinDir(t *testing.T) {
	r, f := newFake(t)
	r.binDir = "/opt/lxc/bin"
	if err := r.Freeze(t.Context(), "pc1"); err != nil {
		t.Fatal(err)
	}
	if want := []string{"/opt/lxc/bin/lxc-freeze", "-P", r.LXCPath(), "-n", "pc1"}; !slices.Equal(f.last(), want) {
		t.Errorf("argv %q; want %q", f.last(), want)
	}
}

func TestBadInputRunsNothing(t *testing.T) {
	ctx := t.Context()
	tests := map[string]func(r *Runner) error{
		"start bad config path":   func(r *Runner) error { return r.Start(ctx, "pc1", StartOptions{ConfigFile: "rel/config"}) },
		"start dotdot log":        func(r *Runner) error { return r.Start(ctx, "pc1", StartOptions{LogFile: "/a/../b"}) },
		"start log level option":  func(r *Runner) error { return r.Start(ctx, "pc1", StartOptions{LogLevel: "-q"}) },
		"stop negative timeout":   func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Timeout: -time.Second}) },
		"stop kill and timeout":   func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Kill: true, Timeout: time.Second}) },
		"stop nokill no timeout":  func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{NoKill: true}) },
		"stop reboot and timeout": func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Reboot: true, Timeout: time.Second}) },
		"bad name":                func(r *Runner) error { return r.Freeze(ctx, "-x") },
	}
	for what, call := range tests {
		t.Run(what, func(t *testing.T) {
			r, f := newFake(t)
			if err := call(r); err == nil {
				t.Error("no error")
			}
			if len(f.calls) != 0 {
				t.Errorf("ran %q", f.calls)
			}
		})
	}
}

func TestEveryWrapperValidatesName(t *testing.T) {
	ctx := t.Context()
	r, f := newFake(t)
	for _, name := range []string{"-x", "../x", "a\nb", ""} {
		errs := []error{
			r.Start(ctx, name, StartOptions{}), r.Stop(ctx, name, StopOptions{}),
			r.Freeze(ctx, name), r.Unfreeze(ctx, name),
		}
		_, _, err := r.State(ctx, name)
		errs = append(errs, err)
		_, err = r.Console(ctx, name, 0)
		errs = append(errs, err)
		for i, err := range errs {
			if !errors.Is(err, ErrInvalidName) {
				t.Errorf("wrapper %d with name %q = %v; want ErrInvalidName", i, name, err)
			}
		}
	}
	if len(f.calls) != 0 {
		t.Errorf("ran %q", f.calls)
	}
}

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"ct1", true},
		{"my.container_2-x", true},
		{"a", true},
		{strings.Repeat("a", xmlmap.MaxNameLen), true},
		{"ünïcode", true},
		{"-x", false},
		{"--help", false},
		{"../x", false},
		{"a/b", false},
		{"/abs", false},
		{"a\nb", false},
		{"a\rb", false},
		{"a\x00b", false},
		{"tab\there", false},
		{"sp ace", false},
		{"\x7f", false},
		{"", false},
		{".", false},
		{"..", false},
		{strings.Repeat("a", xmlmap.MaxNameLen+1), false},
		{"\xff\xfe", false},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v; want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidName) {
			t.Errorf("ValidateName(%q) = %v; want ErrInvalidName", tt.name, err)
		}
	}
}

func TestNew(t *testing.T) {
	for _, p := range []string{"", "rel/lxc", "/a/../b", "/a/", "/a//b", "/a\nb"} {
		if _, err := New(p); err == nil {
			t.Errorf("New(%q): no error", p)
		}
	}
	r, err := New("/var/lib/lxcvirt/lxc")
	if err != nil || r.LXCPath() != "/var/lib/lxcvirt/lxc" {
		t.Fatalf("New = %v, %v", r, err)
	}
}

func TestErrorMapping(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		what  string
		tool  string
		reply Result
		call  func(r *Runner) error
		want  error // nil: no sentinel
		msg   string
	}{
		{"state unknown", "lxc-info", Result{ExitCode: 1, Stderr: []byte(stderrInfoUnknown)},
			func(r *Runner) error { _, _, err := r.State(ctx, "nope"); return err }, ErrNotFound, "nope doesn't exist"},
		{"start unknown", "lxc-start", Result{ExitCode: 1, Stderr: []byte(stderrStartUnknown)},
			func(r *Runner) error { return r.Start(ctx, "nope", StartOptions{}) }, ErrNotFound, ": No container config specified"},
		{"start running", "lxc-start", Result{Stderr: []byte(stderrStartRunning)},
			func(r *Runner) error { return r.Start(ctx, "pc1", StartOptions{}) }, ErrAlreadyRunning, "exit status 0: Container is already running"},
		{"stop unknown", "lxc-stop", Result{ExitCode: 2, Stderr: []byte(stderrStopUnknown)},
			func(r *Runner) error { return r.Stop(ctx, "nope", StopOptions{}) }, ErrNotFound, "nope is not running"},
		{"stop -k unknown", "lxc-stop", Result{ExitCode: 2, Stderr: []byte(stderrStopUnknown)},
			func(r *Runner) error { return r.Stop(ctx, "nope", StopOptions{Kill: true}) }, ErrNotFound, "nope is not running"},
		{"stop stopped", "lxc-stop", Result{ExitCode: 2, Stderr: []byte(stderrStopStopped)},
			func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Timeout: 2 * time.Second}) }, ErrNotRunning, "exit status 2: pc1 is not running"},
		{"stop -k stopped", "lxc-stop", Result{ExitCode: 2, Stderr: []byte(stderrStopStopped)},
			func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Kill: true}) }, ErrNotRunning, "pc1 is not running"},
		{"stop nokill timeout", "lxc-stop", Result{ExitCode: 1, Stderr: []byte(stderrStopNoKillTimeout)},
			func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{Timeout: time.Second, NoKill: true}) }, ErrTimeout, "exit status 1: timed out"},
		{"stop other failure", "lxc-stop", Result{ExitCode: 1},
			func(r *Runner) error { return r.Stop(ctx, "pc1", StopOptions{}) }, nil, "exit status 1: no error output"},
		{"freeze unknown", "lxc-freeze", Result{ExitCode: 1, Stderr: []byte(stderrFreezeUnknown)},
			func(r *Runner) error { return r.Freeze(ctx, "nope") }, ErrNotFound, "Failed to freeze /tmp/rprobe/lxc:nope"},
		{"unfreeze unknown", "lxc-unfreeze", Result{ExitCode: 1, Stderr: []byte(stderrUnfreezeUnknown)},
			func(r *Runner) error { return r.Unfreeze(ctx, "nope") }, ErrNotFound, "Failed to unfreeze"},
		{"freeze stopped", "lxc-freeze", Result{ExitCode: 1, Stderr: []byte(stderrFreezeStopped)},
			func(r *Runner) error { return r.Freeze(ctx, "pc1") }, ErrNotRunning, "Connection refused - Failed to serve state clients"},
	}
	sentinels := []error{ErrNotFound, ErrNotRunning, ErrAlreadyRunning, ErrTimeout, ErrInvalidName}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			r, f := newFake(t)
			f.replies[tt.tool] = tt.reply
			err := tt.call(r)
			var ce *CommandError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %#v; want a *CommandError", err)
			}
			if ce.ExitCode != tt.reply.ExitCode || ce.Stderr != string(tt.reply.Stderr) || !slices.Equal(ce.Argv, f.last()) {
				t.Errorf("CommandError = %+v; want exit %d, the stderr and argv %q", ce, tt.reply.ExitCode, f.last())
			}
			for _, s := range sentinels {
				if errors.Is(err, s) != (s == tt.want) {
					t.Errorf("errors.Is(%v, %v) = %v", err, s, !(s == tt.want))
				}
			}
			if !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), tt.tool+" -P "+r.LXCPath()) {
				t.Errorf("Error() = %q; want the command and %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), ".c: ") {
				t.Errorf("Error() = %q keeps lxc's source location", err)
			}
		})
	}
}

// A *CommandError built by hand (as a caller's fake would) maps by its texts.
func TestCommandErrorUnwrapByHand(t *testing.T) {
	e := &CommandError{Argv: []string{"lxc-info", "-P", "/p", "-n", "nope"}, ExitCode: 1, Stderr: stderrInfoUnknown}
	if !errors.Is(e, ErrNotFound) || e.Unwrap() != ErrNotFound {
		t.Errorf("%v does not unwrap to ErrNotFound", e)
	}
	e = &CommandError{Argv: []string{"/usr/bin/lxc-stop", "-P", "/p", "-n", "pc1", "-t", "1", "--nokill"}, ExitCode: 1, Stderr: stderrStopNoKillTimeout}
	if !errors.Is(e, ErrTimeout) {
		t.Errorf("%v does not unwrap to ErrTimeout", e)
	}
	e = &CommandError{Argv: []string{"lxc-start"}, ExitCode: 1, Stderr: "something else\n"}
	if e.Unwrap() != nil {
		t.Errorf("Unwrap() = %v; want nil", e.Unwrap())
	}
}

func TestExecerFailure(t *testing.T) {
	r, f := newFake(t)
	f.err = errors.New("exec: \"lxc-freeze\": executable file not found in $PATH")
	err := r.Freeze(t.Context(), "nope")
	var ce *CommandError
	if !errors.As(err, &ce) || ce.Err != f.err || errors.Is(err, ErrNotFound) {
		t.Fatalf("err = %v; want a *CommandError carrying the exec error and no sentinel", err)
	}
	if !strings.Contains(err.Error(), "lxc-freeze -P") || !strings.Contains(err.Error(), "executable file not found") {
		t.Errorf("Error() = %q", err)
	}
}

func TestLogsEachCommand(t *testing.T) {
	var buf bytes.Buffer
	r, _ := newFake(t, WithLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err := r.Freeze(t.Context(), "pc1"); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "level=DEBUG") || !strings.Contains(out, "lxc-freeze -P") || !strings.Contains(out, "duration=") {
		t.Errorf("log = %q", out)
	}
}

func TestParseState(t *testing.T) {
	for _, tt := range []struct {
		name, out string
		st        State
		pid       int
	}{
		{"running", stateRunning, Running, 6070},
		{"stopped", stateStopped, Stopped, 0},
		{"full output", infoRunningRaw, Running, 6070},
		{"unknown key", "State: FROZEN\nPID: 7\nFuture key: 12 things\n", Frozen, 7},
	} {
		st, pid, err := parseState([]byte(tt.out))
		if err != nil || st != tt.st || pid != tt.pid {
			t.Errorf("%s: parseState = %v, %d, %v; want %v, %d", tt.name, st, pid, err, tt.st, tt.pid)
		}
	}
	for _, bad := range []string{"", "Name: x\n", "State: SLEEPY\n", "State: RUNNING\nPID: x\n", "State: RUNNING\nPID: -3\n", "State: RUNNING\nno colon\n"} {
		if st, pid, err := parseState([]byte(bad)); err == nil {
			t.Errorf("parseState(%q) = %v, %d; want an error", bad, st, pid)
		}
	}
}

func TestStateParse(t *testing.T) {
	r, f := newFake(t)
	st, pid, err := r.State(t.Context(), "pc1")
	if err != nil || st != Running || pid != 6070 {
		t.Fatalf("State = %v, %d, %v; want RUNNING, 6070", st, pid, err)
	}
	f.replies["lxc-info"] = Result{Stdout: []byte(stateStopped)}
	st, pid, err = r.State(t.Context(), "pc1")
	if err != nil || st != Stopped || pid != 0 {
		t.Fatalf("State = %v, %d, %v; want STOPPED, 0", st, pid, err)
	}
	f.replies["lxc-info"] = Result{Stdout: []byte("garbage\n")}
	if _, _, err := r.State(t.Context(), "pc1"); err == nil {
		t.Error("State of garbage output: no error")
	}
}

// OSExecer kills the process (and its group) when the context ends, reaps
// it and says why.
func TestOSExecerContextKillsProcess(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	pidFile := filepath.Join(t.TempDir(), "pid")
	// The shell's child sleep is in the same process group and must die
	// too; while it lives it holds the output pipe open.
	type ran struct {
		res Result
		err error
	}
	done := make(chan ran, 1)
	go func() {
		res, err := OSExecer{}.Run(ctx, []string{"sh", "-c", `sleep 1000 & echo $! > "$0"; wait`, pidFile}, nil)
		done <- ran{res, err}
	}()
	var res Result
	var err error
	select {
	case r := <-done:
		res, err = r.res, r.err
	case <-time.After(60 * time.Second):
		t.Fatal("Run has not returned 60s after its context ended: the shell's child still holds its output")
	}
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("err = %v; want killed: context deadline exceeded", err)
	}
	if res.ExitCode != -1 {
		t.Errorf("ExitCode = %d; want -1 (killed)", res.ExitCode)
	}
	pid, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	// The sleep was reparented; give init a moment to reap it.
	deadline := time.Now().Add(5 * time.Second)
	for processAlive(strings.TrimSpace(string(pid))) {
		if time.Now().After(deadline) {
			t.Fatalf("child sleep %s survived the cancellation", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid string) bool {
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return false
	}
	_, after, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(after, "Z")
}

func TestRunnerContextError(t *testing.T) {
	// A tool that hangs: a real sleep stands in for lxc-stop.
	hang := execerFunc(func(ctx context.Context, argv []string, stdin []byte) (Result, error) {
		return OSExecer{}.Run(ctx, []string{"sleep", "30"}, stdin)
	})
	r, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	r.exec = hang
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	err = r.Stop(ctx, "pc1", StopOptions{})
	var ce *CommandError
	if !errors.As(err, &ce) || !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v; want a *CommandError wrapping context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "lxc-stop -P") || !strings.Contains(err.Error(), "killed") {
		t.Errorf("Error() = %q; want the command and that it was killed", err)
	}
	// An already-ended context runs nothing.
	r, f := newFake(t)
	done, cancel2 := context.WithCancel(t.Context())
	cancel2()
	if err := r.Freeze(done, "pc1"); !errors.Is(err, context.Canceled) {
		t.Errorf("Freeze with a cancelled ctx = %v", err)
	}
	if _, _, err := r.State(done, "pc1"); !errors.Is(err, context.Canceled) {
		t.Errorf("State with a cancelled ctx = %v", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("ran %q", f.calls)
	}
}

type execerFunc func(ctx context.Context, argv []string, stdin []byte) (Result, error)

func (f execerFunc) Run(ctx context.Context, argv []string, stdin []byte) (Result, error) {
	return f(ctx, argv, stdin)
}

func TestOSExecer(t *testing.T) {
	res, err := OSExecer{}.Run(t.Context(), []string{"sh", "-c", `cat; echo err >&2; exit 3`}, []byte("in"))
	if err != nil || res.ExitCode != 3 || string(res.Stdout) != "in" || string(res.Stderr) != "err\n" {
		t.Errorf("Run = %+v, %v", res, err)
	}
	// argv, never a shell: metacharacters reach the program verbatim.
	res, err = OSExecer{}.Run(t.Context(), []string{"echo", "$(id)", ";", "|"}, nil)
	if err != nil || string(res.Stdout) != "$(id) ; |\n" {
		t.Errorf("echo = %q, %v", res.Stdout, err)
	}
	if _, err := (OSExecer{}).Run(t.Context(), []string{"/nonexistent/lxc-start"}, nil); err == nil {
		t.Error("missing program: no error")
	}
	if _, err := (OSExecer{}).Run(t.Context(), nil, nil); err == nil {
		t.Error("empty argv: no error")
	}
}

// TestTimeoutKillsGroup runs a hung lxc-start (a script that waits on a
// child forever): at the Runner's timeout the call fails as timed out and
// the whole process group, the child too, is gone.
func TestTimeoutKillsGroup(t *testing.T) {
	bin := t.TempDir()
	childPID := filepath.Join(bin, "child.pid")
	script := "#!/bin/sh\nsleep 100000 &\necho $! > " + childPID + ".tmp\nmv " + childPID + ".tmp " + childPID + "\nwait\n"
	if err := os.WriteFile(filepath.Join(bin, "lxc-start"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	r, err := New(t.TempDir(), WithTimeout(200*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	r.binDir = bin
	err = r.Start(t.Context(), "pc1", StartOptions{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "lxc timeout") {
		t.Fatalf("Start of a hung lxc-start: %v; want the lxc timeout", err)
	}
	b, err := os.ReadFile(childPID)
	if err != nil {
		t.Fatalf("the script never started its child: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if st, _ := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid)); strings.Contains(string(st), ") Z ") {
			break // killed, not yet reaped by its new parent
		}
		if time.Now().After(deadline) {
			t.Fatalf("lxc-start's child %d still runs after the timeout", pid)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestTimeoutAddsWait: lxc-stop -t gets its own wait on top of the
// Runner's timeout, so it is not killed before lxc's wait ends.
func TestTimeoutAddsWait(t *testing.T) {
	r, f := newFake(t, WithTimeout(time.Hour))
	var left time.Duration
	r.exec = execFunc(func(ctx context.Context, argv []string) (Result, error) {
		d, _ := ctx.Deadline()
		left = time.Until(d)
		return f.Run(ctx, argv, nil)
	})
	must(t, r.Stop(t.Context(), "pc1", StopOptions{Timeout: 2 * time.Hour}))
	if left <= 2*time.Hour {
		t.Errorf("lxc-stop -t 7200 got %v; want more than its own wait", left)
	}
}

type execFunc func(ctx context.Context, argv []string) (Result, error)

func (f execFunc) Run(ctx context.Context, argv []string, _ []byte) (Result, error) {
	return f(ctx, argv)
}

// In runs the same tools against another lxcpath.
func TestRunnerIn(t *testing.T) {
	r, f := newFake(t)
	other, err := r.In("/var/lib/lxc")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := other.State(t.Context(), "c1"); err != nil {
		t.Fatal(err)
	}
	if got := f.last(); !slices.Equal(got[1:5], []string{"-P", "/var/lib/lxc", "-n", "c1"}) {
		t.Errorf("argv %q", got)
	}
	if r.LXCPath() == "/var/lib/lxc" {
		t.Error("In changed the Runner it was called on")
	}
	if _, err := r.In("relative"); err == nil {
		t.Error("a relative lxcpath accepted")
	}
}
