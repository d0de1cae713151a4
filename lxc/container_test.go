package lxc

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// fakeRoots are a test's /proc, cgroup root and /sys/class/net.
type fakeRoots struct{ proc, cgroup, net string }

func newRoots(t *testing.T) fakeRoots {
	base := t.TempDir()
	r := fakeRoots{filepath.Join(base, "proc"), filepath.Join(base, "cgroup"), filepath.Join(base, "net")}
	for _, d := range []string{r.proc, r.cgroup, r.net} {
		must(t, os.MkdirAll(d, 0o755))
	}
	return r
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o755))
	must(t, os.WriteFile(path, []byte(content), 0o644))
}

// process writes pid's /proc files: its parent, its children and its v1
// cgroups (lxc.payload.<name>) with their counters.
func (fr fakeRoots) process(t *testing.T, pid, ppid int, name string) {
	p := strconv.Itoa(pid)
	write(t, filepath.Join(fr.proc, p, "stat"), fmt.Sprintf("%d (a (b) c) S %d %d 0 0\n", pid, ppid, pid))
	write(t, filepath.Join(fr.proc, p, "status"), fmt.Sprintf("Name:\tinit\nNSpid:\t%d\t1\n", pid))
	cg := "/lxc.payload." + name
	write(t, filepath.Join(fr.proc, p, "cgroup"), fmt.Sprintf("6:freezer:%s\n4:memory:%s\n2:cpu,cpuacct:%s\n0::%s\n", cg, cg, cg, cg))
	for file, v := range map[string]string{
		"freezer/freezer.state":            "THAWED",
		"memory/memory.usage_in_bytes":     "10485760",
		"cpu,cpuacct/cpuacct.usage":        "3000000000",
		"cpu,cpuacct/cpuacct.usage_user":   "2000000000",
		"cpu,cpuacct/cpuacct.usage_sys":    "1000000000",
		"cpu,cpuacct/cpuacct.usage_percpu": "1000000000 2000000000 ",
	} {
		ctrl, f := filepath.Split(file)
		write(t, filepath.Join(fr.cgroup, ctrl, "lxc.payload."+name, f), v+"\n")
	}
}

// testRuntime is a Runtime on r's lxcpath reading the fake roots.
func testRuntime(t *testing.T, r *Runner, fr fakeRoots) *Runtime {
	sys, err := detectSystem(fr.cgroup, fr.proc, fr.net)
	must(t, err)
	return &Runtime{r: r, sys: sys, log: slog.New(slog.DiscardHandler), live: map[string]*Container{}}
}

// sleeper starts a process that runs until killed; then, when set, it runs
// then.
func sleeper(t *testing.T, then func()) *exec.Cmd {
	c := exec.Command("sleep", "3600")
	c.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	must(t, c.Start())
	go func() {
		_ = c.Wait()
		if then != nil {
			then()
		}
	}()
	t.Cleanup(func() { _ = c.Process.Kill() })
	return c
}

func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("%s never happened", what)
	}
}

