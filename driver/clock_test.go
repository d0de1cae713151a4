package driver

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that moves only when the test moves it: its timers
// fire when advance reaches them, so a test decides when a grace period or
// a freeze check ends and asserts what happened before and after.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
	armed  chan struct{} // signalled when a timer is armed
}

// fakeTimer is one After call: due at at, asked for d.
type fakeTimer struct {
	at time.Time
	d  time.Duration
	ch chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), armed: make(chan struct{}, 1)}
}

// withClock makes the driver's clock c.
func withClock(c *fakeClock) func(*env) { return func(e *env) { e.clock = c } }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &fakeTimer{at: c.now.Add(d), d: d, ch: make(chan time.Time, 1)}
	if d <= 0 {
		tm.ch <- c.now
		return tm.ch
	}
	c.timers = append(c.timers, tm)
	select {
	case c.armed <- struct{}{}:
	default:
	}
	return tm.ch
}

// next waits until a timer due within window from now is armed and
// returns the earliest such; the test fails if none is armed in 10 s of
// real time.
func (c *fakeClock) next(t *testing.T, window time.Duration) *fakeTimer {
	t.Helper()
	guard := time.After(10 * time.Second)
	for {
		c.mu.Lock()
		var due *fakeTimer
		for _, tm := range c.timers {
			if tm.at.Sub(c.now) <= window && (due == nil || tm.at.Before(due.at)) {
				due = tm
			}
		}
		pending := len(c.timers)
		c.mu.Unlock()
		if due != nil {
			return due
		}
		select {
		case <-c.armed:
		case <-guard:
			t.Fatalf("the driver armed no timer due within %v (%d pending further out)", window, pending)
		}
	}
}

// advance moves the clock to tm's time and fires every timer due then.
func (c *fakeClock) advance(tm *fakeTimer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if tm.at.After(c.now) {
		c.now = tm.at
	}
	c.timers = slices.DeleteFunc(c.timers, func(x *fakeTimer) bool {
		if x.at.After(c.now) {
			return false
		}
		x.ch <- c.now
		return true
	})
}

// fireNext advances to the earliest timer due within window (see next).
func (c *fakeClock) fireNext(t *testing.T, window time.Duration) *fakeTimer {
	t.Helper()
	tm := c.next(t, window)
	c.advance(tm)
	return tm
}
