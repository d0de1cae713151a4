//go:build integration

package integration

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/internal/subid"
	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin/plugintest"
)

// sessionUser is an unprivileged user made for one test, with subordinate
// ids (useradd gives them), a bridge of the test's own it may put veths on
// and the delegated cgroups scripts/session-setup.sh makes, and the
// environment a login session would give it.
type sessionUser struct {
	t        *testing.T
	name     string
	uid, gid int
	subuid   subid.Range
	base     string // the test's directory, readable by the user
	bin      string // lxcvirtd installed as virtlxcd, with its plugin
	bridge   string
	hostIP   string // the bridge's address; the container gets .2 of its /24
	guestIP  string
	env      []string
}

func newSessionUser(t *testing.T) *sessionUser {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireTool(t, "newuidmap", "uidmap")
	testenv.RequireTool(t, "useradd", "passwd")
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	suffix := hex.EncodeToString(b)
	u := &sessionUser{t: t, name: "n5s" + suffix, bridge: "n5br" + suffix}
	run := func(argv ...string) {
		t.Helper()
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	run("useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/bin/sh", u.name)
	t.Cleanup(func() { _ = exec.Command("userdel", u.name).Run() })
	pw, err := user.Lookup(u.name)
	must(t, err)
	u.uid, _ = strconv.Atoi(pw.Uid)
	u.gid, _ = strconv.Atoi(pw.Gid)
	uids, err := subid.Load(subid.UIDFile, u.name, u.uid)
	must(t, err)
	if len(uids) == 0 {
		t.Fatalf("useradd gave %s no range in %s", u.name, subid.UIDFile)
	}
	u.subuid = uids[0]

	// A bridge of the test's own, on a /24 picked at random.
	net3 := 64 + int(b[0])%128
	u.hostIP, u.guestIP = fmt.Sprintf("10.213.%d.1", net3), fmt.Sprintf("10.213.%d.2", net3)
	run("ip", "link", "add", u.bridge, "type", "bridge")
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", u.bridge).Run() })
	run("ip", "addr", "add", u.hostIP+"/24", "dev", u.bridge)
	run("ip", "link", "set", u.bridge, "up")

	script, err := filepath.Abs("../scripts/session-setup.sh")
	must(t, err)
	run(script, u.name, u.bridge, "2")
	t.Cleanup(u.undoHostSetup)

	// Directories the user can reach: the test's base (t.TempDir is 0700).
	u.base, err = os.MkdirTemp("", "n5-session-")
	must(t, err)
	t.Cleanup(func() { os.RemoveAll(u.base) })
	must(t, os.Chmod(u.base, 0o755))
	u.bin = filepath.Join(u.base, "bin")
	must(t, os.Mkdir(u.bin, 0o755))
	daemon := plugintest.Daemon(t)
	for _, f := range []string{daemon, filepath.Join(filepath.Dir(daemon), "lxcvirt-driver-lxc")} {
		copyFile(t, f, filepath.Join(u.bin, filepath.Base(f)), 0o755)
	}
	// libvirt's client starts $VIRTD_PATH/virtlxcd for lxc:///session.
	must(t, os.Symlink("lxcvirtd", filepath.Join(u.bin, "virtlxcd")))
	home := filepath.Join(u.base, "home")
	runtime := filepath.Join(u.base, "run")
	for _, d := range []string{home, runtime, filepath.Join(home, ".config", "libvirt")} {
		must(t, os.MkdirAll(d, 0o700))
	}
	// The client picks the modular daemon's socket (libvirt's remote_mode),
	// and the daemon logs where the test can read it.
	must(t, os.WriteFile(filepath.Join(home, ".config", "libvirt", "libvirt.conf"), []byte("remote_mode = \"direct\"\n"), 0o644))
	must(t, os.WriteFile(filepath.Join(home, ".config", "libvirt", "lxcvirtd.conf"),
		[]byte(fmt.Sprintf("log_level = 1\nlog_outputs = \"1:file:%s\"\n", u.logFile())), 0o644))
	for _, d := range []string{home, runtime} {
		must(t, filepath.Walk(d, func(p string, _ os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			return os.Lchown(p, u.uid, u.gid)
		}))
	}
	u.env = []string{"HOME=" + home, "USER=" + u.name, "LOGNAME=" + u.name, "PATH=/usr/bin:/bin",
		"XDG_RUNTIME_DIR=" + runtime, "VIRTD_PATH=" + u.bin, "LC_ALL=C", "TERM=dumb"}
	t.Cleanup(u.stopDaemons)
	return u
}

func (u *sessionUser) logFile() string { return filepath.Join(u.base, "home", "lxcvirtd.log") }

// undoHostSetup removes the user's line from lxc-usernet and their
// delegated cgroups (its containers are gone by then).
func (u *sessionUser) undoHostSetup() {
	const usernet = "/etc/lxc/lxc-usernet"
	if b, err := os.ReadFile(usernet); err == nil {
		var keep []string
		for _, l := range strings.SplitAfter(string(b), "\n") {
			if !strings.HasPrefix(l, u.name+" ") {
				keep = append(keep, l)
			}
		}
		_ = os.WriteFile(usernet, []byte(strings.Join(keep, "")), 0o644)
	}
	mounts, _ := filepath.Glob("/sys/fs/cgroup/*/lxcvirt-session/" + u.name)
	mounts = append(mounts, "/sys/fs/cgroup/lxcvirt-session/"+u.name)
	for _, m := range mounts {
		var dirs []string
		_ = filepath.WalkDir(m, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		for i := len(dirs) - 1; i >= 0; i-- {
			_ = os.Remove(dirs[i])
		}
	}
}

// daemons are the user's lxcvirtd processes.
func (u *sessionUser) daemons() []int {
	var pids []int
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		exe, err := os.Readlink(filepath.Join(p, "exe"))
		if err != nil || exe != filepath.Join(u.bin, "lxcvirtd") {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(p))
		pids = append(pids, pid)
	}
	return pids
}

// stopDaemons ends the session daemon the client started (its --timeout
// would end it two minutes after the test) and the user's containers.
func (u *sessionUser) stopDaemons() {
	for _, pid := range u.daemons() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		waitGone(u.t, pid)
	}
	lxcpath := filepath.Join(u.base, "home", ".local", "share", "lxcvirt", "lxc")
	entries, _ := os.ReadDir(lxcpath)
	for _, e := range entries {
		if e.IsDir() {
			_ = exec.Command("lxc-stop", "-P", lxcpath, "-n", e.Name(), "-k").Run()
		}
	}
	// What the daemon left running, such as LXC's lxc-monitord for the
	// user's lxcpath: every process of the test's user is the test's.
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		pid, _ := strconv.Atoi(filepath.Base(p))
		if pid > 0 && procUIDOf(pid) == u.uid {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if u.t.Failed() {
		b, err := os.ReadFile(u.logFile())
		u.t.Logf("session lxcvirtd log (%v):\n%s", err, b)
	}
}

// command runs argv as the user in its clean session environment.
func (u *sessionUser) command(ctx context.Context, argv ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = u.env
	cmd.Dir = u.base
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(u.uid), Gid: uint32(u.gid), Groups: []uint32{}}}
	return cmd
}

