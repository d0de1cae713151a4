package dirlock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The lock is per open file description, so a second Acquire in the same
// process stands for a second daemon.
func TestSecondAcquireRefused(t *testing.T) {
	state, run := t.TempDir(), filepath.Join(t.TempDir(), "run")
	l, err := Acquire(Dir{"state dir", state}, Dir{"run dir", run}, Dir{"state dir", state})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(run, FileName))
	if err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("run dir lock file = %q, %v; want this pid", b, err)
	}
	other := t.TempDir()
	_, err = Acquire(Dir{"lxcpath", other}, Dir{"run dir", run})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "run dir "+run) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) {
		t.Fatalf("second Acquire: %v; want the run dir in use by this pid", err)
	}
	// The failed Acquire released what it had locked.
	l2, err := Acquire(Dir{"lxcpath", other})
	if err != nil {
		t.Fatalf("lxcpath still locked after a failed Acquire: %v", err)
	}
	l2.Release()
	l.Release()
	l3, err := Acquire(Dir{"state dir", state}, Dir{"run dir", run})
	if err != nil {
		t.Fatalf("after Release: %v", err)
	}
	l3.Release()
}

// A lock held by another process is seen too, and is dropped when that
// process dies.
func TestLockOfAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("flock(1) not installed")
	}
	cmd := exec.Command("flock", "-x", "-o", filepath.Join(dir, FileName), "sh", "-c", "echo 4242 > "+filepath.Join(dir, FileName)+"; echo locked; exec sleep 100000")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(Dir{"state dir", dir})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "pid 4242") {
		t.Errorf("Acquire while flock(1) holds it: %v", err)
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) // flock (-o: only it holds the lock) and its shell
	_ = cmd.Wait()
	l, err := Acquire(Dir{"state dir", dir})
	if err != nil {
		t.Fatalf("after the holder died: %v", err)
	}
	l.Release()
}