// A v1 host: a container's cgroups come from /proc/<pid>/cgroup, its
// counters and freezer from them, and a host-side device's counters are
// turned into the guest's view.
func TestSystemReadsContainer(t *testing.T) {
	fr := newRoots(t)
	fr.process(t, 4242, 4241, "web")
	write(t, filepath.Join(fr.proc, "4241", "task", "4241", "children"), "4242 ")
	sys, err := detectSystem(fr.cgroup, fr.proc, fr.net)
	must(t, err)
	if sys.layout != xmlmap.CgroupV1 {
		t.Fatalf("layout = %v; want v1", sys.layout)
	}
	cg, err := sys.cgroupsOf(4242)
	must(t, err)
	u, err := sys.usage(cg)
	must(t, err)
	want := Usage{CPUNs: 3e9, UserNs: 2e9, SystemNs: 1e9, PerCPUNs: []uint64{1e9, 2e9}, MemBytes: 10 << 20}
	if u.CPUNs != want.CPUNs || u.UserNs != want.UserNs || u.SystemNs != want.SystemNs || !slices.Equal(u.PerCPUNs, want.PerCPUNs) || u.MemBytes != want.MemBytes {
		t.Errorf("usage = %+v; want %+v", u, want)
	}
	// Where the kernel has cpuacct.usage_all, that one file gives the
	// split and per-CPU counters; the total stays cpuacct.usage's.
	write(t, filepath.Join(fr.cgroup, "cpu,cpuacct", "lxc.payload.web", "cpuacct.usage_all"), "cpu user system\n0 600 400\n1 1500 500\n")
	u, err = sys.usage(cg)
	must(t, err)
	want = Usage{CPUNs: 3e9, UserNs: 2100, SystemNs: 900, PerCPUNs: []uint64{1000, 2000}, MemBytes: 10 << 20}
	if u.CPUNs != want.CPUNs || u.UserNs != want.UserNs || u.SystemNs != want.SystemNs || !slices.Equal(u.PerCPUNs, want.PerCPUNs) || u.MemBytes != want.MemBytes {
		t.Errorf("usage from cpuacct.usage_all = %+v; want %+v", u, want)
	}
	if frozen, err := sys.frozen(cg); err != nil || frozen {
		t.Errorf("frozen = %v, %v; want thawed", frozen, err)
	}
	write(t, filepath.Join(fr.cgroup, "freezer", "lxc.payload.web", "freezer.state"), "FREEZING\n")
	if frozen, err := sys.frozen(cg); err != nil || !frozen {
		t.Errorf("frozen while freezing = %v, %v", frozen, err)
	}
	if ppid, err := sys.parentPID(4242); err != nil || ppid != 4241 {
		t.Errorf("parentPID = %d, %v (comm with spaces and parentheses)", ppid, err)
	}
	if c := sys.onlyChild(4241); c != 4242 {
		t.Errorf("onlyChild = %d", c)
	}
	for f, v := range map[string]string{
		"rx_bytes": "100", "rx_packets": "2", "rx_errors": "5", "rx_dropped": "6",
		"tx_bytes": "300", "tx_packets": "4", "tx_errors": "7", "tx_dropped": "8",
	} {
		write(t, filepath.Join(fr.net, "vx1", "statistics", f), v+"\n")
	}
	ifc, err := sys.netStats("vx1")
	must(t, err)
	wantIf := Interface{Name: "vx1", RxBytes: 300, RxPackets: 4, RxErrs: 7, RxDrop: 8, TxBytes: 100, TxPackets: 2, TxErrs: 5, TxDrop: 6}
	if ifc != wantIf {
		t.Errorf("netStats = %+v; want %+v (guest view)", ifc, wantIf)
	}
	// The same counters for every device at once, from /proc/net/dev.
	write(t, filepath.Join(fr.proc, "self", "net", "dev"), `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:       9       9    0    0    0     0          0         0        9       9    0    0    0     0       0          0
   vx1:     100       2    5    6    0     0          0         0      300       4    7    8    0     0       0          0
`)
	all, err := sys.allNetStats()
	must(t, err)
	if len(all) != 2 || all["vx1"] != wantIf {
		t.Errorf("allNetStats = %+v; want vx1 %+v and lo", all, wantIf)
	}
}

// A unified host: cpu.stat, memory.current and cgroup.freeze.
func TestSystemReadsUnifiedCgroups(t *testing.T) {
	fr := newRoots(t)
	write(t, filepath.Join(fr.cgroup, "cgroup.controllers"), "cpu memory\n")
	write(t, filepath.Join(fr.proc, "7", "cgroup"), "0::/lxc.payload.web\n")
	dir := filepath.Join(fr.cgroup, "lxc.payload.web")
	write(t, filepath.Join(dir, "cpu.stat"), "usage_usec 30\nuser_usec 20\nsystem_usec 10\n")
	write(t, filepath.Join(dir, "memory.current"), "4096\n")
	write(t, filepath.Join(dir, "cgroup.freeze"), "1\n")
	sys, err := detectSystem(fr.cgroup, fr.proc, fr.net)
	must(t, err)
	if sys.layout != xmlmap.CgroupV2 {
		t.Fatalf("layout = %v; want v2", sys.layout)
	}
	cg, err := sys.cgroupsOf(7)
	must(t, err)
	u, err := sys.usage(cg)
	if err != nil || u.CPUNs != 30000 || u.UserNs != 20000 || u.SystemNs != 10000 || u.MemBytes != 4096 {
		t.Errorf("usage = %+v, %v", u, err)
	}
	if frozen, err := sys.frozen(cg); err != nil || !frozen {
		t.Errorf("frozen = %v, %v", frozen, err)
	}
}

