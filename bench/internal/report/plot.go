package report

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ErrNothingToPlot means no series was measured at two or more sizes.
var ErrNothingToPlot = errors.New("report: no series to plot")

var (
	valueColor = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff} // lxcvirtd
	baseColor  = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff} // libvirtd
)

// PlotLatency draws one panel per latency series (unit "ms") measured at
// two or more domain counts: median latency against the number of defined
// domains, the value side (lxcvirtd) against the baseline (libvirtd), and
// writes it as a PNG to path.
func (r *Results) PlotLatency(path string) error {
	return r.plotSeries(path, func(sd *seriesData) bool { return sd.axis == "" && sd.unit == "ms" },
		"defined domains", "median latency (ms)", plot.LogScale{})
}

// PlotScale draws one panel per scale series (any unit) measured at two or
// more numbers of running containers, on a linear axis, and writes it as a
// PNG to path.
func (r *Results) PlotScale(path string) error {
	return r.plotSeries(path, func(sd *seriesData) bool { return sd.axis == AxisRunning }, "running containers", "", nil)
}

// plotSeries lays out one panel per selected series in two columns; a nil
// xScale is linear.
func (r *Results) plotSeries(path string, want func(*seriesData) bool, xLabel, yLabel string, xScale plot.Normalizer) error {
	var panels []*plot.Plot
	for _, sd := range r.series() {
		if !want(sd) || max(len(sd.value), len(sd.base)) < 2 {
			continue
		}
		y := yLabel
		if y == "" {
			y = "median (" + sd.unit + ")"
		}
		p, err := panel(sd, xLabel, y, xScale)
		if err != nil {
			return fmt.Errorf("plot %s: %w", sd.name, err)
		}
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return ErrNothingToPlot
	}
	const cols = 2
	rows := (len(panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, p := range panels {
		grid[i/cols][i%cols] = p
	}
	width, height := 11*vg.Inch, vg.Length(rows)*3.6*vg.Inch
	img := vgimg.New(width, height)
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Inch / 2, PadY: vg.Inch / 2,
		PadTop: vg.Inch / 5, PadBottom: vg.Inch / 5, PadLeft: vg.Inch / 5, PadRight: vg.Inch / 5}
	canvases := plot.Align(grid, tiles, dc)
	for j := range grid {
		for i, p := range grid[j] {
			if p != nil {
				p.Draw(canvases[j][i])
			}
		}
	}
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return fmt.Errorf("encode png: %w", err)
	}
	return WriteFile(path, buf.Bytes())
}

func panel(sd *seriesData, xLabel, yLabel string, xScale plot.Normalizer) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = sd.name
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	if xScale != nil {
		p.X.Scale = xScale
		p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	for _, side := range []struct {
		name   string
		ps     []point
		colour color.Color
		dashes []vg.Length
	}{
		{sd.valueName, sd.value, valueColor, nil},
		{sd.baseName, sd.base, baseColor, []vg.Length{vg.Points(6), vg.Points(3)}},
	} {
		if len(side.ps) == 0 {
			continue
		}
		xys := make(plotter.XYs, len(side.ps))
		for i, pt := range side.ps {
			xys[i].X, xys[i].Y = pt.n, pt.y
			if pt.y > p.Y.Max {
				p.Y.Max = pt.y
			}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		line.Color, line.Width, line.Dashes = side.colour, vg.Points(1.5), side.dashes
		points.Color = side.colour
		p.Add(line, points)
		p.Legend.Add(side.name, line, points)
	}
	p.Y.Max *= 1.1
	return p, nil
}
