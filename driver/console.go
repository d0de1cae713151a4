package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/runner"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Consoles.
//
// LXC's monitor owns every running container's console and ttys (see
// runner.Console); a console session is an lxc-console attachment, made
// when a client opens the console and dropped when it closes. Nothing of
// the console lives in the driver between sessions, so a restart of the
// driver (or of the plugin process it runs in) cannot break a container's
// console: the sessions of a dead driver end with it (lxc-console sees its
// input close and leaves, which frees the console in LXC) and the next
// driver attaches afresh. The driver only arbitrates between its clients,
// as libvirt's character device locks do: one session per device, and
// ConsoleForce detaches the holder.
//
// A reboot drops every console client in LXC; the session then attaches
// to the new boot's console (consoleSession.follow), so a client such as
// virsh console or virt-manager keeps one stream across reboots, which
// only pauses. The stream ends when the domain stops.

// Console flags, values from libvirt (VIR_DOMAIN_CONSOLE_*).
const (
	// ConsoleForce detaches a client already attached to the console.
	ConsoleForce = uint32(libvirt.DomainConsoleForce)
	// ConsoleSafe asks for a console that cannot be shared unsafely; the
	// driver always grants one session per device, so it is accepted.
	ConsoleSafe = uint32(libvirt.DomainConsoleSafe)
)

// Consoler is implemented by drivers that attach clients to a running
// domain's console, as virDomainOpenConsole does. It is separate from
// Driver so drivers without consoles need not stub it.
type Consoler interface {
	// OpenConsole attaches to console dev of a running domain: "" is its
	// first console, otherwise a console's alias (by default "consoleN").
	// A console another client holds is refused with
	// VIR_ERR_OPERATION_FAILED unless flags has ConsoleForce, which
	// detaches that client (its Read fails with ErrConsoleTakenOver). ctx
	// bounds the attachment only. Read returns io.EOF once the console
	// ended (the container stopped); Close detaches.
	OpenConsole(ctx context.Context, uuid UUID, dev string, flags uint32) (io.ReadWriteCloser, error)
}

// ConsoleRuntime is the optional part of a Runtime that attaches to a
// container's consoles; *runner.Runner implements it. Without it the
// driver reports consoles as unsupported.
type ConsoleRuntime interface {
	Console(ctx context.Context, name string, tty int) (*runner.Console, error)
}

// ErrConsoleTakenOver is what a session's Read returns once another client
// forced the console away from it. libvirt reports a stream forced off this
// way as an RPC error of the streams domain.
var ErrConsoleTakenOver = virterror.NewFrom(fromStreams, libvirt.ErrRPC,
	"stream had I/O failure: the console was taken over by another client (console --force)")

// fromStreams is libvirt's VIR_FROM_STREAMS error domain.
const fromStreams = virterror.Domain(38)

// consoleBusyRetry bounds how long a forced attachment retries while LXC's
// monitor has not yet noticed that the detached session is gone.
const consoleBusyRetry = 2 * time.Second

var _ Consoler = (*LXC)(nil)

// consoleKey names one console device of one domain.
type consoleKey struct {
	uuid UUID
	tty  int
}

// consoles is the driver's table of open console sessions.
type consoles struct {
	mu    sync.Mutex // guards the maps
	m     map[consoleKey]*consoleSession
	locks map[consoleKey]*sync.Mutex // per device: check, detach and attach are one step
}

// lock serialises attachments to one device and returns the unlock.
func (cs *consoles) lock(k consoleKey) func() {
	cs.mu.Lock()
	if cs.locks == nil {
		cs.locks = map[consoleKey]*sync.Mutex{}
	}
	l := cs.locks[k]
	if l == nil {
		l = &sync.Mutex{}
		cs.locks[k] = l
	}
	cs.mu.Unlock()
	l.Lock()
	return l.Unlock
}

func (cs *consoles) get(k consoleKey) *consoleSession {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.m[k]
}

func (cs *consoles) put(k consoleKey, s *consoleSession) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.m == nil {
		cs.m = map[consoleKey]*consoleSession{}
	}
	cs.m[k] = s
}

// remove drops s from the table and reports whether it was the device's
// current session.
func (cs *consoles) remove(k consoleKey, s *consoleSession) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.m[k] != s {
		return false
	}
	delete(cs.m, k)
	return true
}

