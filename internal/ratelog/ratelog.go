// Package ratelog rate-limits log lines a client can trigger: a token
// bucket allows a burst, then a steady rate, and the next line that passes
// says how many were suppressed meanwhile.
package ratelog

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Limiter is a token bucket in front of a logger. It is safe for
// concurrent use; the zero value is not usable, see New.
type Limiter struct {
	log   *slog.Logger
	rate  float64 // tokens per second
	burst float64
	now   func() time.Time

	mu         sync.Mutex
	tokens     float64
	last       time.Time
	suppressed int
}

// New returns a limiter writing to log that lets burst lines through at
// once and then perSecond lines a second.
func New(log *slog.Logger, perSecond float64, burst int) *Limiter {
	return newAt(log, perSecond, burst, time.Now)
}

func newAt(log *slog.Logger, perSecond float64, burst int, now func() time.Time) *Limiter {
	return &Limiter{log: log, rate: perSecond, burst: float64(burst), now: now, tokens: float64(burst), last: now()}
}

// allow takes a token if there is one; it returns whether it did and, if
// so, how many lines were suppressed since the last one allowed.
func (l *Limiter) allow() (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	t := l.now()
	l.tokens = min(l.burst, l.tokens+t.Sub(l.last).Seconds()*l.rate)
	l.last = t
	if l.tokens < 1 {
		l.suppressed++
		return false, 0
	}
	l.tokens--
	n := l.suppressed
	l.suppressed = 0
	return true, n
}

// Log logs through logger (the limiter's own when nil, so callers can pass
// one carrying their attributes) unless the bucket is empty.
func (l *Limiter) Log(logger *slog.Logger, level slog.Level, msg string, args ...any) {
	if logger == nil {
		logger = l.log
	}
	if !logger.Enabled(context.Background(), level) {
		return
	}
	ok, n := l.allow()
	if !ok {
		return
	}
	if n > 0 {
		args = append(args, "suppressed", n)
	}
	logger.Log(context.Background(), level, msg, args...)
}

// Warn logs at warning level, rate-limited.
func (l *Limiter) Warn(logger *slog.Logger, msg string, args ...any) {
	l.Log(logger, slog.LevelWarn, msg, args...)
}

// Info logs at info level, rate-limited.
func (l *Limiter) Info(logger *slog.Logger, msg string, args ...any) {
	l.Log(logger, slog.LevelInfo, msg, args...)
}
