package lxc

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Console ptys.
//
// libvirt's LXC driver puts each console of a running container on a host
// pty, /dev/pts/N, whose master its controller relays to the container's
// console; the live XML names that pty from the start (virsh ttyconsole),
// and opening it is using the console. LXC 5.0 has nothing of the kind to
// name:
//
//   - The console pty itself is allocated in the container's own devpts
//     instance (lxc.pty.max > 1): LXC's monitor holds its master, and no
//     /dev/pts/N on the host is it.
//   - A console client (lxc-console) gets a host pty from the monitor, but
//     only while attached, and the host path is the monitor's end of it:
//     opening it competes with the monitor rather than reaching the
//     container.
//   - lxc.console.path makes the monitor open a host device as its end of
//     the console, but a hangup there (its other end closing, as when the
//     process holding it dies) ends the monitor's main loop: the container
//     would then be unmanageable.
//
// So the driver keeps the pty itself, as libvirt's controller does: a
// ConsoleRelay per console of a running domain, made when the driver
// adopts the container, owns a host pty pair and relays its master to an
// lxc-console attachment. The slave is the path in the live XML: reading it
// gives the console's output, writing it types on the console, and
// virDomainOpenConsole opens it the way libvirt does. The relay holds the
// slave open too, so it stays in raw mode and the master never sees a
// hangup; output nobody reads is dropped once the pty's buffer is full, so
// neither LXC's monitor nor the container ever waits for a reader.
//
// One exception: when LXC copies the console to a log file (<log file>,
// lxc.console.logfile), output reaches the pty only while a client has the
// console open. Nova drains the console's pty into that very file (for
// LXC it reads the pty, not the log), so it would otherwise get every line
// twice.
//
// The relay follows the domain across reboots (LXC drops console clients
// when the container reboots; the driver calls Booted and the relay
// attaches to the new boot's console) and ends when the domain stops and
// the driver closes it, which ends every session (EOF). It lives
// in the driver's process: when the driver plugin restarts, its lxc-console
// leaves with it (which frees the console in LXC) and the new driver makes
// new relays when it re-adopts the containers, under new paths.
//
// LXC 5.0 does not restart a container in place after a reboot while a
// console client is attached (see the driver's initExited); the driver
// starts it again itself, so a guest reboot still works, through a fresh
// start.

// ConsoleRelay keeps one console of a running container on a host pty.
type ConsoleRelay struct {
	rt   *Runtime
	name string
	tty  int
	ptm  *os.File // the pty's master: the relay's end
	pts  *os.File // its slave, held open (raw mode, no hangup on ptm)
	path string   // the slave, /dev/pts/N

	ctx    context.Context // the relay's life; cancelled by Close
	cancel context.CancelFunc
	wake   chan struct{} // the container booted again: attach to the new console
	closed sync.Once     // the pty's files
	done   sync.WaitGroup

	logged  atomic.Bool  // LXC copies this console to a log file
	clients atomic.Int32 // sessions open on the pty

	mu      sync.Mutex
	running func() bool   // whether the init the relay attached for still runs
	rc      *Console      // the current attachment; nil between two
	changed chan struct{} // closed (and replaced) whenever rc or err changes
	err     error         // why the last attachment failed; nil once attached
}

// relayBackoff bounds the pause between attempts to attach while the
// console is busy (a dead driver's lxc-console still leaving, or an
// administrator's) or lxc-console left while the container runs.
const (
	relayBackoffMin = 20 * time.Millisecond
	relayBackoffMax = 2 * time.Second
)

