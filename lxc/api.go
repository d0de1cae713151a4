// Package lxc owns everything in lxcvirt that touches LXC and the kernel
// for containers. Runner runs the upstream lxc-* tools: every call is an
// argv (never a shell), carries -P <lxcpath> -n <name>, validates the
// name, honours its context and turns stderr into typed errors. Runtime
// builds on it a Container handle per running init — start, stop, kill
// through a pidfd, freeze and thaw, wait for the exit with LXC's wait
// status (lxc-monitord), cgroup and interface counters — LXC's state
// stream, and the host ptys that carry the consoles (ConsoleRelay).
package lxc

import "time"

// State is an LXC container state as lxc-info prints it.
type State string

// LXC container states.
const (
	Stopped  State = "STOPPED"
	Starting State = "STARTING"
	Running  State = "RUNNING"
	Stopping State = "STOPPING"
	Aborting State = "ABORTING"
	Freezing State = "FREEZING"
	Frozen   State = "FROZEN"
	Thawed   State = "THAWED"
)

// StartOptions tune lxc-start.
type StartOptions struct {
	ConfigFile string // -f; default <lxcpath>/<name>/config
	LogFile    string // -o
	LogLevel   string // -l (e.g. "INFO", "DEBUG")
	Console    string // -L console log file (optional)
	// PIDFile (-p) is where LXC's monitor (the daemonised lxc-start) writes
	// its PID before it starts the container; LXC removes it at the stop.
	PIDFile string
}

// StopOptions tune lxc-stop. Without options lxc-stop requests a clean halt,
// waits lxc's default time and then kills.
type StopOptions struct {
	Kill    bool          // -k: SIGKILL init at once
	Timeout time.Duration // -t: wait this long for a clean halt, then kill (0 = lxc's default); rounded up to seconds
	NoKill  bool          // --nokill: with Timeout, fail with ErrTimeout instead of killing
	NoWait  bool          // -W: request the halt, do not wait
	Reboot  bool          // -r
}

// Result is a finished command's output.
type Result struct {
	Stdout   []byte
	Stderr   []byte
	ExitCode int
}
