//go:build integration

package integration

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// virshConsole is `virsh console` running on a pty of its own, as in a
// terminal: the test types into the pty and reads what virsh prints.
type virshConsole struct {
	t    testing.TB
	args []string
	cmd  *exec.Cmd
	pty  *os.File
	done chan struct{} // closed once virsh exited and its output is in
	code int

	mu  sync.Mutex
	out bytes.Buffer
}

// ctrlBracket is virsh console's default escape character, Ctrl+].
const ctrlBracket = "\x1d"

// console starts `virsh console args…` against d.
func (d *daemon) console(args ...string) *virshConsole {
	d.t.Helper()
	cmd := exec.Command("virsh", append([]string{"-c", uri(d.sock), "console"}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LIBVIRT_DEFAULT_URI=", "TERM=dumb")
	return startConsole(d.t, cmd, args)
}

// startConsole runs cmd, a virsh console with args, on a pty of its own.
func startConsole(t testing.TB, cmd *exec.Cmd, args []string) *virshConsole {
	t.Helper()
	vc := &virshConsole{t: t, args: args, cmd: cmd, done: make(chan struct{})}
	f, err := pty.StartWithSize(vc.cmd, &pty.Winsize{Rows: 24, Cols: 120})
	if err != nil {
		t.Fatal(err)
	}
	vc.pty = f
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			vc.mu.Lock()
			vc.out.Write(b[:n])
			vc.mu.Unlock()
			if err != nil {
				return // EIO once virsh and its pty slave are gone
			}
		}
	}()
	go func() {
		err := vc.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			vc.code = ee.ExitCode()
		} else if err != nil {
			vc.code = -1
		}
		<-copied
		f.Close()
		close(vc.done)
	}()
	t.Cleanup(func() {
		select {
		case <-vc.done:
		default:
			_ = vc.cmd.Process.Kill()
			<-vc.done
		}
	})
	return vc
}

func (vc *virshConsole) output() string {
	vc.mu.Lock()
	defer vc.mu.Unlock()
	return vc.out.String()
}

// typeIn sends keystrokes to virsh.
func (vc *virshConsole) typeIn(s string) {
	vc.t.Helper()
	if _, err := vc.pty.Write([]byte(s)); err != nil {
		vc.t.Fatalf("type into virsh console %v: %v", vc.args, err)
	}
}

// waitFor waits until virsh printed want.
func (vc *virshConsole) waitFor(want string) {
	vc.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(vc.output(), want) {
		select {
		case <-vc.done:
			if strings.Contains(vc.output(), want) {
				return
			}
			vc.t.Fatalf("virsh console %v exited %d without printing %q:\n%s", vc.args, vc.code, want, vc.output())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			vc.t.Fatalf("virsh console %v did not print %q:\n%q", vc.args, want, vc.output())
		}
	}
}

// exit waits for virsh to end and returns its exit code.
func (vc *virshConsole) exit() int {
	vc.t.Helper()
	select {
	case <-vc.done:
	case <-time.After(20 * time.Second):
		vc.t.Fatalf("virsh console %v still runs:\n%q", vc.args, vc.output())
	}
	vc.t.Logf("$ virsh console %s\n%q\n[exit %d]", strings.Join(vc.args, " "), vc.output(), vc.code)
	return vc.code
}

// attached waits for virsh's banner and checks the shell on the console
// answers.
func (vc *virshConsole) attached(name, probe string) {
	vc.t.Helper()
	vc.waitFor(fmt.Sprintf("Connected to domain '%s'\r\nEscape character is ^] (Ctrl + ])\r\n", name))
	vc.shell(probe)
}

// shell runs echo probe-$((6*7)) in the container's console shell and
// waits for probe-42: the output proves the shell ran it (the typed line
// itself echoes as $((6*7))).
func (vc *virshConsole) shell(probe string) {
	vc.t.Helper()
	vc.typeIn("echo " + probe + "-$((6*7))\r")
	vc.waitFor(probe + "-42")
}

// consolePTY returns the pty the live XML names for the console, checking
// that tty= and the source path agree.
func consolePTY(t *testing.T, d *daemon, name string) string {
	t.Helper()
	var dom libvirtxml.Domain
	if err := dom.Unmarshal(d.ok("dumpxml", name)); err != nil {
		t.Fatal(err)
	}
	if dom.Devices == nil || len(dom.Devices.Consoles) != 1 {
		t.Fatalf("live XML consoles: %+v", dom.Devices)
	}
	c := dom.Devices.Consoles[0]
	if c.Source == nil || c.Source.Pty == nil {
		t.Fatalf("console is not a pty: %+v", c)
	}
	if c.TTY != c.Source.Pty.Path {
		t.Fatalf("console tty=%q but source path=%q", c.TTY, c.Source.Pty.Path)
	}
	return c.TTY
}

