// Package server serves libvirt's remote RPC protocol to libvirt clients
// (virsh, virt-manager, libvirt-go, go-libvirt …) over unix sockets and
// hands domain calls to a driverapi.Driver. Connections, framing and keepalive
// live in conn.go, call routing in dispatch.go, the procedure handlers in
// connect.go, domain.go and events.go.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/ratelog"
	"github.com/lxcvirt/lxcvirt/remote/proto"
	"github.com/lxcvirt/lxcvirt/remote/wire"
)

// Config configures a Server. Only Driver is required.
type Config struct {
	Driver driverapi.Driver
	Logger *slog.Logger
	// Host answers the node and host calls (default: Driver, when it
	// implements driverapi.Host; otherwise they are unsupported).
	Host driverapi.Host
	// Networks answers the network calls when libvirt's network driver
	// is not found on NetworkSockets (default: Driver, when it implements
	// driverapi.Networks; otherwise there are no networks).
	Networks driverapi.Networks
	// NetworkSockets are where libvirt's network driver is looked for,
	// in order (remote/client.NetworkSockets); none: never.
	NetworkSockets []string
	// KeepaliveInterval and KeepaliveCount: once a client enables
	// keepalive, the server pings it after Interval of silence and drops
	// it after Count unanswered pings (defaults 5 s and 5, as libvirtd).
	KeepaliveInterval time.Duration
	KeepaliveCount    int
	// Limits bound what clients may hold; zero fields take libvirtd's
	// defaults.
	Limits Limits
	// Session is set in a daemon that runs as an unprivileged user: it
	// serves lxc:///session instead of lxc:///system.
	Session bool
}

// Limits are libvirtd's client limits, under libvirtd.conf's names, plus
// the bounds lxcvirtd adds. Each socket kind (read-write, read-only) has
// its own client and anonymous-client counts, so read-only clients cannot
// use up the read-write capacity. At a limit the server stops accepting on
// that socket, as libvirtd does; new clients wait in the listen backlog.
type Limits struct {
	// MaxClients (max_clients, default 5000) bounds the clients of each
	// socket kind.
	MaxClients int
	// MaxAnonymousClients (max_anonymous_clients, default 20) bounds the
	// clients of each socket kind that have not yet made CONNECT_OPEN.
	MaxAnonymousClients int
	// MaxClientRequests (max_client_requests, default 5) bounds the calls
	// one client runs at once; further packets wait unread.
	MaxClientRequests int
	// MaxQueuedClients (max_queued_clients, default 1000) is the listen
	// backlog ListenUnix sets.
	MaxQueuedClients int
	// OpenTimeout (lxcvirtd's own, default 30 s) closes a client that has
	// not made CONNECT_OPEN by then.
	OpenTimeout time.Duration
	// MaxClientBuffer (lxcvirtd's own, default and ceiling the protocol's
	// 32 MiB message limit) bounds one opened client's packet; before
	// CONNECT_OPEN a client's packets are bounded by anonymousPacketMax.
	MaxClientBuffer int
	// MaxTotalBuffer (lxcvirtd's own, default 128 MiB) bounds the packet
	// buffers of all clients together; a client whose packet finds it full
	// is dropped.
	MaxTotalBuffer int64
}

// anonymousPacketMax bounds a packet before CONNECT_OPEN: the calls allowed
// then are small.
const anonymousPacketMax = wire.MessageInitial

// withDefaults fills the zero fields with libvirtd's defaults.
func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxClients, 5000)
	def(&l.MaxAnonymousClients, 20)
	def(&l.MaxClientRequests, 5)
	def(&l.MaxQueuedClients, 1000)
	if l.MaxClientBuffer <= 0 || l.MaxClientBuffer > wire.MessageMax {
		l.MaxClientBuffer = wire.MessageMax
	}
	if l.OpenTimeout <= 0 {
		l.OpenTimeout = 30 * time.Second
	}
	if l.MaxTotalBuffer <= 0 {
		l.MaxTotalBuffer = 128 << 20
	}
	l.MaxAnonymousClients = min(l.MaxAnonymousClients, l.MaxClients)
	return l
}