// Start writes the config and learns init's PID as the only child of LXC's
// monitor, whose PID lxc-start wrote, without asking lxc-info; when the
// monitor does not tell, it asks lxc-info.
func TestStartFindsInitThroughTheMonitor(t *testing.T) {
	r, f := newFake(t)
	fr := newRoots(t)
	rt := testRuntime(t, r, fr)
	init := sleeper(t, nil)
	monitor := os.Getpid()
	fr.process(t, init.Process.Pid, monitor, "pc1")
	write(t, filepath.Join(fr.proc, strconv.Itoa(monitor), "task", strconv.Itoa(monitor), "children"), strconv.Itoa(init.Process.Pid))
	dir := filepath.Join(r.LXCPath(), "pc1")
	pidFile := filepath.Join(dir, "monitor.pid")
	write(t, pidFile, strconv.Itoa(monitor))

	c, err := rt.Start(t.Context(), "pc1", []byte("lxc.uts.name = pc1\n"))
	must(t, err)
	defer c.Close()
	if b, err := os.ReadFile(filepath.Join(dir, "config")); err != nil || string(b) != "lxc.uts.name = pc1\n" {
		t.Errorf("config = %q, %v", b, err)
	}
	wantArgv := []string{"lxc-start", "-P", r.LXCPath(), "-n", "pc1", "-d", "-f", filepath.Join(dir, "config"),
		"-o", filepath.Join(dir, "lxc.log"), "-p", pidFile}
	if !slices.Equal(f.calls[0], wantArgv) {
		t.Errorf("argv %q; want %q", f.calls[0], wantArgv)
	}
	if c.PID() != init.Process.Pid {
		t.Errorf("init = %d; want %d", c.PID(), init.Process.Pid)
	}
	for _, call := range f.calls {
		if filepath.Base(call[0]) == "lxc-info" {
			t.Errorf("the start ran %v", call)
		}
	}
	if frozen, err := c.Frozen(); err != nil || frozen {
		t.Errorf("the handle reads its freezer: %v, %v", frozen, err)
	}

	must(t, os.Remove(pidFile))
	c, err = rt.Start(t.Context(), "pc1", nil)
	must(t, err)
	defer c.Close()
	if c.PID() != 6070 || filepath.Base(f.last()[0]) != "lxc-info" {
		t.Errorf("without a pid file: init %d after %v; want lxc-info's 6070", c.PID(), f.last())
	}

	f.replies["lxc-info"] = Result{Stdout: []byte(stateStopped)}
	if _, err := rt.Start(t.Context(), "pc1", nil); !errors.Is(err, ErrStoppedAtStart) {
		t.Errorf("a container that stopped at once: %v", err)
	}
}

// A failed start says what LXC's log says, kills what it may have left
// and removes the directory it made.
func TestStartFailure(t *testing.T) {
	r, f := newFake(t)
	rt := testRuntime(t, r, newRoots(t))
	f.replies["lxc-start"] = Result{ExitCode: 1, Stderr: []byte("lxc-start: web: ../src/lxc/tools/lxc_start.c: main: 306 The container failed to start\n")}
	f.replies["lxc-stop"] = Result{ExitCode: 2, Stderr: []byte(stderrStopStopped)}
	dir := filepath.Join(r.LXCPath(), "web")
	log := "lxc-start web 20260101 INFO     start - ../src/lxc/start.c:x:1 - starting\n" +
		"lxc-start web 20260101 ERROR    conf - ../src/lxc/conf.c:a:2 - first\n" +
		"lxc-start web 20260101 ERROR    start - ../src/lxc/start.c:b:3 - second\n"
	f.hook = func(argv []string) {
		if filepath.Base(argv[0]) == "lxc-start" {
			write(t, filepath.Join(dir, "lxc.log"), log)
		}
	}
	_, err := rt.Start(t.Context(), "web", []byte("lxc.uts.name = web\n"))
	var ce *CommandError
	if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), "LXC: first; second (lxc-start ") {
		t.Fatalf("err = %v; want lxc-start's error with the log's error lines", err)
	}
	if got := f.last(); filepath.Base(got[0]) != "lxc-stop" || got[len(got)-1] != "-k" {
		t.Errorf("last command %q; want lxc-stop -k", got)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("container dir after the failed start: %v", err)
	}

	// A config that cannot be written runs nothing.
	r2, f2 := newFake(t)
	rt2 := testRuntime(t, r2, newRoots(t))
	write(t, filepath.Join(r2.LXCPath(), "web"), "not a directory")
	if _, err := rt2.Start(t.Context(), "web", nil); !errors.Is(err, ErrSetup) || len(f2.calls) != 0 {
		t.Errorf("start where the container dir is a file: %v, ran %q", err, f2.calls)
	}
}

