package evals

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// metricOrder is the display order of the summary metrics: FORMAT.md's,
// then the harness's own. Others follow alphabetically.
var metricOrder = []string{
	"cases", "cases_with_sources",
	"recall_at_1", "recall_at_5", "recall_at_10", "mrr_at_10", "ndcg_at_10",
	"citation_hit", "citation_precision", "fact_recall", "not_violations",
	"intent_accuracy", "refusal_precision", "refusal_recall", "service_accuracy",
	"grade_median", "grade_p90", "grade_over_max", "grade_over_max_share",
	"latency_ms_p50", "latency_ms_p95", "pass_rate",
	"judge_cases", "judge_faithfulness", "judge_relevance", "judge_agreement",
}

// MetricOrder returns the metric names in keys in display order.
func MetricOrder(keys map[string]bool) []string {
	rank := make(map[string]int, len(metricOrder))
	for i, k := range metricOrder {
		rank[k] = i
	}
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		ri, iok := rank[out[i]]
		rj, jok := rank[out[j]]
		switch {
		case iok && jok:
			return ri < rj
		case iok != jok:
			return iok
		}
		return out[i] < out[j]
	})
	return out
}

// LowerIsBetter reports whether smaller values of a metric are better:
// latencies, forbidden phrases and reading grades. A threshold on such a
// metric is a ceiling; on any other, a floor.
func LowerIsBetter(metric string) bool {
	return strings.HasPrefix(metric, "latency_") || strings.HasPrefix(metric, "grade_") || metric == "not_violations"
}

// isCount reports whether a metric counts cases rather than rates them;
// ratios between configurations are not shown for counts.
func isCount(metric string) bool {
	return metric == "cases" || metric == "cases_with_sources" || metric == "judge_cases"
}

// Ratio returns a configuration's value of a metric divided by the
// baseline's, and false when it is undefined (a missing value or a zero
// baseline).
func Ratio(rep, base *Report, metric string) (float64, bool) {
	v, ok := rep.Summary[metric]
	b, bok := base.Summary[metric]
	if !ok || !bok || b == 0 {
		return 0, false
	}
	return v / b, true
}

// WriteTable writes the matrix as a terminal table: one row per metric,
// one column per configuration, each value followed by its ratio to the
// baseline column.
func WriteTable(w io.Writer, m *Matrix) error {
	ew := &errWriter{w: w}
	reps := m.Reports()
	base := m.BaselineReport()
	keys := map[string]bool{}
	for _, r := range reps {
		for k := range r.Summary {
			keys[k] = true
		}
	}
	tw := newTable(ew)
	head := []string{"metric"}
	for _, r := range reps {
		head = append(head, columnName(r, base, len(reps)))
	}
	tw.row(head...)
	for _, k := range MetricOrder(keys) {
		cells := []string{k}
		for _, r := range reps {
			v, ok := r.Summary[k]
			cell := value(v, ok)
			if len(reps) > 1 && r != base && !isCount(k) {
				if q, ok := Ratio(r, base, k); ok {
					cell = fmt.Sprintf("%-8s ×%.2f", cell, q)
				}
			}
			cells = append(cells, cell)
		}
		tw.row(cells...)
	}
	tw.flush()
	return ew.err
}

// WriteSlices writes one table per metric: a row per slice (tag, intent,
// channel), a column per configuration.
func WriteSlices(w io.Writer, m *Matrix, metrics ...string) error {
	ew := &errWriter{w: w}
	reps := m.Reports()
	base := m.BaselineReport()
	for _, metric := range metrics {
		has := false
		for _, name := range base.SliceNames() {
			if _, ok := base.Slices[name][metric]; ok {
				has = true
			}
		}
		if !has {
			continue
		}
		ew.printf("\n%s by slice:\n", metric)
		tw := newTable(ew)
		head := []string{"  slice", "cases"}
		for _, r := range reps {
			head = append(head, columnName(r, base, len(reps)))
		}
		tw.row(head...)
		for _, name := range base.SliceNames() {
			cells := []string{"  " + name, formatMetric(base.Slices[name]["cases"])}
			any := false
			for _, r := range reps {
				v, ok := r.Slices[name][metric]
				any = any || ok
				cells = append(cells, value(v, ok))
			}
			if any {
				tw.row(cells...)
			}
		}
		tw.flush()
	}
	return ew.err
}

func columnName(r, base *Report, n int) string {
	name := r.Name
	if name == "" {
		name = "value"
	}
	if n > 1 && r == base {
		name += " (baseline)"
	}
	return name
}

// formatMetric writes a metric value without trailing zeros: counts as
// integers, rates to four places.
func formatMetric(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatFloat(round(v, 4), 'f', -1, 64)
}

// errWriter keeps the first write error so table code can write freely.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

type table struct{ tw *tabwriter.Writer }

func newTable(w io.Writer) *table {
	return &table{tw: tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)}
}

func (t *table) row(cells ...string) { fmt.Fprintln(t.tw, strings.Join(cells, "\t")) }

func (t *table) flush() { t.tw.Flush() }