// ttyConsole runs `virsh ttyconsole name` and checks it prints the host
// pty the live XML names, a character device.
func ttyConsole(t *testing.T, d *daemon, name string) string {
	t.Helper()
	path := d.ok("ttyconsole", name)
	if !regexp.MustCompile(`^/dev/pts/\d+$`).MatchString(path) {
		t.Fatalf("virsh ttyconsole printed %q", path)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Fatalf("console pty %s: %v", path, err)
	}
	if x := consolePTY(t, d, name); x != path {
		t.Fatalf("ttyconsole %q but the live XML names %q", path, x)
	}
	return path
}

// hostPTYShell opens the console pty on the host, types a command for
// the container's console shell and waits for its output.
func hostPTYShell(t *testing.T, path, probe string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write([]byte("echo " + probe + "-$((6*7))\r")); err != nil {
		t.Fatal(err)
	}
	if err := f.SetReadDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var out []byte
	b := make([]byte, 4096)
	for !bytes.Contains(out, []byte(probe+"-42")) {
		n, err := f.Read(b)
		out = append(out, b[:n]...)
		if err != nil {
			t.Fatalf("read %s: %v; got %q", path, err, out)
		}
	}
}

// holders lists the processes with path open.
func holders(t *testing.T, path string) []int {
	t.Helper()
	var out []int
	for _, p := range processes(t) {
		dir := filepath.Join("/proc", fmt.Sprint(p.pid), "fd")
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if l, err := os.Readlink(filepath.Join(dir, e.Name())); err == nil && l == path {
				out = append(out, p.pid)
				break
			}
		}
	}
	return out
}

// TestVirshConsole drives the real `virsh console` through a pty: typing
// into the container's shell, the pty in the live XML, Ctrl+], a second
// client refused and one forcing the first off.
func TestVirshConsole(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("console")
	d.ok("define", writeXML(t, seedXML(name, h.rootfs(testenv.InitShell))))
	d.ok("start", name)

	// From the start, before any client opened the console, the live XML
	// names its host pty (virsh ttyconsole prints it): the driver plugin
	// holds it and relays it to the container's console.
	path := ttyConsole(t, d, name)
	if hs := holders(t, path); !contains(hs, d.pluginPID()) {
		t.Errorf("%s is held by %v, not by the driver plugin %d", path, hs, d.pluginPID())
	}
	// It is usable on the host as the console, as libvirt-lxc's is.
	hostPTYShell(t, path, "hostpty")

	first := d.console(name)
	first.attached(name, "hello")
	if got := consolePTY(t, d, name); got != path {
		t.Errorf("console pty %q while a client is attached; was %q", got, path)
	}

	// A second client is refused while the first is attached.
	second := d.console(name)
	if code := second.exit(); code != 1 {
		t.Errorf("second virsh console exit %d", code)
	}
	if out := second.output(); !strings.Contains(out, "error: operation failed: Active console session exists for this domain") {
		t.Errorf("second virsh console printed:\n%s", out)
	}
	first.shell("still")

	// Ctrl+] detaches cleanly.
	first.typeIn(ctrlBracket)
	if code := first.exit(); code != 0 {
		t.Fatalf("virsh console exit %d after Ctrl+]", code)
	}
	if got := ttyConsole(t, d, name); got != path {
		t.Errorf("console pty %q after detaching; was %q", got, path)
	}

	// The console is free again; --force then takes it over.
	third := d.console(name)
	third.attached(name, "third")
	forced := d.console("--force", name)
	forced.attached(name, "forced")
	if code := third.exit(); code != 1 {
		t.Errorf("forced-off virsh console exit %d", code)
	}
	if out := third.output(); !strings.Contains(out, "error: stream had I/O failure: the console was taken over by another client") {
		t.Errorf("forced-off virsh console printed:\n%s", out)
	}
	forced.shell("again")
	forced.typeIn(ctrlBracket)
	if code := forced.exit(); code != 0 {
		t.Errorf("forced virsh console exit %d after Ctrl+]", code)
	}

	// The container stopping ends an attached console.
	last := d.console(name)
	last.attached(name, "last")
	d.ok("destroy", name)
	if code := last.exit(); code != 0 {
		t.Errorf("virsh console exit %d when the domain stopped", code)
	}
	if out := d.virsh("console", name); out.code != 1 || !strings.Contains(out.stderr, "The domain is not running") {
		t.Errorf("console of a stopped domain: %+v", out)
	}
}

