package evals

import (
	"fmt"
	"sort"
	"strings"
)

// Thresholds are the release gate: bounds that a run's metrics must meet.
// A bound is a floor for metrics where higher is better and a ceiling for
// the others (LowerIsBetter: latencies, grades, not_violations).
//
// In a thresholds file (YAML or JSON) each key is a metric and each value
// its bound:
//
//	recall_at_5: 0.8        # floor
//	latency_ms_p95: 250     # ceiling
//	tag:bins/fact_recall: 0.9     # a slice's metric
//	citation_hit: {min: 0.7}      # explicit floor
//	grade_median: {max: 9}        # explicit ceiling
//	vector:                       # bounds for one configuration only
//	  recall_at_5: 0.5
//
// A key whose value is a map of metrics (not min/max) names a
// configuration; its bounds replace the general ones for that
// configuration.
type Thresholds struct {
	// All applies to every configuration.
	All map[string]Bound
	// Runs holds per-configuration bounds, by configuration name.
	Runs map[string]map[string]Bound
}

// Bound is one metric's limit.
type Bound struct {
	Value   float64
	Ceiling bool // the metric must not exceed Value; otherwise not fall below it
}

// Breach is a metric outside its bound.
type Breach struct {
	Run    string // configuration name
	Metric string // "recall_at_5", or "tag:bins/recall_at_5" for a slice
	Value  float64
	Bound  Bound
	// Missing is set when the run did not produce the metric at all,
	// which fails the gate too: a gate that cannot be checked is shut.
	Missing bool
}

// String describes the breach for a log.
func (b Breach) String() string {
	run := ""
	if b.Run != "" {
		run = b.Run + ": "
	}
	if b.Missing {
		return fmt.Sprintf("%s%s missing (bound %s)", run, b.Metric, formatMetric(b.Bound.Value))
	}
	if b.Bound.Ceiling {
		return fmt.Sprintf("%s%s = %s, above the ceiling %s", run, b.Metric, formatMetric(b.Value), formatMetric(b.Bound.Value))
	}
	return fmt.Sprintf("%s%s = %s, below the floor %s", run, b.Metric, formatMetric(b.Value), formatMetric(b.Bound.Value))
}

// ParseThresholds reads a decoded thresholds document (see Thresholds).
// Errors wrap ErrInvalid.
func ParseThresholds(doc map[string]any) (*Thresholds, error) {
	t := &Thresholds{All: map[string]Bound{}, Runs: map[string]map[string]Bound{}}
	for key, v := range doc {
		if b, ok, err := parseBound(key, v); err != nil {
			return nil, err
		} else if ok {
			t.All[key] = b
			continue
		}
		section, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("thresholds: %s: want a number, {min|max: number} or a map of metrics: %w", key, ErrInvalid)
		}
		run := map[string]Bound{}
		for metric, mv := range section {
			b, ok, err := parseBound(key+"."+metric, mv)
			if err != nil {
				return nil, err
			}
			if !ok {
				return nil, fmt.Errorf("thresholds: %s.%s: want a number or {min|max: number}: %w", key, metric, ErrInvalid)
			}
			run[metric] = b
		}
		t.Runs[key] = run
	}
	return t, nil
}

// parseBound reads a number or a {min: x} / {max: x} map. ok is false for
// a map that is neither (a configuration section).
func parseBound(key string, v any) (Bound, bool, error) {
	metric := key
	if i := strings.LastIndexAny(key, "/."); i >= 0 {
		metric = key[i+1:]
	}
	if x, ok := number(v); ok {
		return Bound{Value: x, Ceiling: LowerIsBetter(metric)}, true, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return Bound{}, false, fmt.Errorf("thresholds: %s: %v is not a number: %w", key, v, ErrInvalid)
	}
	lo, hasMin := m["min"]
	hi, hasMax := m["max"]
	if !hasMin && !hasMax {
		return Bound{}, false, nil
	}
	if len(m) != 1 {
		return Bound{}, false, fmt.Errorf("thresholds: %s: give exactly one of min or max: %w", key, ErrInvalid)
	}
	if hasMin {
		x, ok := number(lo)
		if !ok {
			return Bound{}, false, fmt.Errorf("thresholds: %s: min %v is not a number: %w", key, lo, ErrInvalid)
		}
		return Bound{Value: x}, true, nil
	}
	x, ok := number(hi)
	if !ok {
		return Bound{}, false, fmt.Errorf("thresholds: %s: max %v is not a number: %w", key, hi, ErrInvalid)
	}
	return Bound{Value: x, Ceiling: true}, true, nil
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint64:
		return float64(x), true
	}
	return 0, false
}

// Check returns every breach in m, in configuration then metric order.
// Per-configuration bounds name configurations that must exist; one that
// does not is a breach too.
func (t *Thresholds) Check(m *Matrix) []Breach {
	var out []Breach
	for name := range t.Runs {
		if m.Find(name) == nil {
			out = append(out, Breach{Run: name, Metric: "(configuration)", Missing: true})
		}
	}
	for _, r := range m.Reports() {
		bounds := map[string]Bound{}
		for k, b := range t.All {
			bounds[k] = b
		}
		for k, b := range t.Runs[r.Name] {
			bounds[k] = b
		}
		keys := make([]string, 0, len(bounds))
		for k := range bounds {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			b := bounds[k]
			v, ok := lookupMetric(r, k)
			switch {
			case !ok:
				out = append(out, Breach{Run: r.Name, Metric: k, Bound: b, Missing: true})
			case b.Ceiling && v > b.Value, !b.Ceiling && v < b.Value:
				out = append(out, Breach{Run: r.Name, Metric: k, Value: v, Bound: b})
			}
		}
	}
	return out
}

// lookupMetric finds "metric" in the summary or "slice/metric" in a slice.
func lookupMetric(r *Report, key string) (float64, bool) {
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		v, ok := r.Slices[key[:i]][key[i+1:]]
		return v, ok
	}
	v, ok := r.Summary[key]
	return v, ok
}
