// Package report holds a benchmark run's results and renders them as a
// Markdown table, machine-readable JSON and a latency plot.
package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
)

// Format is the version of results.json this package writes: 2 has
// paired ratios with intervals and judges targets on them.
const Format = 2

// Results is everything one run measured.
type Results struct {
	Format   int        `json:"format"`
	Date     time.Time  `json:"date"`
	Mode     string     `json:"mode"` // "full" or "quick"
	Runs     int        `json:"runs"`
	Elapsed  string     `json:"elapsed"`
	Machine  Machine    `json:"machine"`
	Sections []*Section `json:"sections"`
	Growth   []Growth   `json:"growth"`
	Notes    []string   `json:"notes,omitempty"`
	// Plot and ScalePlot are the plots' file names relative to the
	// Markdown file, empty when there is none.
	Plot      string `json:"plot,omitempty"`
	ScalePlot string `json:"scale_plot,omitempty"`
}

// Machine describes the host the run measured.
type Machine struct {
	CPU      string `json:"cpu"`
	CPUs     int    `json:"cpus"`
	Memory   string `json:"memory"`
	Kernel   string `json:"kernel"`
	OS       string `json:"os"`
	Cgroups  string `json:"cgroups"`
	LXC      string `json:"lxc"`
	Virsh    string `json:"virsh"`
	Libvirtd string `json:"libvirtd"`
	Go       string `json:"go"`
	// Load is the 1-, 5- and 15-minute load averages at the start and at
	// the end of the run: other work on the machine skews every figure.
	Load string `json:"load"`
	// LoadPeak is the highest 1-minute load average sampled in the run;
	// Busy when it exceeded CPUs.
	LoadPeak float64 `json:"load_peak"`
	Busy     bool    `json:"busy"`
}

// Section is one numbered part of the report, rendered as one table.
type Section struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	About string `json:"about"`
	// Load is the 1-minute load average's range while the section ran;
	// Busy when it went above the number of CPUs.
	Load string `json:"load,omitempty"`
	Busy bool   `json:"busy,omitempty"`
	// Measured is the date of an earlier run the section comes from,
	// when a partial run kept it; empty for this run's sections.
	Measured string `json:"measured,omitempty"`
	Rows     []*Row `json:"rows"`
	// Notes are findings of the section's own (shown under its table).
	Notes []string `json:"notes,omitempty"`
}

// Add appends rows to the section.
func (s *Section) Add(rows ...*Row) { s.Rows = append(s.Rows, rows...) }

// Unmeasured lists the rows, as "section: name (N domains): why", whose
// value (lxcvirtd's side, or the raw tools' on a raw row) was not measured.
// A missing baseline is no reason to list a row.
func (r *Results) Unmeasured() []string {
	var out []string
	for _, sec := range r.Sections {
		for _, row := range sec.Rows {
			if row.Value != nil {
				continue
			}
			why := row.Skipped
			if why == "" {
				why = "not measured"
			}
			out = append(out, fmt.Sprintf("%d. %s: %s: %s", sec.ID, sec.Title, row.label(), why))
		}
	}
	return out
}

// Measure is a named set of samples and their summary.
type Measure struct {
	Name    string        `json:"name"`
	Samples []float64     `json:"samples"`
	Summary stats.Summary `json:"summary"`
}

// NewMeasure summarises samples under name.
func NewMeasure(name string, samples []float64) (*Measure, error) {
	s, err := stats.Summarize(samples)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Measure{Name: name, Samples: samples, Summary: s}, nil
}

// Target is what a row must reach: a ratio against its baseline, or with
// Absolute the row's own figure, at most Value (latency, memory) or at
// least Value (throughput).
type Target struct {
	AtMost   bool    `json:"at_most"`
	Value    float64 `json:"value"`
	Absolute bool    `json:"absolute,omitempty"`
}

// AtMost is a ceiling on the ratio.
func AtMost(v float64) *Target { return &Target{AtMost: true, Value: v} }

// AtLeast is a floor on the ratio.
func AtLeast(v float64) *Target { return &Target{Value: v} }

// Below is a ceiling on the row's own figure, in the row's unit.
func Below(v float64) *Target { return &Target{AtMost: true, Value: v, Absolute: true} }

func (t Target) String() string {
	op := "≥"
	if t.AtMost {
		op = "≤"
	}
	if t.Absolute {
		return fmt.Sprintf("%s %s", op, Num(t.Value))
	}
	return fmt.Sprintf("%s %.2f×", op, t.Value)
}

