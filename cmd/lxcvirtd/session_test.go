package main

import (
	"context"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

// TestIdleTimeout: the daemon ends only once it has been idle for the
// whole timeout, counted from the last time it was busy.
func TestIdleTimeout(t *testing.T) {
	var busy atomic.Bool
	busy.Store(true)
	var checks atomic.Int32
	log := slog.New(slog.DiscardHandler)
	ctx, cancel := idleTimeout(t.Context(), 200*time.Millisecond, func(context.Context) bool {
		checks.Add(1)
		return busy.Load()
	}, log)
	defer cancel()
	for checks.Load() < 10 { // busy over several timeouts' worth of checks
		select {
		case <-ctx.Done():
			t.Fatal("ended while busy")
		case <-time.After(10 * time.Millisecond):
		}
	}
	busy.Store(false)
	idleSince := time.Now()
	select {
	case <-ctx.Done():
		if d := time.Since(idleSince); d < 150*time.Millisecond {
			t.Errorf("ended %v after the daemon became idle, before the timeout", d)
		}
	case <-time.After(time.Minute):
		t.Fatal("did not end once idle")
	}
	never, cancel2 := idleTimeout(t.Context(), 0, func(context.Context) bool { return false }, log)
	defer cancel2()
	select {
	case <-never.Done():
		t.Error("timeout 0 ended the daemon")
	case <-time.After(50 * time.Millisecond):
	}
}
