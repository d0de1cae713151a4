package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Resamples is how many bootstrap resamples an interval is drawn from.
const Resamples = 4000

// Interval is an estimate with its bootstrap 95% confidence interval
// (the 2.5th and 97.5th percentiles of the resampled estimates).
type Interval struct {
	Estimate float64 `json:"estimate"`
	Lo       float64 `json:"lo"`
	Hi       float64 `json:"hi"`
}

// newRand is a fixed-seed generator: the same samples give the same
// interval in every run and in the tests.
func newRand() *rand.Rand { return rand.New(rand.NewPCG(0x6c786376, 0x69727462)) }

// Quantile is the q-quantile (0..1) of xs by linear interpolation between
// order statistics; xs need not be sorted. Quantile(xs, 0.5) is the median.
func Quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantileSorted(s, q)
}

func quantileSorted(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	pos := q * float64(len(s)-1)
	i := int(math.Floor(pos))
	if i >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[i] + (pos-float64(i))*(s[i+1]-s[i])
}

// percentileCI is the 95% percentile interval of the resampled estimates.
func percentileCI(est float64, boot []float64) Interval {
	slices.Sort(boot)
	return Interval{Estimate: est, Lo: quantileSorted(boot, 0.025), Hi: quantileSorted(boot, 0.975)}
}

// QuantileCI is the q-quantile of xs with its bootstrap interval.
func QuantileCI(xs []float64, q float64) (Interval, error) {
	if len(xs) == 0 {
		return Interval{}, ErrNoSamples
	}
	rng := newRand()
	buf := make([]float64, len(xs))
	boot := make([]float64, Resamples)
	for k := range boot {
		for i := range buf {
			buf[i] = xs[rng.IntN(len(xs))]
		}
		boot[k] = Quantile(buf, q)
	}
	return percentileCI(Quantile(xs, q), boot), nil
}

// PairedRatio is the median of the per-round ratios values[i]/bases[i]
// (each pair measured back to back in one round) with its bootstrap
// interval. Pairing cancels what a round shares, such as the machine's load
// at that moment, which a ratio of two medians keeps.
func PairedRatio(values, bases []float64) (Interval, error) {
	if len(values) != len(bases) {
		return Interval{}, fmt.Errorf("stats: %d values paired with %d baselines", len(values), len(bases))
	}
	if len(values) == 0 {
		return Interval{}, ErrNoSamples
	}
	ratios := make([]float64, len(values))
	for i := range values {
		r, err := Ratio(values[i], bases[i])
		if err != nil {
			return Interval{}, err
		}
		ratios[i] = r
	}
	return QuantileCI(ratios, 0.5)
}

// RatioOfMedians is median(values)/median(bases) with a bootstrap interval
// that resamples each side on its own, for figures not measured in pairs.
func RatioOfMedians(values, bases []float64) (Interval, error) {
	if len(values) == 0 || len(bases) == 0 {
		return Interval{}, ErrNoSamples
	}
	est, err := Ratio(Quantile(values, 0.5), Quantile(bases, 0.5))
	if err != nil {
		return Interval{}, err
	}
	rng := newRand()
	vb, bb := make([]float64, len(values)), make([]float64, len(bases))
	var boot []float64
	for range Resamples {
		for i := range vb {
			vb[i] = values[rng.IntN(len(values))]
		}
		for i := range bb {
			bb[i] = bases[rng.IntN(len(bases))]
		}
		if r, err := Ratio(Quantile(vb, 0.5), Quantile(bb, 0.5)); err == nil {
			boot = append(boot, r)
		}
	}
	if len(boot) == 0 {
		return Interval{}, errors.New("stats: no resample has a positive baseline")
	}
	return percentileCI(est, boot), nil
}

// SlopeCI is the least-squares slope of ys against xs with a bootstrap
// interval from resampling the (x, y) points; at least three points with
// two distinct xs are needed.
func SlopeCI(xs, ys []float64) (Interval, error) {
	if len(xs) != len(ys) {
		return Interval{}, fmt.Errorf("stats: %d xs for %d ys", len(xs), len(ys))
	}
	if len(xs) < 3 || slices.Min(xs) == slices.Max(xs) {
		return Interval{}, errors.New("stats: a slope needs three points at two or more distinct xs")
	}
	_, est, _ := affine(xs, ys)
	rng := newRand()
	bx, by := make([]float64, len(xs)), make([]float64, len(ys))
	var boot []float64
	for range Resamples {
		for i := range bx {
			j := rng.IntN(len(xs))
			bx[i], by[i] = xs[j], ys[j]
		}
		if slices.Min(bx) == slices.Max(bx) {
			continue // every point at one x: no slope
		}
		_, b, _ := affine(bx, by)
		boot = append(boot, b)
	}
	return percentileCI(est, boot), nil
}
