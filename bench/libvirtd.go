package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Debian's libvirtd with its own LXC driver is the control-plane baseline.
// It runs in a private mount namespace: every directory it would write
// (/etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/log/libvirt,
// /var/cache/libvirt) is a bind mount of a temp directory, so the host's
// libvirt state is never touched, and its connection-driver directory holds
// only the LXC driver, so it neither loads the QEMU driver (which refuses to
// start without a qemu user) nor the network, storage or other drivers.

// libvirtdPackages are what the bench installs when libvirtd is missing.
var libvirtdPackages = []string{"libvirt-daemon", "libvirt-daemon-driver-lxc"}

// lxcDriverGlob finds libvirt's LXC connection driver.
const lxcDriverGlob = "/usr/lib/*/libvirt/connection-driver/libvirt_driver_lxc.so"

// libvirtdDirs are the host directories libvirtd writes as root; each gets
// a private bind mount.
var libvirtdDirs = []string{"/etc/libvirt", "/run/libvirt", "/var/lib/libvirt", "/var/log/libvirt", "/var/cache/libvirt"}

// ensureLibvirtd installs Debian's libvirtd and its LXC driver when absent
// and returns the LXC driver's path.
func ensureLibvirtd(ctx context.Context, log *slog.Logger) (string, error) {
	if drv := findLXCDriver(); drv != "" && exists("/usr/sbin/libvirtd") {
		return drv, nil
	}
	log.Info("installing libvirtd with its LXC driver", "packages", strings.Join(libvirtdPackages, " "))
	env := append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	install := append([]string{"apt-get", "install", "-y", "-q", "--no-install-recommends"}, libvirtdPackages...)
	for _, argv := range [][]string{{"apt-get", "update", "-q"}, install} {
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s: %w: %s", strings.Join(argv, " "), err, lastLines(string(out), 5))
		}
	}
	drv := findLXCDriver()
	if drv == "" || !exists("/usr/sbin/libvirtd") {
		return "", errors.New("libvirtd or its LXC driver still missing after apt-get install")
	}
	return drv, nil
}

func findLXCDriver() string {
	m, _ := filepath.Glob(lxcDriverGlob)
	if len(m) == 0 {
		return ""
	}
	return m[0]
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// nsChildEnv carries a nsSpec to the bench binary re-executed as the
// namespace helper.
const nsChildEnv = "LXCVIRT_BENCH_NS_CHILD"

// nsSpec is what the helper does inside its new mount namespace: bind
// mounts (source → target), then exec Argv.
type nsSpec struct {
	Binds [][2]string `json:"binds"`
	Argv  []string    `json:"argv"`
}

// nsChild is main when the binary runs as the namespace helper. Go has
// already unshared the mount namespace and made / private (Unshareflags);
// it mounts and execs, so the pid the bench holds is libvirtd's.
func nsChild(spec string) int {
	var s nsSpec
	if err := json.Unmarshal([]byte(spec), &s); err != nil || len(s.Argv) == 0 {
		fmt.Fprintf(os.Stderr, "bench ns helper: bad spec: %v\n", err)
		return 2
	}
	for _, b := range s.Binds {
		if err := syscall.Mount(b[0], b[1], "", syscall.MS_BIND, ""); err != nil {
			fmt.Fprintf(os.Stderr, "bench ns helper: bind %s on %s: %v\n", b[0], b[1], err)
			return 1
		}
	}
	var env []string
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, nsChildEnv+"=") {
			env = append(env, e)
		}
	}
	err := syscall.Exec(s.Argv[0], s.Argv, env)
	fmt.Fprintf(os.Stderr, "bench ns helper: exec %s: %v\n", s.Argv[0], err)
	return 1
}

// startLibvirtd runs libvirtd (LXC driver only) in a private mount
// namespace with its socket and all its state under dir. Missing mount
// points on the host are created and registered for removal.
func startLibvirtd(ctx context.Context, cl *cleanups, driver, dir string) (*daemon, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	sockDir := filepath.Join(dir, "sock")
	drivers := filepath.Join(dir, "connection-driver")
	for _, p := range []string{sockDir, drivers} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return nil, err
		}
	}
	// A copy, not a symlink: the original directory is covered by the mount.
	if err := copyFile(driver, filepath.Join(drivers, filepath.Base(driver))); err != nil {
		return nil, fmt.Errorf("copy lxc driver: %w", err)
	}
	spec := nsSpec{Binds: [][2]string{{drivers, filepath.Dir(driver)}}}
	for _, target := range libvirtdDirs {
		src := filepath.Join(dir, strings.ReplaceAll(strings.Trim(target, "/"), "/", "-"))
		if err := os.MkdirAll(src, 0o755); err != nil {
			return nil, err
		}
		if err := mkdirRemembered(cl, target); err != nil {
			return nil, err
		}
		spec.Binds = append(spec.Binds, [2]string{src, target})
	}
	conf := filepath.Join(dir, "libvirtd.conf")
	logFile := filepath.Join(dir, "libvirtd.log")
	confText := fmt.Sprintf("unix_sock_dir = %q\nunix_sock_rw_perms = \"0700\"\nauth_unix_rw = \"none\"\nauth_unix_ro = \"none\"\nlog_outputs = \"3:file:%s\"\n",
		sockDir, logFile)
	if err := os.WriteFile(conf, []byte(confText), 0o644); err != nil {
		return nil, err
	}
	spec.Argv = []string{"/usr/sbin/libvirtd", "--config", conf, "--pid-file", filepath.Join(dir, "libvirtd.pid")}
	js, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), nsChildEnv+"="+string(js))
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS}
	d, err := launch("libvirtd", filepath.Join(sockDir, "libvirt-sock"), filepath.Join(dir, "stderr.log"), cmd)
	if err != nil {
		return nil, err
	}
	if err := d.waitReady(ctx, 30*time.Second); err != nil {
		_ = d.stop(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("%w\nlibvirtd log:\n%s", err, tail(logFile, 10))
	}
	return d, nil
}

// mkdirRemembered creates path and any missing parents, registering each
// directory it created for removal (rmdir: only if still empty).
func mkdirRemembered(cl *cleanups, path string) error {
	var missing []string
	for p := path; p != "/" && !exists(p); p = filepath.Dir(p) {
		missing = append(missing, p)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		p := missing[i]
		if err := os.Mkdir(p, 0o755); err != nil {
			return err
		}
		cl.Add("remove "+p, func(context.Context) error { return os.Remove(p) })
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}
