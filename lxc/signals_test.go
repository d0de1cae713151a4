package lxc

import (
	"context"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// sigIgnored reports whether a program this process runs starts with sig
// ignored, from its /proc/self/status.
func sigIgnored(t *testing.T, sig syscall.Signal) bool {
	t.Helper()
	res, err := OSExecer{}.Run(context.Background(), []string{"cat", "/proc/self/status"}, nil)
	if err != nil || res.ExitCode != 0 {
		t.Fatalf("cat: %v %d %s", err, res.ExitCode, res.Stderr)
	}
	for _, l := range strings.Split(string(res.Stdout), "\n") {
		if v, ok := strings.CutPrefix(l, "SigIgn:"); ok {
			mask, err := strconv.ParseUint(strings.TrimSpace(v), 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			return mask&(1<<(uint(sig)-1)) != 0
		}
	}
	t.Fatal("no SigIgn line")
	return false
}

func TestResetIgnoredSignals(t *testing.T) {
	signal.Ignore(syscall.SIGHUP)
	if !sigIgnored(t, syscall.SIGHUP) {
		t.Fatal("an ignored SIGHUP did not reach the child: the test cannot see the fix")
	}
	ResetIgnoredSignals()
	if sigIgnored(t, syscall.SIGHUP) {
		t.Fatal("the child still starts with SIGHUP ignored")
	}
}
