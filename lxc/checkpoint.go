package lxc

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Checkpoint and restore with CRIU, through lxc-checkpoint.
//
// What LXC 5.0.2 and CRIU 4.1 need here, beyond lxc-checkpoint's own
// arguments, goes into a CRIU config file named by CRIU_CONFIG_FILE, which
// lxc-checkpoint's criu child inherits:
//
//   - the container's ttys (/dev/ttyN, bind mounts of its devpts' ptys
//     whose masters LXC's monitor holds) are external mounts: CRIU cannot
//     dump a pty bind mount without its master ("Unable to find a master
//     for /N"); on restore they are bound to /dev/null, as the new monitor
//     holds no master for them (only the console, /dev/console, comes
//     back: LXC hands CRIU a new pty for it).
//   - restore uses mntns-compat-mode: CRIU's mount-v2 fails move_mount of
//     LXC's read-only bind mounts with EINVAL.
//
// Restore runs lxc-checkpoint in the foreground (-F) in a session of its
// own, its output in a file of the dump's directory, and the runtime waits
// until LXC reports the container running: the process stays the parent
// of the restored monitor.
//
// The restore config drops the "empty" network LXC's criu.c mishandles:
// for it, the previous network's --external argument is repeated, and CRIU
// then adds the veth to its bridge twice (EBUSY).

// ErrCheckpoint marks a dump or restore that CRIU (or lxc-checkpoint)
// refused or failed; a *CheckpointError carries why.
var ErrCheckpoint = errors.New("checkpoint failed")

// CheckpointError is a failed dump or restore: what CRIU's log says, and
// a sentence naming the cause when it is a known one.
type CheckpointError struct {
	Op    string   // "dump" or "restore"
	Cause string   // the known cause, "" when not recognised
	Lines []string // CRIU's and LXC's error lines, at most a few
	Err   error    // the command's failure
}

