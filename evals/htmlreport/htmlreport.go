// Package htmlreport writes an eval run as one self-contained HTML page:
// the summary per configuration with ratios to the baseline, metric bars,
// a latency histogram per configuration (inline SVG), the metrics by
// slice, and every case with its answer, linked citations, retrieved
// documents and failures, filterable by configuration, tag and outcome.
//
// The page has no external assets (styles and script are inline) so it
// can be attached to a ticket or opened from a CI artefact offline. The
// filters are progressive: without script every row is shown.
package htmlreport

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/evals"
)

//go:embed report.html.tmpl
var pageSource string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"metric": formatMetric,
	"pct":    func(f float64) string { return fmt.Sprintf("%.1f", f*100) },
	"join":   strings.Join,
}).Parse(pageSource))

// Options adds context to a report.
type Options struct {
	// Title heads the page; "" means "Townhall evaluation".
	Title string
	// Generated is when the run finished; zero leaves it out.
	Generated time.Time
	// Comparisons, if any, mark cases that regressed or improved against
	// an older run and list the metric deltas.
	Comparisons []*evals.Comparison
	// Breaches, if non-nil, shows the release gate's result (an empty
	// slice is a pass).
	Breaches []evals.Breach
	// Gated says a thresholds file was checked, so that an empty Breaches
	// reads as a pass rather than as no gate.
	Gated bool
}

// Write writes the report of m as HTML.
func Write(w io.Writer, m *evals.Matrix, opt Options) error {
	v := build(m, opt)
	return page.Execute(w, v)
}

// palette holds one colour per configuration, each at least 3:1 against
// white (WCAG non-text contrast) and told apart by label as well.
var palette = []string{"#1d70b8", "#912b88", "#00703c", "#8f4a00", "#505a5f", "#b10e1e"}

type view struct {
	Title      string
	Generated  string
	Suite      string
	Baseline   string
	Configs    []configView
	Common     string // settings every configuration shares
	Summary    []metricRow
	Bars       []barGroup
	Histograms []histogram
	Slices     *sliceTable
	Tags       []string
	Cases      []caseRow
	CaseCount  int
	Gated      bool
	Breaches   []string
	Deltas     []deltaTable
}

type configView struct {
	Name     string
	Colour   string
	Settings string
	Baseline bool
	Pass     string
	Overhead string
}

type metricRow struct {
	Name  string
	Cells []metricCell
}

type metricCell struct {
	Value string
	Ratio string // "×1.12" against the baseline, "" for none
	Worse bool   // the ratio shows a move the wrong way
}

type barGroup struct {
	Name  string
	Note  string // "higher is better" / "lower is better"
	Scale string
	Bars  []bar
}

type bar struct {
	Config string
	Colour string
	Value  string
	Width  float64 // percent of the row
}

type histogram struct {
	Config  string
	Colour  string
	Width   int
	Height  int
	Bars    []histBar
	Ticks   []tick
	YMax    int
	Markers []tick
	Label   string
	PlotTop int
	PlotBot int
	PlotL   int
	PlotR   int
}

type histBar struct {
	X, Y, W, H float64
	Title      string
}

type tick struct {
	X     float64
	Label string
}

type sliceTable struct {
	Metrics []string
	Rows    []sliceRow
}

type sliceRow struct {
	Name  string
	Cases string
	Cells []string
}

type caseRow struct {
	Config       string
	Colour       string
	ID           string
	Tags         string
	TagList      []string
	Channel      string
	Turns        []string
	Expected     string
	ExpectedSrcs []string
	Intent       string
	IntentOK     bool
	Answer       string
	Cited        []evals.Cited
	Retrieved    []retrievedDoc
	// MoreRetrieved are the documents past shownDocs, folded away.
	MoreRetrieved []retrievedDoc
	Rank          string
	Latency       string
	Pass          bool
	Failures      []string
	Change        string // "regressed", "improved" or ""
	Judge         string
}

type retrievedDoc struct {
	Dir, File string // the ID split at its last slash, for display
	Match     bool
}

type deltaTable struct {
	Config string
	Rows   []deltaRow
	Counts string
}

type deltaRow struct {
	Metric, Old, New, Change string
	Worse                    bool
}

// shownDocs is how many retrieved documents a case row shows unfolded.
const shownDocs = 5

// chartMetrics are the metrics drawn as bars, in order.
var chartMetrics = []string{
	"recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10", "ndcg_at_10",
	"citation_hit", "citation_precision", "fact_recall", "intent_accuracy",
	"refusal_precision", "refusal_recall", "service_accuracy", "pass_rate",
	"judge_faithfulness", "judge_relevance", "judge_agreement",
	"grade_median", "grade_p90", "latency_ms_p50", "latency_ms_p95",
}

