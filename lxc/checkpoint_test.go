package lxc

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRestoreConfig(t *testing.T) {
	in := "lxc.tty.max = 2\nlxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.1.type = empty\nlxc.net.1.flags = up\nlxc.net.10.type = veth\n"
	got := string(restoreConfig([]byte(in)))
	want := "lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.10.type = veth\nlxc.tty.max = 0\nlxc.pty.max = 1\n"
	if got != want {
		t.Fatalf("restoreConfig:\n%s\nwant\n%s", got, want)
	}
	if n := configTTYs([]byte(in)); n != 2 {
		t.Fatalf("configTTYs = %d", n)
	}
	if n := configTTYs([]byte("lxc.pty.max = 1024\n")); n != 0 {
		t.Fatalf("configTTYs without lxc.tty.max = %d", n)
	}
}

func TestCheckpointError(t *testing.T) {
	dir := t.TempDir()
	criuLog := filepath.Join(dir, "dump.log")
	if err := os.WriteFile(criuLog, []byte("Error (criu/util.c:1533): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted\n"+
		"(00.1) Warn nothing\nError (criu/sockets.c:1): Can't get 1:16 opt\nError (criu/cr-dump.c:2111): Dumping FAILED.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := checkpointError("dump", errors.New("exit 1"), criuLog, filepath.Join(dir, "missing.log"))
	var ce *CheckpointError
	if !errors.As(err, &ce) || !errors.Is(err, ErrCheckpoint) {
		t.Fatalf("not a *CheckpointError: %v", err)
	}
	if !strings.Contains(ce.Cause, "packet socket") || len(ce.Lines) != 2 || ce.Lines[0] != "Can't get 1:16 opt" {
		t.Fatalf("cause %q, lines %q", ce.Cause, ce.Lines)
	}
}

// The cgroup2 root CRIU is told is the root of the container's cgroup2
// mount as the host sees it; none without one, or at the host's root.
func TestCgroup2Root(t *testing.T) {
	proc := t.TempDir()
	rt := &Runtime{sys: &system{procRoot: proc}}
	write := func(pid, mountinfo string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(proc, pid), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, pid, "mountinfo"), []byte(mountinfo), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("10", "158 155 0:54 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,size=4096k\n"+
		"159 158 0:38 /lxc.payload.ct-1 /sys/fs/cgroup/unified rw,nosuid shared:24 - cgroup2 cgroup2 rw\n"+
		"160 158 0:37 /lxc.payload.ct-1 /sys/fs/cgroup/systemd rw shared:25 - cgroup cgroup rw,name=systemd\n")
	write("11", "160 158 0:37 /lxc.payload.ct /sys/fs/cgroup/systemd rw shared:25 - cgroup cgroup rw,name=systemd\n")
	write("12", "159 158 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
	write("13", "159 158 0:38 /lxc.payload.a\\040b /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n")
	for pid, want := range map[int]string{10: "/lxc.payload.ct-1", 11: "", 12: "", 13: "", 14: ""} {
		if got := cgroup2Root(rt.mounts(pid)); got != want {
			t.Errorf("cgroup2Root(%d) = %q, want %q", pid, got, want)
		}
	}
}
