package lxc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Runner runs the lxc-* tools against one lxcpath. It is safe for concurrent
// use; it holds no per-container state.
type Runner struct {
	lxcpath string
	binDir  string // where the lxc-* tools are; "" looks them up in PATH (tests set it)
	// timeout bounds each lxc-* call (beyond the wait it was asked for,
	// such as lxc-stop -t); its process group is killed then. 0: none.
	timeout time.Duration
	exec    Execer // OSExecer; tests set a fake
	log     *slog.Logger
	// monitord connects to lxc-monitord (dialMonitord; tests replace it).
	monitord func(ctx context.Context, lxcpath string) (net.Conn, error)
}

// Option configures a Runner.
type Option func(*Runner)

// WithLogger sets the logger; each command is logged at Debug with its
// duration.
func WithLogger(l *slog.Logger) Option { return func(r *Runner) { r.log = l } }

// WithTimeout bounds every lxc-* call: one still running after d (plus
// the wait it was asked for, as lxc-stop -t's) is killed with its process
// group and fails with an error that unwraps to
// context.DeadlineExceeded. 0 (the default) sets no bound.
func WithTimeout(d time.Duration) Option { return func(r *Runner) { r.timeout = d } }

// New returns a Runner for the containers under lxcpath, which must be an
// absolute, clean path.
func New(lxcpath string, opts ...Option) (*Runner, error) {
	if err := validatePath("lxcpath", lxcpath); err != nil {
		return nil, fmt.Errorf("lxc: %w", err)
	}
	r := &Runner{lxcpath: lxcpath, exec: OSExecer{}, log: slog.New(slog.DiscardHandler), monitord: dialMonitord}
	for _, o := range opts {
		o(r)
	}
	if r.log == nil {
		return nil, errors.New("lxc: nil logger")
	}
	return r, nil
}

// In returns a Runner like r for the containers under another lxcpath.
func (r *Runner) In(lxcpath string) (*Runner, error) {
	if err := validatePath("lxcpath", lxcpath); err != nil {
		return nil, fmt.Errorf("lxc: %w", err)
	}
	c := *r
	c.lxcpath = lxcpath
	return &c, nil
}

// LXCPath returns the lxcpath the Runner works in.
func (r *Runner) LXCPath() string { return r.lxcpath }

// Start runs lxc-start -d; it returns once lxc-start has daemonised the
// container's monitor. Starting a running container fails with
// ErrAlreadyRunning.
func (r *Runner) Start(ctx context.Context, name string, o StartOptions) error {
	args := []string{"-d"}
	for _, f := range []struct{ flag, path string }{{"-f", o.ConfigFile}, {"-o", o.LogFile}, {"-L", o.Console}, {"-p", o.PIDFile}} {
		if f.path == "" {
			continue
		}
		if err := validatePath("start "+f.flag, f.path); err != nil {
			return err
		}
		args = append(args, f.flag, f.path)
	}
	if o.LogLevel != "" {
		if !isWord(o.LogLevel) {
			return fmt.Errorf("start %s: invalid log level %q", name, o.LogLevel)
		}
		args = append(args, "-l", o.LogLevel)
	}
	res, err := r.runRaw(ctx, "lxc-start", name, args, 0)
	switch {
	case err != nil:
		return err
	case res.ExitCode != 0:
		// With -f the container needs no config under the lxcpath.
		return r.commandError(name, r.argv("lxc-start", name, args), res, nil, o.ConfigFile == "")
	case strings.Contains(string(res.Stderr), "is already running"):
		// lxc-start exits 0 when the container already runs.
		return r.commandError(name, r.argv("lxc-start", name, args), res, ErrAlreadyRunning, false)
	}
	return nil
}

// Stop runs lxc-stop: a clean halt by default, or as o says.
func (r *Runner) Stop(ctx context.Context, name string, o StopOptions) error {
	var args []string
	switch {
	case o.Timeout < 0:
		return fmt.Errorf("stop %s: negative timeout %v", name, o.Timeout)
	case o.Kill && (o.Timeout > 0 || o.NoKill || o.NoWait || o.Reboot):
		return fmt.Errorf("stop %s: kill excludes timeout, nokill, nowait and reboot", name)
	case o.NoKill && o.Timeout == 0:
		return fmt.Errorf("stop %s: nokill needs a timeout", name)
	case o.Reboot && (o.Timeout > 0 || o.NoKill):
		return fmt.Errorf("stop %s: reboot excludes timeout and nokill", name)
	}
	if o.Kill {
		args = append(args, "-k")
	}
	if o.Reboot {
		args = append(args, "-r")
	}
	if o.NoWait {
		args = append(args, "-W")
	}
	if o.Timeout > 0 {
		args = append(args, "-t", seconds(o.Timeout))
	}
	if o.NoKill {
		args = append(args, "--nokill")
	}
	_, err := r.run(ctx, "lxc-stop", name, args, o.Timeout)
	return err
}