func build(m *evals.Matrix, opt Options) *view {
	reps := m.Reports()
	base := m.BaselineReport()
	v := &view{Title: opt.Title, Baseline: base.Name, Gated: opt.Gated}
	if v.Title == "" {
		v.Title = "Townhall evaluation"
	}
	if !opt.Generated.IsZero() {
		v.Generated = opt.Generated.UTC().Format("2 January 2006 15:04 MST")
	}
	v.Suite = base.Config["suite"]
	for _, b := range opt.Breaches {
		v.Breaches = append(v.Breaches, b.String())
	}
	common := map[string]bool{}
	for k, val := range base.Config {
		same := k != "suite" && k != "manifest"
		for _, r := range reps {
			same = same && r.Config[k] == val
		}
		common[k] = same && len(reps) > 1
	}
	v.Common = settings(base.Config, func(k string) bool { return common[k] })
	for i, r := range reps {
		cv := configView{
			Name: name(r), Colour: palette[i%len(palette)], Baseline: r == base && len(reps) > 1,
			Settings: settings(r.Config, func(k string) bool { return !common[k] && k != "suite" && k != "manifest" }),
		}
		cv.Pass = fmt.Sprintf("%s of %s cases pass", formatMetric(math.Round(r.Summary["pass_rate"]*r.Summary["cases"])), formatMetric(r.Summary["cases"]))
		if r.Timing != nil && r.Timing.TargetMS > 0 {
			cv.Overhead = fmt.Sprintf("harness overhead %.2f%% of %.0f ms in the assistant", r.Timing.Overhead()*100, r.Timing.TargetMS)
		}
		v.Configs = append(v.Configs, cv)
	}

	keys := map[string]bool{}
	for _, r := range reps {
		for k := range r.Summary {
			keys[k] = true
		}
	}
	for _, k := range evals.MetricOrder(keys) {
		row := metricRow{Name: k}
		for _, r := range reps {
			val, ok := r.Summary[k]
			c := metricCell{Value: "–"}
			if ok {
				c.Value = formatMetric(val)
			}
			if len(reps) > 1 && r != base && k != "cases" && k != "cases_with_sources" && k != "judge_cases" {
				if q, ok := evals.Ratio(r, base, k); ok {
					c.Ratio = fmt.Sprintf("×%.2f", q)
					c.Worse = (q < 1 && !evals.LowerIsBetter(k)) || (q > 1 && evals.LowerIsBetter(k))
				}
			}
			row.Cells = append(row.Cells, c)
		}
		v.Summary = append(v.Summary, row)
	}

	for _, k := range chartMetrics {
		if !keys[k] {
			continue
		}
		g := barGroup{Name: k, Note: "higher is better"}
		if evals.LowerIsBetter(k) {
			g.Note = "lower is better"
		}
		top := 1.0
		if !isRate(k) {
			top = 0
			for _, r := range reps {
				top = math.Max(top, r.Summary[k])
			}
			g.Scale = "scaled to the largest value, " + formatMetric(top)
		}
		for i, r := range reps {
			val, ok := r.Summary[k]
			b := bar{Config: name(r), Colour: palette[i%len(palette)], Value: "–"}
			if ok {
				b.Value = formatMetric(val)
				if top > 0 {
					b.Width = math.Max(0, math.Min(100, val/top*100))
				}
			}
			g.Bars = append(g.Bars, b)
		}
		v.Bars = append(v.Bars, g)
	}

	v.Histograms = histograms(reps)

	v.Slices = slices(reps, base)

	changes := map[string]map[string]string{} // config -> case -> change
	for _, c := range opt.Comparisons {
		ch := map[string]string{}
		for _, x := range c.Regressed {
			ch[x.ID] = "regressed"
		}
		for _, x := range c.Improved {
			ch[x.ID] = "improved"
		}
		changes[c.Config] = ch
		if len(opt.Comparisons) == 1 && len(reps) == 1 {
			changes[name(reps[0])] = ch
		}
		v.Deltas = append(v.Deltas, deltas(c))
	}

	tags := map[string]bool{}
	for i, r := range reps {
		for _, c := range r.Cases {
			row := caseRow{
				Config: name(r), Colour: palette[i%len(palette)], ID: c.ID, TagList: c.Tags, Tags: strings.Join(c.Tags, " "), Channel: c.Channel,
				Turns: c.Turns, Expected: c.Expected, ExpectedSrcs: c.ExpectedSources, Intent: c.Intent,
				IntentOK: c.Expected == "" || c.Intent == c.Expected, Answer: c.Answer, Cited: c.Cited,
				Latency: formatMetric(c.LatencyMS), Pass: c.Pass, Failures: c.Failures,
				Change: changes[name(r)][c.ID],
			}
			if len(row.Cited) == 0 {
				for _, id := range c.Citations {
					row.Cited = append(row.Cited, evals.Cited{ID: id})
				}
			}
			for _, id := range c.Retrieved {
				d := retrievedDoc{File: id, Match: matches(id, c.ExpectedSources)}
				if i := strings.LastIndexByte(strings.SplitN(id, "#", 2)[0], '/'); i >= 0 {
					d.Dir, d.File = id[:i+1], id[i+1:]
				}
				if len(row.Retrieved) < shownDocs {
					row.Retrieved = append(row.Retrieved, d)
				} else {
					row.MoreRetrieved = append(row.MoreRetrieved, d)
				}
			}
			if len(c.ExpectedSources) > 0 {
				row.Rank = "–"
				if c.Rank > 0 {
					row.Rank = fmt.Sprint(c.Rank)
				}
			}
			if j := c.Judge; j != nil {
				if j.Error != "" {
					row.Judge = "not judged: " + j.Error
				} else {
					row.Judge = fmt.Sprintf("faithfulness %s, relevance %s", formatMetric(j.Faithfulness), formatMetric(j.Relevance))
				}
			}
			for _, t := range c.Tags {
				tags[t] = true
			}
			v.Cases = append(v.Cases, row)
		}
	}
	for t := range tags {
		v.Tags = append(v.Tags, t)
	}
	sort.Strings(v.Tags)
	v.CaseCount = len(v.Cases)
	return v
}

