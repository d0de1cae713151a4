//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// vmPython is the system Python that Debian's virt-manager and
// python3-dogtail install into (not whatever python3 comes first on PATH).
const vmPython = "/usr/bin/python3"

// vmRequire stops the test (testenv.Missing) unless virt-manager, dogtail,
// Xvfb, a D-Bus session launcher and ImageMagick's import are installed.
func vmRequire(t *testing.T) {
	t.Helper()
	var missing []string
	for _, bin := range []string{"Xvfb", "dbus-run-session", "import", "virsh"} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, bin)
		}
	}
	if _, err := os.Stat("/usr/bin/virt-manager"); err != nil {
		missing = append(missing, "virt-manager")
	}
	probe := "import gi, libvirt, dogtail; gi.require_version('Atspi', '2.0')"
	if out, err := exec.Command(vmPython, "-c", probe).CombinedOutput(); err != nil {
		missing = append(missing, fmt.Sprintf("python3-dogtail/python3-libvirt (%v: %s)", err, bytes.TrimSpace(out)))
	}
	if len(missing) == 0 {
		return
	}
	testenv.Missing(t, "needs %s (make deps)", strings.Join(missing, ", "))
}

// vmArtifacts is the directory for screenshots and logs a test keeps:
// $LXCVIRT_ARTIFACTS, else artifacts/ at the top of the repository.
func vmArtifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("LXCVIRT_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "artifacts")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// vmDisplay starts an Xvfb server on a free display number and returns
// its DISPLAY; the server is killed when the test ends.
func vmDisplay(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.ExtraFiles = []*os.File{w}
	err = cmd.Start()
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if _, err := strconv.Atoi(n); err != nil {
			<-exited
			t.Fatalf("Xvfb gave no display number (%q): %s", n, out.String())
		}
		return ":" + n
	case <-time.After(30 * time.Second):
		t.Fatalf("Xvfb did not report its display within 30s: %s", out.String())
	}
	return ""
}

// vmRun is clients/virtmanager_ui.py driving a real virt-manager in its
// own D-Bus session on its own Xvfb display. The script stops at each
// checkpoint ("STEP name value") until the test answers.
type vmRun struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	steps  chan string
	done   chan struct{} // closed once the script exited and its output is in
	err    error         // from Wait, valid after done
	output bytes.Buffer  // stdout and stderr, valid after done
	vmLog  string        // virt-manager's --debug output
	shown  bool          // output already in the test log
	pid    int           // virt-manager's, once the first step is in
}

