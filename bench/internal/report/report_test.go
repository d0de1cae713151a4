package report

import (
	"bytes"

	"encoding/json"
	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mustMeasure(t *testing.T, name string, xs ...float64) *Measure {
	t.Helper()
	m, err := NewMeasure(name, xs)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewRowRatioAndTarget(t *testing.T) {
	v := mustMeasure(t, "lxcvirtd", 11, 12, 13)
	base := mustMeasure(t, "raw", 10, 10, 10)
	r := NewRow("create", "ms", v, base, AtMost(1.10))
	if r.Ratio == nil || *r.Ratio != 1.2 {
		t.Fatalf("ratio = %v, want 1.2", r.Ratio)
	}
	if r.Met == nil || *r.Met {
		t.Fatalf("met = %v, want false for 1.2 against ≤ 1.10", r.Met)
	}
	up := NewRow("throughput", "containers/s", mustMeasure(t, "lxcvirtd", 90), mustMeasure(t, "raw", 100), AtLeast(0.8))
	if up.Met == nil || !*up.Met {
		t.Fatalf("0.9 against ≥ 0.80: met = %v", up.Met)
	}
	none := NewRow("virsh", "ms", v, nil, nil)
	if none.Ratio != nil || none.Met != nil {
		t.Fatalf("row without baseline got ratio %v met %v", none.Ratio, none.Met)
	}
	zero := NewRow("x", "ms", v, mustMeasure(t, "zero", 0), AtMost(1))
	if zero.Ratio != nil || zero.Met != nil || zero.Note == "" {
		t.Fatalf("zero baseline: ratio %v met %v note %q", zero.Ratio, zero.Met, zero.Note)
	}
}

func TestPairedRowDecidesOnTheInterval(t *testing.T) {
	// Per round the value is 1.03× its baseline, whatever the round's load:
	// paired, the interval is tight and under 1.05.
	base := mustMeasure(t, "raw", 10, 30, 15, 70, 20)
	v := mustMeasure(t, "lxcvirtd", 10.3, 30.9, 15.45, 72.1, 20.6)
	r := NewPairedRow("create", "ms", v, base, AtMost(1.05))
	if !r.Paired || r.RatioCI == nil || r.Met == nil || !*r.Met || *r.Ratio < 1.029 || *r.Ratio > 1.031 {
		t.Fatalf("paired row = ratio %v ci %+v met %v paired %v", *r.Ratio, r.RatioCI, r.Met, r.Paired)
	}
	// A point estimate under the ceiling with an interval across it is
	// not met.
	wide := NewPairedRow("destroy", "ms", mustMeasure(t, "lxcvirtd", 9, 12, 10, 9.5, 11), mustMeasure(t, "raw", 10, 10, 10, 10, 10), AtMost(1.05))
	if *wide.Ratio > 1.05 || wide.RatioCI.Hi <= 1.05 || *wide.Met {
		t.Fatalf("wide interval: ratio %v ci %+v met %v; want the estimate under 1.05, the bound above, not met", *wide.Ratio, wide.RatioCI, *wide.Met)
	}
	// A floor is judged on the lower bound.
	up := NewPairedRow("rate", "containers/s", mustMeasure(t, "lxcvirtd", 95, 96, 97), mustMeasure(t, "raw", 100, 100, 100), AtLeast(0.9))
	if !*up.Met {
		t.Fatalf("rate 0.95-0.97 against ≥ 0.9: met = false, ci %+v", up.RatioCI)
	}
	uneven := NewPairedRow("x", "ms", mustMeasure(t, "a", 1, 2, 3), mustMeasure(t, "b", 1, 2), nil)
	if uneven.Paired || uneven.Ratio == nil || uneven.Note == "" {
		t.Fatalf("uneven counts: paired %v ratio %v note %q", uneven.Paired, uneven.Ratio, uneven.Note)
	}
}

func TestAbsoluteTargets(t *testing.T) {
	lat := mustMeasure(t, "event", 1, 2, 3, 4, 5, 6, 7, 8, 9, 60)
	r := NewQuantileRow("event latency", "ms", "p99", 0.99, lat, Below(50))
	if r.Figure == nil || r.Figure.Estimate < 50 || *r.Met {
		t.Fatalf("p99 row = %+v met %v, want p99 above 50 and not met", r.Figure, *r.Met)
	}
	fit := NewFigureRow("growth per container", "KiB", "daemon + plugin PSS", stats.Interval{Estimate: 40, Lo: 30, Hi: 70}, Below(64))
	if *fit.Met || !strings.Contains(fit.markdown(), "40.0 (fit) | 30.0–70.0") {
		t.Fatalf("fit row: met %v, markdown %s", *fit.Met, fit.markdown())
	}
}

func scaleResults(t *testing.T) *Results {
	t.Helper()
	sec := &Section{ID: 2, Title: "scale"}
	for _, n := range []int{10, 100, 1000} {
		f := float64(n)
		sec.Add(NewRow("virsh list --all", "ms",
			mustMeasure(t, "lxcvirtd", 20+0.05*f, 21+0.05*f),
			mustMeasure(t, "libvirtd", 30+0.001*f*f), AtMost(0.75)).At("virsh list --all", n))
	}
	sec.Add(SkippedRow("stats", "ms", "daemon unavailable", nil))
	return &Results{Mode: "full", Runs: 2, Sections: []*Section{sec}}
}

func TestUnmeasured(t *testing.T) {
	r := scaleResults(t)
	got := r.Unmeasured()
	if len(got) != 1 || !strings.Contains(got[0], "stats") || !strings.Contains(got[0], "daemon unavailable") {
		t.Fatalf("Unmeasured = %q, want only the skipped stats row with its reason", got)
	}
	noBase := NewRow("virsh version", "ms", mustMeasure(t, "lxcvirtd", 5), nil, nil)
	r = &Results{Sections: []*Section{{ID: 1, Title: "latency", Rows: []*Row{noBase}}}}
	if got := r.Unmeasured(); len(got) != 0 {
		t.Fatalf("a row without a baseline is listed as unmeasured: %q", got)
	}
}

func TestComputeGrowthBothSides(t *testing.T) {
	r := scaleResults(t)
	r.ComputeGrowth()
	if len(r.Growth) != 2 {
		t.Fatalf("growth rows = %d, want 2 (value and baseline side)", len(r.Growth))
	}
	lx, lv := r.Growth[0], r.Growth[1]
	if lx.Daemon != "lxcvirtd" || lx.Class != "linear" || lx.N[2] != 1000 || lx.Median[0] != 21 {
		t.Fatalf("lxcvirtd growth = %+v", lx)
	}
	if lv.Daemon != "libvirtd" || lv.Class != "super-linear" {
		t.Fatalf("libvirtd growth = %+v, want super-linear (quadratic)", lv)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Fatalf("results do not encode: %v", err)
	}
}

func TestMarkdown(t *testing.T) {
	r := scaleResults(t)
	r.ComputeGrowth()
	md := r.Markdown()
	for _, want := range []string{
		"## 2. scale",
		"| virsh list --all | 1000 | ms | 70.5 | 70.0–71.0 | 70.0 | 71.0 | libvirtd | 1030 | 0.07 † | 0.07–0.07 | ≤ 0.75× | **yes** |",
		"| stats | — | ms | skipped: daemon unavailable |",
		"## 5. Cost growth",
		"| virsh list --all | libvirtd | ms | 10: 30.1, 100: 40.0, 1000: 1030 |",
		"## Targets",
		"| 2 | virsh list --all | 1000 domains | 0.07× | 0.07–0.07 | ≤ 0.75× | **yes** |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "latency.png") {
		t.Error("markdown links a plot that was not drawn")
	}
}

func TestPlotLatencyWritesPNG(t *testing.T) {
	r := scaleResults(t)
	path := filepath.Join(t.TempDir(), "latency.png")
	if err := r.PlotLatency(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) || len(b) < 10000 {
		t.Fatalf("not a drawn PNG (%d bytes)", len(b))
	}
	empty := &Results{Sections: []*Section{{ID: 1, Rows: []*Row{SkippedRow("x", "ms", "no", nil)}}}}
	if err := empty.PlotLatency(path); err != ErrNothingToPlot {
		t.Fatalf("nothing to plot: err = %v", err)
	}
}

func TestPlotScaleOnlyRunningSeries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "scale.png")
	if err := scaleResults(t).PlotScale(path); err != ErrNothingToPlot {
		t.Fatalf("defined-domain series plotted as a scale series: err = %v", err)
	}
	sec := &Section{ID: 7, Title: "scale"}
	for _, n := range []int{100, 200, 300} {
		sec.Add(NewRow("daemon + plugin PSS", "MiB", mustMeasure(t, "lxcvirtd + plugin", 40+0.01*float64(n)), nil, nil).AtRunning("PSS", n))
	}
	r := &Results{Sections: []*Section{sec}}
	if err := r.PlotScale(path); err != nil {
		t.Fatal(err)
	}
	r.ComputeGrowth()
	if len(r.Growth) != 1 || r.Growth[0].Axis != AxisRunning {
		t.Fatalf("growth = %+v, want one running-axis fit", r.Growth)
	}
	if md := r.Markdown(); !strings.Contains(md, "| 100 running |") || !strings.Contains(md, "100: 41.0 (running)") {
		t.Fatalf("running sizes not shown as such:\n%s", md)
	}
}
