//go:build integration

package integration

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// guestXML is a container on the test bridge that keeps the sys_boot
// capability, so reboot(2) inside it restarts or halts the container the
// way a guest's own reboot and poweroff do (libvirt's LXC driver keeps it
// too on kernels with containerised reboot). extra goes after <os> (e.g.
// <on_reboot>).
func guestXML(name, rootfs, extra string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>%s
  <features><capabilities policy='default'><sys_boot state='on'/></capabilities></features>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='bridge'><source bridge='%s'/></interface>
  </devices>
</domain>`, name, extra, rootfs, testenv.Bridge)
}

// inGuest runs argv inside the running container name with lxc-attach, so
// it has the container's own capabilities, and returns its output.
func (h *host) inGuest(name string, argv ...string) (string, error) {
	ctx, cancel := context.WithTimeout(h.t.Context(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "lxc-attach", append([]string{"-P", h.lxcPath, "-n", name, "--"}, argv...)...).CombinedOutput()
	return string(out), err
}

// eventWatch is a running `virsh event --all --loop`; its event lines are
// read as virsh prints them.
type eventWatch struct {
	t     testing.TB
	lines chan string
}

// registrations counts the event callbacks the daemon has registered, from
// its debug log.
func (d *daemon) registrations() int {
	return strings.Count(d.log(), "proc=REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY")
}

// watchEvents starts `virsh event --all --loop` and returns once virsh has
// registered for every event.
func (d *daemon) watchEvents() *eventWatch {
	d.t.Helper()
	return d.watch(domainEventIDs, "--all", "--loop")
}

// watch starts `virsh event` with args and returns once virsh has
// registered its callbacks (how many args ask for).
func (d *daemon) watch(callbacks int, args ...string) *eventWatch {
	d.t.Helper()
	before := d.registrations()
	cmd := exec.Command("virsh", append([]string{"-c", uri(d.sock), "event"}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LIBVIRT_DEFAULT_URI=")
	out, err := cmd.StdoutPipe()
	if err != nil {
		d.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		d.t.Fatal(err)
	}
	w := &eventWatch{t: d.t, lines: make(chan string, 256)}
	go func() {
		defer close(w.lines)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); line != "" {
				w.lines <- line
			}
		}
	}()
	d.t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(30 * time.Second)
	for d.registrations()-before < callbacks {
		if time.Now().After(deadline) {
			d.t.Fatalf("virsh event %s registered %d of %d callbacks in 30s", strings.Join(args, " "), d.registrations()-before, callbacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return w
}

// domainEventIDs is how many callbacks `virsh event --all` registers.
const domainEventIDs = 27

// next returns the next line virsh printed.
func (w *eventWatch) next(timeout time.Duration) (string, bool) {
	select {
	case line, ok := <-w.lines:
		return line, ok
	case <-time.After(timeout):
		return "", false
	}
}

// want asserts that virsh prints exactly these lines next, in order.
func (w *eventWatch) want(lines ...string) {
	w.t.Helper()
	for _, want := range lines {
		got, ok := w.next(20 * time.Second)
		if !ok {
			w.t.Fatalf("virsh event printed nothing more; want %q", want)
		}
		if got != want {
			w.t.Fatalf("virsh event printed %q; want %q", got, want)
		}
	}
}

// quiet asserts that virsh prints nothing for d.
func (w *eventWatch) quiet(d time.Duration) {
	w.t.Helper()
	if got, ok := w.next(d); ok {
		w.t.Fatalf("unexpected event line %q", got)
	}
}

// lifecycleLine is how virsh event prints a lifecycle event.
func lifecycleLine(name, what string) string {
	return fmt.Sprintf("event 'lifecycle' for domain '%s': %s", name, what)
}

// runTool runs a host tool (an lxc-* command behind the daemon's back).
func runTool(argv0 string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, argv0, args...).CombinedOutput()
	return string(out), err
}

// busyWork is a shell loop that costs about a second of CPU here.
const busyWork = `i=0; while [ $i -lt 400000 ]; do i=$((i+1)); done`

// cgroupCPU is the CPU time, in seconds, the kernel accounts to the
// cgroup of the container whose init is pid: cpuacct.usage (v1) or
// cpu.stat's usage_usec (v2).
func cgroupCPU(t testing.TB, pid int) float64 {
	t.Helper()
	path := cgroupFile(t, pid, "cpuacct", "cpuacct.usage", "cpu.stat")
	v := readTrim(t, path)
	if filepath.Base(path) == "cpuacct.usage" {
		ns, err := strconv.ParseUint(v, 10, 64)
		must(t, err)
		return float64(ns) / 1e9
	}
	for line := range strings.Lines(v) {
		if k, us, ok := strings.Cut(strings.TrimSpace(line), " "); ok && k == "usage_usec" {
			n, err := strconv.ParseUint(us, 10, 64)
			must(t, err)
			return float64(n) / 1e6
		}
	}
	t.Fatalf("%s has no usage_usec:\n%s", path, v)
	return 0
}
