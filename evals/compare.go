package evals

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Comparison is what changed in one configuration between an old run and
// a new one.
type Comparison struct {
	// Config names the configuration compared.
	Config string
	// Metrics holds a delta for every summary metric either run has,
	// sorted in display order.
	Metrics []MetricDelta
	// Regressed lists cases that passed before and fail now; Improved the
	// reverse.
	Regressed, Improved []CaseChange
	// Reranked lists cases whose expected source moved in the ranking
	// without changing pass or fail.
	Reranked []CaseChange
	// Added and Removed list case IDs only one run has.
	Added, Removed []string
}

// MetricDelta is one metric's old and new values. A metric a run lacks
// has its Has flag false and value 0.
type MetricDelta struct {
	Metric         string
	Old, New       float64
	HasOld, HasNew bool
}

// Delta returns New - Old.
func (d MetricDelta) Delta() float64 { return d.New - d.Old }

// Worse reports whether the metric moved the wrong way.
func (d MetricDelta) Worse() bool {
	if !d.HasOld || !d.HasNew {
		return false
	}
	if LowerIsBetter(d.Metric) {
		return d.New > d.Old
	}
	return d.New < d.Old
}

// CaseChange is one case in both runs.
type CaseChange struct {
	ID               string
	OldPass, NewPass bool
	// OldRank and NewRank are the ranks of the first expected source, 0
	// when it was not retrieved.
	OldRank, NewRank int
	// Failures are the new run's failures (for a regression) or the old
	// run's (for an improvement).
	Failures []string
}

// RankBetter reports whether the expected source moved up (or appeared).
func (c CaseChange) RankBetter() bool {
	return c.NewRank > 0 && (c.OldRank == 0 || c.NewRank < c.OldRank)
}

// Changed reports whether anything was found to differ.
func (c *Comparison) Changed() bool {
	if len(c.Regressed)+len(c.Improved)+len(c.Reranked)+len(c.Added)+len(c.Removed) > 0 {
		return true
	}
	for _, d := range c.Metrics {
		if d.HasOld != d.HasNew || d.Old != d.New {
			return true
		}
	}
	return false
}

// Compare lists what changed from old to new, case by case and metric by
// metric. Cases are matched by ID; latencies and timings are compared as
// metrics only.
func Compare(old, new *Report) *Comparison {
	c := &Comparison{Config: new.Name}
	keys := map[string]bool{}
	for k := range old.Summary {
		keys[k] = true
	}
	for k := range new.Summary {
		keys[k] = true
	}
	for _, k := range MetricOrder(keys) {
		o, hasOld := old.Summary[k]
		n, hasNew := new.Summary[k]
		c.Metrics = append(c.Metrics, MetricDelta{Metric: k, Old: o, New: n, HasOld: hasOld, HasNew: hasNew})
	}
	oldCases := make(map[string]*CaseResult, len(old.Cases))
	for i := range old.Cases {
		oldCases[old.Cases[i].ID] = &old.Cases[i]
	}
	for i := range new.Cases {
		nc := &new.Cases[i]
		oc, ok := oldCases[nc.ID]
		if !ok {
			c.Added = append(c.Added, nc.ID)
			continue
		}
		delete(oldCases, nc.ID)
		ch := CaseChange{ID: nc.ID, OldPass: oc.Pass, NewPass: nc.Pass, OldRank: oc.Rank, NewRank: nc.Rank}
		switch {
		case oc.Pass && !nc.Pass:
			ch.Failures = nc.Failures
			c.Regressed = append(c.Regressed, ch)
		case !oc.Pass && nc.Pass:
			ch.Failures = oc.Failures
			c.Improved = append(c.Improved, ch)
		case oc.Rank != nc.Rank:
			c.Reranked = append(c.Reranked, ch)
		}
	}
	for id := range oldCases {
		c.Removed = append(c.Removed, id)
	}
	sort.Strings(c.Removed)
	return c
}

// CompareMatrix compares every configuration of new with the one of the
// same name in old. When each holds a single configuration they are
// compared whatever their names. Configurations only one side has are
// skipped and returned by name in missing.
func CompareMatrix(old, new *Matrix) (cmps []*Comparison, missing []string) {
	olds, news := old.Reports(), new.Reports()
	if len(olds) == 1 && len(news) == 1 {
		return []*Comparison{Compare(olds[0], news[0])}, nil
	}
	for _, n := range news {
		o := old.Find(n.Name)
		if o == nil {
			missing = append(missing, n.Name)
			continue
		}
		cmps = append(cmps, Compare(o, n))
	}
	return cmps, missing
}

// WriteComparison writes a comparison for a terminal: metric deltas, then
// the cases that regressed, improved or moved.
func WriteComparison(w io.Writer, c *Comparison) error {
	ew := &errWriter{w: w}
	name := c.Config
	if name == "" {
		name = "run"
	}
	ew.printf("Compared with the old report (%s):\n", name)
	tw := newTable(ew)
	tw.row("  metric", "old", "new", "change")
	for _, d := range c.Metrics {
		if d.HasOld && d.HasNew && d.Old == d.New {
			continue
		}
		change := ""
		switch {
		case !d.HasOld:
			change = "new metric"
		case !d.HasNew:
			change = "gone"
		default:
			change = signed(d.Delta())
			if d.Worse() {
				change += "  worse"
			} else {
				change += "  better"
			}
		}
		tw.row("  "+d.Metric, value(d.Old, d.HasOld), value(d.New, d.HasNew), change)
	}
	tw.flush()
	list := func(title string, chs []CaseChange) {
		if len(chs) == 0 {
			return
		}
		ew.printf("%s (%d):\n", title, len(chs))
		for _, ch := range chs {
			ew.printf("  %-40s rank %s -> %s", ch.ID, rankText(ch.OldRank), rankText(ch.NewRank))
			if len(ch.Failures) > 0 {
				ew.printf("  %s", strings.Join(ch.Failures, "; "))
			}
			ew.printf("\n")
		}
	}
	list("Regressed, passed before and fail now", c.Regressed)
	list("Improved, failed before and pass now", c.Improved)
	list("Expected source moved", c.Reranked)
	if len(c.Added) > 0 {
		ew.printf("New cases: %s\n", strings.Join(c.Added, ", "))
	}
	if len(c.Removed) > 0 {
		ew.printf("Cases no longer in the suite: %s\n", strings.Join(c.Removed, ", "))
	}
	if !c.Changed() {
		ew.printf("  no change\n")
	}
	return ew.err
}

func rankText(r int) string {
	if r == 0 {
		return "-"
	}
	return fmt.Sprint(r)
}

func value(v float64, ok bool) string {
	if !ok {
		return "-"
	}
	return formatMetric(v)
}

func signed(d float64) string {
	if d >= 0 {
		return "+" + formatMetric(d)
	}
	return "-" + formatMetric(-d)
}
