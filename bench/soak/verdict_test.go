package main

import (
	"math"
	"testing"
)

func TestAnalyse(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4, 5}
	flat, err := analyse("flat", xs, []float64{100, 103, 99, 101, 100, 102}, 4, 0.1)
	if err != nil || flat.growing {
		t.Fatalf("flat series: %+v, %v", flat, err)
	}
	grow, err := analyse("grow", xs, []float64{100, 120, 140, 160, 180, 200}, 4, 0.1)
	if err != nil || !grow.growing || math.Abs(grow.slopePerMin-20) > 1e-9 {
		t.Fatalf("growing series: %+v, %v", grow, err)
	}
	if grow.first != 110 || grow.last != 190 {
		t.Fatalf("medians %v, %v; want 110, 190", grow.first, grow.last)
	}
	if _, err := analyse("short", xs[:2], []float64{1, 2}, 1, 0.1); err == nil {
		t.Fatal("two samples analysed")
	}
}
