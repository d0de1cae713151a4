//go:build integration

package integration

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lxcvirt/lxcvirt/internal/testenv"
	"github.com/lxcvirt/lxcvirt/plugin"
)

// These tests install lxcvirt the way an administrator does: make install
// into a DESTDIR, and the Debian package (make deb) with dpkg on this
// machine, started the way its systemd unit starts it.

const (
	debPackage = "lxcvirt"
	debUnit    = "/lib/systemd/system/lxcvirtd.service"
	debDaemon  = "/usr/sbin/lxcvirtd"
	debPlugin  = "/usr/lib/lxcvirt/" + plugin.DefaultBinary
	debConf    = "/etc/lxcvirt/lxcvirtd.conf"
	// systemdPath is the PATH systemd gives system services.
	systemdPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
)

// TestDebPackage builds the package, installs it with dpkg, reinstalls it
// over an edited config file (kept, as a conffile), runs the daemon from
// the installed files as the unit's ExecStart does (with the package's
// config file; the test's sockets and state come as flags in
// LXCVIRTD_ARGS, the unit's EnvironmentFile variable), manages a container
// through it with virsh, removes the package (the config file stays) and
// purges it: nothing is left behind.
func TestDebPackage(t *testing.T) {
	h := newHost(t)
	if st := debStatus(t); st != "" {
		t.Fatalf("package %s is known to dpkg here (%s); the test installs and purges its own build (dpkg --purge %s first)", debPackage, st, debPackage)
	}
	deb := debBuild(t)
	contents := debContents(t, deb)
	units := []string{debUnit, "/lib/systemd/system/lxcvirtd.socket", "/lib/systemd/system/lxcvirtd-ro.socket"}
	for _, p := range append([]string{debDaemon, "/usr/sbin/lxcvirt-import", debPlugin, debConf}, units...) {
		if !slices.Contains(contents, p) {
			t.Errorf("%s lacks %s; it holds %v", deb, p, contents)
		}
	}
	if depends := debRun(t, "dpkg-deb", "--field", deb, "Depends"); !slices.Contains(strings.Split(depends, ", "), "lxc") {
		t.Errorf("Depends: %q, want lxc", depends)
	}
	existed := map[string]bool{}
	for _, p := range contents {
		_, err := os.Lstat(p)
		existed[p] = err == nil
	}
	stateBefore := debSystemState(t)

	debDpkg(t, "--install", deb)
	t.Cleanup(func() {
		if debStatus(t) != "" {
			debDpkg(t, "--purge", debPackage)
		}
	})
	listed := strings.Split(debRun(t, "dpkg", "--listfiles", debPackage), "\n")
	for _, p := range contents {
		if !slices.Contains(listed, p) {
			t.Errorf("dpkg -L %s lacks %s", debPackage, p)
		}
		if _, err := os.Lstat(p); err != nil {
			t.Errorf("installed: %v", err)
		}
	}
	if cf := debRun(t, "dpkg-query", "--show", "--showformat=${Conffiles}", debPackage); !strings.Contains(cf, debConf+" ") {
		t.Errorf("conffiles %q, want %s", cf, debConf)
	}
	if _, err := exec.LookPath("deb-systemd-helper"); err == nil {
		// Enabled as dh_installsystemd enables units, whether systemd runs or not.
		for link, target := range map[string]string{
			"/etc/systemd/system/multi-user.target.wants/lxcvirtd.service": debUnit,
			"/etc/systemd/system/sockets.target.wants/lxcvirtd.socket":     "/lib/systemd/system/lxcvirtd.socket",
			"/etc/systemd/system/sockets.target.wants/lxcvirtd-ro.socket":  "/lib/systemd/system/lxcvirtd-ro.socket",
		} {
			if got, err := os.Readlink(link); err != nil || got != target {
				t.Errorf("postinst: %s -> %q (%v), want %s", link, got, err, target)
			}
		}
	}

	// systemd's own parser accepts the installed units (and finds ExecStart's binary).
	if out, err := exec.Command("systemd-analyze", append([]string{"verify"}, units...)...).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}

	conf, err := os.ReadFile(debConf)
	must(t, err)
	edited := append(conf, "# the administrator's edit\n"...)
	must(t, os.WriteFile(debConf, edited, 0o644))
	debDpkg(t, "--install", deb) // an upgrade's path: postinst configure with the old version
	if got, err := os.ReadFile(debConf); err != nil || !bytes.Equal(got, edited) {
		t.Errorf("reinstall replaced the edited %s: %v\n%s", debConf, err, got)
	}

	unit, err := os.ReadFile(debUnit)
	must(t, err)
	dir := socketDir(t)
	d := &daemon{t: t, h: h, sock: filepath.Join(dir, "sock"), ro: filepath.Join(dir, "sock-ro")}
	argv := debExecStart(t, string(unit), map[string]string{"LXCVIRTD_ARGS": strings.Join([]string{
		"--socket", d.sock, "--state-dir", h.stateDir, "--lxcpath", h.lxcPath, "--run-dir", h.runDir, "--log-level", "debug",
	}, " ")})
	t.Logf("ExecStart: %q", argv)
	if argv[0] != debDaemon || !slices.Contains(argv, debConf) {
		t.Fatalf("ExecStart %q: want %s with the package's %s", argv, debDaemon, debConf)
	}
	d.cmd = exec.Command(argv[0], argv[1:]...)
	d.cmd.Env = []string{systemdPath}
	d.start()
	if exe := debChildExe(d); exe != debPlugin {
		t.Errorf("the installed daemon runs plugin %s, want %s", exe, debPlugin)
	}

	name := h.name("deb")
	d.ok("define", writeXML(t, smallXML(name, h.rootfs(testenv.InitShell), "")))
	d.ok("start", name)
	if _, state, ok := listRow(d.ok("list"), name); !ok || state != "running" {
		t.Fatalf("%s not running after start", name)
	}
	d.ok("destroy", name)
	if got := d.ok("domstate", name); got != "shut off" {
		t.Errorf("domstate after destroy: %q", got)
	}
	d.ok("undefine", name)
	d.stop()

	debDpkg(t, "--remove", debPackage)
	if st := debStatus(t); st != "config-files" {
		t.Errorf("after dpkg --remove: %q, want config-files", st)
	}
	for _, p := range []string{debDaemon, debPlugin, debUnit} {
		if _, err := os.Lstat(p); err == nil {
			t.Errorf("%s left by dpkg --remove", p)
		}
	}
	if got, err := os.ReadFile(debConf); err != nil || !bytes.Equal(got, edited) {
		t.Errorf("dpkg --remove did not keep the config file: %v", err)
	}
	debDpkg(t, "--purge", debPackage)
	if st := debStatus(t); st != "" {
		t.Errorf("after dpkg --purge: %q", st)
	}
	for _, p := range contents {
		if _, err := os.Lstat(p); (err == nil) != existed[p] {
			t.Errorf("after purge %s: %v (existed before install: %v)", p, err, existed[p])
		}
	}
	if after := debSystemState(t); !slices.Equal(after, stateBefore) {
		t.Errorf("left behind by install and purge: %v (before: %v)", after, stateBefore)
	}
}

