//go:build integration

package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
)

const (
	// listenDefaultLock serialises the tests that run `lxcvirtd
	// --listen-default` (in this and in any other test process on the host).
	listenDefaultLock = "/run/lxcvirt-listen-default.lock"
	// virtlxcdSock is the fixed path --listen-default serves, where a stock
	// client looks first for lxc:///system.
	virtlxcdSock = "/run/libvirt/virtlxcd-sock"
	// libvirtdSock is where Debian's libvirtd serves qemu:///system.
	libvirtdSock = "/run/libvirt/libvirt-sock"
	// virtlogdSock is virtlogd's socket; libvirtd's QEMU driver needs it to
	// start a guest.
	virtlogdSock = "/run/libvirt/virtlogd-sock"
)

// lockListenDefault takes the host-wide lock for the fixed socket of
// `lxcvirtd --listen-default` and holds it until the test ends. Call it
// before startDaemon(t, h, "--listen-default"), so the daemon stops before
// the lock is released. Tests that need Debian's libvirtd (useSystemLibvirtd)
// hold it too.
func lockListenDefault(t testing.TB) {
	t.Helper()
	f, err := os.OpenFile(listenDefaultLock, os.O_RDWR|os.O_CREATE, 0o600)
	must(t, err)
	deadline := time.Now().Add(10 * time.Minute)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			t.Fatalf("lock %s: %v", listenDefaultLock, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Cleanup(func() { f.Close() })
	if serving(virtlxcdSock) {
		t.Fatalf("%s is served by a daemon no test started; stop it first", virtlxcdSock)
	}
}

// serving reports whether something accepts connections on the unix socket
// path.
func serving(path string) bool {
	c, err := net.DialTimeout("unix", path, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// useSystemLibvirtd makes Debian's libvirtd serve qemu:///system at its
// standard socket, with the virtlogd its QEMU driver needs. Either one
// already running is used as it is; one that is not is started for the
// test and stopped when it ends. Call it with lockListenDefault held, so no
// two tests start or stop them at once.
func useSystemLibvirtd(t testing.TB) {
	t.Helper()
	testenv.RequireTool(t, "qemu-system-x86_64", "qemu-system-x86")
	virtlogd := sbinTool(t, "virtlogd", "libvirt-daemon-system")
	libvirtd := sbinTool(t, "libvirtd", "libvirt-daemon-system")
	must(t, os.MkdirAll("/run/libvirt", 0o755))
	must(t, os.MkdirAll("/var/log/libvirt/qemu", 0o755))
	startUnlessServing(t, virtlogdSock, virtlogd)
	startUnlessServing(t, libvirtdSock, libvirtd)
	deadline := time.Now().Add(2 * time.Minute)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		r, err := runVirshURI(ctx, "qemu:///system", "uri")
		cancel()
		if err == nil && r.code == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("qemu:///system does not answer: %v %s", err, r.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sbinTool is requireTool for a daemon in /usr/sbin, which a PATH may lack.
func sbinTool(t testing.TB, tool, debianPackage string) string {
	t.Helper()
	if p, err := exec.LookPath(tool); err == nil {
		return p
	}
	p := "/usr/sbin/" + tool
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return testenv.RequireTool(t, tool, debianPackage)
}

// startUnlessServing starts the daemon bin in the foreground unless sock
// already answers, waits until it does, and stops it (SIGTERM) when the
// test ends.
func startUnlessServing(t testing.TB, sock, bin string) {
	t.Helper()
	if serving(sock) {
		t.Logf("using the %s already serving %s", bin, sock)
		return
	}
	var mu sync.Mutex
	var out bytes.Buffer
	cmd := exec.Command(bin)
	cmd.Stdout = &lockedWriter{mu: &mu, w: &out}
	cmd.Stderr = cmd.Stdout
	must(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	output := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-done:
			t.Logf("%s (pid %d) stopped: %v\n%s", bin, cmd.Process.Pid, err, output())
		case <-time.After(time.Minute):
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("%s did not stop within a minute of SIGTERM\n%s", bin, output())
		}
	})
	deadline := time.Now().Add(time.Minute)
	for !serving(sock) {
		select {
		case err := <-done:
			t.Fatalf("%s exited before serving %s: %v\n%s", bin, sock, err, output())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not serve %s\n%s", bin, sock, output())
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("started %s (pid %d)", bin, cmd.Process.Pid)
}

// startQEMUGuest starts a transient, diskless TCG guest on qemu:///system
// (useSystemLibvirtd first) and returns its name; it is destroyed when the
// test ends unless the test did.
func startQEMUGuest(t testing.TB) string {
	t.Helper()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	name := "qemu-" + hex.EncodeToString(b)
	file := writeXML(t, fmt.Sprintf(`<domain type='qemu'>
  <name>%s</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices>
</domain>`, name))
	qemuVirsh(t, "create", file)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		r, err := runVirshURI(ctx, "qemu:///system", "destroy", name)
		if err != nil || (r.code != 0 && !strings.Contains(r.stderr, "failed to get domain")) {
			t.Errorf("destroy %s: %v %s", name, err, r.stderr)
		}
	})
	return name
}

// qemuVirsh runs virsh on qemu:///system and fails the test unless it
// succeeds; it returns stdout.
func qemuVirsh(t testing.TB, args ...string) string {
	t.Helper()
	return virshOK(t, "qemu:///system", args...)
}

// virshOK runs virsh on connURI, logs what it printed and fails the test
// unless it succeeds; it returns stdout with blank lines trimmed.
func virshOK(t testing.TB, connURI string, args ...string) string {
	t.Helper()
	r := virshURI(t, connURI, args...)
	if r.code != 0 {
		t.Fatalf("virsh -c %s %s failed (%d): %s", connURI, strings.Join(args, " "), r.code, r.stderr)
	}
	return strings.TrimSpace(r.stdout)
}

// virshURI runs virsh on connURI and logs what it printed.
func virshURI(t testing.TB, connURI string, args ...string) virshResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	r, err := runVirshURI(ctx, connURI, args...)
	must(t, err)
	t.Logf("$ virsh -c %s %s\n%s%s[exit %d]", connURI, strings.Join(args, " "), r.stdout, r.stderr, r.code)
	return r
}