// sliceMetrics are the metrics shown by slice, when the run has them.
var sliceMetrics = []string{"pass_rate", "recall_at_5", "citation_hit", "fact_recall"}

// slices builds one table of every slice: a column group per metric, a
// column per configuration in each.
func slices(reps []*evals.Report, base *evals.Report) *sliceTable {
	t := &sliceTable{}
	for _, metric := range sliceMetrics {
		if _, ok := base.Summary[metric]; ok {
			t.Metrics = append(t.Metrics, metric)
		}
	}
	names := base.SliceNames()
	if len(t.Metrics) == 0 || len(names) == 0 {
		return nil
	}
	for _, s := range names {
		row := sliceRow{Name: s, Cases: formatMetric(base.Slices[s]["cases"])}
		for _, metric := range t.Metrics {
			for _, r := range reps {
				cell := "–"
				if val, ok := r.Slices[s][metric]; ok {
					cell = formatMetric(val)
				}
				row.Cells = append(row.Cells, cell)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func deltas(c *evals.Comparison) deltaTable {
	t := deltaTable{Config: c.Config}
	if t.Config == "" {
		t.Config = "this run"
	}
	for _, d := range c.Metrics {
		if d.HasOld && d.HasNew && d.Old == d.New {
			continue
		}
		row := deltaRow{Metric: d.Metric, Old: "–", New: "–", Worse: d.Worse()}
		if d.HasOld {
			row.Old = formatMetric(d.Old)
		}
		if d.HasNew {
			row.New = formatMetric(d.New)
		}
		if d.HasOld && d.HasNew {
			row.Change = fmt.Sprintf("%+.4g", d.Delta())
		}
		t.Rows = append(t.Rows, row)
	}
	t.Counts = fmt.Sprintf("%d regressed, %d improved, %d with the expected source moved, %d new, %d removed",
		len(c.Regressed), len(c.Improved), len(c.Reranked), len(c.Added), len(c.Removed))
	return t
}

// settings writes the configuration settings keep accepts, by key.
func settings(cfg map[string]string, keep func(string) bool) string {
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		if keep(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + cfg[k]
	}
	return strings.Join(parts, ", ")
}

func matches(id string, want []string) bool {
	for _, w := range want {
		if evals.SourceMatches(id, w) {
			return true
		}
	}
	return false
}

func name(r *evals.Report) string {
	if r.Name == "" {
		return "run"
	}
	return r.Name
}

// isRate reports whether a metric lies between 0 and 1.
func isRate(metric string) bool {
	return !strings.HasPrefix(metric, "latency_") && metric != "grade_median" && metric != "grade_p90" &&
		metric != "not_violations" && metric != "grade_over_max" && !strings.HasPrefix(metric, "cases") && metric != "judge_cases"
}

func formatMetric(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	s := fmt.Sprintf("%.4f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