// OpenConsole implements Consoler.
func (l *LXC) OpenConsole(ctx context.Context, u UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	if err := checkFlags("lxcDomainOpenConsole", flags, ConsoleForce|ConsoleSafe); err != nil {
		return nil, err
	}
	crt, ok := l.rt.(ConsoleRuntime)
	if !ok {
		return nil, virterror.New(libvirt.ErrNoSupport, "virDomainOpenConsole")
	}
	d, err := l.lookup(u)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	live, boot, init := d.live, d.boot, d.initWatch
	d.mu.Unlock()
	if live == nil {
		return nil, errNotRunning()
	}
	tty, err := consoleTTY(live, dev)
	if err != nil {
		return nil, err
	}

	k := consoleKey{u, tty}
	defer l.consoles.lock(k)()
	if old := l.consoles.get(k); old != nil && !old.ended() {
		if flags&ConsoleForce == 0 {
			return nil, virterror.New(libvirt.ErrOperationFailed, "Active console session exists for this domain")
		}
		l.log.Info("console taken over by another client", "domain", d.name, "tty", tty)
		old.end(ErrConsoleTakenOver)
	}
	rc, err := attachConsole(ctx, crt, d.name, tty, flags&ConsoleForce != 0)
	if err != nil {
		if errors.Is(err, runner.ErrConsoleBusy) {
			return nil, virterror.New(libvirt.ErrOperationFailed,
				"Active console session exists for this domain (attached outside the driver, e.g. with lxc-console)")
		}
		return nil, runtimeErr("open console of", d.name, err)
	}
	sctx, cancel := context.WithCancel(l.ctx)
	s := &consoleSession{l: l, d: d, key: k, crt: crt, ctx: sctx, cancel: cancel, rc: rc, boot: boot, init: init}
	l.consoles.put(k, s)
	s.setPTY(rc)
	l.log.Debug("console attached", "domain", d.name, "tty", tty, "pty", rc.PTY())
	return s, nil
}

