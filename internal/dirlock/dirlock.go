// Package dirlock keeps one lxcvirtd per directory: the daemon holds an
// flock(2) on a lock file in its state directory, lxcpath and run
// directory for its whole life, so a second daemon pointed at any of them
// refuses to start instead of sharing them. The kernel drops the lock when
// the daemon exits, however it exits, so a lock is never stale.
package dirlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// FileName is the lock file in each locked directory; it holds the PID of
// the daemon that holds it.
const FileName = ".lxcvirtd.lock"

// ErrInUse is returned when another process holds a directory's lock.
var ErrInUse = errors.New("in use by another lxcvirtd")

// Dir is one directory to lock and what it is, for messages.
type Dir struct {
	What, Path string
}

// Lock is the set of locks a daemon holds.
type Lock struct {
	files []*os.File
}

// Acquire creates each directory if need be and locks it without waiting.
// It fails, holding nothing, when any is locked already: the error names
// the directory and the holder's PID and unwraps to ErrInUse. A directory
// named twice (the lxcpath inside the state dir is not the state dir) is
// locked once.
func Acquire(dirs ...Dir) (*Lock, error) {
	l := &Lock{}
	seen := map[string]bool{}
	for _, d := range dirs {
		if seen[d.Path] {
			continue
		}
		seen[d.Path] = true
		f, err := lockDir(d)
		if err != nil {
			l.Release()
			return nil, err
		}
		l.files = append(l.files, f)
	}
	return l, nil
}

func lockDir(d Dir) (*os.File, error) {
	if err := os.MkdirAll(d.Path, 0o755); err != nil {
		return nil, fmt.Errorf("%s: %w", d.What, err)
	}
	path := filepath.Join(d.Path, FileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", d.What, err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			holder := "unknown pid"
			if b, rerr := os.ReadFile(path); rerr == nil {
				if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
					holder = "pid " + strconv.Itoa(pid)
				}
			}
			return nil, fmt.Errorf("%s %s is %w (%s); each daemon needs its own", d.What, d.Path, ErrInUse, holder)
		}
		return nil, fmt.Errorf("%s: lock %s: %w", d.What, path, err)
	}
	if err := f.Truncate(0); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", d.What, err)
	}
	if _, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", d.What, err)
	}
	return f, nil
}

// Release drops the locks (the lock files stay: removing one could let
// two daemons lock different files of the same name).
func (l *Lock) Release() {
	for _, f := range l.files {
		f.Close()
	}
	l.files = nil
}
