package server

import (
	"log/slog"

	"github.com/lxcvirt/lxcvirt/internal/ratelog"
)

// socketSlots counts the clients of one socket kind: every client holds a
// clients slot for its life and an anonymous slot until CONNECT_OPEN.
// Serve takes both before it accepts, so at either limit the socket stops
// accepting, as libvirtd's services are suspended at theirs.
type socketSlots struct {
	clients   chan struct{}
	anonymous chan struct{}
}

// acquire waits for a client and an anonymous slot; false when done closes
// first.
func (s *socketSlots) acquire(rl *ratelog.Limiter, log *slog.Logger, kind string, done <-chan struct{}) bool {
	for _, ch := range []chan struct{}{s.clients, s.anonymous} {
		select {
		case ch <- struct{}{}:
			continue
		default:
		}
		rl.Warn(log, "client limit reached; not accepting until a client leaves or opens",
			"socket", kind, "clients", len(s.clients), "anonymous", len(s.anonymous))
		select {
		case ch <- struct{}{}:
		case <-done:
			if ch == s.anonymous {
				<-s.clients
			}
			return false
		}
	}
	return true
}

// releaseAll gives back both slots of a client that never was.
func (s *socketSlots) releaseAll() {
	<-s.anonymous
	<-s.clients
}