// Met reports whether the interval reaches the target as a whole: its
// upper bound for a ceiling, its lower bound for a floor. A point estimate
// on the right side with an interval across the line is not met.
func (t Target) Met(iv stats.Interval) bool {
	if t.AtMost {
		return iv.Hi <= t.Value
	}
	return iv.Lo >= t.Value
}

// Row is one measurement, with its same-run baseline when it has one.
type Row struct {
	Name string `json:"name"`
	// Series groups the rows of one command across sizes (plot and
	// growth); Domains is the size: defined domains, or running
	// containers when Axis is AxisRunning (0: n/a).
	Series  string `json:"series,omitempty"`
	Domains int    `json:"domains,omitempty"`
	Axis    string `json:"axis,omitempty"`
	Unit    string `json:"unit"`
	// Stat names the statistic of Value the row reports: "" for the
	// median, "p50" or "p99", or "fit" for a figure given with its
	// interval (Figure) rather than computed from samples.
	Stat     string          `json:"stat,omitempty"`
	Value    *Measure        `json:"value,omitempty"`
	Figure   *stats.Interval `json:"figure,omitempty"` // Stat of Value, with its 95% interval
	Baseline *Measure        `json:"baseline,omitempty"`
	Ratio    *float64        `json:"ratio,omitempty"`
	RatioCI  *stats.Interval `json:"ratio_ci,omitempty"`
	// Paired: the ratio is the median of per-round ratios (value and
	// baseline measured back to back); otherwise the medians' ratio.
	Paired  bool    `json:"paired,omitempty"`
	Target  *Target `json:"target,omitempty"`
	Met     *bool   `json:"met,omitempty"`
	Skipped string  `json:"skipped,omitempty"`
	Note    string  `json:"note,omitempty"`
	// Dominates says, for a missed target, where the time or memory goes.
	Dominates string `json:"dominates,omitempty"`
}

// AxisRunning marks a row whose size is the number of running containers.
const AxisRunning = "running"

// NewRow builds a row from a value and an optional baseline measured
// independently: the ratio is the medians' ratio, its interval from
// resampling each side. Met is set when there is a target.
func NewRow(name, unit string, value, baseline *Measure, target *Target) *Row {
	r := &Row{Name: name, Unit: unit, Value: value, Baseline: baseline, Target: target}
	r.compute(false, 0.5)
	return r
}

// NewPairedRow builds a row whose value and baseline samples were taken in
// pairs, sample i of each in round i: the ratio is the median of the
// per-round ratios. Unequal counts fall back to NewRow's ratio, with a note.
func NewPairedRow(name, unit string, value, baseline *Measure, target *Target) *Row {
	r := &Row{Name: name, Unit: unit, Value: value, Baseline: baseline, Target: target}
	r.compute(true, 0.5)
	return r
}

// NewQuantileRow reports the q-quantile of value (stat names it, "p99"),
// with its bootstrap interval; for targets on a distribution's tail.
func NewQuantileRow(name, unit, stat string, q float64, value *Measure, target *Target) *Row {
	r := &Row{Name: name, Unit: unit, Stat: stat, Value: value, Target: target}
	r.compute(false, q)
	return r
}

// NewFigureRow reports a figure computed elsewhere (a fitted slope) with
// its interval, under the measure name name.
func NewFigureRow(name, unit, measure string, iv stats.Interval, target *Target) *Row {
	v := &Measure{Name: measure, Samples: []float64{iv.Estimate},
		Summary: stats.Summary{Count: 1, Median: iv.Estimate, Min: iv.Lo, Max: iv.Hi, Mean: iv.Estimate}}
	r := &Row{Name: name, Unit: unit, Stat: "fit", Value: v, Figure: &iv, Target: target}
	r.judge()
	return r
}

func (r *Row) compute(paired bool, q float64) {
	if r.Value == nil {
		return
	}
	if iv, err := stats.QuantileCI(r.Value.Samples, q); err == nil {
		r.Figure = &iv
	}
	if r.Baseline != nil {
		v, b := r.Value.Samples, r.Baseline.Samples
		var iv stats.Interval
		var err error
		if paired && len(v) == len(b) {
			iv, err = stats.PairedRatio(v, b)
			r.Paired = err == nil
		} else {
			if paired {
				r.Note = fmt.Sprintf("%d values against %d baselines: ratio of the medians, not paired", len(v), len(b))
			}
			iv, err = stats.RatioOfMedians(v, b)
		}
		if err != nil {
			r.Note = err.Error()
			return
		}
		r.Ratio, r.RatioCI = &iv.Estimate, &iv
	}
	r.judge()
}

