//go:build integration

package integration

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin"
)

// These tests run the real lxcvirtd with its real driver plugin, real
// containers and real virsh, and kill processes the way a crash or an
// administrator would: the plugin under load, the daemon itself, and the
// daemon's stop with and without --shutdown-guests.

// procStat is what /proc/PID/stat says about a process.
type procStat struct {
	pid   int
	comm  string
	state string
	ppid  int
}

// readProcStat reads /proc/PID/stat; ok is false once the process is gone.
func readProcStat(pid int) (procStat, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return procStat{}, false
	}
	// pid (comm) state ppid ...; comm may hold spaces and parentheses.
	open, end := bytes.IndexByte(b, '('), bytes.LastIndexByte(b, ')')
	f := strings.Fields(string(b[end+1:]))
	if open < 0 || len(f) < 2 {
		return procStat{}, false
	}
	ppid, _ := strconv.Atoi(f[1])
	return procStat{pid: pid, comm: string(b[open+1 : end]), state: f[0], ppid: ppid}, true
}

// exited reports whether pid has ended: gone, or a zombie not yet reaped
// (an orphan's new parent may take a while to reap it).
func exited(pid int) bool {
	st, ok := readProcStat(pid)
	return !ok || st.state == "Z"
}

// processes lists every process on the host.
func processes(t testing.TB) []procStat {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	must(t, err)
	var out []procStat
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil {
			if st, ok := readProcStat(pid); ok {
				out = append(out, st)
			}
		}
	}
	return out
}

// zombiesOf lists the unreaped children of parents. A child that exits
// just before the scan is seen again after a pause only if nobody reaps it.
func zombiesOf(t *testing.T, parents ...int) []string {
	t.Helper()
	scan := func() map[int]procStat {
		z := map[int]procStat{}
		for _, p := range processes(t) {
			if p.state == "Z" && slices.Contains(parents, p.ppid) {
				z[p.pid] = p
			}
		}
		return z
	}
	// A zombie seen now may be about to be reaped: only one that stays
	// unreaped while we wait is reported.
	first := scan()
	deadline := time.Now().Add(patience)
	for len(first) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
		now := scan()
		maps.DeleteFunc(first, func(pid int, _ procStat) bool { _, ok := now[pid]; return !ok })
	}
	var out []string
	for pid, p := range first {
		out = append(out, fmt.Sprintf("%d (%s, parent %d)", pid, p.comm, p.ppid))
	}
	return out
}

// pluginPath is where the daemon finds its driver plugin (beside itself).
func (d *daemon) pluginPath() string {
	return filepath.Join(filepath.Dir(d.cmd.Path), plugin.DefaultBinary)
}

// pluginProcesses lists the processes running d's plugin binary, whoever
// their parent is.
func (d *daemon) pluginProcesses() []procStat {
	d.t.Helper()
	var out []procStat
	for _, p := range processes(d.t) {
		if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(p.pid), "exe")); err == nil && exe == d.pluginPath() && p.state != "Z" {
			out = append(out, p)
		}
	}
	return out
}

