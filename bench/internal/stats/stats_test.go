package stats

import (
	"errors"
	"math"
	"testing"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestSummarize(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []float64
		want Summary
	}{
		{"odd", []float64{5, 1, 3}, Summary{Count: 3, Median: 3, Min: 1, Max: 5, Mean: 3}},
		{"even", []float64{4, 1, 2, 10}, Summary{Count: 4, Median: 3, Min: 1, Max: 10, Mean: 4.25}},
		{"single", []float64{7}, Summary{Count: 1, Median: 7, Min: 7, Max: 7, Mean: 7}},
		{"outlier does not move the median", []float64{10, 11, 12, 1000, 9}, Summary{Count: 5, Median: 11, Min: 9, Max: 1000, Mean: 208.4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Summarize(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Count != tc.want.Count || got.Median != tc.want.Median || got.Min != tc.want.Min ||
				got.Max != tc.want.Max || !near(got.Mean, tc.want.Mean, 1e-9) {
				t.Fatalf("Summarize(%v) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestSummarizeDoesNotReorderInput(t *testing.T) {
	in := []float64{3, 1, 2}
	if _, err := Summarize(in); err != nil {
		t.Fatal(err)
	}
	if in[0] != 3 || in[1] != 1 || in[2] != 2 {
		t.Fatalf("input reordered: %v", in)
	}
}

func TestSummarizeRefusesEmptyAndNaN(t *testing.T) {
	if _, err := Summarize(nil); !errors.Is(err, ErrNoSamples) {
		t.Fatalf("empty: err = %v, want ErrNoSamples", err)
	}
	if _, err := Summarize([]float64{1, math.NaN()}); err == nil {
		t.Fatal("NaN sample accepted")
	}
}

func TestRatio(t *testing.T) {
	r, err := Ratio(16.5, 15)
	if err != nil || !near(r, 1.1, 1e-12) {
		t.Fatalf("Ratio(16.5, 15) = %v, %v; want 1.1", r, err)
	}
	for _, bad := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		if _, err := Ratio(1, bad); err == nil {
			t.Errorf("Ratio(1, %v) accepted", bad)
		}
	}
}

func TestFitGrowthLinearWithFixedCost(t *testing.T) {
	ns := []float64{10, 100, 1000}
	ys := []float64{30 + 0.1*10, 30 + 0.1*100, 30 + 0.1*1000} // 30 ms + 100 µs per domain
	g, err := FitGrowth(ns, ys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(g.Fixed, 30, 1e-9) || !near(g.PerItem, 0.1, 1e-12) || !near(g.R2, 1, 1e-12) {
		t.Fatalf("affine fit = %+v, want fixed 30, per item 0.1, R² 1", g)
	}
	if !near(g.Marginal, 1, 1e-9) {
		t.Fatalf("marginal exponent = %v, want 1", g.Marginal)
	}
	if g.Exponent >= 1 {
		t.Fatalf("exponent %v: a fixed cost must pull it below 1", g.Exponent)
	}
	if g.Class != Linear {
		t.Fatalf("class = %q, want %q", g.Class, Linear)
	}
}

func TestFitGrowthQuadraticHiddenUnderFixedCost(t *testing.T) {
	ns := []float64{10, 100, 1000}
	var ys []float64
	for _, n := range ns {
		ys = append(ys, 100+0.0001*n*n) // 100 + 0.01 + … 100.01, 101, 200
	}
	g, err := FitGrowth(ns, ys, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Exponent > 1 {
		t.Fatalf("exponent %v: the whole-range slope alone would miss this", g.Exponent)
	}
	if !near(g.Marginal, 2, 0.05) || g.Class != SuperLinear {
		t.Fatalf("growth = %+v, want marginal ≈ 2 and %q", g, SuperLinear)
	}
}

func TestFitGrowthFlat(t *testing.T) {
	g, err := FitGrowth([]float64{10, 100, 1000}, []float64{20, 21, 20.5}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if g.Class != Flat {
		t.Fatalf("class = %q, want %q", g.Class, Flat)
	}
	if !math.IsNaN(g.Marginal) {
		t.Fatalf("marginal = %v, want NaN for a decreasing step", g.Marginal)
	}
}

func TestFitGrowthTwoPoints(t *testing.T) {
	lin, err := FitGrowth([]float64{10, 100}, []float64{10, 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(lin.Exponent, 1, 1e-12) || lin.Class != LinearOrLess || !math.IsNaN(lin.Marginal) {
		t.Fatalf("two linear points: %+v", lin)
	}
	sq, err := FitGrowth([]float64{10, 100}, []float64{1, 100}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !near(sq.Exponent, 2, 1e-12) || sq.Class != SuperLinear {
		t.Fatalf("two quadratic points: %+v", sq)
	}
}

func TestFitGrowthIgnoresIncrementsLostInNoise(t *testing.T) {
	// Memory of a garbage-collected daemon: +0.3 MiB from 10 to 100 domains
	// is inside the runs' spread, so the steep-looking second step cannot
	// be told apart from a linear one.
	ns := []float64{10, 100, 1000}
	ys := []float64{15.2, 15.5, 24.5}
	noisy, err := FitGrowth(ns, ys, []float64{0.2, 0.5, 2.4})
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(noisy.Marginal) || noisy.Class != LinearOrLess {
		t.Fatalf("noisy first step: %+v, want no marginal exponent and %q", noisy, LinearOrLess)
	}
	exact, err := FitGrowth(ns, ys, []float64{0.01, 0.01, 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if exact.Class != SuperLinear {
		t.Fatalf("same values measured precisely: class %q, want %q", exact.Class, SuperLinear)
	}
	if _, err := FitGrowth(ns, ys, []float64{1}); err == nil {
		t.Fatal("spread of the wrong length accepted")
	}
}

func TestFitGrowthRefusesBadInput(t *testing.T) {
	for name, in := range map[string][2][]float64{
		"one point":    {{10}, {1}},
		"length":       {{10, 100}, {1}},
		"zero count":   {{0, 100}, {1, 2}},
		"zero value":   {{10, 100}, {0, 2}},
		"not rising n": {{100, 10}, {1, 2}},
	} {
		if _, err := FitGrowth(in[0], in[1], nil); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