// ConsoleRelay allocates a host pty and relays console tty of container
// name to it until ctx ends or Close; logged says LXC copies that console to
// a log file, running whether the container's current init still runs.
func (rt *Runtime) ConsoleRelay(ctx context.Context, name string, tty int, logged bool, running func() bool) (*ConsoleRelay, error) {
	ptm, pts, path, err := openPTY()
	if err != nil {
		return nil, fmt.Errorf("console pty: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	r := &ConsoleRelay{
		rt: rt, name: name, tty: tty, ptm: ptm, pts: pts, path: path, running: running,
		ctx: ctx, cancel: cancel, wake: make(chan struct{}, 1), changed: make(chan struct{}),
	}
	r.logged.Store(logged)
	r.done.Add(2)
	go func() {
		defer r.done.Done()
		r.input()
	}()
	go func() {
		defer r.done.Done()
		r.run()
		r.closeFiles() // ends input
	}()
	return r, nil
}

// Path is the pty's slave, /dev/pts/N: the console as libvirt names it.
func (r *ConsoleRelay) Path() string { return r.path }

// SetLogged says whether LXC copies the console to a log file; output then
// reaches the pty only while a session is open.
func (r *ConsoleRelay) SetLogged(logged bool) { r.logged.Store(logged) }

// Open opens the pty for a client session: reading gives the console's
// output, writing types on it. It counts as a session until closed.
func (r *ConsoleRelay) Open() (io.ReadWriteCloser, error) {
	f, err := os.OpenFile(r.path, os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	r.clients.Add(1)
	return &relaySession{File: f, r: r}, nil
}

// relaySession is one opening of the relay's pty.
type relaySession struct {
	*os.File
	r    *ConsoleRelay
	once sync.Once
}

func (s *relaySession) Close() error {
	err := s.File.Close()
	s.once.Do(func() { s.r.clients.Add(-1) })
	return err
}

// openPTY opens a host pty pair in raw mode and returns its master, its
// slave and the slave's path.
func openPTY() (ptm, pts *os.File, path string, err error) {
	ptm, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, "", err
	}
	n := 0
	err = control(ptm, func(fd int) error {
		if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		n, err = unix.IoctlGetInt(fd, unix.TIOCGPTN)
		return err
	})
	if err == nil {
		path = "/dev/pts/" + strconv.Itoa(n)
		pts, err = os.OpenFile(path, os.O_RDWR|syscall.O_NOCTTY, 0)
	}
	if err == nil {
		err = control(pts, func(fd int) error {
			t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
			if err != nil {
				return err
			}
			makeRaw(t)
			return unix.IoctlSetTermios(fd, unix.TCSETS, t)
		})
	}
	if err != nil {
		ptm.Close()
		if pts != nil {
			pts.Close()
		}
		return nil, nil, "", err
	}
	return ptm, pts, path, nil
}

// control runs fn on f's descriptor without making it blocking (as Fd
// would).
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// makeRaw is cfmakeraw(3): bytes pass unchanged, nothing is echoed.
func makeRaw(t *unix.Termios) {
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB
	t.Cflag |= unix.CS8
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
}

// run attaches to the console and relays its output, again after each
// reboot, until the relay is closed.
func (r *ConsoleRelay) run() {
	backoff := relayBackoffMin
	for r.ctx.Err() == nil {
		r.mu.Lock()
		running := r.running
		r.mu.Unlock()
		rc, err := r.rt.r.Console(r.ctx, r.name, r.tty)
		if err != nil {
			r.setErr(err)
			if errors.Is(err, ErrConsoleBusy) {
				r.rt.log.Debug("console busy; retrying", "domain", r.name, "tty", r.tty, "err", err)
				r.pause(&backoff)
			} else {
				r.rt.log.Debug("cannot attach to the console; waiting for the next boot", "domain", r.name, "tty", r.tty, "err", err)
				r.waitBoot()
			}
			continue
		}
		r.setRC(rc)
		r.rt.log.Debug("console relayed", "domain", r.name, "tty", r.tty, "pty", r.path)
		stop := context.AfterFunc(r.ctx, func() { _ = rc.Close() }) // ends output
		r.output(rc)
		stop()
		r.setRC(nil)
		_ = rc.Close()
		// LXC drops console clients when the container reboots or stops;
		// lxc-console leaving while the same init runs was killed.
		if running() {
			if backoff == relayBackoffMin { // once per run of such ends
				r.rt.log.Info("lxc-console left while the container runs; attaching again", "domain", r.name, "tty", r.tty)
			}
			r.pause(&backoff)
			continue
		}
		backoff = relayBackoffMin
		r.waitBoot()
	}
}

// pause waits *backoff (doubling it, up to relayBackoffMax), or less if
// the domain boots again or the relay closes.
func (r *ConsoleRelay) pause(backoff *time.Duration) {
	t := time.NewTimer(*backoff)
	defer t.Stop()
	*backoff = min(2**backoff, relayBackoffMax)
	select {
	case <-t.C:
	case <-r.wake:
	case <-r.ctx.Done():
	}
}

// waitBoot waits until the domain boots again or the relay closes.
func (r *ConsoleRelay) waitBoot() {
	select {
	case <-r.wake:
	case <-r.ctx.Done():
	}
}

// Booted tells the relay the container runs a new init, of which running
// tells whether it still does: the relay attaches to its console.
func (r *ConsoleRelay) Booted(running func() bool) {
	r.mu.Lock()
	r.running = running
	r.mu.Unlock()
	r.Retry()
}

// Retry makes a relay that waits for the next boot, or pauses while the
// console is busy, try to attach now.
func (r *ConsoleRelay) Retry() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// output copies what the container writes on the console to the pty
// until the attachment ends. Its buffer lives as long as the relay, so it
// is small: console output comes in short bursts, and a longer one is
// copied in several reads.
func (r *ConsoleRelay) output(rc *Console) {
	buf := make([]byte, 4<<10)
	for {
		n, err := rc.Read(buf)
		if n > 0 {
			r.toPTY(buf[:n])
		}
		if err != nil {
			return
		}
	}
}

// toPTY writes p to the master without waiting: what does not fit in the
// pty's buffer (nobody reads the slave) is dropped, and so is everything
// while LXC logs the console and no session is open.
func (r *ConsoleRelay) toPTY(p []byte) {
	if r.logged.Load() && r.clients.Load() == 0 {
		return
	}
	rc, err := r.ptm.SyscallConn()
	if err != nil {
		return
	}
	_ = rc.Write(func(fd uintptr) bool {
		for len(p) > 0 {
			n, err := unix.Write(int(fd), p)
			if err == unix.EINTR {
				continue
			}
			if err != nil || n <= 0 {
				return true
			}
			p = p[n:]
		}
		return true
	})
}

// input types what is written on the pty into the console; input written
// between two attachments (while the container reboots) waits for the
// next.
func (r *ConsoleRelay) input() {
	buf := make([]byte, 4096)
	for {
		n, err := r.ptm.Read(buf)
		if err != nil {
			return // closed
		}
		if !r.deliver(buf[:n]) {
			return
		}
	}
}

func (r *ConsoleRelay) deliver(p []byte) bool {
	for {
		r.mu.Lock()
		rc, changed := r.rc, r.changed
		r.mu.Unlock()
		if rc != nil {
			if _, err := rc.Write(p); err == nil {
				return true
			}
		}
		select {
		case <-changed:
		case <-r.ctx.Done():
			return false
		}
	}
}

func (r *ConsoleRelay) setRC(rc *Console) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rc = rc
	if rc != nil {
		r.err = nil
	}
	close(r.changed)
	r.changed = make(chan struct{})
}

func (r *ConsoleRelay) setErr(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
	close(r.changed)
	r.changed = make(chan struct{})
}

// State reports whether the relay is attached, why its last attempt failed
// when it is not, and a channel closed when either changes.
func (r *ConsoleRelay) State() (attached bool, err error, changed <-chan struct{}) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rc != nil, r.err, r.changed
}

// Close stops the relay and frees its pty: whoever has the slave open
// reads EOF. It does not wait for lxc-console to leave.
func (r *ConsoleRelay) Close() {
	r.cancel()
	r.closeFiles()
}

// Wait waits, after Close or the end of the relay's context, until the
// relay's lxc-console has left.
func (r *ConsoleRelay) Wait() { r.done.Wait() }

func (r *ConsoleRelay) closeFiles() {
	r.closed.Do(func() {
		r.ptm.Close()
		r.pts.Close()
	})
}
