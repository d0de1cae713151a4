// Package stats summarises benchmark samples: median, min and max, ratios
// against a baseline, and how a cost grows with the number of domains.
package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// ErrNoSamples is returned when a summary is asked of nothing.
var ErrNoSamples = errors.New("stats: no samples")

// Summary describes a set of samples.
type Summary struct {
	Count  int     `json:"count"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
}

// Summarize computes the median (the mean of the two middle samples for an
// even count), min, max and mean of xs. NaN samples are refused.
func Summarize(xs []float64) (Summary, error) {
	if len(xs) == 0 {
		return Summary{}, ErrNoSamples
	}
	s := slices.Clone(xs)
	sum := 0.0
	for _, x := range s {
		if math.IsNaN(x) {
			return Summary{}, errors.New("stats: NaN sample")
		}
		sum += x
	}
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return Summary{Count: n, Median: med, Min: s[0], Max: s[n-1], Mean: sum / float64(n)}, nil
}

// Ratio is value / baseline. A baseline that is not positive has no
// meaningful ratio and is an error.
func Ratio(value, baseline float64) (float64, error) {
	if !(baseline > 0) || math.IsInf(baseline, 0) {
		return 0, fmt.Errorf("stats: ratio against baseline %v", baseline)
	}
	return value / baseline, nil
}

// Growth classes.
const (
	Flat         = "flat"   // within FlatBand over the whole range
	Linear       = "linear" // affine: a fixed cost plus a per-domain cost
	LinearOrLess = "linear or better"
	SuperLinear  = "super-linear" // grows faster than the number of domains
)

// FlatBand is the largest max/min ratio over the range still called flat.
const FlatBand = 1.25

// linearLimit is the largest growth exponent still called linear; noise on
// three points rarely moves a truly linear cost past it, and a quadratic
// one sits near 2.
const linearLimit = 1.25

// Growth is how a cost y grows with a count n (domains).
type Growth struct {
	// Fixed and PerItem are the least-squares affine fit y = Fixed + PerItem·n.
	Fixed   float64 `json:"fixed"`
	PerItem float64 `json:"per_item"`
	// R2 is the affine fit's coefficient of determination.
	R2 float64 `json:"r2"`
	// Exponent is the log-log slope between the smallest and largest n:
	// y ∝ n^Exponent over the whole range (fixed costs pull it below 1).
	Exponent float64 `json:"exponent"`
	// Marginal is the log-log slope of the increments between successive
	// points, which removes the fixed cost: 1 for a linear cost, 2 for a
	// quadratic one. NaN when it cannot be computed (fewer than three
	// points, or increments that are not positive).
	Marginal float64 `json:"marginal"`
	// Class is Flat, Linear, LinearOrLess or SuperLinear.
	Class string `json:"class"`
}

// FitGrowth fits ys (one value per count in ns, ns strictly increasing and
// positive, ys positive) and classifies the growth. Two points are enough
// for the exponent; three or more also give the marginal exponent, provided
// every increment stands out of the noise: spread (optional, one per point,
// e.g. max - min over the runs) marks an increment no larger than the mean
// spread of its two points as noise, and noise leaves the marginal exponent
// undefined rather than made up.
func FitGrowth(ns, ys, spread []float64) (Growth, error) {
	if len(ns) != len(ys) {
		return Growth{}, fmt.Errorf("stats: %d counts for %d values", len(ns), len(ys))
	}
	if spread != nil && len(spread) != len(ys) {
		return Growth{}, fmt.Errorf("stats: %d spreads for %d values", len(spread), len(ys))
	}
	if len(ns) < 2 {
		return Growth{}, errors.New("stats: growth needs at least two points")
	}
	for i := range ns {
		if !(ns[i] > 0) || !(ys[i] > 0) {
			return Growth{}, fmt.Errorf("stats: point %d (%v, %v) is not positive", i, ns[i], ys[i])
		}
		if i > 0 && ns[i] <= ns[i-1] {
			return Growth{}, errors.New("stats: counts must increase")
		}
	}
	g := Growth{Marginal: math.NaN()}
	g.Fixed, g.PerItem, g.R2 = affine(ns, ys)
	last := len(ns) - 1
	g.Exponent = logSlope(ns[0], ys[0], ns[last], ys[last])
	if len(ns) >= 3 {
		g.Marginal = marginal(ns, ys, spread)
	}
	lo, hi := slices.Min(ys), slices.Max(ys)
	switch {
	case hi/lo <= FlatBand:
		g.Class = Flat
	case !math.IsNaN(g.Marginal):
		g.Class = Linear
		if g.Marginal > linearLimit {
			g.Class = SuperLinear
		}
	default:
		g.Class = LinearOrLess
		if g.Exponent > linearLimit {
			g.Class = SuperLinear
		}
	}
	return g, nil
}

func logSlope(n0, y0, n1, y1 float64) float64 {
	return math.Log(y1/y0) / math.Log(n1/n0)
}

// marginal is the least-squares log-log slope of the increments: the
// increment between points i-1 and i against n_i - n_{i-1}. It is NaN when
// an increment is not positive or lost in the spread.
func marginal(ns, ys, spread []float64) float64 {
	var dn, dy []float64
	for i := 1; i < len(ns); i++ {
		d := ys[i] - ys[i-1]
		if d <= 0 || (spread != nil && d <= (spread[i-1]+spread[i])/2) {
			return math.NaN()
		}
		dn = append(dn, math.Log(ns[i]-ns[i-1]))
		dy = append(dy, math.Log(d))
	}
	_, slope, _ := affine(dn, dy)
	return slope
}

// affine is the least-squares line y = a + b·x and its R².
func affine(xs, ys []float64) (a, b, r2 float64) {
	n := float64(len(xs))
	var sx, sy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
	}
	mx, my := sx/n, sy/n
	var sxx, sxy, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxx += dx * dx
		sxy += dx * dy
		syy += dy * dy
	}
	b = sxy / sxx
	a = my - b*mx
	r2 = 1.0
	if syy > 0 {
		r2 = sxy * sxy / (sxx * syy)
	}
	return a, b, r2
}