// Server is a libvirt RPC server. It is safe for concurrent use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	handlers proto.Handlers[*conn]
	events   *eventHub
	buffers  *wire.Pool            // all clients' packet buffers
	slots    map[bool]*socketSlots // by readOnly
	// clientLog rate-limits the log lines clients can trigger.
	clientLog *ratelog.Limiter
	// instance tells this daemon apart from every other one: a migration
	// whose source and target it is both is refused (migrate.go).
	instance string

	mu        sync.Mutex
	listeners map[net.Listener]bool
	conns     map[*conn]bool
	closing   bool
	done      chan struct{} // closed by Shutdown
	connWG    sync.WaitGroup
	// p2p holds the domains a peer-to-peer migration moves (migrate_p2p.go).
	p2p map[driverapi.UUID]bool
}

// New builds a server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Driver == nil {
		return nil, errors.New("server: no driver")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if h, ok := cfg.Driver.(driverapi.Host); ok && cfg.Host == nil {
		cfg.Host = h
	}
	if n, ok := cfg.Driver.(driverapi.Networks); ok && cfg.Networks == nil {
		cfg.Networks = n
	}
	if cfg.KeepaliveInterval <= 0 {
		cfg.KeepaliveInterval = 5 * time.Second
	}
	if cfg.KeepaliveCount <= 0 {
		cfg.KeepaliveCount = 5
	}
	cfg.Limits = cfg.Limits.withDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		listeners: map[net.Listener]bool{},
		conns:     map[*conn]bool{},
		done:      make(chan struct{}),
		slots:     map[bool]*socketSlots{},
		buffers:   wire.NewPool(cfg.Limits.MaxTotalBuffer),
	}
	for _, ro := range []bool{false, true} {
		s.slots[ro] = &socketSlots{
			clients:   make(chan struct{}, cfg.Limits.MaxClients),
			anonymous: make(chan struct{}, cfg.Limits.MaxAnonymousClients),
		}
	}
	s.handlers = s.newHandlers()
	s.events = newEventHub(s)
	s.clientLog = ratelog.New(cfg.Logger, clientLogRate, clientLogBurst)
	s.instance = randomHex()
	return s, nil
}

// Client-triggered log lines (bad packets, dropped clients, unsupported
// calls) pass at clientLogRate a second after a burst of clientLogBurst,
// across all clients, so no client can flood the log.
const (
	clientLogRate  = 5
	clientLogBurst = 50
)

// ErrServerClosed is returned by Serve once Shutdown has been called.
var ErrServerClosed = errors.New("server: closed")

// Serve accepts clients on l until Shutdown or a listener error. Every
// call from a client accepted on a read-only listener is refused when its
// procedure modifies anything.
func (s *Server) Serve(l net.Listener, readOnly bool) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.listeners[l] = readOnly
	s.mu.Unlock()
	s.events.start()
	setBacklog(l, s.cfg.Limits.MaxQueuedClients, s.log)
	s.log.Info("listening", "addr", l.Addr().String(), "readonly", readOnly)
	slots := s.slots[readOnly]
	var backoff time.Duration
	for {
		if !slots.acquire(s.clientLog, s.log, socketKind(readOnly), s.done) {
			return s.closed(l)
		}
		nc, err := l.Accept()
		if err != nil {
			slots.releaseAll()
			if errors.Is(err, net.ErrClosed) {
				return s.closed(l)
			}
			// EMFILE, ENFILE, ENOBUFS…: the daemon keeps serving the
			// clients it has and tries again, as libvirtd does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			s.clientLog.Warn(s.log, "accept failed; retrying", "addr", l.Addr().String(), "err", err, "retry", backoff)
			select {
			case <-time.After(backoff):
				continue
			case <-s.done:
				return s.closed(l)
			}
		}
		backoff = 0
		c := newConn(s, nc, readOnly, slots)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close()
			slots.releaseAll()
			return ErrServerClosed
		}
		s.conns[c] = true
		s.connWG.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.connWG.Done()
			c.serve()
			s.mu.Lock()
			delete(s.conns, c)
			s.mu.Unlock()
			c.releaseSlots()
		}()
	}
}

