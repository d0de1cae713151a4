//go:build integration

package integration

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// maxCallbacks is the daemon's bound on one connection's event callbacks.
const maxCallbacks = 1024

// stallConn is a client connection that stops reading when told: the
// go-libvirt client on it then never drains its events.
type stallConn struct {
	net.Conn
	once  sync.Once
	stall chan struct{}
	gone  chan struct{}
}

func (c *stallConn) Read(p []byte) (int, error) {
	select {
	case <-c.stall:
		<-c.gone
		return 0, net.ErrClosed
	default:
		return c.Conn.Read(p)
	}
}

// floodCallbacks registers lifecycle callbacks on c until the daemon
// refuses; it asserts the refusal comes at the bound, with its error.
func floodCallbacks(t *testing.T, c *libvirt.Libvirt) {
	t.Helper()
	for i := 0; ; i++ {
		_, err := c.ConnectDomainEventCallbackRegisterAny(0, nil)
		if err == nil {
			if i >= maxCallbacks {
				t.Fatalf("callback %d accepted past the bound", i+1)
			}
			continue
		}
		le, ok := err.(libvirt.Error)
		if i != maxCallbacks || !ok || le.Code != uint32(libvirt.ErrRPC) || !strings.Contains(le.Message, "too many domain event callbacks on this connection: 1025 for limit 1024") {
			t.Fatalf("registration %d refused with %v; want the bound's error at %d", i+1, err, maxCallbacks+1)
		}
		return
	}
}

// TestEventFanoutSurvivesFloodsAndPluginKill reproduces issue 11's event
// findings against a real daemon: clients on the read-only socket fill
// their callback allowance, one of them (an unprivileged user's process)
// stops reading, events come
// quickly; a fresh `virsh event --loop` still sees the next suspend, the
// silent client is dropped with a bounded log. Then the plugin is killed
// and kept down while the container is frozen behind the daemon's back:
// once the plugin is back the watcher gets the suspend from the resync,
// and later events as usual.
func TestEventFanoutSurvivesFloodsAndPluginKill(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("flood")
	rootfs := h.rootfs(testenv.InitHonoursHalt)
	d.defineAndStart(rootfs, []string{name}, all)

	flooder := dialGo(t, d.ro)
	floodCallbacks(t, flooder)

	silent := floodAsNobody(t, d.ro)
	defer silent.Close()

	const cycles = 30
	for range cycles {
		d.ok("suspend", name)
		d.ok("resume", name)
	}
	ev := d.watch(1, "--event", "lifecycle", "--loop")
	d.ok("suspend", name)
	ev.want(lifecycleLine(name, "Suspended Paused"))
	d.ok("resume", name)
	ev.want(lifecycleLine(name, "Resumed Unpaused"))

	// The silent client is dropped once its writes time out, with one line;
	// client-triggered lines stay bounded.
	deadline := time.Now().Add(2 * time.Minute)
	for !strings.Contains(d.log(), "dropping client: not reading") {
		if time.Now().After(deadline) {
			t.Fatalf("the silent client was never dropped:\n%s", tail(d.log(), 30))
		}
		time.Sleep(100 * time.Millisecond)
	}
	drops := strings.Count(d.log(), "dropping client: not reading")
	if !regexp.MustCompile(`level=WARN msg="dropping client: not reading" client="pid=\d+ uid=65534"`).MatchString(d.log()) {
		t.Fatalf("the drop line does not name the unprivileged client:\n%s", tail(d.log(), 30))
	}
	warns := strings.Count(d.log(), "level=WARN")
	t.Logf("after %d suspend/resume cycles with 2 clients of %d callbacks (one silent): %d drop line(s), %d WARN lines in all", cycles, maxCallbacks, drops, warns)
	if drops != 1 || warns > 60 {
		t.Fatalf("%d drop lines, %d warnings; want 1 and a bounded count:\n%s", drops, warns, tail(d.log(), 40))
	}

	// Kill the plugin and keep it from restarting while LXC freezes the
	// container: nobody emits that change but the resync.
	pid := d.pluginPID()
	bin := d.pluginPath()
	aside := bin + ".aside"
	must(t, os.Rename(bin, aside))
	restored := false
	t.Cleanup(func() {
		if !restored {
			os.Rename(aside, bin)
		}
	})
	must(t, syscall.Kill(pid, syscall.SIGKILL))
	waitGone(t, pid)
	if out, err := runTool("lxc-freeze", "-P", h.lxcPath, "-n", name); err != nil {
		t.Fatalf("lxc-freeze: %v: %s", err, out)
	}
	must(t, os.Rename(aside, bin))
	restored = true
	// The resync or the restarted driver's re-adoption reports it: either
	// way the watcher subscribed before the kill sees the change.
	ev.want(lifecycleLine(name, "Suspended Paused"))
	d.ok("resume", name)
	ev.want(lifecycleLine(name, "Resumed Unpaused"))
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// floodEnv names the read-only socket when the test binary runs as
// floodMain, the unprivileged flooding client.
const floodEnv = "LXCVIRT_FLOOD_SOCK"

// floodMain registers callbacks on sock until refused, prints the count
// and the refusal, then stops reading until stdin closes.
func floodMain(sock string) int {
	nc, err := net.Dial("unix", sock)
	if err != nil {
		fmt.Println("dial:", err)
		return 1
	}
	sc := &stallConn{Conn: nc, stall: make(chan struct{}), gone: make(chan struct{})}
	c := libvirt.NewWithDialer(dialers.NewAlreadyConnected(sc))
	if err := c.ConnectToURI("lxc:///system"); err != nil {
		fmt.Println("connect:", err)
		return 1
	}
	n := 0
	for ; ; n++ {
		if _, err = c.ConnectDomainEventCallbackRegisterAny(0, nil); err != nil {
			break
		}
	}
	code := uint32(0)
	if le, ok := err.(libvirt.Error); ok {
		code = le.Code
	}
	close(sc.stall)
	fmt.Printf("registered %d; refused with code %d: %v\n", n, code, err)
	io.Copy(io.Discard, os.Stdin)
	return 0
}

// floodAsNobody runs floodMain as uid 65534 on the read-only socket sock
// and asserts its refusal; closing the result ends the process.
func floodAsNobody(t *testing.T, sock string) io.Closer {
	t.Helper()
	self, err := os.Executable()
	must(t, err)
	dir := t.TempDir()
	for _, p := range []string{filepath.Dir(dir), dir, filepath.Dir(sock)} {
		must(t, os.Chmod(p, 0o755))
	}
	bin := filepath.Join(dir, "flooder")
	data, err := os.ReadFile(self)
	must(t, err)
	must(t, os.WriteFile(bin, data, 0o755))
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), floodEnv+"="+sock)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	stdin, err := cmd.StdinPipe()
	must(t, err)
	out, err := cmd.StdoutPipe()
	must(t, err)
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the unprivileged flooder said nothing: %v", err)
	}
	want := fmt.Sprintf("registered %d; refused with code %d: too many domain event callbacks on this connection: 1025 for limit 1024", maxCallbacks, libvirt.ErrRPC)
	if strings.TrimSpace(line) != want {
		t.Fatalf("unprivileged flooder: %q; want %q", line, want)
	}
	return stdin
}
