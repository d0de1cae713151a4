package lxc

import (
	"context"
	"errors"
	"os"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// procWatch notices the exit of one process without polling: its pidfd is
// registered with the one epoll instance all watches share (pidPoller),
// whose single goroutine marks a watch exited when the kernel makes its
// pidfd readable — no goroutine per watched process. Kernels without
// pidfds fall back to a kill(pid, 0) probe every pollInterval.
type procWatch struct {
	pid int
	id  uint64 // the watch's key in the poller; 0 when not registered
	// gone is cancelled when the process has exited, exited cancels it.
	gone   context.Context
	exited context.CancelFunc
	stop   chan struct{} // closed by Close
	once   sync.Once
	f      *os.File // the pidfd; nil in fallback mode
}

const pollInterval = 250 * time.Millisecond

// watchProc starts watching pid. A pid that no longer exists is reported
// exited at once.
func watchProc(pid int) *procWatch {
	w := &procWatch{pid: pid, stop: make(chan struct{})}
	w.gone, w.exited = context.WithCancel(context.Background())
	// A blocking pidfd: os.File then leaves it out of Go's own poller.
	fd, err := unix.PidfdOpen(pid, 0)
	switch {
	case errors.Is(err, unix.ESRCH):
		w.exited()
	case err != nil:
		go w.probe()
	default:
		w.f = os.NewFile(uintptr(fd), "pidfd")
		if !pids.add(w, fd) {
			go w.probe()
		}
	}
	return w
}

// pidPoller is the epoll instance all procWatches share and its goroutine,
// started with the first watch.
type pidPoller struct {
	start sync.Once
	epfd  int // -1 when epoll is unavailable
	mu    sync.Mutex
	next  uint64
	by    map[uint64]*procWatch
}

var pids pidPoller

// add registers w's pidfd fd; false when epoll is unavailable.
func (p *pidPoller) add(w *procWatch, fd int) bool {
	p.start.Do(func() {
		p.epfd = -1
		epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
		if err != nil {
			return
		}
		p.epfd, p.by = epfd, make(map[uint64]*procWatch)
		go p.run()
	})
	if p.epfd < 0 {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	// The key, not the descriptor, goes in the event's data: a closed
	// descriptor's number may already name another watch's pidfd.
	ev.Fd, ev.Pad = int32(p.next), int32(p.next>>32)
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return false
	}
	w.id = p.next
	p.by[w.id] = w
	return true
}

// remove unregisters w, before its pidfd is closed; it reports whether w
// was still registered.
func (p *pidPoller) remove(w *procWatch) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.by[w.id]; !ok {
		return false
	}
	delete(p.by, w.id)
	_ = control(w.f, func(fd int) error { return unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil) })
	return true
}

// run marks each watch exited as its pidfd becomes readable. It holds one
// thread in epoll_wait for the driver's life.
func (p *pidPoller) run() {
	events := make([]unix.EpollEvent, 64)
	for {
		n, err := unix.EpollWait(p.epfd, events, -1)
		if err != nil {
			if errors.Is(err, unix.EINTR) {
				continue
			}
			p.fail()
			return
		}
		for _, ev := range events[:n] {
			id := uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
			p.mu.Lock()
			w := p.by[id]
			p.mu.Unlock()
			if w != nil && p.remove(w) {
				w.exited()
			}
		}
	}
}

// fail hands every registered watch to a probe of its own when epoll_wait
// fails, which it should never do.
func (p *pidPoller) fail() {
	p.mu.Lock()
	ws := p.by
	p.by = make(map[uint64]*procWatch)
	p.mu.Unlock()
	for _, w := range ws {
		go w.probe()
	}
}

// Exited is closed once the process has exited.
func (w *procWatch) Exited() <-chan struct{} { return w.gone.Done() }

// AfterExit arranges for fn to run in its own goroutine once the process
// has exited (at once if it has), without a goroutine until then; stop
// cancels that and reports whether it did, as context.AfterFunc's.
func (w *procWatch) AfterExit(fn func()) (stop func() bool) {
	return context.AfterFunc(w.gone, fn)
}

// HasExited reports whether the process has exited, without blocking.
func (w *procWatch) HasExited() bool {
	select {
	case <-w.gone.Done():
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
			if w.id != 0 {
				pids.remove(w)
			}
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

func (w *procWatch) probe() {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		if err := unix.Kill(w.pid, 0); errors.Is(err, syscall.ESRCH) {
			w.exited()
			return
		}
		select {
		case <-w.stop:
			return
		case <-t.C:
		}
	}
}
