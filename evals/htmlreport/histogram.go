package htmlreport

import (
	"fmt"
	"math"

	"github.com/townhall-civic/townhall/evals"
)

// Histogram geometry, in SVG user units.
const (
	histW, histH     = 640, 180
	plotL, plotR     = 44, 610
	plotTop, plotBot = 14, 136
	histBins         = 24
)

// histograms draws one latency histogram per configuration on a shared
// logarithmic axis, so columns line up across configurations: answer
// times span milliseconds to seconds, and a linear axis would crush the
// fast majority into one bar.
func histograms(reps []*evals.Report) []histogram {
	lo, hi := math.Inf(1), 0.0
	for _, r := range reps {
		for _, c := range r.Cases {
			if c.LatencyMS > 0 {
				lo = math.Min(lo, c.LatencyMS)
				hi = math.Max(hi, c.LatencyMS)
			}
		}
	}
	if hi == 0 {
		return nil
	}
	// Round the range out to powers of ten's 1-2-5 steps.
	lo = niceFloor(lo)
	hi = niceCeil(hi)
	if hi <= lo {
		hi = lo * 10
	}
	llo, lhi := math.Log10(lo), math.Log10(hi)
	x := func(v float64) float64 {
		return plotL + (math.Log10(v)-llo)/(lhi-llo)*(plotR-plotL)
	}
	var ticks []tick
	for e := math.Floor(llo); e <= math.Ceil(lhi); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo*0.999 && v <= hi*1.001 {
				ticks = append(ticks, tick{X: x(v), Label: msLabel(v)})
			}
		}
	}
	var out []histogram
	for i, r := range reps {
		counts := make([]int, histBins)
		for _, c := range r.Cases {
			if c.LatencyMS <= 0 {
				continue
			}
			b := int((math.Log10(c.LatencyMS) - llo) / (lhi - llo) * histBins)
			counts[max(0, min(b, histBins-1))]++
		}
		ymax := 1
		for _, n := range counts {
			ymax = max(ymax, n)
		}
		h := histogram{
			Config: name(r), Colour: palette[i%len(palette)], Width: histW, Height: histH, Ticks: ticks, YMax: ymax,
			PlotTop: plotTop, PlotBot: plotBot, PlotL: plotL, PlotR: plotR,
		}
		bw := float64(plotR-plotL) / histBins
		for b, n := range counts {
			if n == 0 {
				continue
			}
			from := math.Pow(10, llo+float64(b)/histBins*(lhi-llo))
			to := math.Pow(10, llo+float64(b+1)/histBins*(lhi-llo))
			bh := float64(n) / float64(ymax) * (plotBot - plotTop)
			h.Bars = append(h.Bars, histBar{
				X: plotL + float64(b)*bw + 0.5, Y: plotBot - bh, W: bw - 1, H: bh,
				Title: fmt.Sprintf("%s from %s to %s", plural(n, "case"), msLabel(from), msLabel(to)),
			})
		}
		p50, p95 := r.Summary["latency_ms_p50"], r.Summary["latency_ms_p95"]
		if p50 > 0 {
			h.Markers = append(h.Markers, tick{X: x(math.Max(p50, lo)), Label: "p50"})
		}
		if p95 > 0 {
			h.Markers = append(h.Markers, tick{X: x(math.Max(p95, lo)), Label: "p95"})
		}
		h.Label = fmt.Sprintf("%d cases, median %s, 95th percentile %s, slowest %s",
			len(r.Cases), msLabel(p50), msLabel(p95), msLabel(maxLatency(r)))
		out = append(out, h)
	}
	return out
}

func maxLatency(r *evals.Report) float64 {
	m := 0.0
	for _, c := range r.Cases {
		m = math.Max(m, c.LatencyMS)
	}
	return m
}

// niceFloor and niceCeil round to the 1-2-5 sequence.
func niceFloor(v float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{5, 2, 1} {
		if m*e <= v {
			return m * e
		}
	}
	return e
}

func niceCeil(v float64) float64 {
	e := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= v {
			return m * e
		}
	}
	return 10 * e
}

// msLabel writes a latency for an axis: "0.5 ms", "20 ms", "1.5 s".
func msLabel(v float64) string {
	switch {
	case v >= 1000:
		return trimFloat(v/1000) + " s"
	case v >= 1:
		return trimFloat(v) + " ms"
	}
	return trimFloat(v) + " ms"
}

func trimFloat(v float64) string {
	if v >= 100 {
		return fmt.Sprintf("%.0f", v)
	}
	s := fmt.Sprintf("%.2g", v)
	if v >= 10 {
		s = fmt.Sprintf("%.0f", v)
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
