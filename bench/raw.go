package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rawLXC drives containers with the lxc-* tools directly: the baseline
// every lxcvirt figure is compared with.
type rawLXC struct {
	path   string // the private lxcpath
	rootfs string
}

// memoryLimitKey is the config key that sets the memory limit on this
// host's cgroup layout (what the driver writes for <memory>).
func memoryLimitKey() string {
	if exists("/sys/fs/cgroup/memory") {
		return "lxc.cgroup.memory.limit_in_bytes"
	}
	return "lxc.cgroup2.memory.max"
}

// define writes name's config: the same container the domain XML of
// domainSpec describes (busybox rootfs, one veth on the bridge, 500000 KiB).
func (r *rawLXC) define(name, mac string) error {
	dir := filepath.Join(r.path, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	conf := strings.Join([]string{
		"lxc.uts.name = " + name,
		"lxc.rootfs.path = dir:" + r.rootfs,
		"lxc.init.cmd = /sbin/init",
		"lxc.net.0.type = veth",
		"lxc.net.0.link = " + bridge,
		"lxc.net.0.flags = up",
		"lxc.net.0.hwaddr = " + mac,
		"lxc.mount.auto = proc:mixed sys:ro cgroup:mixed",
		"lxc.tty.max = 1",
		"lxc.pty.max = 16",
		"lxc.autodev = 1",
		fmt.Sprintf("%s = %d", memoryLimitKey(), memKiB*1000),
	}, "\n") + "\n"
	return os.WriteFile(filepath.Join(dir, "config"), []byte(conf), 0o644)
}

// defineFrom writes name's config as a copy of conf (a config lxcvirtd
// generated) with name's own hostname and MAC, and the host veth named by
// LXC.
func (r *rawLXC) defineFrom(conf []byte, name string) error {
	mac := newSpec(name).MAC
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(conf)), "\n") {
		k, _, _ := strings.Cut(l, "=")
		switch strings.TrimSpace(k) {
		case "lxc.uts.name":
			l = "lxc.uts.name = " + name
		case "lxc.net.0.hwaddr":
			l = "lxc.net.0.hwaddr = " + mac
		case "lxc.net.0.veth.pair":
			continue
		}
		lines = append(lines, l)
	}
	dir := filepath.Join(r.path, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "config"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

// start runs lxc-start -d, which in LXC 5 returns once the container runs.
func (r *rawLXC) start(ctx context.Context, name string) (time.Duration, error) {
	return command(ctx, "lxc-start", "-P", r.path, "-n", name, "-d")
}

// waitRunning runs lxc-wait for RUNNING, as a script would after start.
func (r *rawLXC) waitRunning(ctx context.Context, name string) (time.Duration, error) {
	return command(ctx, "lxc-wait", "-P", r.path, "-n", name, "-s", "RUNNING", "-t", "10")
}

// initPID asks lxc-info for the container's init PID.
func (r *rawLXC) initPID(ctx context.Context, name string) (int, error) {
	out, _, err := output(ctx, "lxc-info", "-P", r.path, "-n", name, "-p", "-H")
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return 0, fmt.Errorf("lxc-info -p for %s: %q", name, out)
	}
	return pid, nil
}

// kill runs lxc-stop -k: SIGKILL to init, wait until stopped.
func (r *rawLXC) kill(ctx context.Context, name string) (time.Duration, error) {
	return command(ctx, "lxc-stop", "-P", r.path, "-n", name, "-k")
}

// halt runs lxc-stop: the halt signal to init, wait (at most 10 s) until
// it stopped.
func (r *rawLXC) halt(ctx context.Context, name string) (time.Duration, error) {
	return command(ctx, "lxc-stop", "-P", r.path, "-n", name, "-t", "10")
}

// killAll stops every active container under lxcpath; cleanup uses it for
// the raw containers and for whatever a daemon left behind.
func killAll(ctx context.Context, lxcpath string) error {
	if !exists(lxcpath) {
		return nil
	}
	out, _, err := output(ctx, "lxc-ls", "-P", lxcpath, "--active", "-1")
	if err != nil {
		return err
	}
	var (
		mu   sync.Mutex
		errs []string
		wg   sync.WaitGroup
		sem  = make(chan struct{}, 8) // a scale run may leave a thousand
	)
	for _, name := range strings.Fields(string(out)) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if _, err := command(ctx, "lxc-stop", "-P", lxcpath, "-n", name, "-k"); err != nil {
				mu.Lock()
				errs = append(errs, err.Error())
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return fmt.Errorf("stop leftovers: %s", strings.Join(errs, "; "))
	}
	return nil
}
