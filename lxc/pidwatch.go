package lxc

import (
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procWatch notices the exit of one process without polling: a pidfd
// registered with Go's network poller parks a goroutine (no thread) until
// the kernel marks the process gone. Kernels without pidfds fall back to a
// kill(pid, 0) probe every pollInterval.
type procWatch struct {
	pid  int
	done chan struct{} // closed when the process has exited
	stop chan struct{} // closed by Close
	once sync.Once
	f    *os.File // the pidfd; nil in fallback mode
}

const pollInterval = 250 * time.Millisecond

// watchProc starts watching pid. A pid that no longer exists is reported
// exited at once.
func watchProc(pid int) *procWatch {
	w := &procWatch{pid: pid, done: make(chan struct{}), stop: make(chan struct{})}
	fd, err := unix.PidfdOpen(pid, unix.PIDFD_NONBLOCK)
	switch {
	case errors.Is(err, unix.ESRCH):
		close(w.done)
	case err != nil:
		go w.probe()
	default:
		w.f = os.NewFile(uintptr(fd), "pidfd")
		go w.wait()
	}
	return w
}

// Exited is closed once the process has exited.
func (w *procWatch) Exited() <-chan struct{} { return w.done }

// HasExited reports whether the process has exited, without blocking.
func (w *procWatch) HasExited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

// exitedNow is HasExited asked of the kernel (the pidfd) as well, for a
// caller that must not race the watch's goroutine.
func (w *procWatch) exitedNow() bool {
	if w.HasExited() {
		return true
	}
	if w.f == nil {
		return false
	}
	rc, err := w.f.SyscallConn()
	if err != nil {
		return false
	}
	exited := false
	_ = rc.Control(func(fd uintptr) {
		n, err := unix.Poll([]unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}, 0)
		exited = err == nil && n > 0
	})
	return exited
}

// Close stops watching; Exited is then never closed unless it already was.
func (w *procWatch) Close() {
	w.once.Do(func() {
		close(w.stop)
		if w.f != nil {
			_ = w.f.Close()
		}
	})
}

// kill sends the process SIGKILL through its pidfd and reports whether it
// did: false when the watch has no pidfd or the process is already gone.
func (w *procWatch) kill() bool {
	if w.f == nil || w.HasExited() {
		return false
	}
	rc, err := w.f.SyscallConn()
	if err != nil {
		return false
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.PidfdSendSignal(int(fd), unix.SIGKILL, nil, 0) }); err != nil {
		return false
	}
	return serr == nil
}

// signal sends the process sig through its pidfd (kill(2) without one);
// ErrNotRunning once it has exited.
func (w *procWatch) signal(sig unix.Signal) error {
	if w.HasExited() {
		return ErrNotRunning
	}
	if w.f == nil {
		return unix.Kill(w.pid, sig)
	}
	rc, err := w.f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = unix.PidfdSendSignal(int(fd), sig, nil, 0) }); err != nil {
		return err
	}
	if errors.Is(serr, unix.ESRCH) {
		return ErrNotRunning
	}
	return serr
}

func (w *procWatch) wait() {
	rc, err := w.f.SyscallConn()
	if err != nil {
		w.probe()
		return
	}
	exited := false
	// Read parks in the poller until the pidfd is readable (the process
	// exited) or the file is closed.
	_ = rc.Read(func(fd uintptr) bool {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		exited = err == nil && n > 0
		return exited
	})
	switch {
	case exited:
		close(w.done)
	case w.stopped():
	default:
		// The poller refused the pidfd: probe instead.
		w.probe()
	}
}

func (w *procWatch) stopped() bool {
	select {
	case <-w.stop:
		return true
	default:
		return false
	}
}

func (w *procWatch) probe() {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		if err := unix.Kill(w.pid, 0); errors.Is(err, syscall.ESRCH) {
			close(w.done)
			return
		}
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}