// judge sets Met from the target and the relevant interval.
func (r *Row) judge() {
	if r.Target == nil {
		return
	}
	iv := r.RatioCI
	if r.Target.Absolute {
		iv = r.Figure
	}
	if iv == nil {
		return
	}
	met := r.Target.Met(*iv)
	r.Met = &met
}

// SkippedRow is a row that could not be measured, with the reason.
func SkippedRow(name, unit, why string, target *Target) *Row {
	return &Row{Name: name, Unit: unit, Skipped: why, Target: target}
}

// At sets the series and domain count of a scaling row.
func (r *Row) At(series string, domains int) *Row {
	r.Series, r.Domains = series, domains
	return r
}

// AtRunning sets the series and running-container count of a scale row.
func (r *Row) AtRunning(series string, running int) *Row {
	r.Series, r.Domains, r.Axis = series, running, AxisRunning
	return r
}

// WithNote attaches a note shown under the table.
func (r *Row) WithNote(note string) *Row {
	r.Note = note
	return r
}

// Growth is how one series grew with the number of domains, for one side.
type Growth struct {
	Series string    `json:"series"`
	Axis   string    `json:"axis,omitempty"` // "" (defined domains) or AxisRunning
	Daemon string    `json:"daemon"`
	Unit   string    `json:"unit"`
	N      []float64 `json:"domains"`
	Median []float64 `json:"median"`
	// Fit fields, copied from stats.Growth (JSON has no NaN: Marginal is
	// absent when it cannot be computed).
	Fixed    float64  `json:"fixed"`
	PerItem  float64  `json:"per_domain"`
	R2       float64  `json:"r2"`
	Exponent float64  `json:"exponent"`
	Marginal *float64 `json:"marginal,omitempty"`
	Class    string   `json:"class"`
}

// point is one (domains, median, max - min) triple of a series side.
type point struct{ n, y, spread float64 }

// seriesData collects, per series, the value side's and the baseline
// side's medians by domain count, in row order.
type seriesData struct {
	name, unit, axis    string
	valueName, baseName string
	value, base         []point
}

func (r *Results) series() []*seriesData {
	var order []*seriesData
	byName := map[string]*seriesData{}
	for _, sec := range r.Sections {
		for _, row := range sec.Rows {
			if row.Series == "" || row.Domains <= 0 || (row.Value == nil && row.Baseline == nil) {
				continue
			}
			sd := byName[row.Series]
			if sd == nil {
				sd = &seriesData{name: row.Series, unit: row.Unit, axis: row.Axis}
				byName[row.Series] = sd
				order = append(order, sd)
			}
			n := float64(row.Domains)
			if row.Value != nil {
				sd.valueName = row.Value.Name
				sd.value = append(sd.value, point{n, row.Value.Summary.Median, row.Value.Summary.Max - row.Value.Summary.Min})
			}
			if row.Baseline != nil {
				sd.baseName = row.Baseline.Name
				sd.base = append(sd.base, point{n, row.Baseline.Summary.Median, row.Baseline.Summary.Max - row.Baseline.Summary.Min})
			}
		}
	}
	for _, sd := range order {
		for _, ps := range [][]point{sd.value, sd.base} {
			slices.SortFunc(ps, func(a, b point) int { return cmp.Compare(a.n, b.n) })
		}
	}
	return order
}

// ComputeGrowth fits every series that was measured at two or more domain
// counts, for both sides.
func (r *Results) ComputeGrowth() {
	r.Growth = nil
	for _, sd := range r.series() {
		if strings.HasSuffix(sd.unit, "/s") {
			continue // a rate is not a cost: its growth says nothing
		}
		for _, side := range []struct {
			daemon string
			ps     []point
		}{{sd.valueName, sd.value}, {sd.baseName, sd.base}} {
			if len(side.ps) < 2 {
				continue
			}
			var ns, ys, spread []float64
			for _, p := range side.ps {
				ns = append(ns, p.n)
				ys = append(ys, p.y)
				spread = append(spread, p.spread)
			}
			g, err := stats.FitGrowth(ns, ys, spread)
			if err != nil {
				continue
			}
			out := Growth{Series: sd.name, Axis: sd.axis, Daemon: side.daemon, Unit: sd.unit, N: ns, Median: ys,
				Fixed: g.Fixed, PerItem: g.PerItem, R2: g.R2, Exponent: g.Exponent, Class: g.Class}
			if !math.IsNaN(g.Marginal) {
				m := g.Marginal
				out.Marginal = &m
			}
			r.Growth = append(r.Growth, out)
		}
	}
}

// WriteJSON writes the results, indented, to path.
func (r *Results) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return WriteFile(path, append(b, '\n'))
}

// WriteFile replaces path atomically with data.
func WriteFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