// virsh runs the real virsh as the user on connURI; it returns stdout,
// stderr and the exit code.
func (u *sessionUser) virsh(connURI string, args ...string) (string, string, int) {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	cmd := u.command(ctx, append([]string{"virsh", "-c", connURI}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		u.t.Fatalf("virsh %v: %v", args, err)
	}
	u.t.Logf("$ virsh -c %s %s  (as %s)\n%s%s[exit %d]", connURI, strings.Join(args, " "), u.name, out.String(), errb.String(), code)
	return strings.TrimSpace(out.String()), errb.String(), code
}

// ok runs virsh on lxc:///session and fails the test unless it succeeds.
func (u *sessionUser) ok(args ...string) string {
	u.t.Helper()
	out, errOut, code := u.virsh("lxc:///session", args...)
	if code != 0 {
		u.t.Fatalf("virsh %s failed (%d): %s", strings.Join(args, " "), code, errOut)
	}
	return out
}

// file writes content to a file of the test the user can read.
func (u *sessionUser) file(name, content string) string {
	p := filepath.Join(u.base, name)
	must(u.t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	must(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	must(t, err)
	_, err = io.Copy(out, in)
	must(t, err)
	must(t, out.Close())
}

// procUID is the real uid a host process runs as.
func procUID(t *testing.T, pid int) int {
	t.Helper()
	uid := procUIDOf(pid)
	if uid < 0 {
		t.Fatalf("no Uid in /proc/%d/status", pid)
	}
	return uid
}

// procUIDOf is the real uid of a host process, -1 when it is gone.
func procUIDOf(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) > 1 && fields[0] == "Uid:" {
			uid, _ := strconv.Atoi(fields[1])
			return uid
		}
	}
	return -1
}

// consoleRootfs makes a busybox rootfs dir in the test's base, owned by
// the user's subordinate ids (lxcvirt-rootfs --owner), whose init keeps a
// shell on the console — without the DHCP client the demo init runs,
// which would flush a static <ip>.
func (u *sessionUser) consoleRootfs(dir string) string {
	u.t.Helper()
	rootfs := filepath.Join(u.base, dir)
	rootfsTool := testenv.Binary(u.t, "github.com/lxcvirt/lxcvirt/cmd/lxcvirt-rootfs")
	if out, err := exec.Command(rootfsTool, "--owner", u.name, rootfs).CombinedOutput(); err != nil {
		u.t.Fatalf("lxcvirt-rootfs --owner: %v\n%s", err, out)
	}
	// Writing over the file keeps its shifted owner.
	init := filepath.Join(rootfs, "sbin", "init")
	must(u.t, os.WriteFile(init, []byte("#!/bin/sh\ntrap 'exit 0' PWR TERM\nwhile :; do /bin/sh -i </dev/console >/dev/console 2>&1 & wait $!; sleep 1; done\n"), 0o755))
	return rootfs
}

// console attaches to name's console as the user, runs the shell command
// cmd there, waits until it succeeded and leaves.
func (u *sessionUser) console(name, cmd string) {
	u.t.Helper()
	vc := startConsole(u.t, u.command(u.t.Context(), "virsh", "-c", "lxc:///session", "console", name), []string{name})
	vc.attached(name, "n5")
	vc.typeIn(cmd + " && echo cmd-ok-$((6*7))\r")
	vc.waitFor("cmd-ok-42")
	vc.typeIn(ctrlBracket)
	if code := vc.exit(); code != 0 {
		u.t.Errorf("virsh console exited %d", code)
	}
}

// TestSessionUnprivilegedContainer: an unprivileged user, as a login
// session would run it, drives a busybox container through stock virsh on
// lxc:///session: the client starts the user's own lxcvirtd, the
// container is user-namespaced from the user's subordinate ids (root
// inside, the mapped uid outside), gets its veth on a bridge through
// lxc-user-nic, and the user sees nothing of the system daemon's
// containers and cannot reach that daemon.
func TestSessionUnprivilegedContainer(t *testing.T) {
	u := newSessionUser(t)

	// The system daemon, run by root, with a container of its own.
	h := newHost(t)
	sys := startDaemon(t, h)
	rootName := h.name("n5root")
	sys.ok("define", writeXML(t, smallXML(rootName, h.rootfs(testenv.InitHonoursHalt), "")))

	if got := u.ok("uri"); got != "lxc:///session" {
		t.Fatalf("virsh uri = %q, want lxc:///session", got)
	}
	pids := u.daemons()
	if len(pids) != 1 {
		t.Fatalf("the client started %d session daemons, want 1", len(pids))
	}
	if uid := procUID(t, pids[0]); uid != u.uid {
		t.Fatalf("the session daemon runs as uid %d, want the user's %d", uid, u.uid)
	}

	rootfs := u.consoleRootfs("rootfs")

	// An idmap onto ids the user was not granted is refused.
	name := "n5sess"
	bad := fmt.Sprintf(`<domain type='lxc'><name>%s</name><memory unit='MiB'>64</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <idmap><uid start='0' target='0' count='65536'/><gid start='0' target='0' count='65536'/></idmap>
  <devices><filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem></devices></domain>`, name, rootfs)
	_, errOut, code := u.virsh("lxc:///session", "define", u.file("bad.xml", bad))
	if code == 0 || !strings.Contains(errOut, "unsupported configuration") || !strings.Contains(errOut, "not granted") {
		t.Fatalf("an idmap onto root's ids: exit %d, %q; want refused as not granted", code, errOut)
	}

	// define without <idmap>: one is filled in from the user's ranges.
	xml := fmt.Sprintf(`<domain type='lxc'><name>%s</name><memory unit='MiB'>64</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <interface type='bridge'><source bridge='%s'/><ip address='%s' prefix='24'/></interface>
    <console type='pty'/>
  </devices></domain>`, name, rootfs, u.bridge, u.guestIP)
	u.ok("define", u.file("ok.xml", xml))
	var dom libvirtxml.Domain
	must(t, dom.Unmarshal(u.ok("dumpxml", name)))
	if dom.IDMap == nil || len(dom.IDMap.UIDs) == 0 || dom.IDMap.UIDs[0].Start != 0 || dom.IDMap.UIDs[0].Target != uint(u.subuid.Start) {
		t.Fatalf("<idmap> not filled in from %s's range %v: %+v", u.name, u.subuid, dom.IDMap)
	}

	u.ok("start", name)
	id := u.ok("domid", name)
	initPID, err := strconv.Atoi(id)
	must(t, err)
	if uid := procUID(t, initPID); uid != int(u.subuid.Start) {
		t.Errorf("the container's init runs as host uid %d, want the mapped %d", uid, u.subuid.Start)
	}

	// Its veth, made by lxc-user-nic, is on the bridge: the guest reaches
	// a listener on the bridge's address.
	ln, err := net.Listen("tcp", u.hostIP+":0")
	must(t, err)
	defer ln.Close()
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(patience))
		b, _ := io.ReadAll(c)
		got <- strings.TrimSpace(string(b))
	}()

	// Inside, the console's shell is root.
	vcCmd := u.command(t.Context(), "virsh", "-c", "lxc:///session", "console", name)
	vc := startConsole(t, vcCmd, []string{name})
	vc.attached(name, "n5")
	vc.typeIn("echo uid-$(id -u)-inside\r")
	vc.waitFor("uid-0-inside")
	port := ln.Addr().(*net.TCPAddr).Port
	vc.typeIn(fmt.Sprintf("echo hello-from-guest | nc %s %d\r", u.hostIP, port))
	select {
	case msg := <-got:
		if msg != "hello-from-guest" {
			t.Errorf("the bridge listener got %q", msg)
		}
	case <-time.After(patience):
		t.Fatalf("the guest did not reach %s:%d over the bridge", u.hostIP, port)
	}
	vc.typeIn(ctrlBracket)
	if code := vc.exit(); code != 0 {
		t.Errorf("virsh console exited %d", code)
	}
	// The host end is lxc-user-nic's, attached to the test's bridge.
	links, err := filepath.Glob(fmt.Sprintf("/sys/class/net/%s/brif/veth%d_*", u.bridge, u.uid))
	must(t, err)
	if len(links) != 1 {
		t.Errorf("lxc-user-nic's veth%d_* on %s: %v", u.uid, u.bridge, links)
	}

	// The system daemon's containers are out of sight and out of reach.
	if list := u.ok("list", "--all", "--name"); strings.Contains(list, rootName) || list != name {
		t.Errorf("the session lists %q, want only %s", list, name)
	}
	if _, errOut, code := u.virsh("lxc:///session", "dominfo", rootName); code == 0 || !strings.Contains(errOut, "failed to get domain") {
		t.Errorf("dominfo of root's container: exit %d, %q", code, errOut)
	}
	if _, _, code := u.virsh(uri(sys.sock), "list", "--all"); code == 0 {
		t.Errorf("the user reached the system daemon's socket")
	}
	if out := sys.ok("list", "--all", "--name"); strings.Contains(out, name) {
		t.Errorf("the system daemon lists the user's container: %q", out)
	}

	u.ok("shutdown", name)
	waitUntil(t, "the session container to shut off", func() bool {
		out, _, _ := u.virsh("lxc:///session", "domstate", name)
		return out == "shut off"
	})
	waitGone(t, initPID)
	u.ok("undefine", name)
	if list := u.ok("list", "--all", "--name"); list != "" {
		t.Errorf("after undefine the session lists %q", list)
	}
}

