package web

import (
	"strconv"

	"github.com/townhall-civic/townhall/foi/ledger"
)

// Chart geometry, in SVG user units; the SVG scales to its container.
const (
	chartWidth  = 760
	labelWidth  = 270 // names, right-aligned before the bars
	valueWidth  = 130 // the figure after the longest bar
	barStep     = 30
	barHeight   = 20
	chartMargin = 10
)

// chartView is one totals chart and the table that is its accessible
// alternative: the SVG is aria-hidden, the table carries the figures and
// the links to the rows behind each.
type chartView struct {
	ID      string // the table caption's id, prefix for others
	Title   string // the caption
	Group   ledger.Group
	Heading string // the first column's heading
	Bars    []barView
	Height  int
	Width   int
	Totals  []totalView
	// Groups is how many groups there are in all; when more than the
	// chart shows, All links to the page listing every one.
	Groups int
	All    string
	Note   string
}

// barView is one bar, laid out.
type barView struct {
	Y, TextY, LabelX, BarX, BarW, ValueX int
	H                                    int
	Label, Value                         string
}

// totalView is one total as a table row.
type totalView struct {
	Name  string
	Rows  int
	Sum   string
	Link  string // the rows behind the total
	Pence int64
}

// totalViews turns totals into table rows, each linking to its rows.
func totalViews(path string, f ledger.Filter, by ledger.Group, ts []ledger.Total) []totalView {
	out := make([]totalView, len(ts))
	for i, t := range ts {
		name := t.Name
		switch {
		case by == ledger.GroupMonth:
			name = monthLabel(t.Key)
		case t.Key == "":
			name = "Not recorded"
		}
		out[i] = totalView{Name: name, Rows: t.Rows, Sum: money(t.Pence), Pence: t.Pence, Link: link(path, values(f.Narrow(by, t), 1))}
	}
	return out
}

// layoutBars draws one horizontal bar per total, scaled to the largest
// positive total; a zero or negative total gets no bar, only its figure.
func layoutBars(ts []totalView) ([]barView, int) {
	var max int64
	for _, t := range ts {
		if t.Pence > max {
			max = t.Pence
		}
	}
	span := chartWidth - labelWidth - valueWidth
	bars := make([]barView, len(ts))
	for i, t := range ts {
		y := chartMargin + i*barStep
		w := 0
		if max > 0 && t.Pence > 0 {
			w = int(float64(t.Pence) / float64(max) * float64(span))
			if w < 2 {
				w = 2 // a visible sliver for a small total
			}
		}
		bars[i] = barView{
			Y: y, TextY: y + barHeight/2 + 5, LabelX: labelWidth - 8, BarX: labelWidth, H: barHeight, BarW: w, ValueX: labelWidth + w + 6,
			Label: shorten(t.Name, 34), Value: t.Sum,
		}
	}
	return bars, chartMargin*2 + len(ts)*barStep
}

// shorten cuts s to n characters with an ellipsis; the table beside the
// chart has the whole name.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// newChart builds a chart of ts (already cut to what it shows) out of
// groups totals in all.
func newChart(id, title, heading string, by ledger.Group, path string, f ledger.Filter, ts []ledger.Total, groups int) chartView {
	c := chartView{ID: id, Title: title, Group: by, Heading: heading, Width: chartWidth, Groups: groups}
	c.Totals = totalViews(path, f, by, ts)
	c.Bars, c.Height = layoutBars(c.Totals)
	if groups > len(ts) {
		v := values(f, 1)
		v.Set("by", string(by))
		c.All = link(path+"/totals", v)
		c.Note = "Showing " + strconv.Itoa(len(ts)) + " of " + strconv.Itoa(groups) + "."
	}
	return c
}