// TestVirshConsoleAcrossPluginRestart: a console open when the driver
// plugin is killed ends with an error, and the container's console is
// free for the restarted plugin.
func TestVirshConsoleAcrossPluginRestart(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("conrst")
	d.ok("define", writeXML(t, seedXML(name, h.rootfs(testenv.InitShell))))
	d.ok("start", name)

	vc := d.console(name)
	vc.attached(name, "before")
	if err := syscall.Kill(d.pluginPID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if code := vc.exit(); code != 1 {
		t.Errorf("virsh console exit %d when the plugin died", code)
	}
	if out := vc.output(); !strings.Contains(out, "LXC driver process exited") {
		t.Errorf("virsh console printed:\n%s", out)
	}

	// The restarted plugin re-adopted the container and relays its console
	// on a pty of its own; the dead plugin's lxc-console left with it, so
	// the new relay's is the only one.
	plugin := d.pluginPID()
	path := ttyConsole(t, d, name)
	if hs := holders(t, path); !contains(hs, plugin) {
		t.Errorf("%s is held by %v, not by the restarted plugin %d", path, hs, plugin)
	}
	after := d.console(name)
	after.attached(name, "after")
	if n := len(consoleClients(t, h)); n != 1 {
		t.Errorf("%d lxc-console processes for %s, want 1", n, h.lxcPath)
	}
	after.typeIn(ctrlBracket)
	if code := after.exit(); code != 0 {
		t.Errorf("virsh console exit %d after Ctrl+]", code)
	}
}

// consoleClients lists the lxc-console processes attached to h's
// containers.
func consoleClients(t *testing.T, h *host) []int {
	t.Helper()
	var out []int
	for _, p := range processes(t) {
		if p.comm != "lxc-console" || p.state == "Z" {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", fmt.Sprint(p.pid), "cmdline"))
		if err == nil && bytes.Contains(cmdline, []byte("\x00"+h.lxcPath+"\x00")) {
			out = append(out, p.pid)
		}
	}
	return out
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// initShellRebooting is testenv.InitShell whose init reboots (reboot(2))
// on LXC's reboot signal, as a real init does on `virsh reboot`.
const initShellRebooting = `#!/bin/sh
trap 'exit 0' PWR TERM
trap '/sbin/reboot -f' INT
while :; do /bin/sh -i </dev/console >/dev/console 2>&1 & wait $!; sleep 1; done
`

// consoleXML is a container with a console and no network.
func consoleXML(name, rootfs string) string {
	return fmt.Sprintf(`<domain type='lxc'>
  <name>%s</name>
  <memory unit='MiB'>128</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices>
</domain>`, name, rootfs)
}

// waitNewID waits until name runs under an ID other than old and returns it.
func (d *daemon) waitNewID(name, old string) string {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		id := d.ok("domid", name)
		if id != old && id != "-" && id != "" {
			return id
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s still has ID %q after the reboot", name, id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestVirshConsoleAcrossReboot: one `virsh console` keeps working across
// `virsh reboot` and a reboot the guest does itself (reboot -f typed on
// the console): a command typed after each reboot runs in the new boot and
// its output arrives; the stream ends only when the domain is destroyed.
func TestVirshConsoleAcrossReboot(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("conreb")
	d.ok("define", writeXML(t, consoleXML(name, h.rootfs(initShellRebooting))))
	d.ok("start", name)
	id := d.ok("domid", name)

	path := ttyConsole(t, d, name)
	vc := d.console(name)
	vc.attached(name, "boot1")

	if out := d.ok("reboot", name); out != fmt.Sprintf("Domain '%s' is being rebooted", name) {
		t.Fatalf("reboot: %q", out)
	}
	id2 := d.waitNewID(name, id)
	d.waitState(name, "running (booted)")
	vc.shell("after-virsh-reboot")

	vc.typeIn("/sbin/reboot -f\r")
	d.waitNewID(name, id2)
	d.waitState(name, "running (booted)")
	vc.shell("after-guest-reboot")
	// The pty stays the console's across reboots.
	if got := ttyConsole(t, d, name); got != path {
		t.Errorf("console pty %q after the reboots; was %q", got, path)
	}
	select {
	case <-vc.done:
		t.Fatalf("virsh console exited %d:\n%q", vc.code, vc.output())
	default:
	}

	d.ok("destroy", name)
	if code := vc.exit(); code != 0 {
		t.Errorf("virsh console exit %d when the domain stopped", code)
	}
}
