//go:build integration

package runner

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
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// realContainer defines a busybox container with init in a temp lxcpath and
// registers its cleanup (lxc-stop -k, lxc-destroy -f).
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
		if err := c.Destroy(ctx, name, true); err != nil && !errors.Is(err, ErrNotFound) {
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
	r, name, rootfs := realContainer(t, testenv.InitHonoursHalt)
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
	info, err := r.Info(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("info: %+v", info)
	if info.State != Running || info.Name != name || info.PID <= 0 {
		t.Fatalf("Info = %+v; want RUNNING with a PID", info)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", info.PID)); err != nil {
		t.Errorf("init PID %d not alive: %v", info.PID, err)
	}
	if info.MemUse == 0 || info.Link == "" || len(info.Links) != 1 {
		t.Errorf("Info misses stats: %+v", info)
	}
	if _, err := os.Stat("/sys/class/net/" + info.Link); err != nil {
		t.Errorf("host veth %q: %v", info.Link, err)
	}

	if err := r.Freeze(ctx, name); err != nil {
		t.Fatal(err)
	}
	if st, pid, err := r.State(ctx, name); err != nil || st != Frozen || pid != info.PID {
		t.Fatalf("State after Freeze = %v, %d, %v; want FROZEN, %d", st, pid, err, info.PID)
	}
	if err := r.Unfreeze(ctx, name); err != nil {
		t.Fatal(err)
	}
	if st, _, err := r.State(ctx, name); err != nil || st != Running {
		t.Fatalf("State after Unfreeze = %v, %v; want RUNNING", st, err)
	}

	res, err := r.Attach(ctx, name, AttachOptions{}, "hostname")
	if err != nil || strings.TrimSpace(string(res.Stdout)) != name {
		t.Fatalf("Attach hostname = %q, %v; want %q", res.Stdout, err, name)
	}
	res, err = r.Attach(ctx, name, AttachOptions{Env: []string{"X=a b"}, Stdin: []byte("in")}, "sh", "-c", `cat; echo "$X"; exit 3`)
	if err != nil || res.ExitCode != 3 || string(res.Stdout) != "ina b\n" {
		t.Errorf("Attach exit 3 = %+v, %v; want exit 3, stdout %q", res, err, "ina b\n")
	}
	if _, err := r.Attach(ctx, name, AttachOptions{}, "/nonexistent"); err == nil {
		t.Error("Attach of a missing program: no error")
	}

	if err := r.Wait(ctx, name, time.Second, Stopped); !errors.Is(err, ErrTimeout) {
		t.Errorf("Wait STOPPED on a running container = %v; want ErrTimeout", err)
	}
	if err := r.Wait(ctx, name, time.Second, Running, Frozen); err != nil {
		t.Errorf("Wait RUNNING|FROZEN = %v", err)
	}

	start := time.Now()
	if err := r.Stop(ctx, name, StopOptions{Timeout: 10 * time.Second, NoKill: true}); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("clean stop took %v; the init honours the halt signal", d)
	}
	if st, pid, err := r.State(ctx, name); err != nil || st != Stopped || pid != 0 {
		t.Fatalf("State after Stop = %v, %d, %v; want STOPPED, 0", st, pid, err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", info.PID)); err == nil {
		t.Errorf("init PID %d still alive after Stop", info.PID)
	}

	// What a stopped container answers.
	if err := r.Stop(ctx, name, StopOptions{Kill: true}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Stop -k on a stopped container = %v; want ErrNotRunning", err)
	}
	if err := r.Freeze(ctx, name); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Freeze on a stopped container = %v; want ErrNotRunning", err)
	}
	if _, err := r.Attach(ctx, name, AttachOptions{}, "true"); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Attach on a stopped container = %v; want ErrNotRunning", err)
	}
	if err := r.Wait(ctx, name, time.Second, Running); !errors.Is(err, ErrNotRunning) {
		t.Errorf("Wait RUNNING on a stopped container = %v; want ErrNotRunning", err)
	}
	if err := r.Wait(ctx, name, time.Second, Stopped); err != nil {
		t.Errorf("Wait STOPPED on a stopped container = %v", err)
	}

	names, err := r.List(ctx)
	if err != nil || len(names) != 1 || names[0] != name {
		t.Errorf("List = %v, %v; want [%s]", names, err, name)
	}
	if err := r.Destroy(ctx, name, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(r.LXCPath(), name)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("container dir after Destroy: %v", err)
	}
	// lxc-destroy deletes a dir: rootfs even outside the container's
	// directory: callers must not point it at data they want to keep.
	if _, err := os.Stat(filepath.Join(rootfs, "sbin/init")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("rootfs outside the container dir after Destroy: %v; lxc 5.0.2 deletes it", err)
	}
	if _, _, err := r.State(ctx, name); !errors.Is(err, ErrNotFound) {
		t.Errorf("State after Destroy = %v; want ErrNotFound", err)
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
		"wait":     r.Wait(ctx, name, time.Second, Running),
		"destroy":  r.Destroy(ctx, name, true),
	}
	_, checks["info"] = r.Info(ctx, name)
	_, _, checks["state"] = r.State(ctx, name)
	_, checks["attach"] = r.Attach(ctx, name, AttachOptions{}, "true")
	for what, err := range checks {
		var ce *CommandError
		if !errors.Is(err, ErrNotFound) || !errors.As(err, &ce) {
			t.Errorf("%s on an unknown container = %v; want a *CommandError for ErrNotFound", what, err)
		} else {
			t.Logf("%s: %v", what, err)
		}
	}
}

// BenchmarkRealQuery compares the full lxc-info (Info) with the cheap
// lxc-info -s -p (State) on a running container.
func BenchmarkRealQuery(b *testing.B) {
	r, name, _ := realContainer(b, testenv.InitHonoursHalt)
	r.log = slog.New(slog.DiscardHandler)
	ctx := b.Context()
	if err := r.Start(ctx, name, StartOptions{}); err != nil {
		b.Fatal(err)
	}
	b.Run("Info", func(b *testing.B) {
		for b.Loop() {
			if _, err := r.Info(ctx, name); err != nil {
				b.Fatal(err)
			}
		}
	})
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