// Kill goes through init's pidfd (no lxc-stop) and returns once init and
// then LXC's monitor are gone; for an init already replaced it runs
// lxc-stop -k.
func TestContainerKill(t *testing.T) {
	r, f := newFake(t)
	fr := newRoots(t)
	rt := testRuntime(t, r, fr)
	monitor := sleeper(t, nil)
	init := sleeper(t, func() { _ = monitor.Process.Kill() }) // LXC's monitor leaves after init
	fr.process(t, init.Process.Pid, monitor.Process.Pid, "pc1")

	c := rt.Adopt("pc1", init.Process.Pid)
	defer c.Close()
	if c.MonitorExited() == nil {
		t.Fatal("the handle does not know LXC's monitor")
	}
	must(t, c.Kill(t.Context()))
	waitClosed(t, c.Exited(), "init's exit")
	waitClosed(t, c.MonitorExited(), "the monitor's exit")
	if c.Running() {
		t.Error("init still runs after the kill")
	}
	if len(f.calls) != 0 {
		t.Errorf("the kill ran %v", f.calls)
	}

	// The same init again: it is gone, so LXC's current one is killed.
	must(t, c.Kill(t.Context()))
	if got := f.last(); len(got) < 2 || filepath.Base(got[0]) != "lxc-stop" || got[len(got)-1] != "-k" {
		t.Errorf("kill of a replaced init ran %v; want lxc-stop -k", got)
	}
}

// Wait returns LXC's report of init's exit, which the state stream hands
// to the container's current handle; without a stream it does not wait.
func TestContainerWaitReport(t *testing.T) {
	r, _ := newFake(t)
	rt := testRuntime(t, r, newRoots(t))
	init := sleeper(t, nil)
	c := rt.Adopt("pc1", init.Process.Pid)
	defer c.Close()
	rt.streams.Add(1)
	rt.reportExit(StateEvent{Name: "pc1", Exited: true, ExitStatus: int(unix.SIGHUP), WaitStatus: true})
	rt.reportExit(StateEvent{Name: "pc1", Exited: true, ExitStatus: 0, WaitStatus: true}) // only the first counts
	_ = init.Process.Kill()
	if got, want := c.Wait(t.Context()), (Exit{Reported: true, Status: int(unix.SIGHUP), WaitStatus: true}); got != want {
		t.Errorf("Wait = %+v; want %+v", got, want)
	}

	rt.streams.Add(-1)
	other := sleeper(t, nil)
	c2 := rt.Adopt("pc1", other.Process.Pid)
	defer c2.Close()
	_ = other.Process.Kill()
	if got := c2.Wait(t.Context()); got.Reported {
		t.Errorf("Wait without a stream = %+v; want no report", got)
	}
}