// TestSessionNesting: a session container that opts into nesting
// (<lxcvirt:nesting/> in <metadata>) keeps the opt-in across dumpxml and
// define, gets nesting.conf's whole /proc and /sys under /dev/.lxc, and an
// LXC container starts inside it, with the host's LXC bound in read-only.
func TestSessionNesting(t *testing.T) {
	u := newSessionUser(t)
	rootfs := filepath.Join(u.base, "nestfs")
	rootfsTool := testenv.Binary(t, "github.com/lxcvirt/lxcvirt/cmd/lxcvirt-rootfs")
	inner := filepath.Join(rootfs, "nest", "inner")
	for _, argv := range [][]string{{rootfs}, {"-init", "halt", filepath.Join(inner, "rootfs")}, {"--owner", u.name, "--shift", rootfs}} {
		if argv[0] == "--owner" {
			must(t, os.MkdirAll(filepath.Join(rootfs, "lib64"), 0o755))
			must(t, os.WriteFile(filepath.Join(inner, "config"), []byte(
				"lxc.uts.name = inner\nlxc.rootfs.path = dir:/nest/inner/rootfs\nlxc.net.0.type = empty\nlxc.init.cmd = /sbin/init\n"), 0o644))
		}
		if out, err := exec.Command(rootfsTool, argv...).CombinedOutput(); err != nil {
			t.Fatalf("lxcvirt-rootfs %v: %v\n%s", argv, err, out)
		}
	}
	name := "n5nest"
	xml := fmt.Sprintf(`<domain type='lxc'><name>%s</name><memory unit='MiB'>128</memory>
  <metadata><lxcvirt:container xmlns:lxcvirt="urn:lxcvirt:1"><lxcvirt:nesting/></lxcvirt:container></metadata>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <filesystem type='mount'><source dir='/usr'/><target dir='/usr'/><readonly/></filesystem>
    <filesystem type='mount'><source dir='/usr/lib'/><target dir='/lib'/><readonly/></filesystem>
    <filesystem type='mount'><source dir='/usr/lib64'/><target dir='/lib64'/><readonly/></filesystem>
    <console type='pty'/>
  </devices></domain>`, name, rootfs)
	u.ok("define", u.file("nest.xml", xml))
	// What a client writes back after editing the definition keeps it.
	u.ok("define", u.file("again.xml", u.ok("dumpxml", name)))
	if out := u.ok("metadata", name, "--uri", "urn:lxcvirt:1"); !strings.Contains(out, ":nesting/>") {
		t.Fatalf("the nesting opt-in did not survive dumpxml and define: %q", out)
	}
	u.ok("start", name)
	vc := startConsole(t, u.command(t.Context(), "virsh", "-c", "lxc:///session", "console", name), []string{name})
	vc.attached(name, "n5")
	vc.typeIn("grep -c ' /dev/.lxc/' /proc/mounts | sed 's/^/lxcmounts-/'\r")
	vc.waitFor("lxcmounts-2")
	vc.typeIn("export PATH=/usr/sbin:/usr/bin:/sbin:/bin\r")
	vc.typeIn("lxc-start -P /nest -n inner -f /nest/inner/config && lxc-info -P /nest -n inner -sH | sed 's/^/inner-/'\r")
	vc.waitFor("inner-RUNNING")
	vc.typeIn("lxc-stop -P /nest -n inner -k; echo inner-$((1+1))-stopped\r")
	vc.waitFor("inner-2-stopped")
	vc.typeIn(ctrlBracket)
	vc.exit()
	u.ok("destroy", name)
	u.ok("undefine", name)
}

