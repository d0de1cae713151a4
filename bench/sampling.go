package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/lxcvirt/lxcvirt/bench/internal/report"
)

// samples is one named measurement's values, or why it has none.
type samples struct {
	name string
	xs   []float64
	err  error
	// pairedWith are the baselines whose sample i was taken in the same
	// round as this one's, back to back (set by pairSamples).
	pairedWith []*samples
}

// pairSamples declares that v's and base's samples are taken in pairs.
func pairSamples(v, base *samples) { v.pairedWith = append(v.pairedWith, base) }

func (s *samples) add(x float64) { s.xs = append(s.xs, x) }

// skip marks the measurement as not taken, keeping the first reason.
func (s *samples) skip(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *samples) measure() (*report.Measure, error) {
	if s.err != nil {
		return nil, s.err
	}
	return report.NewMeasure(s.name, s.xs)
}

// row builds a report row from a value and an optional baseline. A value
// that was not measured makes a skipped row that still shows the baseline;
// a baseline that was not measured becomes a note.
func row(name, unit string, v, base *samples, target *report.Target) *report.Row {
	var bm *report.Measure
	var berr error
	if base != nil {
		bm, berr = base.measure()
	}
	vm, err := v.measure()
	var r *report.Row
	if err != nil {
		r = report.SkippedRow(name, unit, firstErrLine(err), target)
		r.Baseline = bm
	} else if bm != nil && slices.Contains(v.pairedWith, base) {
		r = report.NewPairedRow(name, unit, vm, bm, target)
	} else {
		r = report.NewRow(name, unit, vm, bm, target)
	}
	if berr != nil && err == nil {
		r.Note = fmt.Sprintf("baseline %q not measured: %s", base.name, firstErrLine(berr))
	}
	return r
}

// trial is one repetition of a measurement: it records its samples itself
// when keep is true (false on the warm-up round).
type trial struct {
	name string
	run  func(ctx context.Context, keep bool) error
	// fail receives the trial's error when it is dropped.
	fail func(error)
}

// pair runs a and b back to back as one trial, a first on even calls and
// b first on odd ones, so that each round yields one sample of each taken
// under the same conditions and neither always runs right after the other.
// A side that fails is dropped (its fail callback gets the error) and the
// other carries on alone; the pair fails when both have.
func pair(name string, a, b trial) trial {
	calls := 0
	var dropped [2]bool
	sides := [2]trial{a, b}
	return trial{name: name, run: func(ctx context.Context, keep bool) error {
		order := [2]int{0, 1}
		if calls%2 == 1 {
			order = [2]int{1, 0}
		}
		calls++
		var errs []error
		for _, i := range order {
			if dropped[i] {
				continue
			}
			if err := sides[i].run(ctx, keep); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if sd := (*sideDropped)(nil); errors.As(err, &sd) {
					errs = append(errs, err) // a nested pair lost one side and goes on
					continue
				}
				dropped[i] = true
				sides[i].fail(err)
				errs = append(errs, fmt.Errorf("%s: %w", sides[i].name, err))
			}
		}
		switch {
		case len(errs) == 0:
			return nil
		case dropped[0] && dropped[1]:
			return errors.Join(errs...)
		default:
			return &sideDropped{errors.Join(errs...)}
		}
	}, fail: func(err error) {
		for i := range sides {
			if !dropped[i] {
				sides[i].fail(err)
			}
		}
	}}
}

// sideDropped is a pair's error when one side failed and the other goes on.
type sideDropped struct{ err error }

func (e *sideDropped) Error() string { return e.err.Error() + " (its pair goes on alone)" }
func (e *sideDropped) Unwrap() error { return e.err }

// rounds runs one untimed warm-up round and then runs timed rounds of all
// trials, rotating their order every round so that no trial always follows
// the same one. A trial that fails is dropped (its fail callback gets the
// error) and the others carry on. Only the context ending stops the rounds.
func (b *bench) rounds(ctx context.Context, what string, runs int, trials ...trial) error {
	dropped := make([]bool, len(trials))
	for r := 0; r <= runs; r++ {
		for k := range trials {
			i := (k + r) % len(trials)
			if dropped[i] {
				continue
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := trials[i].run(ctx, r > 0); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				if sd := (*sideDropped)(nil); errors.As(err, &sd) {
					b.log.Warn("measurement failed; one side dropped", "what", what, "trial", trials[i].name, "err", firstErrLine(err))
					continue
				}
				b.log.Warn("measurement failed; dropped", "what", what, "trial", trials[i].name, "err", firstErrLine(err))
				dropped[i] = true
				trials[i].fail(err)
			}
		}
		if r > 0 {
			b.log.Info("progress", "what", what, "run", fmt.Sprintf("%d/%d", r, runs))
		}
	}
	return nil
}