// TestMakeInstall installs into a DESTDIR with the default PREFIX: the
// daemon in sbin with its plugin in lib/lxcvirt (where it looks), the unit
// starting the installed daemon; a second install keeps an edited config
// file, and make uninstall removes everything but the config file.
func TestMakeInstall(t *testing.T) {
	dest := t.TempDir()
	run := func(target string) {
		t.Helper()
		cmd := exec.Command("make", "-s", "--no-print-directory", "-C", "..", target, "DESTDIR="+dest)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %s: %v\n%s", target, err, out)
		}
	}
	run("install")
	files := map[string]fs.FileMode{
		"/usr/local/sbin/lxcvirtd":                         0o755,
		"/usr/local/sbin/lxcvirt-import":                   0o755,
		"/usr/local/lib/lxcvirt/" + plugin.DefaultBinary:   0o755,
		"/usr/local/lib/systemd/system/lxcvirtd.service":   0o644,
		"/usr/local/lib/systemd/system/lxcvirtd.socket":    0o644,
		"/usr/local/lib/systemd/system/lxcvirtd-ro.socket": 0o644,
		debConf: 0o644,
	}
	for p, mode := range files {
		if fi, err := os.Stat(dest + p); err != nil || fi.Mode() != mode {
			t.Errorf("%s: %v, want mode %v", p, fi, mode)
		}
	}
	unit, err := os.ReadFile(dest + "/usr/local/lib/systemd/system/lxcvirtd.service")
	must(t, err)
	argv := debExecStart(t, string(unit), nil)
	if !slices.Equal(argv, []string{"/usr/local/sbin/lxcvirtd", "--config", debConf}) {
		t.Errorf("ExecStart %q", argv)
	}

	edited := []byte("# the administrator's\n")
	must(t, os.WriteFile(dest+debConf, edited, 0o644))
	run("install")
	if got, err := os.ReadFile(dest + debConf); err != nil || !bytes.Equal(got, edited) {
		t.Errorf("second install changed the config file: %q, %v", got, err)
	}
	run("uninstall")
	for p := range files {
		if _, err := os.Stat(dest + p); (p == debConf) != (err == nil) {
			t.Errorf("after uninstall %s: %v", p, err)
		}
	}
}

