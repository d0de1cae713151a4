package main

import (
	"fmt"
	"math"
	"sort"
)

// tolerance is how much a series may grow before it counts as growing:
// the larger of a fraction of its first-third median and an absolute slack.
type tolerance struct {
	rel    float64
	rssKiB int64 // slack for RSS series
	count  int64 // slack for thread and fd series
}

// trend is one series' verdict.
type trend struct {
	name        string
	first, last float64 // medians of the first and last thirds
	slopePerMin float64 // least-squares slope
	allowed     float64 // growth allowed by the tolerance
	growing     bool
}

func (t trend) String() string {
	verdict := "flat"
	if t.growing {
		verdict = "GROWING"
	}
	return fmt.Sprintf("%-16s first-third median %10.1f  last-third median %10.1f  slope %+9.2f/min  allowed growth %8.1f  %s",
		t.name, t.first, t.last, t.slopePerMin, t.allowed, verdict)
}

// analyse compares the first and last thirds of ys (sampled at minutes
// xs) and fits a line through all of them. It needs at least three points.
func analyse(name string, xs, ys []float64, slack float64, rel float64) (trend, error) {
	if len(xs) != len(ys) || len(ys) < 3 {
		return trend{}, fmt.Errorf("%s: %d samples, need at least 3", name, len(ys))
	}
	n := len(ys) / 3
	t := trend{name: name, first: median(ys[:n]), last: median(ys[len(ys)-n:]), slopePerMin: slope(xs, ys)}
	t.allowed = math.Max(rel*t.first, slack)
	t.growing = t.last-t.first > t.allowed
	return t, nil
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// slope is the least-squares slope of ys over xs (0 when xs do not vary).
func slope(xs, ys []float64) float64 {
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return 0
	}
	return num / den
}