// A console relay keeps the console on a host pty: what is typed on the
// pty reaches lxc-console, what it prints comes out of the pty, and an
// lxc-console that leaves while the container runs is replaced.
func TestConsoleRelay(t *testing.T) {
	r, _ := fakeConsoleRunner(t)
	rt := testRuntime(t, r, newRoots(t))
	cr, err := rt.ConsoleRelay(t.Context(), "ct1", 0, false, func() bool { return true })
	must(t, err)
	defer func() { cr.Close(); cr.Wait() }()
	if fi, err := os.Stat(cr.Path()); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("console pty %q: %v", cr.Path(), err)
	}
	s, err := cr.Open()
	must(t, err)
	defer s.Close()
	out := collect(s)
	_, err = s.Write([]byte("typed on the pty\n"))
	must(t, err)
	out.waitFor(t, "typed on the pty\n", 10*time.Second)

	cr.mu.Lock()
	rc := cr.rc
	cr.mu.Unlock()
	if rc == nil {
		t.Fatal("the relay is not attached")
	}
	must(t, rc.Close())
	_, err = s.Write([]byte("again\n"))
	must(t, err)
	out.waitFor(t, "again\n", 10*time.Second)

	cr.Close()
	waitClosed(t, out.done, "the session's end")
	if err := out.err; !errors.Is(err, syscall.EIO) && !errors.Is(err, io.EOF) {
		t.Errorf("read of the pty after the relay closed: %v; want it hung up", err)
	}
}

// Output of a console LXC logs to a file reaches the pty only while a
// session is open (Nova drains the pty into that file); output of any
// other console always does.
func TestConsoleRelayLoggedOutput(t *testing.T) {
	ptm, pts, path, err := openPTY()
	must(t, err)
	r := &ConsoleRelay{ptm: ptm, pts: pts, path: path}
	defer r.closeFiles()
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	must(t, err)
	defer f.Close()

	r.SetLogged(true)
	r.toPTY([]byte("dropped "))
	r.clients.Add(1)
	r.toPTY([]byte("while open "))
	r.clients.Add(-1)
	r.SetLogged(false)
	r.toPTY([]byte("unlogged\n"))
	out := collect(f)
	out.waitFor(t, "while open unlogged\n", 10*time.Second)
	if got := out.String(); got != "while open unlogged\n" {
		t.Errorf("pty output %q", got)
	}
}

// OpenNamespaces opens init's own namespaces, and nothing once init has
// exited.
func TestContainerOpenNamespaces(t *testing.T) {
	r, _ := newFake(t)
	rt := testRuntime(t, r, fakeRoots{proc: "/proc", cgroup: t.TempDir(), net: t.TempDir()})
	init := sleeper(t, nil)
	c := rt.Adopt("pc1", init.Process.Pid)
	defer c.Close()
	files, err := c.OpenNamespaces()
	must(t, err)
	if len(files) != len(Namespaces) {
		t.Fatalf("%d files; want %d", len(files), len(Namespaces))
	}
	for i, f := range files {
		got, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
		must(t, err)
		want, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/%s", init.Process.Pid, Namespaces[i]))
		must(t, err)
		if got != want {
			t.Errorf("file %d is %s; want %s", i, got, want)
		}
		f.Close()
	}
	_ = init.Process.Kill()
	waitClosed(t, c.Exited(), "init's exit")
	if _, err := c.OpenNamespaces(); !errors.Is(err, ErrNotRunning) {
		t.Errorf("namespaces of an init that exited: %v", err)
	}
}

