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
	"time"

	"github.com/lxcvirt/lxcvirt/bench/internal/stats"
)

// Results is everything one run measured.
type Results struct {
	Date     time.Time  `json:"date"`
	Mode     string     `json:"mode"` // "full" or "quick"
	Runs     int        `json:"runs"`
	Elapsed  string     `json:"elapsed"`
	Machine  Machine    `json:"machine"`
	Sections []*Section `json:"sections"`
	Growth   []Growth   `json:"growth"`
	Notes    []string   `json:"notes,omitempty"`
	// Plot is the latency plot's file name relative to the Markdown file,
	// empty when there is none.
	Plot string `json:"plot,omitempty"`
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
}

// Section is one numbered part of the report, rendered as one table.
type Section struct {
	ID    int    `json:"id"`
	Title string `json:"title"`
	About string `json:"about"`
	Rows  []*Row `json:"rows"`
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

// Target is the ratio a row must reach: at most Value (latency, memory)
// or at least Value (throughput).
type Target struct {
	AtMost bool    `json:"at_most"`
	Value  float64 `json:"value"`
}

// AtMost is a ceiling on the ratio.
func AtMost(v float64) *Target { return &Target{AtMost: true, Value: v} }

// AtLeast is a floor on the ratio.
func AtLeast(v float64) *Target { return &Target{Value: v} }

func (t Target) String() string {
	if t.AtMost {
		return fmt.Sprintf("≤ %.2f", t.Value)
	}
	return fmt.Sprintf("≥ %.2f", t.Value)
}

// Met reports whether ratio r reaches the target.
func (t Target) Met(r float64) bool {
	if t.AtMost {
		return r <= t.Value
	}
	return r >= t.Value
}

// Row is one measurement, with its same-run baseline when it has one.
type Row struct {
	Name string `json:"name"`
	// Series groups the rows of one command across domain counts (plot
	// and growth); Domains is the number of defined domains (0: n/a).
	Series   string   `json:"series,omitempty"`
	Domains  int      `json:"domains,omitempty"`
	Unit     string   `json:"unit"`
	Value    *Measure `json:"value,omitempty"`
	Baseline *Measure `json:"baseline,omitempty"`
	Ratio    *float64 `json:"ratio,omitempty"`
	Target   *Target  `json:"target,omitempty"`
	Met      *bool    `json:"met,omitempty"`
	Skipped  string   `json:"skipped,omitempty"`
	Note     string   `json:"note,omitempty"`
}

// NewRow builds a row from a value and an optional baseline; the ratio is
// value median / baseline median, and Met is set when there is a target.
func NewRow(name, unit string, value, baseline *Measure, target *Target) *Row {
	r := &Row{Name: name, Unit: unit, Value: value, Baseline: baseline, Target: target}
	if value == nil || baseline == nil {
		return r
	}
	ratio, err := stats.Ratio(value.Summary.Median, baseline.Summary.Median)
	if err != nil {
		r.Note = err.Error()
		return r
	}
	r.Ratio = &ratio
	if target != nil {
		met := target.Met(ratio)
		r.Met = &met
	}
	return r
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

// WithNote attaches a note shown under the table.
func (r *Row) WithNote(note string) *Row {
	r.Note = note
	return r
}

// Growth is how one series grew with the number of domains, for one side.
type Growth struct {
	Series string    `json:"series"`
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
	name, unit          string
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
				sd = &seriesData{name: row.Series, unit: row.Unit}
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
			out := Growth{Series: sd.name, Daemon: side.daemon, Unit: sd.unit, N: ns, Median: ys,
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
