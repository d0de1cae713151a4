package driver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/lxc"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// Consoles.
//
// LXC's monitor owns every running container's console and ttys (see
// lxc.Console). The driver relays each console of a running domain to a
// host pty of its own (see lxc.ConsoleRelay, which also tells why), and a
// console session is a client's opening of that pty, as in libvirt's LXC
// driver. The driver arbitrates between its clients as libvirt's character
// device locks do: one session per device, and ConsoleForce detaches the
// holder. A session outlives reboots (the relay attaches to the new boot's
// console) and ends when the domain stops.

// consoleBusyRetry bounds how long a forced open waits for the relay while
// LXC lets someone else hold the console.
const consoleBusyRetry = 2 * time.Second

var _ driverapi.Consoler = (*LXC)(nil)

// consoleKey names one console device of one domain.
type consoleKey struct {
	uuid driverapi.UUID
	tty  int
}

// consoles is the driver's table of open console sessions.
type consoles struct {
	mu     sync.Mutex // guards the maps
	m      map[consoleKey]*consoleSession
	locks  map[consoleKey]*sync.Mutex      // per device: check, detach and attach are one step
	relays map[driverapi.UUID][]ConsolePTY // per running domain, one per console
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

// remove drops s from the table unless another session replaced it.
func (cs *consoles) remove(k consoleKey, s *consoleSession) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.m[k] == s {
		delete(cs.m, k)
	}
}

// OpenConsole implements Consoler.
func (l *LXC) OpenConsole(ctx context.Context, u driverapi.UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	if err := checkFlags("lxcDomainOpenConsole", flags, driverapi.ConsoleForce|driverapi.ConsoleSafe); err != nil {
		return nil, err
	}
	d, err := l.lookup(u)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	live := d.live
	d.mu.Unlock()
	if live == nil {
		return nil, errNotRunning()
	}
	tty, err := consoleTTY(live, dev)
	if err != nil {
		return nil, err
	}

	r := l.consoles.relay(u, tty)
	if r == nil { // no pty could be had (see the log), or the start is not done
		return nil, virterror.New(libvirt.ErrOperationFailed, "the console of domain '%s' is not available", d.name)
	}

	k := consoleKey{u, tty}
	defer l.consoles.lock(k)()
	if old := l.consoles.get(k); old != nil && !old.ended() {
		if flags&driverapi.ConsoleForce == 0 {
			return nil, virterror.New(libvirt.ErrOperationFailed, "Active console session exists for this domain")
		}
		l.log.Info("console taken over by another client", "domain", d.name, "tty", tty)
		old.end(driverapi.ErrConsoleTakenOver)
	}
	if err := waitRelay(ctx, d.name, r, flags&driverapi.ConsoleForce != 0); err != nil {
		return nil, err
	}
	f, err := r.Open()
	if err != nil {
		return nil, runtimeErr("open console of", d.name, err)
	}
	s := &consoleSession{l: l, d: d, key: k, f: f}
	l.consoles.put(k, s)
	l.log.Debug("console opened", "domain", d.name, "tty", tty, "pty", r.Path())
	return s, nil
}

// waitRelay waits (bounded by consoleBusyRetry) for the relay to be
// attached, and refuses a console LXC lets someone else hold (an
// lxc-console outside the driver); a forced open retries it meanwhile, as
// that holder may be leaving. A relay waiting for the container to boot
// again is no reason to refuse: the pty carries the console once it has.
func waitRelay(ctx context.Context, name string, r ConsolePTY, force bool) error {
	busy := virterror.New(libvirt.ErrOperationFailed,
		"Active console session exists for this domain (attached outside the driver, e.g. with lxc-console)")
	t := time.NewTimer(consoleBusyRetry)
	defer t.Stop()
	for {
		attached, err, changed := r.State()
		isBusy := errors.Is(err, lxc.ErrConsoleBusy)
		switch {
		case attached:
			return nil
		case isBusy && !force:
			return busy
		case isBusy:
			r.Retry()
		}
		select {
		case <-changed:
		case <-t.C:
			if isBusy {
				return busy
			}
			return nil
		case <-ctx.Done():
			return runtimeErr("open console of", name, ctx.Err())
		}
	}
}

