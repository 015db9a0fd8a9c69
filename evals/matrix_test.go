package evals_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/evals"
)

// fixedTarget answers from a table of outcomes by case ID.
func fixedTarget(outs map[string]evals.Outcome) evals.Target {
	return evals.TargetFunc(func(_ context.Context, c evals.Case) (evals.Outcome, error) {
		o, ok := outs[c.ID]
		if !ok {
			return evals.Outcome{}, errors.New("no outcome")
		}
		return o, nil
	})
}

var sliceCases = []evals.Case{
	{ID: "bins-1", Turns: []string{"q"}, Channel: "web", Tags: []string{"bins", "pages"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"bins.html"}}},
	{ID: "bins-2", Turns: []string{"q"}, Channel: "sms", Tags: []string{"bins"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"bins.html"}}},
	{ID: "tax-1", Turns: []string{"q"}, Channel: "web", Tags: []string{"tax", "pages"}, Expect: evals.Expect{Intent: "answer", Sources: []string{"tax.html"}}},
	{ID: "pothole", Turns: []string{"q"}, Channel: "sms", Expect: evals.Expect{Intent: "service_request", Service: "pothole"}},
}

func TestScoreSlices(t *testing.T) {
	outs := []evals.Outcome{
		{Answered: true, Intent: "answer", Retrieved: []string{"bins.html"}, Citations: []string{"bins.html"}, Latency: time.Millisecond},
		{Answered: true, Intent: "answer", Retrieved: []string{"x.html", "bins.html"}, Latency: time.Millisecond},
		{Answered: true, Intent: "refuse", Retrieved: []string{"x.html"}, Latency: time.Millisecond},
		{Answered: true, Intent: "service_request", Service: "pothole", Latency: time.Millisecond},
	}
	rep := evals.Score(sliceCases, outs, nil)
	wantNames := []string{"tag:bins", "tag:pages", "tag:tax", "intent:answer", "intent:service_request", "channel:sms", "channel:web"}
	if diff := cmp.Diff(wantNames, rep.SliceNames()); diff != "" {
		t.Errorf("slice names (-want +got):\n%s", diff)
	}
	tests := []struct {
		slice, metric string
		want          float64
	}{
		{"tag:bins", "cases", 2},
		{"tag:bins", "recall_at_1", 0.5},
		{"tag:bins", "recall_at_5", 1},
		{"tag:bins", "citation_hit", 0.5},
		{"tag:pages", "recall_at_5", 0.5},
		{"tag:tax", "intent_accuracy", 0},
		{"intent:answer", "cases", 3},
		{"intent:answer", "refusal_precision", 0},
		{"intent:service_request", "service_accuracy", 1},
		{"intent:service_request", "pass_rate", 1},
		{"channel:sms", "cases", 2},
		{"channel:sms", "pass_rate", 0.5},
		{"channel:web", "pass_rate", 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.slice+"/"+tt.metric, func(t *testing.T) {
			got, ok := rep.Slices[tt.slice][tt.metric]
			if !ok || got != tt.want {
				t.Errorf("got %v (present %v), want %v", got, ok, tt.want)
			}
		})
	}
	if _, ok := rep.Slices["intent:service_request"]["recall_at_5"]; ok {
		t.Error("a slice without expected sources reports recall")
	}
}

func TestRunMatrix(t *testing.T) {
	good := map[string]evals.Outcome{}
	bad := map[string]evals.Outcome{}
	for _, c := range sliceCases {
		good[c.ID] = evals.Outcome{Retrieved: append([]string{}, c.Expect.Sources...)}
		bad[c.ID] = evals.Outcome{Retrieved: []string{"x.html"}}
	}
	bad["bins-1"] = good["bins-1"]
	var progress []evals.Progress
	m, err := evals.RunMatrix(context.Background(), sliceCases, []evals.Configuration{
		{Name: "good", Config: map[string]string{"retriever": "good"}, Target: fixedTarget(good)},
		{Name: "bad", Config: map[string]string{"retriever": "bad"}, Target: fixedTarget(bad)},
	}, "bad", evals.RunOptions{Progress: func(p evals.Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Runs) != 2 || m.Name != "good" || m.Baseline != "bad" || m.BaselineReport().Name != "bad" {
		t.Fatalf("matrix %q with runs %d and baseline %q, want good first, two runs, bad baseline", m.Name, len(m.Runs), m.Baseline)
	}
	if got := m.Find("good").Summary["recall_at_1"]; got != 1 {
		t.Errorf("good recall_at_1 = %v, want 1", got)
	}
	if got := m.Find("bad").Summary["recall_at_1"]; got != 0.3333 {
		t.Errorf("bad recall_at_1 = %v, want 0.3333", got)
	}
	if q, ok := evals.Ratio(m.Find("good"), m.BaselineReport(), "recall_at_1"); !ok || q < 3 || q > 3.001 {
		t.Errorf("ratio = %v %v, want 3", q, ok)
	}
	if len(progress) != 8 || progress[7] != (evals.Progress{Done: 8, Total: 8, Config: "bad", Case: "pothole"}) {
		t.Errorf("progress %+v, want 8 calls ending at 8/8 on bad", progress)
	}
	if tm := m.Find("good").Timing; tm == nil || tm.TargetMS < 0 || tm.HarnessMS < 0 {
		t.Errorf("timing %+v, want non-negative target and harness times", tm)
	}

	var buf bytes.Buffer
	if err := evals.WriteTable(&buf, m); err != nil {
		t.Fatal(err)
	}
	table := buf.String()
	for _, want := range []string{"bad (baseline)", "recall_at_1", "×3.00", "pass_rate"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}

	// The JSON keeps the single-run schema at the top level and reads back.
	buf.Reset()
	if err := m.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	back, err := evals.ReadMatrix(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.Find("bad").Summary, back.Find("bad").Summary); diff != "" {
		t.Errorf("bad summary after a round trip (-want +got):\n%s", diff)
	}
	if back.Summary["recall_at_1"] != 1 || len(back.Cases) != len(sliceCases) {
		t.Errorf("top level holds %v and %d cases, want the first configuration's", back.Summary["recall_at_1"], len(back.Cases))
	}

	for name, cfgs := range map[string][]evals.Configuration{
		"no configurations": nil,
		"duplicate names":   {{Name: "a", Target: fixedTarget(good)}, {Name: "a", Target: fixedTarget(good)}},
		"unknown baseline":  {{Name: "a", Target: fixedTarget(good)}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := evals.RunMatrix(context.Background(), sliceCases, cfgs, "zzz", evals.RunOptions{})
			if !errors.Is(err, evals.ErrInvalid) {
				t.Errorf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