// TestSessionDaemonIdleExit: a session daemon started as libvirt's client
// starts one (virtlxcd --timeout=N, daemonized, with the client's clean
// environment) serves the client, then exits on its own once it has had
// no client and no running container for N seconds, removing its socket.
func TestSessionDaemonIdleExit(t *testing.T) {
	u := newSessionUser(t)
	cmd := u.command(t.Context(), filepath.Join(u.bin, "virtlxcd"), "--timeout=2")
	cmd.Env = u.env
	must(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	sock := filepath.Join(u.base, "run", "libvirt", "virtlxcd-sock")
	waitUntil(t, "the session daemon's socket", func() bool {
		_, err := os.Stat(sock)
		return err == nil
	})
	if got := u.ok("uri"); got != "lxc:///session" {
		t.Fatalf("virsh uri = %q", got)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("the idle session daemon exited with %v", err)
		}
	case <-time.After(patience):
		t.Fatal("the session daemon did not exit once idle")
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("the socket outlived the daemon: %v", err)
	}
}

// TestSessionSnapshots: an unprivileged user takes disk snapshots of a
// container through stock virsh on lxc:///session — of a running one,
// frozen for the copy, and of a shut-off one — and reverts to them: the
// copies are made in a user namespace mapping the user's subordinate ids,
// so a file the container's root made (owned by a mapped id, in a
// directory only that id may enter) comes back on the host with its
// content and its numeric owner. A full system snapshot is refused (CRIU
// needs root), snapshot-delete removes a copy and undefine
// --snapshots-metadata the rest.
func TestSessionSnapshots(t *testing.T) {
	u := newSessionUser(t)
	rootfs := u.consoleRootfs("snaprootfs")
	name := "sesssnap1"
	xml := fmt.Sprintf(`<domain type='lxc'><name>%s</name><memory unit='MiB'>64</memory>
  <os><type>exe</type><init>/sbin/init</init></os>
  <devices>
    <filesystem type='mount'><source dir='%s'/><target dir='/'/></filesystem>
    <console type='pty'/>
  </devices></domain>`, name, rootfs)
	u.ok("define", u.file("snap.xml", xml))
	u.ok("start", name)
	subgids, err := subid.Load(subid.GIDFile, u.name, u.gid)
	must(t, err)
	rootUID, rootGID := u.subuid.Start, subgids[0].Start

	// Root in the container makes a private directory and file.
	u.console(name, "mkdir -m 700 /secret && echo before >/secret/f && chmod 600 /secret/f")
	secret := filepath.Join(rootfs, "secret", "f")
	owner := func(p string) (uint32, uint32) {
		t.Helper()
		var st syscall.Stat_t
		must(t, syscall.Lstat(p, &st))
		return st.Uid, st.Gid
	}
	if uid, gid := owner(secret); int64(uid) != int64(rootUID) || int64(gid) != int64(rootGID) {
		t.Fatalf("the container's file is owned by %d:%d on the host, want its root's %d:%d", uid, gid, rootUID, rootGID)
	}

	// A running container's full system snapshot needs CRIU: refused.
	_, errOut, code := u.virsh("lxc:///session", "snapshot-create-as", name, "full")
	if code == 0 || !strings.Contains(errOut, "CRIU") || !strings.Contains(errOut, "needs root") || !strings.Contains(errOut, "--disk-only") {
		t.Fatalf("a full system snapshot under lxc:///session: exit %d, %q; want refused as CRIU needs root", code, errOut)
	}
	initPID := u.ok("domid", name)
	u.ok("snapshot-create-as", name, "disk1", "--disk-only")
	if st := u.ok("domstate", name); st != "running" {
		t.Fatalf("after the disk snapshot the container is %q, want running", st)
	}
	if id := u.ok("domid", name); id != initPID {
		t.Fatalf("the snapshot restarted the container: id %s, was %s", id, initPID)
	}
	// It was frozen for the copy: the freezer of the cgroup delegated to
	// the user took lxc-freeze, then lxc-unfreeze (the daemon's log has
	// each command with its exit code).
	logged, err := os.ReadFile(u.logFile())
	must(t, err)
	for _, tool := range []string{"lxc-freeze", "lxc-unfreeze"} {
		ok := false
		for _, l := range strings.Split(string(logged), "\n") {
			ok = ok || strings.Contains(l, tool+" ") && strings.Contains(l, " "+name) && strings.Contains(l, "exit=0")
		}
		if !ok {
			t.Errorf("the daemon's log has no %s of %s that succeeded", tool, name)
		}
	}
	// The copy keeps the host owners: the user's own rsync could not.
	lxcpath := filepath.Join(u.base, "home", ".local", "share", "lxcvirt", "lxc")
	copied := filepath.Join(lxcpath, name, "snaps", "disk1", "rootfs", "secret", "f")
	if b, err := os.ReadFile(copied); err != nil || string(b) != "before\n" {
		t.Fatalf("the copy holds %q (%v)", b, err)
	}
	if uid, gid := owner(copied); int64(uid) != int64(rootUID) || int64(gid) != int64(rootGID) {
		t.Fatalf("the copy's file is owned by %d:%d, want %d:%d", uid, gid, rootUID, rootGID)
	}
	if uid, _ := owner(filepath.Join(lxcpath, name, "snaps", "disk1", "rootfs")); int64(uid) != int64(rootUID) {
		t.Fatalf("the copy's root is owned by %d, want %d", uid, rootUID)
	}

	// The file changes, content and owner; revert brings both back.
	u.console(name, "echo after >/secret/f && chown 1000:1000 /secret/f && touch /secret/new")
	if uid, _ := owner(secret); int64(uid) != int64(rootUID)+1000 {
		t.Fatalf("after chown inside the file is owned by %d, want %d", uid, int64(rootUID)+1000)
	}
	if cur := u.ok("snapshot-current", "--name", name); cur != "disk1" {
		t.Fatalf("snapshot-current %q", cur)
	}
	u.ok("snapshot-revert", name, "disk1")
	if st := u.ok("domstate", name); st != "shut off" {
		t.Fatalf("after revert the container is %q, want shut off", st)
	}
	if b, err := os.ReadFile(secret); err != nil || string(b) != "before\n" {
		t.Fatalf("after revert the file holds %q (%v)", b, err)
	}
	if uid, gid := owner(secret); int64(uid) != int64(rootUID) || int64(gid) != int64(rootGID) {
		t.Fatalf("after revert the file is owned by %d:%d, want %d:%d", uid, gid, rootUID, rootGID)
	}
	if _, err := os.Lstat(filepath.Join(rootfs, "secret", "new")); !os.IsNotExist(err) {
		t.Fatalf("a file made after the snapshot outlived the revert: %v", err)
	}

	// A shut-off container's snapshot, listed and described as libvirt's.
	u.ok("snapshot-create-as", name, "off1", "--description", "shut off")
	if list := u.ok("snapshot-list", name, "--name"); list != "disk1\noff1" {
		t.Fatalf("snapshot-list %q", list)
	}
	info := map[string]string{}
	for _, l := range strings.Split(u.ok("snapshot-info", name, "off1"), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	if info["State"] != "shutoff" || info["Parent"] != "disk1" || info["Current"] != "yes" {
		t.Fatalf("snapshot-info: %v", info)
	}
	var snap libvirtxml.DomainSnapshot
	must(t, snap.Unmarshal(u.ok("snapshot-dumpxml", name, "disk1")))
	if snap.State != "disk-snapshot" || snap.Domain == nil || snap.Domain.IDMap == nil {
		t.Fatalf("snapshot-dumpxml disk1: %+v", snap)
	}
	u.ok("snapshot-delete", name, "disk1")
	if _, err := os.Lstat(filepath.Join(lxcpath, name, "snaps", "disk1")); !os.IsNotExist(err) {
		t.Fatalf("snapshot-delete left the copy: %v", err)
	}
	// The revert started it again; the copies stay until undefine drops
	// them with the container directory.
	u.ok("snapshot-revert", name, "off1", "--running")
	if st := u.ok("domstate", name); st != "running" {
		t.Fatalf("after revert --running the container is %q", st)
	}
	u.ok("destroy", name)
	u.ok("undefine", name, "--snapshots-metadata")
	if _, err := os.Lstat(filepath.Join(lxcpath, name)); !os.IsNotExist(err) {
		t.Fatalf("undefine --snapshots-metadata left the container directory: %v", err)
	}
}
