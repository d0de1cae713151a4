package lxc

import (
	"context"
	"slices"
	"strings"
	"sync"
)

// Stderr texts recorded from the real lxc 5.0.2 tools (Debian 12), run as
// root against lxcpath /tmp/rprobe/lxc with a container pc1 and an unknown
// name nope. Exit codes are noted with each.
const (
	// lxc-info on an unknown name, exit 1 (with or without -s -p -H).
	stderrInfoUnknown = "nope doesn't exist\n"
	// lxc-start -d on an unknown name, exit 1.
	stderrStartUnknown = "lxc-start: nope: ../src/lxc/tools/lxc_start.c: main: 266 No container config specified\n"
	// lxc-start -d on a running container, exit 0.
	stderrStartRunning = "lxc-start: pc1: ../src/lxc/tools/lxc_start.c: main: 256 Container is already running\n"
	// lxc-stop (any options) on an unknown name, exit 2.
	stderrStopUnknown = "lxc-stop: nope: ../src/lxc/tools/lxc_stop.c: main: 168 nope is not running\n"
	// lxc-stop, lxc-stop -k, lxc-stop -t 2 on a stopped container, exit 2.
	stderrStopStopped = "lxc-stop: pc1: ../src/lxc/tools/lxc_stop.c: main: 168 pc1 is not running\n"
	// lxc-stop -t 1 --nokill when init ignores the halt: exit 1, empty stderr.
	stderrStopNoKillTimeout = ""
	// lxc-freeze on an unknown name, exit 1.
	stderrFreezeUnknown = "lxc-freeze: nope: ../src/lxc/tools/lxc_freeze.c: main: 87 Failed to freeze /tmp/rprobe/lxc:nope\n"
	// lxc-unfreeze on an unknown name, exit 1 (on a stopped one: exit 0).
	stderrUnfreezeUnknown = "lxc-unfreeze: nope: ../src/lxc/tools/lxc_unfreeze.c: main: 87 Failed to unfreeze /tmp/rprobe/lxc:nope\n"
	// lxc-freeze on a stopped container, exit 1.
	stderrFreezeStopped = "lxc-freeze: pc1: ../src/lxc/commands.c: lxc_cmd_serve_state_clients: 1579 Connection refused - Failed to serve state clients\n" +
		"lxc-freeze: pc1: ../src/lxc/freezer.c: do_freeze_thaw: 46 Failed to freeze pc1\n" +
		"lxc-freeze: pc1: ../src/lxc/commands.c: lxc_cmd_serve_state_clients: 1579 Connection refused - Failed to serve state clients\n" +
		"lxc-freeze: pc1: ../src/lxc/tools/lxc_freeze.c: main: 87 Failed to freeze /tmp/rprobe/lxc:pc1\n"
)

// Outputs recorded from lxc-info 5.0.2.
const (
	infoRunningRaw = `Name:           pc1
State:          RUNNING
PID:            6070
CPU use:        12086878
BlkIO use:      0
Memory use:     684032
KMem use:       200704
Link:           vethxg6BXT
 TX bytes:      90
 RX bytes:      200
 Total bytes:   290
`
	stateRunning = "State:          RUNNING\nPID:            6070\n"
	stateStopped = "State:          STOPPED\n"
)

// fakeExecer records argvs and answers each with the reply for its tool.
type fakeExecer struct {
	mu      sync.Mutex
	calls   [][]string
	replies map[string]Result // by tool (argv[0]'s base)
	err     error
	hook    func(argv []string) // called with each argv before its reply, unlocked
}

func (f *fakeExecer) Run(ctx context.Context, argv []string, stdin []byte) (Result, error) {
	if f.hook != nil {
		f.hook(argv)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, slices.Clone(argv))
	if f.err != nil {
		return Result{ExitCode: -1}, f.err
	}
	tool := argv[0][strings.LastIndex(argv[0], "/")+1:]
	return f.replies[tool], nil
}

func (f *fakeExecer) last() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) == 0 {
		return nil
	}
	return f.calls[len(f.calls)-1]
}