// State runs lxc-info -s -p -H, the cheap query: the state and init's host
// PID (0 when not running).
func (r *Runner) State(ctx context.Context, name string) (State, int, error) {
	res, err := r.run(ctx, "lxc-info", name, []string{"-s", "-p", "-H"}, 0)
	if err != nil {
		return "", 0, err
	}
	st, pid, err := parseState(res.Stdout)
	if err != nil {
		return "", 0, fmt.Errorf("state %s: %w", name, err)
	}
	return st, pid, nil
}

// Freeze runs lxc-freeze. A stopped container gives ErrNotRunning.
func (r *Runner) Freeze(ctx context.Context, name string) error {
	_, err := r.run(ctx, "lxc-freeze", name, nil, 0)
	return err
}

// Unfreeze runs lxc-unfreeze.
func (r *Runner) Unfreeze(ctx context.Context, name string) error {
	_, err := r.run(ctx, "lxc-unfreeze", name, nil, 0)
	return err
}

// run runs one tool against name and turns a failure into a *CommandError.
func (r *Runner) run(ctx context.Context, tool, name string, args []string, wait time.Duration) (Result, error) {
	res, err := r.runRaw(ctx, tool, name, args, wait)
	if err != nil || res.ExitCode == 0 {
		return res, err
	}
	return res, r.commandError(name, r.argv(tool, name, args), res, nil, true)
}

// runRaw validates name and runs tool -P lxcpath -n name args, bounded by
// the Runner's timeout plus wait (how long the tool was asked to wait);
// only a failure to run, ctx ending or the timeout is an error.
func (r *Runner) runRaw(ctx context.Context, tool, name string, args []string, wait time.Duration) (Result, error) {
	if err := ValidateName(name); err != nil {
		return Result{}, fmt.Errorf("%s: %w", tool, err)
	}
	argv := r.argv(tool, name, args)
	bounded := ctx
	if r.timeout > 0 {
		var cancel context.CancelFunc
		bounded, cancel = context.WithTimeout(ctx, r.timeout+wait)
		defer cancel()
	}
	res, err := r.exec1(bounded, argv, nil)
	if err != nil && ctx.Err() == nil && bounded.Err() != nil {
		err = fmt.Errorf("no exit within the lxc timeout (%v), process group killed: %w", r.timeout+wait, err)
	}
	if err != nil {
		return res, &CommandError{Argv: argv, ExitCode: -1, Stderr: string(res.Stderr), Err: err}
	}
	return res, nil
}

// exec1 runs argv through the Execer and logs it; an ended ctx runs nothing.
func (r *Runner) exec1(ctx context.Context, argv []string, stdin []byte) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{ExitCode: -1}, fmt.Errorf("not started: %w", err)
	}
	start := time.Now()
	res, err := r.exec.Run(ctx, argv, stdin)
	r.log.LogAttrs(ctx, slog.LevelDebug, "exec", slog.Any("argv", argv),
		slog.Duration("duration", time.Since(start)), slog.Int("exit", res.ExitCode), slog.Any("err", err))
	return res, err
}

// commandError builds the error of a command that exited non-zero. With
// checkDefined, a container without a config is not found whatever stderr
// says: lxc-freeze and lxc-stop do not tell ("is not running").
func (r *Runner) commandError(name string, argv []string, res Result, cause error, checkDefined bool) error {
	e := &CommandError{Argv: argv, ExitCode: res.ExitCode, Stderr: string(res.Stderr), Err: cause}
	if checkDefined && cause == nil && !errors.Is(e, ErrNotFound) && !r.defined(name) {
		e.Err = ErrNotFound
	}
	return e
}

// defined reports whether name has a config under the lxcpath, as LXC itself
// decides whether a container is defined.
func (r *Runner) defined(name string) bool {
	_, err := os.Stat(filepath.Join(r.lxcpath, name, "config"))
	return err == nil
}

func (r *Runner) argv(tool, name string, args []string) []string {
	return append([]string{r.bin(tool), "-P", r.lxcpath, "-n", name}, args...)
}

func (r *Runner) bin(tool string) string {
	if r.binDir == "" {
		return tool
	}
	return filepath.Join(r.binDir, tool)
}

// seconds renders d as whole seconds, rounded up, at least 1.
func seconds(d time.Duration) string {
	return strconv.FormatInt(max(1, int64(math.Ceil(d.Seconds()))), 10)
}

// Valid reports whether s is one of the LXC states.
func (s State) Valid() bool {
	switch s {
	case Stopped, Starting, Running, Stopping, Aborting, Freezing, Frozen, Thawed:
		return true
	}
	return false
}

func isWord(s string) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_')
	}) < 0
}