func (e *CheckpointError) Error() string {
	msg := e.Op + " failed"
	if e.Cause != "" {
		msg += ": " + e.Cause
	}
	if len(e.Lines) > 0 {
		msg += " (CRIU: " + strings.Join(e.Lines, "; ") + ")"
	} else if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

func (e *CheckpointError) Unwrap() []error { return []error{ErrCheckpoint, e.Err} }

const (
	// checkpointWait bounds a dump or a restore beyond the runner's
	// timeout: their time grows with the container's memory.
	checkpointWait = 10 * time.Minute
	// restorePoll is how often a restore in progress is looked at.
	restorePoll = 50 * time.Millisecond
)

// knownCauses maps CRIU log text to the cause it means.
var knownCauses = []struct{ text, cause string }{
	{"Can't get 1:16 opt", "the container holds a packet socket (AF_PACKET, as DHCP clients do) that CRIU cannot checkpoint on this kernel"},
	{"Unable to find a master for", "a terminal of the container has its master outside the container"},
	{"apparmor LSM specified but apparmor not supported", "the container has an AppArmor profile but the kernel has no AppArmor"},
	{"anon_inode:bpf-prog", "a process of the container holds a BPF program (systemd loads them for the IPAddressDeny= of its units), which CRIU cannot checkpoint"},
	{"unsupported id", "the container has a mount of a file system CRIU cannot checkpoint"},
	{"Can't add interface", "its network interface could not be put back on its bridge"},
}

// Checkpoint dumps name's running container into dir (created; it must
// not hold a dump already) with CRIU and, when stop, stops it
// (lxc-checkpoint -s); else it runs on (CRIU's --leave-running), in the
// freezer state it had (a container frozen for the dump stays frozen). A
// dump that fails leaves the container running; its error is a
// *CheckpointError.
func (rt *Runtime) Checkpoint(ctx context.Context, name, dir string, stop bool) error {
	if err := ValidateName(name); err != nil {
		return err
	}
	if err := validatePath("checkpoint dir", dir); err != nil {
		return err
	}
	if pid, comm, ok := rt.packetSocketHolder(ctx, name); ok {
		return &CheckpointError{Op: "dump", Cause: fmt.Sprintf("the container holds a packet socket (PID %d, %s: a DHCP client?) that CRIU cannot checkpoint on this kernel", pid, comm)}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("checkpoint %s: %w", name, err)
	}
	var conf strings.Builder
	if _, initPID, err := rt.r.State(ctx, name); err == nil && initPID > 0 {
		ms := rt.mounts(initPID)
		for _, tty := range ttyMounts(ms) {
			fmt.Fprintf(&conf, "ext-mount-map /dev/%s:%s\n", tty, tty)
		}
		empty, full := rt.ramfsMounts(initPID, ms)
		if full != "" {
			return &CheckpointError{Op: "dump", Cause: fmt.Sprintf("the container has a non-empty ramfs mount at %s, which CRIU cannot checkpoint", full)}
		}
		if empty {
			// CRIU does not dump ramfs; an empty one (systemd's
			// /run/credentials/UNIT) is mounted anew, as it was.
			conf.WriteString("enable-fs ramfs\n")
		}
		if root := cgroup2Root(ms); root != "" {
			// LXC names every hierarchy's root for CRIU but the
			// cgroup2 one by its controllers, which CRIU does not
			// match to cgroup2 (its controller is ""): CRIU then
			// dumps only the cgroups processes are in, and a
			// restore cannot reopen what systemd watches in the
			// empty ones (cgroup.events of a slice).
			fmt.Fprintf(&conf, "cgroup-root :%s\n", root)
		}
	}
	confPath := filepath.Join(dir, "criu-dump.conf")
	if err := os.WriteFile(confPath, []byte(conf.String()), 0o600); err != nil {
		return fmt.Errorf("checkpoint %s: %w", name, err)
	}
	logPath := filepath.Join(dir, "lxc-dump.log")
	argv := []string{"env", "CRIU_CONFIG_FILE=" + confPath, rt.r.bin("lxc-checkpoint"), "-P", rt.r.lxcpath, "-n", name}
	if stop {
		argv = append(argv, "-s")
	}
	argv = append(argv, "-D", dir, "-o", logPath, "-l", "INFO")
	bounded, cancel := rt.checkpointBound(ctx)
	defer cancel()
	res, err := rt.r.exec1(bounded, argv, nil)
	if err == nil && res.ExitCode == 0 {
		return nil
	}
	if err == nil {
		err = fmt.Errorf("lxc-checkpoint exited %d: %s", res.ExitCode, firstLine(string(res.Stderr)))
	}
	return checkpointError("dump", err, filepath.Join(dir, "dump.log"), logPath)
}

// Restore writes config as name's LXC config and restores the container
// from the dump in dir (lxc-checkpoint -r), returning the handle of its
// init once LXC reports it running, in the freezer state it was dumped
// in (LXC's monitor knows it). Its error is a *CheckpointError when
// CRIU or LXC failed.
func (rt *Runtime) Restore(ctx context.Context, name string, config []byte, dir string) (*Container, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	if err := validatePath("checkpoint dir", dir); err != nil {
		return nil, err
	}
	cdir := rt.dir(name)
	if err := os.MkdirAll(cdir, 0o700); err != nil {
		return nil, &setupError{"cannot create container directory for '" + name + "'", err}
	}
	ttys := configTTYs(config)
	config = restoreConfig(config)
	if err := writeFileAtomic(filepath.Join(cdir, "config"), config, 0o600); err != nil {
		return nil, &setupError{"cannot write LXC config for '" + name + "'", err}
	}
	conf := "mntns-compat-mode\n"
	for i := 1; i <= ttys; i++ {
		conf += fmt.Sprintf("ext-mount-map tty%d:/dev/null\n", i)
	}
	confPath := filepath.Join(dir, "criu-restore.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		return nil, fmt.Errorf("restore %s: %w", name, err)
	}
	logPath := filepath.Join(dir, "lxc-restore.log")
	out, err := os.OpenFile(filepath.Join(dir, "lxc-restore.out"), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, fmt.Errorf("restore %s: %w", name, err)
	}
	defer out.Close()
	argv := []string{rt.r.bin("lxc-checkpoint"), "-P", rt.r.lxcpath, "-n", name, "-r", "-F", "-D", dir, "-o", logPath, "-l", "INFO"}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "CRIU_CONFIG_FILE="+confPath)
	cmd.Stdout, cmd.Stderr = out, out
	// Its own session: it outlives this call as the monitor's parent.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("restore %s: %w", name, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	fail := func(err error) (*Container, error) {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		rt.killQuietly(name)
		return nil, checkpointError("restore", err, filepath.Join(dir, "restore.log"), logPath)
	}
	bounded, cancel := rt.checkpointBound(ctx)
	defer cancel()
	t := time.NewTicker(restorePoll)
	defer t.Stop()
	var done error
	ended := false
	for {
		select {
		case <-bounded.Done():
			return fail(fmt.Errorf("restore did not finish: %w", bounded.Err()))
		case done = <-exited:
			ended = true
		case <-t.C:
		}
		st, pid, err := rt.r.State(bounded, name)
		if err == nil && st == Running && pid > 0 {
			rt.r.log.Debug("restored", "domain", name, "pid", pid, "duration", time.Since(start))
			c := rt.Adopt(name, pid)
			if err := c.syncFrozen(bounded); err != nil {
				return fail(err)
			}
			return c, nil
		}
		if ended && (err != nil || st == Stopped) {
			if done == nil {
				done = fmt.Errorf("lxc-checkpoint exited but the container does not run (state %s)", st)
			}
			return fail(done)
		}
	}
}

