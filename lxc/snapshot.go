package lxc

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Snapshots of a container's root filesystem, kept where LXC's
// lxc-snapshot keeps them: <lxcpath>/<name>/snaps/<snapshot>/rootfs. LXC
// copies a directory-backed rootfs with rsync (lxc-snapshot and lxc-copy
// make a copy-clone of a dir container); so does this, with the same
// tool. lxc-snapshot itself does not fit: its restore destroys the
// container (rootfs included) and clones the snapshot back into
// <lxcpath>/<name>/rootfs with a rewritten config, while a domain's rootfs
// is where its <filesystem><source dir> says, outside the lxcpath.

// ErrNoSnapshotCopy is returned when a snapshot has no copy on disk.
var ErrNoSnapshotCopy = errors.New("snapshot has no root filesystem copy")

// ValidateSnapshotName checks a snapshot name for use as a directory name:
// not empty, no '/', not starting with '.', no control characters, at most
// 200 bytes.
func ValidateSnapshotName(snap string) error {
	switch {
	case snap == "":
		return errors.New("empty snapshot name")
	case strings.Contains(snap, "/"):
		return fmt.Errorf("invalid snapshot name '%s': name can't contain '/'", snap)
	case strings.HasPrefix(snap, "."):
		return fmt.Errorf("invalid snapshot name '%s': name can't start with '.'", snap)
	case strings.IndexFunc(snap, unicode.IsControl) >= 0:
		return fmt.Errorf("invalid snapshot name %q: name can't contain control characters", snap)
	case len(snap) > 200:
		return fmt.Errorf("invalid snapshot name '%.20s…': longer than 200 bytes", snap)
	}
	return nil
}

// snapDir is the directory of name's snapshot snap.
func (rt *Runtime) snapDir(name, snap string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	if err := ValidateSnapshotName(snap); err != nil {
		return "", err
	}
	return filepath.Join(rt.dir(name), "snaps", snap), nil
}

// SnapshotCopyPath is where the copy of name's snapshot snap is (it may
// not exist).
func (rt *Runtime) SnapshotCopyPath(name, snap string) (string, error) {
	dir, err := rt.snapDir(name, snap)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "rootfs"), nil
}

// SnapshotMemoryPath is where the CRIU dump of name's snapshot snap is
// (a full system snapshot's; it may not exist), in the snapshot's
// directory beside its copy, so that removing the copy removes it too.
func (rt *Runtime) SnapshotMemoryPath(name, snap string) (string, error) {
	dir, err := rt.snapDir(name, snap)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "memory"), nil
}

// HasSnapshotMemory reports whether name's snapshot snap has a CRIU
// dump (its inventory).
func (rt *Runtime) HasSnapshotMemory(name, snap string) bool {
	p, err := rt.SnapshotMemoryPath(name, snap)
	if err != nil {
		return false
	}
	_, err = os.Stat(filepath.Join(p, "inventory.img"))
	return err == nil
}

// HasSnapshotCopy reports whether name's snapshot snap has a copy.
func (rt *Runtime) HasSnapshotCopy(name, snap string) bool {
	p, err := rt.SnapshotCopyPath(name, snap)
	if err != nil {
		return false
	}
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// CopyRootfs copies the root filesystem rootfs into name's snapshot snap.
// The copy is made beside its place and renamed there once whole, so a
// failed or cancelled copy leaves nothing; a snapshot that has a copy
// already is refused. The caller keeps the rootfs still (a frozen or
// stopped container).
func (rt *Runtime) CopyRootfs(ctx context.Context, name, snap, rootfs string) error {
	dir, err := rt.snapDir(name, snap)
	if err != nil {
		return err
	}
	if err := validatePath("rootfs", rootfs); err != nil {
		return err
	}
	if fi, err := os.Stat(rootfs); err != nil {
		return err
	} else if !fi.IsDir() {
		return fmt.Errorf("rootfs %s is not a directory", rootfs)
	}
	if _, err := os.Stat(dir); err == nil {
		return fmt.Errorf("snapshot %s of %s: %w", snap, name, fs.ErrExist)
	}
	snaps := filepath.Dir(dir)
	if err := os.MkdirAll(snaps, 0o700); err != nil {
		return err
	}
	// A copy cut short by a crash left its temp directory; the caller
	// runs one copy of a container at a time.
	if left, err := filepath.Glob(filepath.Join(snaps, ".tmp-*")); err == nil {
		for _, p := range left {
			rt.log.Info("removing a snapshot copy left unfinished", "container", name, "path", p)
			if err := rt.removeTree(ctx, p); err != nil {
				rt.log.Error("cannot remove a snapshot copy left unfinished", "container", name, "path", p, "err", err)
			}
		}
	}
	tmp, err := os.MkdirTemp(snaps, ".tmp-")
	if err != nil {
		return err
	}
	err = rt.rsync(ctx, rootfs, filepath.Join(tmp, "rootfs"))
	if err == nil {
		err = os.Rename(tmp, dir)
	}
	if err != nil {
		// Also when ctx ended the copy (a destroy aborts it).
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), treeRemovalTimeout)
		defer cancel()
		if rerr := rt.removeTree(rctx, tmp); rerr != nil {
			rt.log.Error("cannot remove a failed snapshot copy; the next copy removes it", "container", name, "path", tmp, "err", rerr)
		}
		return err
	}
	return nil
}