// vmStart runs the driver script's scenario with args, under
// dbus-run-session on a new Xvfb display, with a home and runtime dir of
// its own and GSettings in memory (nothing of the host user's desktop
// settings is read or written).
func vmStart(t *testing.T, scenario string, args ...string) *vmRun {
	t.Helper()
	display := vmDisplay(t)
	artifacts := vmArtifacts(t)
	home := t.TempDir()
	runtime := filepath.Join(home, "run")
	if err := os.Mkdir(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	// A previous run's screenshots would be taken for this one's.
	old, err := filepath.Glob(filepath.Join(artifacts, t.Name()+"-*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	r := &vmRun{
		t: t, steps: make(chan string, 16), done: make(chan struct{}),
		vmLog: filepath.Join(artifacts, t.Name()+"-virt-manager.log"),
	}
	argv := append([]string{"--", vmPython, "clients/virtmanager_ui.py", scenario,
		"--log", r.vmLog, "--artifacts", artifacts, "--prefix", t.Name()}, args...)
	r.cmd = exec.Command("dbus-run-session", argv...)
	var env []string
	for _, kv := range os.Environ() {
		switch strings.SplitN(kv, "=", 2)[0] {
		case "DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "AT_SPI_BUS_ADDRESS", "HOME", "XDG_RUNTIME_DIR",
			"XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "LIBVIRT_DEFAULT_URI", "LC_ALL", "LANG":
			continue
		}
		env = append(env, kv)
	}
	r.cmd.Env = append(env, "DISPLAY="+display, "HOME="+home, "XDG_RUNTIME_DIR="+runtime,
		"LANG=C.UTF-8", "GSETTINGS_BACKEND=memory", "NO_AT_BRIDGE=0", "GTK_MODULES=gail:atk-bridge")
	// Its own process group: the session bus and the at-spi daemons it
	// starts go with it.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdin, err := r.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	r.stdin = stdin
	stdout, err := r.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	r.cmd.Stderr = &stderr
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("virt-manager on DISPLAY=%s, artifacts in %s", display, artifacts)
	go func() {
		var out bytes.Buffer
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			out.WriteString(line + "\n")
			if m := vmStartedRE.FindStringSubmatch(line); m != nil {
				r.pid, _ = strconv.Atoi(m[1])
			}
			if step, ok := strings.CutPrefix(line, "STEP "); ok {
				r.steps <- step
			}
		}
		r.err = r.cmd.Wait()
		r.output.Write(out.Bytes())
		r.output.Write(stderr.Bytes())
		close(r.steps)
		close(r.done)
	}()
	t.Cleanup(r.stop)
	return r
}

// vmStartedRE is the driver script's line naming virt-manager's pid.
var vmStartedRE = regexp.MustCompile(`^virt-manager started \(pid (\d+)\)`)

// next waits for the script's checkpoint want and returns its value.
func (r *vmRun) next(want string) string {
	r.t.Helper()
	select {
	case step, ok := <-r.steps:
		if !ok {
			<-r.done
			r.shown = true
			r.t.Fatalf("the virt-manager driver ended (%v) before step %q:\n%s", r.err, want, r.output.String())
		}
		name, value, _ := strings.Cut(step, " ")
		if name != want {
			r.t.Fatalf("the virt-manager driver is at step %q, want %q", step, want)
		}
		r.t.Logf("virt-manager: %s", step)
		return value
	case <-time.After(3 * time.Minute):
		r.t.Fatalf("the virt-manager driver did not reach step %q in 3 minutes", want)
	}
	return ""
}

// proceed lets the script go on past its checkpoint.
func (r *vmRun) proceed() {
	r.t.Helper()
	if _, err := io.WriteString(r.stdin, "ok\n"); err != nil {
		r.t.Fatalf("answer the virt-manager driver: %v", err)
	}
}

// finish waits for the script to end and fails the test unless it passed.
func (r *vmRun) finish() {
	r.t.Helper()
	select {
	case <-r.done:
	case <-time.After(3 * time.Minute):
		r.t.Fatal("the virt-manager driver did not exit within 3 minutes")
	}
	if r.err != nil {
		r.shown = true
		r.t.Fatalf("the virt-manager driver failed (%v):\n%s", r.err, r.output.String())
	}
}

// stop ends the script (closing its stdin makes it take a screenshot and
// exit), then kills whatever is left in its process group; on failure it
// logs the script's output and the end of virt-manager's debug log.
func (r *vmRun) stop() {
	_ = r.stdin.Close()
	select {
	case <-r.done:
	case <-time.After(time.Minute):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	}
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL) // the session bus's leftovers
	if !r.t.Failed() {
		return
	}
	if !r.shown {
		r.t.Logf("virt-manager driver output:\n%s", r.output.String())
	}
	b, err := os.ReadFile(r.vmLog)
	if err != nil {
		r.t.Logf("virt-manager debug log: %v", err)
		return
	}
	// The XML documents virt-manager logs are left out here (they are in
	// the file).
	var lines []string
	for line := range strings.Lines(string(b)) {
		if !strings.HasPrefix(strings.TrimSpace(line), "<") {
			lines = append(lines, line)
		}
	}
	if len(lines) > 150 {
		lines = lines[len(lines)-150:]
	}
	r.t.Logf("virt-manager debug log (%s), last %d lines without XML:\n%s", r.vmLog, len(lines), strings.Join(lines, ""))
}

