package main

import (
	"context"
	"math"
	"sync"
	"time"
)

// loadEvery is how often the load watcher samples /proc/loadavg.
const loadEvery = 2 * time.Second

// loadWatch samples the 1-minute load average through the run, so each
// section can say how busy the machine was while it was measured.
type loadWatch struct {
	mu     sync.Mutex
	lo, hi float64 // of the current window
	peak   float64 // of the whole run
}

// watchLoad samples until ctx ends.
func watchLoad(ctx context.Context) *loadWatch {
	w := &loadWatch{}
	w.reset()
	w.sample()
	go func() {
		t := time.NewTicker(loadEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				w.sample()
			}
		}
	}()
	return w
}

func (w *loadWatch) sample() {
	l := load1()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lo, w.hi, w.peak = math.Min(w.lo, l), math.Max(w.hi, l), math.Max(w.peak, l)
}

func (w *loadWatch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lo, w.hi = math.Inf(1), math.Inf(-1)
}

// window starts a new window (a phase) and returns a function that ends it
// and gives the lowest and highest load seen in it.
func (w *loadWatch) window() func() (lo, hi float64) {
	w.reset()
	w.sample()
	return func() (float64, float64) {
		w.sample()
		w.mu.Lock()
		defer w.mu.Unlock()
		return w.lo, w.hi
	}
}

// max is the highest load seen in the run.
func (w *loadWatch) max() float64 {
	w.sample()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}
