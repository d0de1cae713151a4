package main

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// cleanupTimeout bounds all of the cleanup together (a scale run may
// leave a thousand containers); it runs after an interrupt, so it cannot
// use the run's (cancelled) context.
const cleanupTimeout = 10 * time.Minute

// cleanups is a stack of undo steps: everything the run creates (temp dirs,
// daemons, containers, host directories) registers how to remove it, and
// Run undoes them newest first, whatever happened before.
type cleanups struct {
	log   *slog.Logger
	mu    sync.Mutex
	steps []cleanupStep
}

type cleanupStep struct {
	what string
	fn   func(context.Context) error
}

// Add registers fn, described by what, to run at cleanup.
func (c *cleanups) Add(what string, fn func(context.Context) error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.steps = append(c.steps, cleanupStep{what, fn})
}

// Run runs every registered step once, newest first, logging failures and
// carrying on.
func (c *cleanups) Run() {
	c.mu.Lock()
	steps := c.steps
	c.steps = nil
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		c.log.Debug("cleanup", "step", s.what)
		if err := s.fn(ctx); err != nil {
			c.log.Warn("cleanup failed", "step", s.what, "err", err)
		}
	}
}
