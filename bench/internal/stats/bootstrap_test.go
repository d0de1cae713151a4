package stats

import (
	"testing"
)

func TestQuantile(t *testing.T) {
	xs := []float64{5, 1, 4, 2, 3}
	if got := Quantile(xs, 0.5); got != 3 {
		t.Fatalf("median = %v, want 3", got)
	}
	if got := Quantile(xs, 0); got != 1 {
		t.Fatalf("q0 = %v, want 1", got)
	}
	if got := Quantile(xs, 1); got != 5 {
		t.Fatalf("q1 = %v, want 5", got)
	}
	if got := Quantile([]float64{1, 2}, 0.5); got != 1.5 {
		t.Fatalf("median of 1,2 = %v, want 1.5", got)
	}
	if xs[0] != 5 {
		t.Fatal("Quantile reordered its input")
	}
}

func TestPairedRatioCancelsRoundEffects(t *testing.T) {
	// Each round's load scales both sides alike: the paired ratio is
	// exactly 1.02 with no spread, while the medians' ratio is noisy.
	var v, b []float64
	for _, load := range []float64{1, 3, 1.5, 7, 2, 1.2, 4, 2.5, 1.1, 5} {
		base := 10 * load
		b = append(b, base)
		v = append(v, base*1.02)
	}
	iv, err := PairedRatio(v, b)
	if err != nil {
		t.Fatal(err)
	}
	if !near(iv.Estimate, 1.02, 1e-9) || !near(iv.Lo, 1.02, 1e-9) || !near(iv.Hi, 1.02, 1e-9) {
		t.Fatalf("paired ratio = %+v, want 1.02 with a zero-width interval", iv)
	}
	if _, err := PairedRatio(v, b[:3]); err == nil {
		t.Fatal("unequal lengths accepted")
	}
	if _, err := PairedRatio([]float64{1}, []float64{0}); err == nil {
		t.Fatal("zero baseline accepted")
	}
}

func TestIntervalsContainEstimate(t *testing.T) {
	v := []float64{11, 12, 9, 14, 10, 13, 12, 11, 10, 12}
	b := []float64{10, 10, 11, 12, 9, 10, 11, 10, 10, 11}
	for name, f := range map[string]func() (Interval, error){
		"paired":  func() (Interval, error) { return PairedRatio(v, b) },
		"medians": func() (Interval, error) { return RatioOfMedians(v, b) },
		"p99":     func() (Interval, error) { return QuantileCI(v, 0.99) },
	} {
		iv, err := f()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !(iv.Lo <= iv.Estimate && iv.Estimate <= iv.Hi) || iv.Lo == iv.Hi {
			t.Fatalf("%s: interval %+v does not bracket its estimate", name, iv)
		}
	}
	a, _ := PairedRatio(v, b)
	c, _ := PairedRatio(v, b)
	if a != c {
		t.Fatalf("the same samples gave %+v and %+v: the bootstrap must be repeatable", a, c)
	}
}

func TestSlopeCI(t *testing.T) {
	xs := []float64{0, 100, 200, 300, 400, 500}
	ys := []float64{50000, 50060, 50130, 50190, 50250, 50320} // ≈ 0.64 per x
	iv, err := SlopeCI(xs, ys)
	if err != nil {
		t.Fatal(err)
	}
	if !(iv.Lo <= iv.Estimate && iv.Estimate <= iv.Hi) || iv.Estimate < 0.6 || iv.Estimate > 0.7 || iv.Hi > 0.75 || iv.Lo < 0.55 {
		t.Fatalf("slope = %+v, want ≈ 0.64 in a narrow interval", iv)
	}
	if _, err := SlopeCI([]float64{1, 1, 1}, []float64{1, 2, 3}); err == nil {
		t.Fatal("slope at one x accepted")
	}
}