// logCalls logs the procedures virt-manager made on d, once it is gone,
// for the record of what real clients use; it fails the test if the
// daemon's log shows none.
func (r *vmRun) logCalls(d *daemon) {
	r.t.Helper()
	if r.pid == 0 {
		r.t.Fatal("the virt-manager driver did not say virt-manager's pid")
	}
	calls := d.callsOf(r.pid)
	if len(calls) == 0 {
		r.t.Errorf("no calls from virt-manager (pid %d) in the daemon's log", r.pid)
	}
	r.t.Logf("procedures virt-manager called (✗ = error reply): %s", foldCalls(calls))
}

// logCreatedXML logs the XML elements of the domain virt-manager's New VM
// wizard created, as its debug log shows the XML it sent ("Generated
// final_xml").
func (r *vmRun) logCreatedXML() {
	r.t.Helper()
	b, err := os.ReadFile(r.vmLog)
	if err != nil {
		r.t.Fatal(err)
	}
	_, doc, ok := strings.Cut(string(b), "Generated final_xml:")
	end := strings.Index(doc, "</domain>")
	if !ok || end < 0 {
		r.t.Fatalf("no domain XML after \"Generated final_xml:\" in virt-manager's debug log %s", r.vmLog)
	}
	elems, err := xmlElements(doc[:end+len("</domain>")])
	if err != nil {
		r.t.Fatalf("virt-manager's domain XML: %v", err)
	}
	r.t.Logf("XML elements virt-manager's New VM wizard wrote (attributes in brackets):\n%s", strings.Join(elems, "\n"))
}

// vmInitPID returns the running domain's ID, its init's host PID.
func vmInitPID(t *testing.T, d *daemon, name string) int {
	t.Helper()
	id := d.ok("domid", name)
	pid, err := strconv.Atoi(id)
	if err != nil {
		t.Fatalf("domid %s: %q", name, id)
	}
	return pid
}

// vmDomain parses the domain XML virsh dumpxml prints with flags.
func vmDomain(t *testing.T, d *daemon, name string, flags ...string) libvirtxml.Domain {
	t.Helper()
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(d.ok(append([]string{"dumpxml", name}, flags...)...)); err != nil {
		t.Fatal(err)
	}
	return dom
}

