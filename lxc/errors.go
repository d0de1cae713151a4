package lxc

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Sentinels a *CommandError unwraps to; test with errors.Is.
var (
	ErrNotFound       = errors.New("container not found")
	ErrNotRunning     = errors.New("container not running")
	ErrAlreadyRunning = errors.New("container already running")
	ErrTimeout        = errors.New("timed out")
	ErrInvalidName    = errors.New("invalid container name")
)

// CommandError is a failed lxc-* command.
type CommandError struct {
	Argv     []string
	ExitCode int    // -1 when the command did not run to its end
	Stderr   string // as the command printed it
	Err      error  // why it could not run or was killed (wraps ctx.Err()), or a sentinel the Runner established
}

// Error names the command and the most useful line of its stderr.
func (e *CommandError) Error() string {
	cmd := quoteArgv(e.Argv)
	if e.Err != nil && !isSentinel(e.Err) {
		return fmt.Sprintf("%s: %v", cmd, e.Err)
	}
	msg := firstLine(e.Stderr)
	if msg == "" {
		if s := e.sentinel(); s != nil {
			msg = s.Error()
		} else {
			msg = "no error output"
		}
	}
	return fmt.Sprintf("%s: exit status %d: %s", cmd, e.ExitCode, msg)
}

// Unwrap returns the sentinel matching the failure (ErrNotFound,
// ErrNotRunning, ErrAlreadyRunning, ErrTimeout); otherwise Err, which is nil
// for a plain non-zero exit.
func (e *CommandError) Unwrap() error {
	if s := e.sentinel(); s != nil {
		return s
	}
	return e.Err
}

func (e *CommandError) sentinel() error {
	if isSentinel(e.Err) {
		return e.Err
	}
	if e.Err != nil {
		return nil // killed or not run: stderr says nothing reliable
	}
	return classify(e.Argv, e.ExitCode, e.Stderr)
}

func isSentinel(err error) bool {
	return err != nil && slices.Contains([]error{ErrNotFound, ErrNotRunning, ErrAlreadyRunning, ErrTimeout, ErrInvalidName, ErrConsoleBusy}, err)
}

// stderrRules map lxc 5.0 stderr texts to sentinels, first match wins. The
// texts are recorded in the package tests' fake.
var stderrRules = []struct {
	tool string // "" = any lxc-* tool
	text string
	err  error
}{
	{"", "doesn't exist", ErrNotFound},                      // lxc-info, lxc-freeze …
	{"", "No container config specified", ErrNotFound},      // lxc-start
	{"", "is already running", ErrAlreadyRunning},           // lxc-start
	{"", "is not running", ErrNotRunning},                   // lxc-stop, lxc-console
	{"lxc-console", "Denied access to tty", ErrConsoleBusy}, // attached elsewhere, or no such tty
	// No monitor socket to talk to: the container is stopped.
	{"", "Connection refused", ErrNotRunning},
}

func classify(argv []string, exit int, stderr string) error {
	tool := ""
	if len(argv) > 0 {
		tool = filepath.Base(argv[0])
	}
	for _, r := range stderrRules {
		if (r.tool == "" || r.tool == tool) && strings.Contains(stderr, r.text) {
			return r.err
		}
	}
	if strings.TrimSpace(stderr) != "" || exit == 0 {
		return nil
	}
	switch tool {
	case "lxc-stop":
		// With --nokill, lxc-stop exits 1 silently when the halt timed out.
		if exit == 1 && slices.Contains(argv, "--nokill") {
			return ErrTimeout
		}
	}
	return nil
}

// lxcLogPrefix matches the "lxc-stop: ct1: ../src/lxc/tools/lxc_stop.c: main: 168 "
// prefix of lxc's log lines.
var lxcLogPrefix = regexp.MustCompile(`^lxc-[\w-]+: .*?: \S+\.c: \w+: \d+ `)

// firstLine returns the first non-empty line of stderr without lxc's source
// location prefix.
func firstLine(stderr string) string {
	for line := range strings.Lines(stderr) {
		line = strings.TrimSpace(lxcLogPrefix.ReplaceAllString(strings.TrimSpace(line), ""))
		if line != "" {
			return line
		}
	}
	return ""
}

func quoteArgv(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsFunc(a, func(r rune) bool { return r <= ' ' || r == '"' || r == '\'' || r == '|' }) {
			a = fmt.Sprintf("%q", a)
		}
		q[i] = a
	}
	return strings.Join(q, " ")
}