// A failed start reports the cause LXC wrote to the container's log for
// this start, not LXC's boilerplate and not an earlier start's lines (LXC
// appends to the log). The lines are LXC 5.0's, for a missing bind source.
func TestWithLogTailGivesThisStartsCause(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lxc.log")
	old := "lxc-start c 20261202191141.700 ERROR    conf - ../src/lxc/conf.c:lxc_setup:4419 - an earlier start's failure\n"
	if err := os.WriteFile(p, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	base := errors.New("lxc-start: exit status 1")
	if err := withLogTail(base, p, int64(len(old))); err != base {
		t.Fatalf("with nothing new: %v", err)
	}
	f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`lxc-start c 20261202191141.743 ERROR    utils - ../src/lxc/utils.c:safe_mount:1220 - No such file or directory - Failed to mount "/srv/absent" onto "/usr/lib/x86_64-linux-gnu/lxc/rootfs/mnt/x"
lxc-start c 20261202191141.743 ERROR    conf - ../src/lxc/conf.c:lxc_setup:4419 - Failed to setup mount entries
lxc-start c 20261202191141.743 ERROR    start - ../src/lxc/start.c:do_start:1272 - Failed to setup container "c"
lxc-start c 20261202191141.744 ERROR    sync - ../src/lxc/sync.c:sync_wait:34 - An error occurred in another process (expected sequence number 3)
lxc-start c 20261202191141.744 ERROR    lxccontainer - ../src/lxc/lxccontainer.c:wait_on_daemonized_start:878 - Received container state "ABORTING" instead of "RUNNING"
lxc-start c 20261202191141.744 ERROR    lxc_start - ../src/lxc/tools/lxc_start.c:main:309 - To get more details, run the container in foreground mode
lxc-start c 20261202191141.750 ERROR    start - ../src/lxc/start.c:__lxc_start:2107 - Failed to spawn container "c"
`)
	f.Close()
	err = withLogTail(base, p, int64(len(old)))
	want := `LXC: No such file or directory - Failed to mount "/srv/absent" onto "/usr/lib/x86_64-linux-gnu/lxc/rootfs/mnt/x"; Failed to setup mount entries; Failed to setup container "c" (lxc-start: exit status 1)`
	if err.Error() != want || !errors.Is(err, base) {
		t.Fatalf("got  %q\nwant %q", err, want)
	}
}

// When only __lxc_start says why (a namespace to join that cannot be
// opened), its line is the cause.
func TestWithLogTailFallsBackToLxcStart(t *testing.T) {
	p := filepath.Join(t.TempDir(), "lxc.log")
	log := `lxc-start c 20261203072915.250 ERROR    start - ../src/lxc/start.c:__lxc_start:2068 - Permission denied - Failed to record inherited namespaces
lxc-start c 20261203072915.251 ERROR    lxccontainer - ../src/lxc/lxccontainer.c:wait_on_daemonized_start:878 - Received container state "ABORTING" instead of "RUNNING"
`
	if err := os.WriteFile(p, []byte(log), 0o600); err != nil {
		t.Fatal(err)
	}
	base := errors.New("lxc-start: exit status 1")
	err := withLogTail(base, p, 0)
	if want := "LXC: Permission denied - Failed to record inherited namespaces (lxc-start: exit status 1)"; err.Error() != want {
		t.Fatalf("got  %q\nwant %q", err, want)
	}
}

// RunningInit finds init as the only child of the monitor in monitor.pid
// only while that process is LXC's monitor of this container.
func TestRunningInitThroughTheMonitor(t *testing.T) {
	r, f := newFake(t)
	fr := newRoots(t)
	rt := testRuntime(t, r, fr)
	const monitor, init = 5001, 5002
	m := strconv.Itoa(monitor)
	write(t, filepath.Join(fr.proc, m, "task", m, "children"), strconv.Itoa(init)+" ")
	write(t, filepath.Join(fr.proc, strconv.Itoa(init), "status"), "Name:\tinit\nNSpid:\t5002\t1\n")
	if got := rt.RunningInit("pc2"); got != 0 {
		t.Errorf("RunningInit without monitor.pid = %d; want 0", got)
	}
	write(t, filepath.Join(r.LXCPath(), "pc2", "monitor.pid"), m+"\n")
	for title, want := range map[string]int{
		"[lxc monitor] " + r.LXCPath() + " pc2\x00": init,
		"[lxc monitor] " + r.LXCPath() + " pc3\x00": 0, // another container's
		"sleep\x003600\x00":                         0, // the PID reused
	} {
		write(t, filepath.Join(fr.proc, m, "cmdline"), title)
		if got := rt.RunningInit("pc2"); got != want {
			t.Errorf("RunningInit with monitor titled %q = %d; want %d", title, got, want)
		}
	}
	// A child that is not the first process of a PID namespace (one the
	// monitor forked for a moment) is no init.
	write(t, filepath.Join(fr.proc, strconv.Itoa(init), "status"), "Name:\tlxc-start\nNSpid:\t5002\n")
	if got := rt.RunningInit("pc2"); got != 0 {
		t.Errorf("RunningInit with a child outside a PID namespace = %d; want 0", got)
	}
	if len(f.calls) != 0 {
		t.Errorf("RunningInit ran %q", f.calls)
	}
}