// syncFrozen tells LXC's monitor of a restored container that it is
// frozen when its freezer says so: CRIU restores the freezer state of the
// dump behind the monitor, which reports it running, and lxc-unfreeze does
// nothing for a container its monitor believes running. lxc-freeze on a
// frozen cgroup only records the state.
func (c *Container) syncFrozen(ctx context.Context) error {
	frozen, err := c.Frozen()
	if err != nil || !frozen {
		return nil
	}
	if err := c.Freeze(ctx); err != nil {
		return fmt.Errorf("record the restored container's frozen state: %w", err)
	}
	return nil
}

// checkpointBound is ctx bounded by the runner's timeout plus
// checkpointWait (no bound when the runner has none).
func (rt *Runtime) checkpointBound(ctx context.Context) (context.Context, context.CancelFunc) {
	if rt.r.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, rt.r.timeout+checkpointWait)
}

// checkpointError builds the *CheckpointError of op from CRIU's log
// (criuLog) and LXC's (lxcLog).
func checkpointError(op string, err error, criuLog, lxcLog string) error {
	e := &CheckpointError{Op: op, Err: err}
	for _, path := range []string{criuLog, lxcLog} {
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			continue
		}
		for line := range bytes.Lines(b) {
			s := strings.TrimSpace(string(line))
			if !strings.Contains(s, "Error") && !strings.Contains(s, " ERROR ") {
				continue
			}
			if strings.Contains(s, "RLIMIT_NOFILE") || strings.Contains(s, "Address already assigned") ||
				strings.Contains(s, "address already assigned") {
				continue // noise CRIU logs on every run here
			}
			for _, k := range knownCauses {
				if e.Cause == "" && strings.Contains(s, k.text) {
					e.Cause = k.cause
				}
			}
			if _, msg, ok := strings.Cut(s, "): "); ok && strings.HasPrefix(s, "Error (") {
				s = msg
			} else if parts := strings.SplitN(s, " - ", 3); len(parts) == 3 {
				s = parts[2]
			}
			if len(e.Lines) < 3 {
				e.Lines = append(e.Lines, s)
			}
		}
	}
	return e
}

// mount is a line of a process's mountinfo: the mount's root within its
// file system, where it is mounted, and the file system's type.
type mount struct{ root, point, fstype string }

// mounts reads the mount table of the container whose init is initPID
// (none when it cannot be read).
func (rt *Runtime) mounts(initPID int) []mount {
	b, err := os.ReadFile(filepath.Join(rt.sys.procRoot, strconv.Itoa(initPID), "mountinfo"))
	if err != nil {
		return nil
	}
	var ms []mount
	for line := range bytes.Lines(b) {
		left, right, ok := strings.Cut(string(line), " - ")
		lf, rf := strings.Fields(left), strings.Fields(right)
		if ok && len(lf) >= 5 && len(rf) >= 1 {
			ms = append(ms, mount{root: lf[3], point: lf[4], fstype: rf[0]})
		}
	}
	return ms
}

// ramfsMounts looks at the ramfs mounts among ms, the mounts of the
// container whose init is initPID: whether it has any, and the first that
// holds files ("" when none does).
func (rt *Runtime) ramfsMounts(initPID int, ms []mount) (any bool, full string) {
	root := filepath.Join(rt.sys.procRoot, strconv.Itoa(initPID), "root")
	for _, m := range ms {
		if m.fstype != "ramfs" {
			continue
		}
		any = true
		if entries, err := os.ReadDir(filepath.Join(root, m.point)); err == nil && len(entries) > 0 {
			return true, m.point
		}
	}
	return any, ""
}

// cgroup2Root is the cgroup2 directory a container with mounts ms sees as
// its root (the root of its cgroup2 mount, as the host sees it: LXC's
// payload cgroup, under which the container's cgroups are); "" when it
// has no cgroup2 mount or it is the host's root.
func cgroup2Root(ms []mount) string {
	for _, m := range ms {
		if m.fstype != "cgroup2" {
			continue
		}
		if m.root == "/" || !strings.HasPrefix(m.root, "/") || strings.ContainsAny(m.root, "\\\"'") {
			return "" // mountinfo escapes blanks as \NNN; CRIU's config needs none
		}
		return m.root
	}
	return ""
}