// startRelays gives each console of d (running live, init ct just
// adopted) its relay; relays d already has (a reboot the driver finished by
// starting the container again) attach to the new boot.
func (l *LXC) startRelays(d *domain, live *xmlmap.Mapped, ct Container) {
	have := l.consoles.takeRelays(d.uuid)
	var keep []ConsolePTY
	logged := func(tty int) bool { return tty == 0 && live.ConsoleLog != nil }
	for i, r := range have {
		if i < live.Consoles {
			r.SetLogged(logged(i))
			r.Booted(ct.Running)
			keep = append(keep, r)
		} else {
			r.Close()
		}
	}
	for i := len(keep); i < live.Consoles; i++ {
		r, err := l.rt.ConsoleRelay(l.ctx, d.name, i, logged(i), ct.Running)
		if err != nil {
			l.log.Warn("console unavailable", "domain", d.name, "tty", i, "err", err)
			break
		}
		keep = append(keep, r)
	}
	l.consoles.setRelays(d.uuid, keep)
	paths := make([]string, len(keep))
	for i, r := range keep {
		paths[i] = r.Path()
	}
	d.mu.Lock()
	d.consoles = paths
	d.mu.Unlock()
}

// stopRelays ends d's relays: its console sessions read EOF.
func (l *LXC) stopRelays(d *domain) {
	for _, r := range l.consoles.takeRelays(d.uuid) {
		r.Close()
	}
}

// wait waits for the relays in the table to end (after the driver's
// context ended).
func (cs *consoles) wait() {
	cs.mu.Lock()
	var all []ConsolePTY
	for _, rs := range cs.relays {
		all = append(all, rs...)
	}
	cs.mu.Unlock()
	for _, r := range all {
		r.Wait()
	}
}

func (cs *consoles) relay(u driverapi.UUID, tty int) ConsolePTY {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if rs := cs.relays[u]; tty < len(rs) {
		return rs[tty]
	}
	return nil
}

func (cs *consoles) takeRelays(u driverapi.UUID) []ConsolePTY {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	rs := cs.relays[u]
	delete(cs.relays, u)
	return rs
}

func (cs *consoles) setRelays(u driverapi.UUID, rs []ConsolePTY) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.relays == nil {
		cs.relays = map[driverapi.UUID][]ConsolePTY{}
	}
	if len(rs) > 0 {
		cs.relays[u] = rs
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

// consoleSession is one client's opening of a console's pty.
type consoleSession struct {
	l   *LXC
	d   *domain
	key consoleKey
	f   io.ReadWriteCloser // the pty's slave

	mu    sync.Mutex
	over  bool  // closed, taken over, or the domain stopped
	cause error // why the session was ended from outside (taken over)
	once  sync.Once
}

// Read implements io.Reader: the console's output. It returns io.EOF once
// the domain stopped (its relay closed the pty's master).
func (s *consoleSession) Read(p []byte) (int, error) {
	n, err := s.f.Read(p)
	if err == nil {
		return n, nil
	}
	if c := s.endCause(); c != nil {
		return n, c
	}
	s.mu.Lock()
	s.over = true
	s.mu.Unlock()
	if errors.Is(err, syscall.EIO) || errors.Is(err, os.ErrClosed) {
		err = io.EOF
	}
	return n, err
}

// Write implements io.Writer: keyboard input for the console.
func (s *consoleSession) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	if err != nil {
		if c := s.endCause(); c != nil {
			return n, c
		}
		return n, fmt.Errorf("console of '%s': %w", s.d.name, err)
	}
	return n, nil
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
// domain stopped).
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
		s.mu.Unlock()
		_ = s.f.Close()
		s.l.consoles.remove(s.key, s)
		s.l.log.Debug("console detached", "domain", s.d.name, "tty", s.key.tty, "cause", cause)
	})
}