// RestoreRootfs makes rootfs what name's snapshot snap holds: files the
// copy lacks are deleted, the others replaced. The container must not run.
func (rt *Runtime) RestoreRootfs(ctx context.Context, name, snap, rootfs string) error {
	src, err := rt.SnapshotCopyPath(name, snap)
	if err != nil {
		return err
	}
	if err := validatePath("rootfs", rootfs); err != nil {
		return err
	}
	if !rt.HasSnapshotCopy(name, snap) {
		return fmt.Errorf("snapshot %s of %s: %w", snap, name, ErrNoSnapshotCopy)
	}
	// Compared by content: rsync's quick check (size and mtime, whole
	// seconds) would keep a file changed to the same size in the second
	// the copy has.
	return rt.rsync(ctx, src, rootfs, "--checksum")
}

// RemoveSnapshotCopy deletes the copy of name's snapshot snap, and its
// memory dump if any; none is no error.
func (rt *Runtime) RemoveSnapshotCopy(ctx context.Context, name, snap string) error {
	dir, err := rt.snapDir(name, snap)
	if err != nil {
		return err
	}
	return rt.removeTree(ctx, dir)
}

// treeRemovalTimeout bounds the removal of a failed copy, which goes on
// after the copy's context ended.
const treeRemovalTimeout = time.Hour

// removeTree deletes the tree at path (none is no error): with
// os.RemoveAll, or for an unprivileged runtime with rm run as root of its
// user namespace, which can enter and delete the directories of the
// user's subordinate ids whatever their modes.
func (rt *Runtime) removeTree(ctx context.Context, path string) error {
	if rt.nsexec == nil {
		if err := os.RemoveAll(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	return rt.run(ctx, []string{"rm", "-rf", "--one-file-system", "--", path})
}

// rsync makes dst a copy of the directory src as LXC copies a dir
// rootfs (rsync -aHXS --numeric-ids --delete), with ACLs too and without
// crossing into other filesystems mounted below src; extra are further
// options. An unprivileged runtime's runs as root of its user namespace,
// so the copy's files keep their host owners.
func (rt *Runtime) rsync(ctx context.Context, src, dst string, extra ...string) error {
	argv := append([]string{"rsync", "-aHAXS", "--numeric-ids", "--delete", "--one-file-system"}, extra...)
	return rt.run(ctx, append(argv, "--", src+"/", dst+"/"))
}

// run runs argv — as root of the user namespace of an unprivileged
// runtime — and turns a failure into a *CommandError.
func (rt *Runtime) run(ctx context.Context, argv []string) error {
	if rt.nsexec != nil {
		argv = append(slices.Clone(rt.nsexec), argv...)
	}
	res, err := rt.r.exec1(ctx, argv, nil)
	if err != nil {
		return &CommandError{Argv: argv, ExitCode: -1, Stderr: string(res.Stderr), Err: err}
	}
	if res.ExitCode != 0 {
		return &CommandError{Argv: argv, ExitCode: res.ExitCode, Stderr: string(res.Stderr)}
	}
	return nil
}