// measureFn takes one sample, in the row's unit.
type measureFn func(ctx context.Context) (float64, error)

// measured is a trial that records m's sample into out.
func measured(name string, out *samples, m measureFn) trial {
	return trial{name: name, run: func(ctx context.Context, keep bool) error {
		x, err := m(ctx)
		if keep && err == nil {
			out.add(x)
		}
		return err
	}, fail: out.skip}
}

// both makes the lxcvirtd and the libvirtd trial of one measurement, as one
// pair when both sides are up; a side that is unavailable gets no trial and
// its samples are marked skipped.
func (b *bench) both(what string, lx, lv *samples, m func(s *side) measureFn) []trial {
	defer pairSamples(lx, lv)
	var ts []trial
	for _, p := range []struct {
		s   *side
		out *samples
	}{{b.lx, lx}, {b.lv, lv}} {
		if !p.s.ok() {
			p.out.skip(p.s.unavailable())
			continue
		}
		ts = append(ts, measured(what+" "+p.s.name, p.out, m(p.s)))
	}
	if len(ts) == 2 {
		return []trial{pair(what, ts[0], ts[1])}
	}
	return ts
}

// virshMs runs one whole virsh process against a side and returns its
// wall time in milliseconds.
func virshMs(ctx context.Context, s *side, args ...string) (float64, error) {
	_, t, err := virshOut(ctx, s, args...)
	return t, err
}

// virshOut is virshMs that also returns virsh's stdout.
func virshOut(ctx context.Context, s *side, args ...string) ([]byte, float64, error) {
	out, d, err := output(ctx, append([]string{"virsh", "-c", s.d.uri()}, args...)...)
	return out, ms(d), err
}

// timed runs fn and returns its duration in milliseconds.
func timed(fn func() error) (float64, error) {
	t0 := time.Now()
	err := fn()
	return ms(time.Since(t0)), err
}

// parallel runs fn for 0..n-1 on workers goroutines (worker is the
// goroutine's index) and returns the wall time of the whole batch. It stops
// handing out work after the first error and returns that error.
func parallel(ctx context.Context, workers, n int, fn func(ctx context.Context, worker, i int) error) (time.Duration, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg       sync.WaitGroup
		once     sync.Once
		firstErr error
	)
	t0 := time.Now()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(ctx, w, i); err != nil {
					once.Do(func() { firstErr = err; cancel() })
				}
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	d := time.Since(t0)
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return d, firstErr
}

// memSamples are the RSS, PSS and USS samples (MiB) of one process or
// group of processes.
type memSamples struct{ rss, pss, uss *samples }

func newMem(name string) *memSamples {
	return &memSamples{&samples{name: name}, &samples{name: name}, &samples{name: name}}
}

func (m *memSamples) add(u memUse) {
	m.rss.add(mib(u.RSS))
	m.pss.add(mib(u.PSS))
	m.uss.add(mib(u.USS))
}

func (m *memSamples) skip(err error) {
	m.rss.skip(err)
	m.pss.skip(err)
	m.uss.skip(err)
}

func (m *memSamples) setName(name string) { m.rss.name, m.pss.name, m.uss.name = name, name, name }

// pairMem declares v's and base's samples taken in pairs.
func pairMem(v, base *memSamples) {
	pairSamples(v.pss, base.pss)
	pairSamples(v.uss, base.uss)
	pairSamples(v.rss, base.rss)
}

// memRows are the PSS, USS and RSS rows of what (base may be nil); the
// target applies to PSS, the memory a process group really costs.
func memRows(what string, v, base *memSamples, pssTarget *report.Target) []*report.Row {
	var bp, bu, br *samples
	if base != nil {
		bp, bu, br = base.pss, base.uss, base.rss
	}
	return []*report.Row{
		row("PSS "+what, "MiB", v.pss, bp, pssTarget),
		row("USS "+what, "MiB", v.uss, bu, nil),
		row("RSS "+what, "MiB", v.rss, br, nil),
	}
}