// debBuild runs make deb into a temp dir and returns the package's path.
func debBuild(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "make", "-s", "--no-print-directory", "-C", "..", "deb", "DEBDIR="+t.TempDir())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("make deb: %v\n%s", err, stderr.String())
	}
	deb := strings.TrimSpace(string(out))
	if !strings.HasSuffix(deb, ".deb") {
		t.Fatalf("make deb printed %q, want the package's path", out)
	}
	return deb
}

// debContents lists the paths a package installs (not "/").
func debContents(t *testing.T, deb string) []string {
	t.Helper()
	var paths []string
	for _, line := range strings.Split(debRun(t, "dpkg-deb", "--contents", deb), "\n") {
		f := strings.Fields(line)
		if len(f) != 6 {
			t.Fatalf("dpkg-deb --contents: %q", line)
		}
		if p := strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/"); p != "" {
			paths = append(paths, p)
		}
	}
	return paths
}

// debStatus is the package's status in dpkg's database ("installed",
// "config-files" …), "" when dpkg does not know it.
func debStatus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "--show", "--showformat=${db:Status-Status}", debPackage).Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 {
		return ""
	}
	if err != nil {
		t.Fatalf("dpkg-query: %v", err)
	}
	if st := string(out); st != "not-installed" {
		return st
	}
	return ""
}

// debDpkg runs dpkg, waiting while another dpkg or apt holds its lock.
func debDpkg(t *testing.T, args ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Minute)
	for {
		cmd := exec.Command("dpkg", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Logf("$ dpkg %s\n%s", strings.Join(args, " "), out)
			return
		}
		if !bytes.Contains(out, []byte("lock")) || time.Now().After(deadline) {
			t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		time.Sleep(time.Second)
	}
}

// debRun runs a command that must succeed and returns its trimmed stdout.
func debRun(t *testing.T, argv0 string, args ...string) string {
	t.Helper()
	out, err := exec.Command(argv0, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = errors.Join(err, errors.New(string(ee.Stderr)))
		}
		t.Fatalf("%s %s: %v", argv0, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out))
}

// debSystemState lists what of lxcvirt the maintainer scripts and dpkg keep
// outside the package's own files: unit enablement and masks, the
// deb-systemd-helper state, dpkg's control files of the package.
func debSystemState(t *testing.T) []string {
	t.Helper()
	var found []string
	for _, root := range []string{"/etc/systemd/system", "/var/lib/systemd/deb-systemd-helper-enabled", "/var/lib/systemd/deb-systemd-helper-masked", "/var/lib/dpkg/info"} {
		err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if n := e.Name(); strings.HasPrefix(n, "lxcvirtd") || strings.HasPrefix(n, debPackage+".") {
				found = append(found, p)
			}
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
	slices.Sort(found)
	return found
}

var (
	debVarWord   = regexp.MustCompile(`^\$([A-Za-z_][A-Za-z0-9_]*)$`)
	debVarInWord = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)
)

// debExecStart is the command line the unit's ExecStart runs, with env's
// variables substituted as systemd does: a word "$NAME" becomes NAME's
// value split at whitespace, "${NAME}" within a word its whole value; an
// unset variable is empty. The unit must not quote (lxcvirt's does not).
func debExecStart(t *testing.T, unit string, env map[string]string) []string {
	t.Helper()
	var line string
	section := ""
	for _, l := range strings.Split(unit, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "[") {
			section = l
		} else if v, ok := strings.CutPrefix(l, "ExecStart="); ok && section == "[Service]" {
			if line != "" {
				t.Fatalf("more than one ExecStart in:\n%s", unit)
			}
			line = v
		}
	}
	if line == "" || strings.ContainsAny(line, `"'\`) {
		t.Fatalf("want one unquoted ExecStart in [Service]:\n%s", unit)
	}
	var argv []string
	for i, w := range strings.Fields(line) {
		if i == 0 {
			w = strings.TrimLeft(w, "-@:+!") // systemd's exec prefixes
		}
		if m := debVarWord.FindStringSubmatch(w); m != nil {
			argv = append(argv, strings.Fields(env[m[1]])...)
			continue
		}
		argv = append(argv, debVarInWord.ReplaceAllStringFunc(w, func(v string) string {
			return env[debVarInWord.FindStringSubmatch(v)[1]]
		}))
	}
	return argv
}

// debChildExe waits for the daemon's child process (its driver plugin)
// and returns the binary it runs.
func debChildExe(d *daemon) string {
	d.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		for _, p := range processes(d.t) {
			if p.ppid == d.cmd.Process.Pid && p.state != "Z" {
				if exe, err := os.Readlink(filepath.Join("/proc", strconv.Itoa(p.pid), "exe")); err == nil {
					return exe
				}
			}
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("lxcvirtd %d runs no child process\n%s", d.cmd.Process.Pid, d.log())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
