//go:build integration

package integration

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

// hostile runs clients/hostile_ro.py as nobody (the read-only socket is
// world-writable, so any local user can do this) with RLIMIT_NOFILE at
// 20,000 (this machine's hard limit), waits for its JSON report and returns it with a func that makes
// it hang up and exit.
func hostile(t *testing.T, d *daemon, args ...string) (map[string]int, func()) {
	t.Helper()
	script, err := os.ReadFile(filepath.Join("clients", "hostile_ro.py"))
	must(t, err)
	// The socket directory is the test's; let nobody reach the socket in it.
	must(t, os.Chmod(filepath.Dir(d.ro), 0o755))
	cmd := exec.Command("prlimit", append([]string{"--nofile=20000:20000", "--",
		"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		"/usr/bin/python3", "-c", string(script)}, args...)...)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	stdout, err := cmd.StdoutPipe()
	must(t, err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	must(t, cmd.Start())
	stop := func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("hostile_ro.py %v: %v\n%s", args, err, stderr.String())
		}
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		stdin.Close()
		cmd.Wait()
		t.Fatalf("hostile_ro.py %v: %v\n%s", args, err, stderr.String())
	}
	var res map[string]int
	if err := json.Unmarshal([]byte(line), &res); err != nil {
		stop()
		t.Fatalf("hostile_ro.py output %q: %v", line, err)
	}
	t.Logf("hostile_ro.py %v: %v", args, res)
	return res, stop
}

// procStatus reads one "Key:  value kB" field of /proc/PID/status.
func procStatus(t *testing.T, pid int, key string) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	must(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			n, err := strconv.Atoi(strings.Fields(v)[0])
			must(t, err)
			return n
		}
	}
	t.Fatalf("no %s in /proc/%d/status", key, pid)
	return 0
}

func openFDs(t *testing.T, pid int) int {
	t.Helper()
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	must(t, err)
	return len(ents)
}

// 20,000 connections to the read-only socket from an unprivileged user:
// the daemon holds max_clients of them, stops accepting there, keeps
// serving the read-write socket throughout and serves the read-only one
// again once they are gone.
func TestReadOnlyConnectionFlood(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	pid := d.cmd.Process.Pid
	res, stop := hostile(t, d, "flood", d.ro, "20000")
	if res["opened"] != 5000 {
		t.Errorf("the read-only socket served %d clients, want max_clients (5000)", res["opened"])
	}
	fds := openFDs(t, pid)
	t.Logf("daemon: %d fds, VmRSS %d kB with %d ro clients open, %d pending, %d refused",
		fds, procStatus(t, pid, "VmRSS"), res["opened"], res["pending"], res["refused"])
	if fds >= 20000 {
		t.Errorf("the daemon holds %d fds: its limits did not bound the flood", fds)
	}
	if out := d.ok("list", "--all"); !strings.Contains(out, "Name") {
		t.Fatalf("virsh list on the read-write socket: %q", out)
	}
	stop()
	if out := d.ok("list", "--all"); !strings.Contains(out, "Name") {
		t.Fatalf("virsh list after the flood: %q", out)
	}
	// The read-only socket serves again once its slots are free.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r := d.virshOn(d.ro, "list", "--all")
		if r.code == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the read-only socket does not serve after the flood: %s", r.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d.cmd.ProcessState != nil {
		t.Fatalf("the daemon exited: %v\n%s", d.cmd.ProcessState, d.log())
	}
}

