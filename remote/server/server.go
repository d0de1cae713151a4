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
	"time"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/ratelog"
	"github.com/lxcvirt/lxcvirt/remote/proto"
)

// Config configures a Server. Only Driver is required.
type Config struct {
	Driver driverapi.Driver
	Logger *slog.Logger
	// Host answers the node and host calls (default: Driver, when it
	// implements driverapi.Host; otherwise they are unsupported).
	Host driverapi.Host
	// KeepaliveInterval and KeepaliveCount: once a client enables
	// keepalive, the server pings it after Interval of silence and drops
	// it after Count unanswered pings (defaults 5 s and 5, as libvirtd).
	KeepaliveInterval time.Duration
	KeepaliveCount    int
	// MaxCallsPerClient bounds the calls one client runs at once; further
	// packets wait unread (default 16).
	MaxCallsPerClient int
}

// Server is a libvirt RPC server. It is safe for concurrent use.
type Server struct {
	cfg      Config
	log      *slog.Logger
	handlers proto.Handlers[*conn]
	events   *eventHub
	// clientLog rate-limits the log lines clients can trigger.
	clientLog *ratelog.Limiter

	mu        sync.Mutex
	listeners map[net.Listener]bool
	conns     map[*conn]bool
	closing   bool
	connWG    sync.WaitGroup
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
	if cfg.KeepaliveInterval <= 0 {
		cfg.KeepaliveInterval = 5 * time.Second
	}
	if cfg.KeepaliveCount <= 0 {
		cfg.KeepaliveCount = 5
	}
	if cfg.MaxCallsPerClient <= 0 {
		cfg.MaxCallsPerClient = 16
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		listeners: map[net.Listener]bool{},
		conns:     map[*conn]bool{},
	}
	s.handlers = s.newHandlers()
	s.events = newEventHub(s)
	s.clientLog = ratelog.New(cfg.Logger, clientLogRate, clientLogBurst)
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
	s.log.Info("listening", "addr", l.Addr().String(), "readonly", readOnly)
	for {
		nc, err := l.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			delete(s.listeners, l)
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			return fmt.Errorf("accept on %s: %w", l.Addr(), err)
		}
		c := newConn(s, nc, readOnly)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close()
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
		}()
	}
}

// Shutdown stops accepting clients, stops reading new calls, lets the calls
// in flight finish and send their replies, then closes every connection.
// When ctx ends first, the calls still running are cancelled and the
// connections closed at once; Shutdown then returns ctx's error. Running
// containers are not touched.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
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
