//go:build integration

package lxc

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// realContainer defines a busybox container with init in a temp lxcpath and
// registers its cleanup (lxc-stop -k; the lxcpath is a temp dir).
func realContainer(t testing.TB, init string) (*Runner, string, string) {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.EnsureBridge(t)
	base := t.TempDir()
	lxcpath := filepath.Join(base, "lxc")
	rootfs := testenv.BuildRootfs(t, filepath.Join(base, "rootfs"), init)
	name := uniqueName(t, "rt")
	if err := os.MkdirAll(filepath.Join(lxcpath, name), 0o755); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`lxc.uts.name = %s
lxc.rootfs.path = dir:%s
lxc.init.cmd = /sbin/init
lxc.net.0.type = veth
lxc.net.0.link = %s
lxc.net.0.flags = up
lxc.net.0.hwaddr = 00:16:3e:%s
lxc.mount.auto = proc:mixed sys:ro cgroup:mixed
lxc.tty.max = 1
lxc.pty.max = 16
lxc.autodev = 1
lxc.cgroup.memory.limit_in_bytes = 512000000
`, name, rootfs, testenv.Bridge, randomMAC(t))
	if err := os.WriteFile(filepath.Join(lxcpath, name, "config"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := New(lxcpath, WithLogger(slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		// The test's own logger must not be used after it ends.
		c, _ := New(lxcpath)
		if err := c.Stop(ctx, name, StopOptions{Kill: true}); err != nil && !errors.Is(err, ErrNotRunning) && !errors.Is(err, ErrNotFound) {
			t.Errorf("cleanup: %v", err)
		}
	})
	return r, name, rootfs
}

func uniqueName(t testing.TB, prefix string) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

func randomMAC(t testing.TB) string {
	b := make([]byte, 3)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%02x:%02x:%02x", b[0], b[1], b[2])
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

func TestRealLifecycle(t *testing.T) {
	r, name, _ := realContainer(t, testenv.InitHonoursHalt)
	ctx := t.Context()

	if st, pid, err := r.State(ctx, name); err != nil || st != Stopped || pid != 0 {
		t.Fatalf("State before start = %v, %d, %v; want STOPPED, 0", st, pid, err)
	}
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx, name, StartOptions{}); !errors.Is(err, ErrAlreadyRunning) {
		t.Errorf("second Start = %v; want ErrAlreadyRunning", err)
	}
	st, initPID, err := r.State(ctx, name)
	if err != nil || st != Running || initPID <= 0 {
		t.Fatalf("State = %v, %d, %v; want RUNNING with a PID", st, initPID, err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", initPID)); err != nil {
		t.Errorf("init PID %d not alive: %v", initPID, err)
	}

	if err := r.Freeze(ctx, name); err != nil {
		t.Fatal(err)
	}
	if st, pid, err := r.State(ctx, name); err != nil || st != Frozen || pid != initPID {
		t.Fatalf("State after Freeze = %v, %d, %v; want FROZEN, %d", st, pid, err, initPID)
	}
	if err := r.Unfreeze(ctx, name); err != nil {
		t.Fatal(err)
	}
	if st, _, err := r.State(ctx, name); err != nil || st != Running {
		t.Fatalf("State after Unfreeze = %v, %v; want RUNNING", st, err)
	}

	// Without a kill to fall back on, Stop succeeds only if init halted;
	// LXC's halt signal is SIGPWR.
	testenv.WaitCatches(t, initPID, syscall.SIGPWR)
	if err := r.Stop(ctx, name, StopOptions{Timeout: 10 * time.Second, NoKill: true}); err != nil {
		t.Fatal(err)
	}
	if st, pid, err := r.State(ctx, name); err != nil || st != Stopped || pid != 0 {
		t.Fatalf("State after Stop = %v, %d, %v; want STOPPED, 0", st, pid, err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", initPID)); err == nil {
		t.Errorf("init PID %d still alive after Stop", initPID)
	}

	// What a stopped container answers.
	if err := r.Stop(ctx, name, StopOptions{Kill: true}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Stop -k on a stopped container = %v; want ErrNotRunning", err)
	}
	if err := r.Freeze(ctx, name); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Freeze on a stopped container = %v; want ErrNotRunning", err)
	}
}

func TestRealStopEscalation(t *testing.T) {
	r, name, _ := realContainer(t, testenv.InitIgnoresHalt)
	ctx := t.Context()
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		t.Fatal(err)
	}
	err := r.Stop(ctx, name, StopOptions{Timeout: time.Second, NoKill: true})
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("Stop --nokill on an init ignoring the halt = %v; want ErrTimeout", err)
	}
	if st, _, err := r.State(ctx, name); err != nil || st != Running {
		t.Fatalf("State after timed-out stop = %v, %v; want RUNNING", st, err)
	}
	if err := r.Stop(ctx, name, StopOptions{Kill: true}); err != nil {
		t.Fatal(err)
	}
	if st, _, err := r.State(ctx, name); err != nil || st != Stopped {
		t.Fatalf("State after Stop -k = %v, %v; want STOPPED", st, err)
	}
	// Without --nokill lxc-stop kills after the timeout and succeeds.
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Stop(ctx, name, StopOptions{Timeout: time.Second}); err != nil {
		t.Fatal(err)
	}
	if st, _, err := r.State(ctx, name); err != nil || st != Stopped {
		t.Fatalf("State after Stop -t 1 = %v, %v; want STOPPED", st, err)
	}
}

func TestRealUnknownContainer(t *testing.T) {
	r, _, _ := realContainer(t, testenv.InitHonoursHalt)
	ctx := t.Context()
	name := uniqueName(t, "nope")
	checks := map[string]error{
		"start":    r.Start(ctx, name, StartOptions{}),
		"stop":     r.Stop(ctx, name, StopOptions{}),
		"stop -k":  r.Stop(ctx, name, StopOptions{Kill: true}),
		"freeze":   r.Freeze(ctx, name),
		"unfreeze": r.Unfreeze(ctx, name),
	}
	_, _, checks["state"] = r.State(ctx, name)
	for what, err := range checks {
		var ce *CommandError
		if !errors.Is(err, ErrNotFound) || !errors.As(err, &ce) {
			t.Errorf("%s on an unknown container = %v; want a *CommandError for ErrNotFound", what, err)
		} else {
			t.Logf("%s: %v", what, err)
		}
	}
}

// BenchmarkRealQuery measures the cheap lxc-info -s -p (State) and a
// freeze and thaw on a running container.
func BenchmarkRealQuery(b *testing.B) {
	r, name, _ := realContainer(b, testenv.InitHonoursHalt)
	r.log = slog.New(slog.DiscardHandler)
	ctx := b.Context()
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Run("State", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := r.State(ctx, name); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Freeze+Unfreeze", func(b *testing.B) {
		for b.Loop() {
			if err := r.Freeze(ctx, name); err != nil {
				b.Fatal(err)
			}
			if err := r.Unfreeze(ctx, name); err != nil {
				b.Fatal(err)
			}
		}
	})
}