// ttyMounts are the ttyN mounted on /dev/ttyN among ms (LXC's ttys, or
// what a restore bound there).
func ttyMounts(ms []mount) []string {
	var ttys []string
	for _, m := range ms {
		if tty, ok := strings.CutPrefix(m.point, "/dev/tty"); ok && tty != "" && strings.Trim(tty, "0123456789") == "" && !slices.Contains(ttys, "tty"+tty) {
			ttys = append(ttys, "tty"+tty)
		}
	}
	return ttys
}

// configTTYs is lxc.tty.max of config (0 when unset).
func configTTYs(config []byte) int {
	n := 0
	for line := range bytes.Lines(config) {
		k, v, ok := strings.Cut(string(line), "=")
		if ok && strings.TrimSpace(k) == "lxc.tty.max" {
			n, _ = strconv.Atoi(strings.TrimSpace(v))
		}
	}
	return n
}

// restoreConfig is config as LXC 5.0.2 can restore it (see above):
// without its "empty" networks, with lxc.tty.max = 0 (the restored
// monitor has no ttys: with any, its command cleanup dereferences their
// unallocated array and it crashes after the first command) and
// lxc.pty.max = 1 (so that it allocates the console from the host's
// devpts and hands it to CRIU; its own devpts comes back as CRIU dumped
// it).
func restoreConfig(config []byte) []byte {
	empty := map[string]bool{}
	for line := range bytes.Lines(config) {
		k, v, ok := strings.Cut(string(line), "=")
		if n, isType := netKey(strings.TrimSpace(k), "type"); ok && isType && strings.TrimSpace(v) == "empty" {
			empty[n] = true
		}
	}
	var out bytes.Buffer
	for line := range bytes.Lines(config) {
		k, _, _ := strings.Cut(string(line), "=")
		k = strings.TrimSpace(k)
		if n, ok := netKey(k, ""); ok && empty[n] {
			continue
		}
		if k == "lxc.tty.max" || k == "lxc.pty.max" {
			continue
		}
		out.Write(line)
	}
	out.WriteString("lxc.tty.max = 0\nlxc.pty.max = 1\n")
	return out.Bytes()
}

// netKey reports whether key is lxc.net.N.<sub> (any sub when sub is ""),
// and N.
func netKey(key, sub string) (string, bool) {
	rest, ok := strings.CutPrefix(key, "lxc.net.")
	if !ok {
		return "", false
	}
	n, s, ok := strings.Cut(rest, ".")
	if !ok || (sub != "" && s != sub) {
		return "", false
	}
	return n, true
}

// packetSocketHolder finds a process of name's running container holding
// a packet socket, which CRIU fails to dump on kernels from 6.16 on
// (getsockopt SO_PASSCRED gives EOPNOTSUPP there): its PID in the
// container and its command.
func (rt *Runtime) packetSocketHolder(ctx context.Context, name string) (int, string, bool) {
	_, initPID, err := rt.r.State(ctx, name)
	if err != nil || initPID <= 0 {
		return 0, "", false
	}
	proc := rt.sys.procRoot
	inodes := map[string]bool{}
	f, err := os.Open(filepath.Join(proc, strconv.Itoa(initPID), "net", "packet"))
	if err != nil {
		return 0, "", false
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 9 && fields[0] != "sk" {
			inodes["socket:["+fields[8]+"]"] = true
		}
	}
	f.Close()
	if len(inodes) == 0 {
		return 0, "", false
	}
	pidns, err := os.Readlink(filepath.Join(proc, strconv.Itoa(initPID), "ns", "pid"))
	if err != nil {
		return 0, "", false
	}
	entries, _ := os.ReadDir(proc)
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		base := filepath.Join(proc, e.Name())
		if ns, err := os.Readlink(filepath.Join(base, "ns", "pid")); err != nil || ns != pidns {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join(base, "fd"))
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join(base, "fd", fd.Name())); err == nil && inodes[target] {
				comm, _ := readString(filepath.Join(base, "comm"))
				return nsPID(filepath.Join(base, "status"), pid), comm, true
			}
		}
	}
	return 0, "", false
}

// nsPID is the innermost PID of the process whose status file is path
// (its NSpid line), or pid when it has none.
func nsPID(path string, pid int) int {
	b, err := os.ReadFile(path)
	if err != nil {
		return pid
	}
	for line := range bytes.Lines(b) {
		if rest, ok := bytes.CutPrefix(line, []byte("NSpid:")); ok {
			f := strings.Fields(string(rest))
			if len(f) == 0 {
				return pid
			}
			if n, err := strconv.Atoi(f[len(f)-1]); err == nil {
				return n
			}
		}
	}
	return pid
}
