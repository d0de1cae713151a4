package lxc

import (
	"os/exec"
	"runtime"
	"testing"
	"time"
)

// TestProcWatch: watches share one poller goroutine; each fires when its
// own process exits, and a closed watch never fires.
func TestProcWatch(t *testing.T) {
	const n = 20
	cmds := make([]*exec.Cmd, n)
	ws := make([]*procWatch, n)
	for i := range cmds {
		cmds[i] = exec.Command("sleep", "60")
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmds[i].Process.Kill(); _ = cmds[i].Wait() })
	}
	before := runtime.NumGoroutine()
	for i, c := range cmds {
		ws[i] = watchProc(c.Process.Pid)
	}
	if g := runtime.NumGoroutine() - before; g > 1 {
		t.Errorf("%d watches started %d goroutines; want at most one (the poller's)", n, g)
	}
	ws[1].Close()
	for _, i := range []int{0, 1, 2} {
		_ = cmds[i].Process.Kill()
		_ = cmds[i].Wait()
	}
	for _, i := range []int{0, 2} {
		select {
		case <-ws[i].Exited():
		case <-time.After(10 * time.Second):
			t.Fatalf("watch %d: no exit seen", i)
		}
		if !ws[i].exitedNow() || ws[i].kill() {
			t.Errorf("watch %d: exited process reads as running", i)
		}
	}
	if ws[1].HasExited() {
		t.Error("a closed watch fired")
	}
	for i := 3; i < n; i++ {
		if ws[i].HasExited() || ws[i].exitedNow() {
			t.Errorf("watch %d fired for a running process", i)
		}
		ws[i].Close()
	}
	// A process already gone is exited at once.
	c := exec.Command("true")
	if err := c.Run(); err != nil {
		t.Fatal(err)
	}
	if w := watchProc(c.Process.Pid); !w.HasExited() {
		t.Error("watch of a reaped process is not exited")
	}
}