// pluginPID returns the pid of the daemon's running plugin, waiting while
// it restarts.
func (d *daemon) pluginPID() int {
	d.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		for _, p := range d.pluginProcesses() {
			if p.ppid == d.cmd.Process.Pid {
				return p.pid
			}
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("lxcvirtd %d runs no driver plugin\n%s", d.cmd.Process.Pid, d.log())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// kill ends the daemon with SIGKILL and reaps it (its cleanup then has
// nothing to stop).
func (d *daemon) kill() {
	d.t.Helper()
	must(d.t, d.cmd.Process.Kill())
	_ = d.cmd.Wait()
}

// running reports whether the daemon process is still up.
func (d *daemon) running() bool {
	return d.cmd.ProcessState == nil && syscall.Kill(d.cmd.Process.Pid, 0) == nil
}

// defineAndStart defines a small container per name on rootfs and starts
// those in start; it returns every name's domain ID as virsh prints it
// ("-" when shut off).
func (d *daemon) defineAndStart(rootfs string, names []string, start func(string) bool) map[string]string {
	d.t.Helper()
	ids := map[string]string{}
	for _, n := range names {
		d.ok("define", writeXML(d.t, smallXML(n, rootfs, "")))
		if start(n) {
			d.ok("start", n)
		}
		ids[n] = d.ok("domid", n)
	}
	return ids
}

// listIDs parses `virsh list` (running domains) into name → ID.
func (d *daemon) listIDs() map[string]string {
	d.t.Helper()
	ids := map[string]string{}
	for _, line := range strings.Split(d.ok("list"), "\n")[2:] {
		if f := strings.Fields(line); len(f) >= 3 {
			ids[f[1]] = f[0]
		}
	}
	return ids
}

func all(string) bool { return true }

// lxcState asks LXC itself for a container's state; a container LXC does
// not know (never started) is STOPPED.
func lxcState(t *testing.T, h *host, name string) string {
	t.Helper()
	out, err := exec.Command("lxc-info", "-P", h.lxcPath, "-n", name, "-s", "-H").CombinedOutput()
	switch {
	case err != nil && strings.Contains(string(out), "doesn't exist"):
		return "STOPPED"
	case err != nil:
		t.Fatalf("lxc-info %s: %v\n%s", name, err, out)
	}
	return strings.TrimSpace(string(out))
}

// disconnectSigns are what virsh prints when it loses its connection
// rather than getting a libvirt error back.
var disconnectSigns = []string{
	"End of file while reading data", "Cannot recv data", "Cannot write data", "Connection reset",
	"Broken pipe", "failed to connect to the hypervisor", "client socket is closed", "no connection driver",
}

// libvirtError reports whether a failed virsh run got a libvirt error
// (exit 1 with "error:" lines) rather than losing its connection.
func libvirtError(r virshResult) bool {
	if r.code != 1 || !strings.HasPrefix(r.stderr, "error: ") {
		return false
	}
	for _, s := range disconnectSigns {
		if strings.Contains(r.stderr, s) {
			return false
		}
	}
	return true
}

// lastError is the last "error:" line of a virsh run.
func lastError(r virshResult) string {
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	return lines[len(lines)-1]
}

// callTimeout is how long one virsh run may take before it counts as hung.
const callTimeout = 30 * time.Second

// callLog tallies the virsh calls of concurrent clients.
type callLog struct {
	mu     sync.Mutex
	ok     int
	errors map[string]int // last error line → count
	bad    []string       // calls that neither succeeded nor got a libvirt error
	time   map[string]time.Duration
	count  map[string]int
	max    time.Duration
}

func newCallLog() *callLog {
	return &callLog{errors: map[string]int{}, time: map[string]time.Duration{}, count: map[string]int{}}
}

// progress waits until n more calls have been recorded.
func (c *callLog) progress(t testing.TB, n int) {
	t.Helper()
	total := func() int {
		c.mu.Lock()
		defer c.mu.Unlock()
		sum := 0
		for _, k := range c.count {
			sum += k
		}
		return sum
	}
	want := total() + n
	deadline := time.Now().Add(patience)
	for total() < want {
		if time.Now().After(deadline) {
			t.Fatalf("the clients made no %d calls in %v", n, patience)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func (c *callLog) record(r virshResult, err error, took time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(r.args) > 0 {
		c.time[r.args[0]] += took
		c.count[r.args[0]]++
	}
	c.max = max(c.max, took)
	switch {
	case err != nil:
		c.bad = append(c.bad, fmt.Sprintf("%v after %v", err, took.Round(time.Millisecond)))
	case r.code == 0:
		c.ok++
	case libvirtError(r):
		c.errors[lastError(r)]++
	default:
		c.bad = append(c.bad, fmt.Sprintf("virsh %s: exit %d: %q", strings.Join(r.args, " "), r.code, r.stderr))
	}
}

// TestDaemonSurvivesPluginKills: several virsh clients run lifecycle calls
// in a loop while the driver plugin is killed -9 three times. The daemon
// stays up; every call succeeds or gets a libvirt error; calls succeed
// again after each kill; afterwards every definition is intact,
// the containers nobody stopped still run with the same IDs, the domains
// the clients cycled agree with LXC, and no child of the daemon or plugin
// is left a zombie.
func TestDaemonSurvivesPluginKills(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)

	const clients = 4
	var steady, churn []string
	for range 3 {
		steady = append(steady, h.name("steady"))
	}
	for range clients {
		churn = append(churn, h.name("churn"))
	}
	steadyIDs := d.defineAndStart(rootfs, steady, all)
	d.defineAndStart(rootfs, churn, func(string) bool { return false })
	defs := map[string]string{}
	for _, n := range append(slices.Clone(steady), churn...) {
		defs[n] = d.ok("dumpxml", "--inactive", n)
	}

	// What a virsh run costs on an idle daemon, for comparison.
	idle := time.Now()
	for range 5 {
		d.ok("list", "--all")
	}
	t.Logf("virsh list --all on an idle daemon: %v per run", (time.Since(idle) / 5).Round(time.Millisecond))

	calls := newCallLog()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := range clients {
		mine, other := churn[c], steady[c%len(steady)]
		cycle := [][]string{
			{"start", mine}, {"dominfo", mine}, {"suspend", mine}, {"list", "--all"},
			{"resume", mine}, {"dominfo", other}, {"destroy", mine}, {"domstate", mine},
		}
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
				start := time.Now()
				r, err := runVirsh(ctx, d.sock, cycle[i%len(cycle)]...)
				cancel()
				calls.record(r, err, time.Since(start))
			}
		})
	}

	var recoveries []time.Duration
	for kill := 1; kill <= 3; kill++ {
		calls.progress(t, 2*clients) // the clients run calls between kills
		pid := d.pluginPID()
		must(t, syscall.Kill(pid, syscall.SIGKILL))
		killed := time.Now()
		probes := 0
		for {
			probes++
			ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
			r, err := runVirsh(ctx, d.sock, "list", "--all")
			cancel()
			if err == nil && r.code == 0 {
				break
			}
			if err != nil || !libvirtError(r) {
				t.Fatalf("kill %d: virsh list: %v %+v", kill, err, r)
			}
			if time.Since(killed) > patience {
				t.Fatalf("kill %d: no virsh call served after %v: %s", kill, patience, lastError(r))
			}
		}
		recovery := time.Since(killed)
		recoveries = append(recoveries, recovery)
		newPID := d.pluginPID()
		t.Logf("kill %d: plugin %d killed; virsh served again after %v (%d virsh runs), new plugin %d",
			kill, pid, recovery.Round(time.Millisecond), probes, newPID)
		if newPID == pid {
			t.Fatalf("kill %d: plugin %d still serves", kill, pid)
		}
		if !d.running() {
			t.Fatalf("kill %d: lxcvirtd died\n%s", kill, d.log())
		}
	}
	calls.progress(t, 2*clients)
	close(stop)
	wg.Wait()

	t.Logf("recovery through virsh after each kill -9 of the plugin: %v", recoveries)
	t.Logf("concurrent virsh calls: %d succeeded; libvirt errors: %v; slowest run %v", calls.ok, calls.errors, calls.max.Round(time.Millisecond))
	for _, cmd := range slices.Sorted(maps.Keys(calls.count)) {
		t.Logf("virsh %s: %d runs, %v on average", cmd, calls.count[cmd], (calls.time[cmd] / time.Duration(calls.count[cmd])).Round(time.Millisecond))
	}
	for _, b := range calls.bad {
		t.Errorf("a call got neither success nor a libvirt error: %s", b)
	}
	if calls.ok == 0 {
		t.Error("no concurrent call succeeded")
	}
	for line := range strings.Lines(d.log()) {
		if strings.Contains(line, "LXC driver plugin restarted") {
			t.Logf("daemon: %s", strings.TrimSpace(line))
		}
	}
	if n := strings.Count(d.log(), "LXC driver plugin exited; restarting it"); n != 3 {
		t.Errorf("the daemon logged %d plugin restarts, want 3", n)
	}
	if !d.running() {
		t.Fatalf("lxcvirtd died\n%s", d.log())
	}

	// The containers nobody stopped still run with the same IDs.
	if got := d.listIDs(); !mapsContain(got, steadyIDs) {
		t.Errorf("running domains %v, want at least %v", got, steadyIDs)
	}
	for _, n := range steady {
		id, _ := strconv.Atoi(steadyIDs[n])
		if !alive(id) {
			t.Errorf("%s's init %d died", n, id)
		}
	}
	// The cycled domains agree with LXC once stopped through virsh.
	for _, n := range churn {
		if state := d.ok("domstate", n); state != "shut off" {
			d.ok("destroy", n)
		}
		if got := lxcState(t, h, n); got != "STOPPED" {
			t.Errorf("%s: virsh says shut off, LXC says %s", n, got)
		}
	}
	for n, want := range defs {
		if got := d.ok("dumpxml", "--inactive", n); got != want {
			t.Errorf("%s's definition changed:\n%s\nwas:\n%s", n, got, want)
		}
	}
	if z := zombiesOf(t, d.cmd.Process.Pid, d.pluginPID()); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
}

// mapsContain reports whether every entry of want is in got.
func mapsContain(got, want map[string]string) bool {
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// TestDaemonKilledContainersKeepRunning: kill -9 of the daemon with five
// running containers takes its plugin with it (no orphan driver is left to
// race the next one) and leaves the containers running; a new daemon lists
// the same five with the same IDs.
func TestDaemonKilledContainersKeepRunning(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	var names []string
	for range 5 {
		names = append(names, h.name("survivor"))
	}
	ids := d.defineAndStart(rootfs, names, all)
	before := d.listIDs()
	if !maps.Equal(before, ids) {
		t.Fatalf("virsh list %v, want %v", before, ids)
	}
	oldPlugin := d.pluginPID()
	d.kill()
	killed := time.Now()
	for !exited(oldPlugin) {
		if time.Since(killed) > patience {
			t.Fatalf("the killed daemon's plugin %d still runs", oldPlugin)
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("plugin %d ended %v after its daemon was killed", oldPlugin, time.Since(killed).Round(time.Microsecond))
	for n, id := range ids {
		pid, _ := strconv.Atoi(id)
		if !alive(pid) {
			t.Errorf("%s (init %d) died with the daemon", n, pid)
		}
	}

	d2 := runDaemon(t, h, d.cmd.Path, filepath.Dir(d.sock))
	if after := d2.listIDs(); !maps.Equal(after, before) {
		t.Errorf("after the restart virsh list shows %v, want %v", after, before)
	}
	for _, n := range names {
		if got := d2.ok("domstate", n); got != "running" {
			t.Errorf("%s: %s after the restart", n, got)
		}
	}
	plugins := d2.pluginProcesses()
	if len(plugins) != 1 || plugins[0].ppid != d2.cmd.Process.Pid {
		t.Errorf("driver plugin processes after the restart: %+v, want only the new daemon's (%d)", plugins, d2.cmd.Process.Pid)
	}
	// The new daemon controls the re-adopted containers.
	d2.ok("suspend", names[0])
	d2.waitState(names[0], "paused (user)")
	d2.ok("resume", names[0])
	if z := zombiesOf(t, d2.cmd.Process.Pid, d2.pluginPID()); len(z) > 0 {
		t.Errorf("zombie children: %v", z)
	}
}

// TestDaemonSkipsCorruptDefinition: a definition file that no longer
// parses is logged and skipped when the daemon starts; the other domains
// load, and the running one is re-adopted.
func TestDaemonSkipsCorruptDefinition(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	good, bad, off := h.name("good"), h.name("corrupt"), h.name("off")
	ids := d.defineAndStart(rootfs, []string{good, bad, off}, func(n string) bool { return n == good })
	badFile := filepath.Join(h.stateDir, "domains", d.ok("domuuid", bad)+".xml")
	if _, err := os.Stat(badFile); err != nil {
		t.Fatalf("definition file of %s: %v", bad, err)
	}
	d.stop()

	must(t, os.WriteFile(badFile, []byte("<domain type='lxc'><name>"+bad+"</name><os><type>exe"), 0o600))
	d2 := runDaemon(t, h, d.cmd.Path, filepath.Dir(d.sock))
	names := strings.Fields(d2.ok("list", "--all", "--name"))
	slices.Sort(names)
	want := []string{good, off}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("virsh list --all: %v, want %v", names, want)
	}
	if got := d2.listIDs()[good]; got != ids[good] {
		t.Errorf("%s has ID %q after the restart, want %s", good, got, ids[good])
	}
	if got := d2.failsOn(d2.sock, "dominfo", bad); got != "error: failed to get domain '"+bad+"'" {
		t.Errorf("dominfo of the skipped domain: %q", got)
	}
	var logged bool
	for line := range strings.Lines(d2.log()) {
		logged = logged || strings.Contains(line, "skipping corrupt definition") && strings.Contains(line, badFile)
	}
	if !logged {
		t.Errorf("the daemon's log does not report %s as a corrupt definition:\n%s", badFile, d2.log())
	}
}

// TestDaemonStopLeavesOrShutsGuests: SIGTERM leaves containers running by
// default; with --shutdown-guests it halts them (resuming a paused one
// first) and kills the one whose init ignores the halt after the grace
// period.
func TestDaemonStopLeavesOrShutsGuests(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	halts, paused, stubborn := h.name("halts"), h.name("paused"), h.name("stubborn")
	ids := d.defineAndStart(h.rootfs(testenv.InitHonoursHalt), []string{halts, paused}, all)
	maps.Copy(ids, d.defineAndStart(h.rootfs(testenv.InitIgnoresHalt), []string{stubborn}, all))
	d.ok("suspend", paused)
	d.stop()
	for n, id := range ids {
		pid, _ := strconv.Atoi(id)
		if !alive(pid) {
			t.Fatalf("%s (init %d) stopped with a daemon run without --shutdown-guests", n, pid)
		}
	}

	const grace = 3 * time.Second
	d2 := runDaemon(t, h, d.cmd.Path, filepath.Dir(d.sock), "--shutdown-guests", "--shutdown-grace", grace.String())
	if got := d2.listIDs(); !maps.Equal(got, ids) {
		t.Fatalf("second daemon lists %v, want %v", got, ids)
	}
	start := time.Now()
	d2.stop()
	took := time.Since(start)
	t.Logf("SIGTERM with --shutdown-guests took %v (grace %v)", took.Round(time.Millisecond), grace)
	// The stubborn guest had its grace before it was killed.
	if took < grace {
		t.Errorf("stop took %v with a grace period of %v", took, grace)
	}
	for n, id := range ids {
		pid, _ := strconv.Atoi(id)
		if alive(pid) {
			t.Errorf("%s (init %d) still runs after SIGTERM with --shutdown-guests", n, pid)
		}
		if got := lxcState(t, h, n); got != "STOPPED" {
			t.Errorf("%s: LXC says %s", n, got)
		}
	}
	for _, want := range []string{
		`msg="guest shut down" domain=` + halts,
		`msg="guest shut down" domain=` + paused,
		`msg="guest did not halt within the grace period; destroying it" domain=` + stubborn,
	} {
		if !strings.Contains(d2.log(), want) {
			t.Errorf("log lacks %q", want)
		}
	}
	d3 := runDaemon(t, h, d.cmd.Path, filepath.Dir(d.sock))
	for n := range ids {
		if got := d3.ok("domstate", n); got != "shut off" {
			t.Errorf("%s: %s after the guests were shut down", n, got)
		}
	}
}