// Clients is how many clients are connected.
func (s *Server) Clients() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// setBacklog sets the listen backlog of a socket listener to n
// (max_queued_clients): listen(2) on a listening socket changes it.
func setBacklog(l net.Listener, n int, log *slog.Logger) {
	if ul, ok := l.(*unixListener); ok {
		l = ul.UnixListener
	}
	sc, ok := l.(syscall.Conn)
	if !ok {
		return
	}
	var lerr error
	rc, err := sc.SyscallConn()
	if err == nil {
		err = rc.Control(func(fd uintptr) { lerr = syscall.Listen(int(fd), n) })
	}
	err = errors.Join(err, lerr)
	if err != nil {
		log.Warn("cannot set the listen backlog", "addr", l.Addr().String(), "err", err)
	}
}

func socketKind(readOnly bool) string {
	if readOnly {
		return "read-only"
	}
	return "read-write"
}

// closed forgets listener l and says why Serve returns.
func (s *Server) closed(l net.Listener) error {
	s.mu.Lock()
	closing := s.closing
	delete(s.listeners, l)
	s.mu.Unlock()
	if closing {
		return ErrServerClosed
	}
	return fmt.Errorf("accept on %s: %w", l.Addr(), net.ErrClosed)
}

// Shutdown stops accepting clients, stops reading new calls, lets the calls
// in flight finish and send their replies, then closes every connection.
// When ctx ends first, the calls still running are cancelled and the
// connections closed at once; Shutdown then returns ctx's error. Running
// containers are not touched.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	if !s.closing {
		close(s.done)
	}
	s.closing = true
	for l := range s.listeners {
		l.Close()
	}
	s.mu.Unlock()
	conns := s.snapshot()
	for _, c := range conns {
		c.stopReading()
	}
	done := make(chan struct{})
	go func() {
		s.connWG.Wait()
		close(done)
	}()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
		for _, c := range conns {
			c.abort()
		}
		<-done
	}
	s.events.stop()
	return err
}

// snapshot returns the open connections.
func (s *Server) snapshot() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	return conns
}

// ListenUnix listens on a unix socket at path with the given file mode.
// The socket is created under a temporary name, given its mode, then
// renamed into place, so it is never reachable with looser permissions.
// A stale socket left by a dead daemon is replaced; a live one is an error.
// (Tools such as ss(8) show the socket under its temporary name: the kernel
// records the name it was bound to.)
func ListenUnix(path string, mode os.FileMode) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		c.Close()
		return nil, fmt.Errorf("listen %s: another daemon is serving this socket", path)
	}
	tmp := fmt.Sprintf("%s.%d.tmp", path, os.Getpid())
	os.Remove(tmp)
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	l.SetUnlinkOnClose(false)
	if err := os.Chmod(tmp, mode); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		l.Close()
		os.Remove(tmp)
		return nil, fmt.Errorf("listen %s: %w", path, err)
	}
	return &unixListener{UnixListener: l, path: path}, nil
}

// unixListener removes its socket file when closed.
type unixListener struct {
	*net.UnixListener
	path string
	once sync.Once
}

func (l *unixListener) Close() error {
	err := l.UnixListener.Close()
	l.once.Do(func() { os.Remove(l.path) })
	return err
}

// Addr reports the final socket path rather than the temporary one.
func (l *unixListener) Addr() net.Addr { return &net.UnixAddr{Name: l.path, Net: "unix"} }