// attachConsole attaches with the runtime. A forced attachment retries
// while the console still looks busy: LXC's monitor frees a detached
// session's console when it notices the session's socket closed, which may
// come just after the new request.
func attachConsole(ctx context.Context, crt ConsoleRuntime, name string, tty int, force bool) (*runner.Console, error) {
	deadline := time.Now().Add(consoleBusyRetry)
	for {
		rc, err := crt.Console(ctx, name, tty)
		if err == nil || !force || !errors.Is(err, runner.ErrConsoleBusy) || time.Now().After(deadline) {
			return rc, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// consoleTTY maps a console device name to the container tty behind it:
// console 0 is the container's /dev/console (tty 0), console N its
// /dev/ttyN, as libvirt's LXC driver lays them out.
func consoleTTY(live *xmlmap.Mapped, dev string) (int, error) {
	n := live.Consoles
	if dev == "" {
		if n == 0 {
			return 0, virterror.New(libvirt.ErrInternalError, "cannot find console device 'default'")
		}
		return 0, nil
	}
	if live.Domain.Devices != nil {
		for i, c := range live.Domain.Devices.Consoles {
			if c.Alias != nil && c.Alias.Name == dev {
				return i, nil
			}
		}
	}
	if s, ok := strings.CutPrefix(dev, "console"); ok {
		if i, err := strconv.Atoi(s); err == nil && i >= 0 && i < n && strconv.Itoa(i) == s {
			return i, nil
		}
	}
	return 0, virterror.New(libvirt.ErrInternalError, "cannot find console device '%s'", dev)
}

// consoleSession is one open console: a runner.Console (the current
// attachment) and its place in the driver's table. It follows the domain
// across reboots: when the container reboots, LXC's monitor drops every
// console client, and the session attaches again to the new boot's console,
// so its client sees a pause, not an end. The stream ends (EOF) only when
// the domain stops, as libvirt's does.
type consoleSession struct {
	l      *LXC
	d      *domain
	key    consoleKey
	crt    ConsoleRuntime
	ctx    context.Context // bounds the session's attachments; cancelled by end
	cancel context.CancelFunc

	fmu sync.Mutex // one follow at a time (Read and Write may both find the attachment gone)

	mu    sync.Mutex
	rc    *runner.Console // the current attachment
	boot  uint64          // the domain's boot rc is attached to
	init  *procWatch      // that boot's init
	over  bool            // no attachment follows: closed, taken over, or the domain stopped
	cause error           // why the session was ended from outside (taken over)
	once  sync.Once
}

func (s *consoleSession) current() *runner.Console {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rc
}

// Read implements io.Reader. It returns io.EOF once the domain stopped.
func (s *consoleSession) Read(p []byte) (int, error) {
	rc := s.current()
	for {
		n, err := rc.Read(p)
		if err == nil || n > 0 {
			return n, nil
		}
		if c := s.endCause(); c != nil {
			return 0, c
		}
		if !errors.Is(err, io.EOF) {
			return 0, err
		}
		if rc = s.follow(rc); rc == nil {
			return 0, io.EOF
		}
	}
}

// Write implements io.Writer. Input written while the container reboots
// waits for the new boot's console.
func (s *consoleSession) Write(p []byte) (int, error) {
	rc := s.current()
	for {
		n, err := rc.Write(p)
		if err == nil {
			return n, nil
		}
		if c := s.endCause(); c != nil {
			return n, c
		}
		next := s.follow(rc)
		if next == nil {
			return n, fmt.Errorf("console of '%s': %w", s.d.name, err)
		}
		rc = next
	}
}

// follow runs once attachment old ended by itself. When the container
// rebooted (the driver adopted a new init, or is starting the container
// again) it attaches to the new boot's console and returns that
// attachment. It returns nil once the session is over: the domain
// stopped, lxc-console left while the same init kept running (killed from
// outside), attaching failed, or the session was closed.
func (s *consoleSession) follow(old *runner.Console) *runner.Console {
	s.fmu.Lock()
	defer s.fmu.Unlock()
	s.mu.Lock()
	rc, boot, init, over := s.rc, s.boot, s.init, s.over
	s.mu.Unlock()
	switch {
	case over:
		return nil
	case rc != old:
		return rc // followed already, by the other of Read and Write
	}
	select {
	case <-old.Done():
	case <-s.ctx.Done():
		return nil
	}
	for {
		d := s.d
		d.mu.Lock()
		live, cur, restarting, changed, w := d.live != nil, d.boot, d.restarting, d.runChanged, d.initWatch
		// Asked of the kernel under mu: adopt and teardown close the
		// watch under mu too.
		initGone := init == nil || init.exitedNow()
		d.mu.Unlock()
		switch {
		case live && cur != boot:
			return s.reattach(cur, w)
		case !live && !restarting:
			s.l.log.Debug("console session ends: the domain stopped", "domain", d.name, "tty", s.key.tty)
			s.finish()
			return nil
		case live && !initGone:
			s.l.log.Info("lxc-console left while the container runs; the console session ends", "domain", d.name, "tty", s.key.tty)
			s.finish()
			return nil
		}
		select {
		case <-changed:
		case <-s.ctx.Done():
			return nil
		}
	}
}

// reattach attaches the session to boot's console (its init watched by w).
func (s *consoleSession) reattach(boot uint64, w *procWatch) *runner.Console {
	rc, err := attachConsole(s.ctx, s.crt, s.d.name, s.key.tty, true)
	if err != nil {
		s.l.log.Warn("console session cannot follow the rebooted domain", "domain", s.d.name, "tty", s.key.tty, "err", err)
		s.finish()
		return nil
	}
	s.mu.Lock()
	if s.over {
		s.mu.Unlock()
		_ = rc.Close()
		return nil
	}
	s.rc, s.boot, s.init = rc, boot, w
	s.mu.Unlock()
	s.setPTY(rc)
	s.l.log.Debug("console session followed a reboot", "domain", s.d.name, "tty", s.key.tty, "pty", rc.PTY())
	return rc
}

// setPTY records rc's pty as the console's while s is the console's
// session.
func (s *consoleSession) setPTY(rc *runner.Console) {
	if s.key.tty != 0 || s.l.consoles.get(s.key) != s {
		return
	}
	s.d.mu.Lock()
	if s.d.live != nil {
		s.d.console = rc.PTY()
	}
	s.d.mu.Unlock()
}

// finish marks the session over without detaching (nothing is attached).
func (s *consoleSession) finish() {
	s.mu.Lock()
	s.over = true
	s.mu.Unlock()
}

// Close detaches the session.
func (s *consoleSession) Close() error {
	s.end(nil)
	return nil
}

func (s *consoleSession) endCause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cause
}

// ended reports whether the session is over (closed, taken over, or its
// domain stopped). A session waiting for a rebooting container is not.
func (s *consoleSession) ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.over
}

// end detaches once: cause (nil for a plain Close) is what Read and Write
// report from then on.
func (s *consoleSession) end(cause error) {
	s.once.Do(func() {
		s.mu.Lock()
		s.cause, s.over = cause, true
		rc := s.rc
		s.mu.Unlock()
		s.cancel()
		_ = rc.Close()
		// A session replaced meanwhile leaves its successor's pty alone.
		if s.l.consoles.remove(s.key, s) && s.key.tty == 0 {
			s.d.mu.Lock()
			if s.d.console == rc.PTY() {
				s.d.console = ""
			}
			s.d.mu.Unlock()
		}
		s.l.log.Debug("console detached", "domain", s.d.name, "tty", s.key.tty, "cause", cause)
	})
}
