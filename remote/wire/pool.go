package wire

import "sync"

// Pool bounds the bytes that many readers hold in packet buffers together.
// A nil *Pool has no bound.
type Pool struct {
	mu   sync.Mutex
	max  int64
	used int64
}

// NewPool returns a pool of max bytes.
func NewPool(max int64) *Pool { return &Pool{max: max} }

// take reserves n bytes, or reports false when they would exceed the bound.
func (p *Pool) take(n int) bool {
	if p == nil {
		return true
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.used+int64(n) > p.max {
		return false
	}
	p.used += int64(n)
	return true
}

// Put gives back n bytes taken for a packet.
func (p *Pool) Put(n int) {
	if p == nil || n == 0 {
		return
	}
	p.mu.Lock()
	p.used -= int64(n)
	p.mu.Unlock()
}

// Used reports the bytes held now.
func (p *Pool) Used() int64 {
	if p == nil {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.used
}