// 24 connections that each announce a 32 MiB packet and send all of it
// but its last byte. Unopened, each is refused at the 64 KiB pre-open
// limit; opened, they share the 128 MiB buffer pool and the ones that do
// not fit are dropped. The daemon's RSS stays bounded either way.
func TestPartialPacketFlood(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	pid := d.cmd.Process.Pid
	before := procStatus(t, pid, "VmRSS")
	res, stop := hostile(t, d, "partial", d.ro, "24", strconv.Itoa(32<<20), "0")
	unopened := procStatus(t, pid, "VmRSS")
	if res["dropped"] != 24 {
		t.Errorf("%d of 24 unopened 32 MiB packets held", res["held"])
	}
	d.ok("list", "--all")
	stop()
	res, stop = hostile(t, d, "partial", d.ro, "24", strconv.Itoa(32<<20), "1")
	opened := procStatus(t, pid, "VmRSS")
	d.ok("list", "--all")
	stop()
	t.Logf("VmRSS: %d kB before, %d kB with 24 unopened partial packets, %d kB with 24 opened ones (%d held, %d dropped)",
		before, unopened, opened, res["held"], res["dropped"])
	if unopened > before+64<<10 {
		t.Errorf("24 refused packets took VmRSS from %d to %d kB", before, unopened)
	}
	// The pool is 128 MiB. The dropped clients' chunks are garbage the
	// collector reclaims only once the heap reaches twice its live size,
	// and a completed packet is joined into one more buffer: allow four
	// pools over the daemon's own.
	if bound := before + 4*(128<<10); opened > bound {
		t.Errorf("24 opened partial packets took VmRSS to %d kB, over %d kB", opened, bound)
	}
	if res["held"] >= 24 || res["dropped"] == 0 {
		t.Errorf("the buffer pool did not bound the opened clients: %v", res)
	}
}

// A connection that never makes CONNECT_OPEN is closed after open_timeout;
// an opened one on the same socket stays.
func TestUnopenedConnectionsTimeOut(t *testing.T) {
	h := newHost(t)
	conf := filepath.Join(t.TempDir(), "lxcvirtd.conf")
	must(t, os.WriteFile(conf, []byte("open_timeout = 2\n"), 0o644))
	d := startDaemon(t, h, "--config", conf)
	// The read-only socket comes up beside the read-write one.
	var lurker net.Conn
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var err error
		if lurker, err = net.Dial("unix", d.ro); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(err)
		}
	}
	opened := dialGo(t, d.ro)
	defer lurker.Close()
	lurker.SetReadDeadline(time.Now().Add(2 * time.Minute))
	if _, err := lurker.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("unopened connection: %v, want EOF", err)
	}
	if _, err := opened.ConnectGetType(); err != nil {
		t.Fatalf("the opened connection: %v", err)
	}
}

// Read-only refusals libvirt makes in its public API, bad names and a
// definition too large to report back, through virsh against the daemon.
func TestReadOnlyAndBoundaryRefusals(t *testing.T) {
	h := newHost(t)
	d := startDaemon(t, h)
	name := h.name("rof")
	xml := smallXML(name, h.rootfs(testenv.InitIgnoresHalt), "")
	f := filepath.Join(t.TempDir(), "d.xml")
	must(t, os.WriteFile(f, []byte(xml), 0o644))
	d.ok("define", f)
	d.virshOn(d.ro, "dumpxml", name)
	for _, flag := range []string{"--security-info", "--migratable"} {
		if msg := d.failsOn(d.ro, "dumpxml", name, flag); !strings.Contains(msg, "operation forbidden: virDomainGetXMLDesc with secure flag") {
			t.Errorf("dumpxml %s on the read-only socket: %s", flag, msg)
		}
	}
	// The call that virsh schedinfo --set makes, through go-libvirt.
	ro := dialGo(t, d.ro)
	dom, err := ro.DomainLookupByName(name)
	must(t, err)
	err = ro.DomainSetSchedulerParameters(dom, []libvirt.TypedParam{{Field: "cpu_shares", Value: *libvirt.NewTypedParamValueUllong(512)}})
	var le libvirt.Error
	if !errors.As(err, &le) || le.Code != uint32(libvirt.ErrOperationDenied) {
		t.Errorf("set scheduler parameters on the read-only socket: %v", err)
	}

	big := strings.Replace(xml, "</name>", "</name><description>"+strings.Repeat("x", 4<<20-len(xml)-64)+"</description>", 1)
	must(t, os.WriteFile(f, []byte(big), 0o644))
	if msg := d.failsOn(d.sock, "define", f); !strings.Contains(msg, "is larger than the 2097152-byte limit") {
		t.Errorf("4 MiB define: %s", msg)
	}
	d.ok("dumpxml", name)

	l := dialGo(t, d.sock)
	for _, bad := range []string{"\xff\xfe", strings.Repeat("n", 4<<20-64)} {
		_, err := l.DomainLookupByName(bad)
		if !errors.As(err, &le) || le.Code != uint32(libvirt.ErrInvalidArg) {
			t.Errorf("lookup of a %d-byte bad name: %v", len(bad), err)
		}
	}
}