// TestVirtManager drives virt-manager itself, a real window under Xvfb,
// through its accessibility tree: New VM -> Operating system container on
// a busybox root directory -> Finish starts the container; its text
// console runs a shell command; a title edited on the running guest is
// saved live with no "takes effect after the next guest shutdown" dialog;
// Reboot from the toolbar restarts init and the console still runs
// commands. Screenshots go to the artifacts directory; the log lists the
// XML elements the wizard wrote and the procedures virt-manager made.
func TestVirtManager(t *testing.T) {
	vmRequire(t)
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("vmgui")
	rootfs := h.rootfs(testenv.InitShell)
	title := "lxcvirt GUI " + name
	r := vmStart(t, "container", "--uri", uri(d.sock), "--vm", name, "--rootfs", rootfs, "--title", title)

	r.next("running")
	if got := d.ok("domstate", name); got != "running" {
		t.Fatalf("after Finish in the New VM wizard: domstate %q", got)
	}
	pid := vmInitPID(t, d, name)
	if !alive(pid) {
		t.Fatalf("init (pid %d) is not running", pid)
	}
	def := vmDomain(t, d, name, "--inactive")
	if def.Devices == nil || len(def.Devices.Filesystems) != 1 || def.Devices.Filesystems[0].Source == nil ||
		def.Devices.Filesystems[0].Source.Mount == nil || def.Devices.Filesystems[0].Source.Mount.Dir != rootfs {
		t.Errorf("the defined domain does not mount %s: %+v", rootfs, def.Devices)
	}
	// The wizard's network picker offered the network "default", which
	// lxcvirtd serves (lxc-net's bridge), and picked it.
	if ifs := def.Devices.Interfaces; len(ifs) != 1 || ifs[0].Source == nil || ifs[0].Source.Network == nil ||
		ifs[0].Source.Network.Network != "default" {
		t.Errorf("the New VM wizard's interface is not on the network default: %+v", ifs)
	}
	r.proceed()

	r.next("console")
	r.proceed()

	if got := r.next("titled"); got != title {
		t.Fatalf("the driver set title %q, want %q", got, title)
	}
	if live := vmDomain(t, d, name); live.Title != title {
		t.Errorf("live XML title %q after Apply on the running guest, want %q", live.Title, title)
	}
	if cfg := vmDomain(t, d, name, "--inactive"); cfg.Title != title {
		t.Errorf("persistent XML title %q after Apply, want %q", cfg.Title, title)
	}
	r.proceed()

	r.next("rebooted")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	for {
		res, err := runVirsh(ctx, d.sock, "domid", name)
		if err != nil {
			t.Fatalf("init (pid %d) was not replaced within a minute of Reboot: %v", pid, err)
		}
		if id, err := strconv.Atoi(strings.TrimSpace(res.stdout)); res.code == 0 && err == nil && id != pid && alive(id) {
			t.Logf("init pid %d replaced by %d", pid, id)
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("init (pid %d) was not replaced within a minute of Reboot: domid %q %s", pid, res.stdout, res.stderr)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if got := d.ok("domstate", name); got != "running" {
		t.Fatalf("after Reboot: domstate %q", got)
	}
	r.proceed()

	r.finish()
	if alive(pid) {
		t.Errorf("the first init (pid %d) still runs after the reboot", pid)
	}
	r.logCreatedXML()
	r.logCalls(d)
	// virt-manager manages the connection's virtual networks: the calls it
	// checks support with (virConnect.listNetworks: CONNECT_NUM_OF_NETWORKS
	// and CONNECT_LIST_NETWORKS; its connection details say the connection
	// "does not support virtual network management" when they fail) and
	// watches networks by succeed.
	calls := d.callsOf(r.pid)
	for _, proc := range []string{"CONNECT_NUM_OF_NETWORKS", "CONNECT_LIST_NETWORKS", "CONNECT_NETWORK_EVENT_REGISTER_ANY",
		"CONNECT_LIST_ALL_NETWORKS", "NETWORK_GET_XML_DESC"} {
		if !succeeded(calls, proc) {
			t.Errorf("virt-manager made no successful %s", proc)
		}
	}
}

// TestVirtManagerSideBySide shows virt-manager's two connections side by
// side: opened on Debian's libvirtd (qemu:///system, a TCG guest running),
// it adds lxc:///system through File -> Add Connection, with no ?socket=
// (lxcvirtd --listen-default serves it), and lists each connection with its
// own running guest. The screenshot is kept in the artifacts directory;
// the log lists the procedures virt-manager made on lxcvirtd.
func TestVirtManagerSideBySide(t *testing.T) {
	vmRequire(t)
	h := newHost(t)
	lockListenDefault(t)
	useSystemLibvirtd(t)
	d := startDaemon(t, h, "--listen-default")
	qemuName := startQEMUGuest(t)
	lxcName := h.name("vmsbs")
	virshOK(t, "lxc:///system", "create", writeXML(t, smallXML(lxcName, h.rootfs(testenv.InitHonoursHalt), "")))

	r := vmStart(t, "connections", "--uri", "qemu:///system", "--add", "Libvirt-LXC",
		"--expect", "QEMU/KVM="+qemuName, "--expect", "LXC="+lxcName)
	if got := r.next("listed"); got != "LXC QEMU/KVM" {
		t.Errorf("virt-manager lists the connections %q, want LXC and QEMU/KVM", got)
	}
	r.proceed()
	r.finish()
	r.logCalls(d)
}
