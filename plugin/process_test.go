package plugin

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/settings"
	"golang.org/x/sys/unix"
)

// Environment of the helper host process (TestHelperSupervisorHost).
const (
	helperPluginEnv = "LXCVIRT_TEST_HOST_PLUGIN"
	helperStateEnv  = "LXCVIRT_TEST_HOST_STATE"
)

// TestPluginKilledWithItsHost kills -9 a host process that supervises the
// test plugin: the kernel kills the plugin with it (Pdeathsig) rather than
// leaving it to notice its parent's exit. The test process is a child
// subreaper meanwhile, so the orphaned plugin becomes its child and the
// way it died can be read: SIGKILL, not an exit of its own.
func TestPluginKilledWithItsHost(t *testing.T) {
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		t.Fatalf("cannot become a child subreaper: %v", err)
	}
	t.Cleanup(func() { _ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0) })
	host := exec.Command(os.Args[0], "-test.run=^TestHelperSupervisorHost$")
	host.Env = append(os.Environ(), helperPluginEnv+"="+buildTestPlugin(t), helperStateEnv+"="+t.TempDir())
	host.Stderr = os.Stderr
	out, err := host.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = host.Process.Kill()
		_ = host.Wait()
	})
	pid, err := readPluginPID(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := host.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = host.Wait()
	reaped := time.Now()
	var ws unix.WaitStatus
	if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
		t.Fatalf("wait for the orphaned plugin %d: %v", pid, err)
	}
	t.Logf("plugin %d ended %v after its host was reaped: %v", pid, time.Since(reaped).Round(time.Microsecond), exitString(ws))
	if !ws.Signaled() || ws.Signal() != unix.SIGKILL {
		t.Errorf("the plugin outlived its host and ended by itself (%v), not by the kernel's SIGKILL", exitString(ws))
	}
}

func exitString(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "signal " + ws.Signal().String()
	}
	return fmt.Sprintf("exit status %d", ws.ExitStatus())
}

// readPluginPID reads the "plugin PID" line the helper host prints.
func readPluginPID(r io.Reader) (int, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("helper host: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "plugin "))
	if err != nil {
		return 0, fmt.Errorf("helper host printed %q", line)
	}
	return pid, nil
}

// TestHelperSupervisorHost is not a test: TestPluginKilledWithItsHost runs
// the test binary with it as a host process that supervises the test plugin
// and waits to be killed.
func TestHelperSupervisorHost(t *testing.T) {
	path := os.Getenv(helperPluginEnv)
	if path == "" {
		t.Skip("helper process of TestPluginKilledWithItsHost")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := NewSupervisor(ctx, SupervisorConfig{
		Path:     path,
		Settings: settings.Settings{StateDir: os.Getenv(helperStateEnv)},
		Logger:   slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("plugin %d\n", s.PID())
	time.Sleep(time.Minute) // the test kills this process long before
	_ = s.Close()
}
