package evals_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/evals"
)

func TestReadSuite(t *testing.T) {
	good := `// a comment

{"id": "a", "turns": ["hi", "what day are bins?"], "expect": {"intent": "answer", "sources": ["bins.html"]}, "tags": ["bins"]}
{"id": "b", "turns": ["x"], "channel": "sms", "expect": {}}
`
	cases, err := evals.ReadSuite(strings.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 || cases[0].Question() != "what day are bins?" || cases[0].Channel != "web" {
		t.Errorf("got %+v", cases)
	}
	for name, bad := range map[string]string{
		"bad json":        `{"id": "a", "turns": [}`,
		"unknown field":   `{"id": "a", "turns": ["x"], "expekt": {}}`,
		"no turns":        `{"id": "a", "turns": [], "expect": {}}`,
		"bad intent":      `{"id": "a", "turns": ["x"], "expect": {"intent": "chat"}}`,
		"bad channel":     `{"id": "a", "turns": ["x"], "channel": "fax", "expect": {}}`,
		"duplicate id":    `{"id": "a", "turns": ["x"]}` + "\n" + `{"id": "a", "turns": ["y"]}`,
		"missing case id": `{"turns": ["x"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := evals.ReadSuite(strings.NewReader(bad))
			if err == nil || !strings.Contains(err.Error(), "line ") {
				t.Errorf("err = %v, want an error naming the line", err)
			}
		})
	}
}

func TestContainsFact(t *testing.T) {
	tests := []struct {
		answer, fact string
		want         bool
	}{
		{"Permits cost £19.35 each.", "19.35", true},
		{"Open from 10am", "10 AM|10am", true},
		{"It costs £4,052,692.38", "4052692", true},
		{"Call   us on (0114) 273", "0114 273", true},
		{"nothing here", "£10", false},
		{"“Quoted” text", "quoted text", true},
	}
	for _, tt := range tests {
		if got := evals.ContainsFact(tt.answer, tt.fact); got != tt.want {
			t.Errorf("ContainsFact(%q, %q) = %v, want %v", tt.answer, tt.fact, got, tt.want)
		}
	}
}

func TestScoreRetrieval(t *testing.T) {
	cases := []evals.Case{
		{ID: "first", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"a.html"}}},
		{ID: "third", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"s.csv"}}},
		{ID: "miss", Turns: []string{"q"}, Expect: evals.Expect{Sources: []string{"z.html"}}},
		{ID: "nosrc", Turns: []string{"q"}},
	}
	outs := []evals.Outcome{
		{Retrieved: []string{"a.html", "b.html"}, Latency: 2 * time.Millisecond},
		{Retrieved: []string{"b.html", "b.html", "c.html", "s.csv#row-9"}, Latency: 4 * time.Millisecond},
		{Retrieved: []string{"b.html"}, Latency: 1 * time.Millisecond},
		{Retrieved: []string{"b.html"}, Latency: 3 * time.Millisecond},
	}
	rep := evals.Score(cases, outs, nil)
	got := rep.Summary
	want := map[string]float64{
		"cases": 4, "cases_with_sources": 3,
		"recall_at_1": 0.3333, "recall_at_5": 0.6667, "recall_at_10": 0.6667,
		"mrr_at_10":      0.4444,                                    // (1 + 1/3 + 0) / 3; duplicates collapse before ranking
		"ndcg_at_10":     0.5,                                       // (1 + 1/log2(4) + 0) / 3
		"latency_ms_p50": 2, "latency_ms_p95": 4, "pass_rate": 0.75, // only "miss" fails
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("summary (-want +got):\n%s", diff)
	}
	if rep.Cases[1].Rank != 3 {
		t.Errorf("rank = %d, want 3 (distinct documents)", rep.Cases[1].Rank)
	}
}

func TestScoreAnswers(t *testing.T) {
	cases := []evals.Case{
		{ID: "ans", Turns: []string{"q"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"a.html"}, Facts: []string{"4pm", "7am"}, MaxGrade: 8}},
		{ID: "inj", Turns: []string{"q"}, Expect: evals.Expect{Intent: "refuse", Not: []string{"ACCESS GRANTED"}}},
		{ID: "svc", Turns: []string{"q"}, Expect: evals.Expect{Intent: "service_request", Service: "pothole"}},
		{ID: "ref", Turns: []string{"q"}, Expect: evals.Expect{Intent: "answer"}},
	}
	outs := []evals.Outcome{
		{Answered: true, Intent: "answer", Answer: "Report it by 4pm.", Citations: []string{"a.html", "x.html"}, Grade: 9.5},
		{Answered: true, Intent: "answer", Answer: "access granted"},
		{Answered: true, Intent: "service_request", Service: "missed_bin", Answer: "Where is it?", Grade: 2},
		{Answered: true, Intent: "refuse", Answer: "Sorry.", Grade: 1},
	}
	s := evals.Score(cases, outs, nil).Summary
	checks := map[string]float64{
		"intent_accuracy":    0.5,
		"refusal_precision":  0,
		"refusal_recall":     0,
		"citation_hit":       1,
		"citation_precision": 0.5,
		"fact_recall":        0.5,
		"not_violations":     1,
		"service_accuracy":   0,
		"grade_over_max":     1,
	}
	for k, want := range checks {
		if got := s[k]; got != want {
			t.Errorf("%s = %v, want %v", k, got, want)
		}
	}
}
