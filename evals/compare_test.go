package evals_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/evals"
)

// twoRuns returns reports of the same suite before and after a known
// change: "moved" drops from rank 1 to rank 3, "lost" loses its source
// (pass to fail), "found" gains one (fail to pass), "same" is unchanged,
// "gone" leaves the suite and "fresh" joins it.
func twoRuns() (old, new *evals.Report) {
	cases := []evals.Case{
		{ID: "moved", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"a"}}},
		{ID: "lost", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"b"}}},
		{ID: "found", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"c"}}},
		{ID: "same", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"d"}}},
		{ID: "gone", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"e"}}},
	}
	old = evals.Score(cases, []evals.Outcome{
		{Retrieved: []string{"a"}}, {Retrieved: []string{"b"}}, {Retrieved: []string{"x"}},
		{Retrieved: []string{"d"}}, {Retrieved: []string{"e"}},
	}, nil)
	cases[4] = evals.Case{ID: "fresh", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"f"}}}
	new = evals.Score(cases, []evals.Outcome{
		{Retrieved: []string{"x", "y", "a"}}, {Retrieved: []string{"x"}}, {Retrieved: []string{"c"}},
		{Retrieved: []string{"d"}}, {Retrieved: []string{"f"}},
	}, nil)
	return old, new
}

func TestCompare(t *testing.T) {
	old, new := twoRuns()
	c := evals.Compare(old, new)
	ids := func(chs []evals.CaseChange) []string {
		var out []string
		for _, ch := range chs {
			out = append(out, ch.ID)
		}
		return out
	}
	if diff := cmp.Diff([]string{"lost"}, ids(c.Regressed)); diff != "" {
		t.Errorf("regressed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"found"}, ids(c.Improved)); diff != "" {
		t.Errorf("improved (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]evals.CaseChange{{ID: "moved", OldPass: true, NewPass: true, OldRank: 1, NewRank: 3}}, c.Reranked); diff != "" {
		t.Errorf("reranked (-want +got):\n%s", diff)
	}
	if c.Reranked[0].RankBetter() || !c.Improved[0].RankBetter() {
		t.Error("RankBetter: want moved worse and found better")
	}
	if diff := cmp.Diff([]string{"fresh"}, c.Added); diff != "" {
		t.Errorf("added (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"gone"}, c.Removed); diff != "" {
		t.Errorf("removed (-want +got):\n%s", diff)
	}
	deltas := map[string]evals.MetricDelta{}
	for _, d := range c.Metrics {
		deltas[d.Metric] = d
	}
	// recall_at_1: 4/5 before, 3/5 after (moved and lost drop, found joins).
	if d := deltas["recall_at_1"]; d.Old != 0.8 || d.New != 0.6 || !d.Worse() {
		t.Errorf("recall_at_1 delta %+v, want 0.8 -> 0.6, worse", d)
	}
	if d := deltas["recall_at_5"]; d.Old != 0.8 || d.New != 0.8 || d.Worse() {
		t.Errorf("recall_at_5 delta %+v, want unchanged", d)
	}
	if !c.Changed() {
		t.Error("Changed() = false, want true")
	}
	if same := evals.Compare(old, old); same.Changed() {
		t.Errorf("a run compared with itself changed: %+v", same)
	}

	var buf bytes.Buffer
	if err := evals.WriteComparison(&buf, c); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"Regressed", "lost", "Improved", "found", "moved", "rank 1 -> 3", "recall_at_1", "-0.2  worse", "fresh", "gone"} {
		if !strings.Contains(out, want) {
			t.Errorf("comparison lacks %q:\n%s", want, out)
		}
	}
}

func TestCompareMatrix(t *testing.T) {
	old, new := twoRuns()
	old.Name, new.Name = "bm25", "bm25"
	other := *new
	other.Name = "vector"
	om, _ := evals.NewMatrix([]*evals.Report{old}, "")
	nm, _ := evals.NewMatrix([]*evals.Report{new, &other}, "")
	cmps, missing := evals.CompareMatrix(om, nm)
	if len(cmps) != 1 || cmps[0].Config != "bm25" || len(cmps[0].Regressed) != 1 {
		t.Errorf("compared %d configurations, want bm25 alone with one regression", len(cmps))
	}
	if diff := cmp.Diff([]string{"vector"}, missing); diff != "" {
		t.Errorf("missing (-want +got):\n%s", diff)
	}
	// Single runs compare whatever their names.
	new.Name = "renamed"
	nm, _ = evals.NewMatrix([]*evals.Report{new}, "")
	if cmps, _ := evals.CompareMatrix(om, nm); len(cmps) != 1 {
		t.Errorf("single runs: %d comparisons, want 1", len(cmps))
	}
}

func TestThresholds(t *testing.T) {
	_, new := twoRuns()
	new.Summary["latency_ms_p95"] = 120
	m, _ := evals.NewMatrix([]*evals.Report{new}, "")
	tests := []struct {
		name string
		doc  string
		want []string // breaches, as strings
	}{
		{"passing", `{"recall_at_5": 0.8, "latency_ms_p95": 200, "mrr_at_10": {"min": 0.5}}`, nil},
		{"floor", `{"recall_at_1": 0.7}`, []string{"recall_at_1 = 0.6, below the floor 0.7"}},
		{"ceiling by name", `{"latency_ms_p95": 100}`, []string{"latency_ms_p95 = 120, above the ceiling 100"}},
		{"explicit ceiling", `{"recall_at_10": {"max": 0.5}}`, []string{"recall_at_10 = 0.8, above the ceiling 0.5"}},
		{"missing metric", `{"fact_recall": 0.5}`, []string{"fact_recall missing (bound 0.5)"}},
		{"per configuration", `{"recall_at_1": 0.5, "strict": {"recall_at_1": 0.9}}`, []string{"strict: (configuration) missing (bound 0)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal([]byte(tt.doc), &doc); err != nil {
				t.Fatal(err)
			}
			th, err := evals.ParseThresholds(doc)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, b := range th.Check(m) {
				got = append(got, b.String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("breaches (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("per configuration bound replaces the general one", func(t *testing.T) {
		named := *new
		named.Name = "strict"
		m, _ := evals.NewMatrix([]*evals.Report{&named}, "")
		th, err := evals.ParseThresholds(map[string]any{"recall_at_1": 0.5, "strict": map[string]any{"recall_at_1": 0.9}})
		if err != nil {
			t.Fatal(err)
		}
		got := th.Check(m)
		if len(got) != 1 || got[0].Bound.Value != 0.9 {
			t.Errorf("breaches %v, want recall_at_1 below 0.9", got)
		}
	})
	for name, doc := range map[string]map[string]any{
		"string value": {"recall_at_5": "high"},
		"min and max":  {"recall_at_5": map[string]any{"min": 0.1, "max": 0.9}},
		"bad section":  {"vector": map[string]any{"recall_at_5": "x"}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := evals.ParseThresholds(doc); !errors.Is(err, evals.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
