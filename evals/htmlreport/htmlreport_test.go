package htmlreport_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/evals"
	"github.com/townhall-civic/townhall/evals/htmlreport"
)

func matrix(t *testing.T) *evals.Matrix {
	t.Helper()
	cases := []evals.Case{
		{ID: "bins-1", Turns: []string{"when are bins <collected>?"}, Tags: []string{"bins"}, Channel: "web",
			Expect: evals.Expect{Intent: "answer", Sources: []string{"pages/bins.html"}, Facts: []string{"Monday"}}},
		{ID: "tax-1", Turns: []string{"council tax bands"}, Tags: []string{"tax"}, Channel: "sms",
			Expect: evals.Expect{Intent: "answer", Sources: []string{"pages/tax.html"}}},
	}
	good := evals.Score(cases, []evals.Outcome{
		{Answered: true, Intent: "answer", Answer: "Bins go out on Monday [1]. <script>alert(1)</script>",
			Retrieved: []string{"pages/bins.html"}, Citations: []string{"pages/bins.html"},
			Cited:   []evals.Cited{{ID: "pages/bins.html", Title: "Bin days", URL: "https://example.org/bins"}},
			Latency: 3 * time.Millisecond},
		{Answered: true, Intent: "answer", Answer: "Bands run from A to H.", Retrieved: []string{"pages/tax.html"},
			Citations: []string{"pages/tax.html"}, Cited: []evals.Cited{{ID: "pages/tax.html", URL: "javascript:alert(1)"}},
			Latency: 40 * time.Millisecond},
	}, nil)
	good.Name, good.Config = "hybrid", map[string]string{"retriever": "hybrid", "composer": "extractive"}
	bad := evals.Score(cases, []evals.Outcome{
		{Answered: true, Intent: "refuse", Answer: "Sorry.", Retrieved: []string{"x.html"}, Latency: time.Millisecond},
		{Answered: true, Intent: "answer", Answer: "Bands run from A to H.", Retrieved: []string{"pages/tax.html"},
			Citations: []string{"pages/tax.html"}, Latency: 2 * time.Millisecond},
	}, nil)
	bad.Name, bad.Config = "bm25", map[string]string{"retriever": "bm25", "composer": "extractive"}
	m, err := evals.NewMatrix([]*evals.Report{good, bad}, "bm25")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWrite(t *testing.T) {
	m := matrix(t)
	old := *m.Find("hybrid")
	old.Cases = append([]evals.CaseResult(nil), old.Cases...)
	old.Cases[1].Pass = false
	var buf bytes.Buffer
	err := htmlreport.Write(&buf, m, htmlreport.Options{
		Generated:   time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		Comparisons: []*evals.Comparison{evals.Compare(&old, m.Find("hybrid"))},
		Breaches:    []evals.Breach{{Run: "bm25", Metric: "recall_at_1", Value: 0.5, Bound: evals.Bound{Value: 0.8}}},
		Gated:       true,
	})
	if err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<html lang="en">`,
		`<th scope="col" class="num">bm25 (baseline)</th>`, // summary headers
		`×2.00`,                          // hybrid's recall_at_1 against bm25's
		`<svg role="img"`,                // latency histogram
		`<label for="f-tag">Tag</label>`, // labelled filters
		`<option value="bins">bins</option>`,
		`<option value="regressed">Regressed</option>`,
		`<a href="https://example.org/bins">Bin days</a>`,          // linked citation
		`when are bins &lt;collected&gt;?`,                         // escaped question
		`&lt;script&gt;alert(1)&lt;/script&gt;`,                    // escaped answer
		`Release gate: failed.`,                                    // gate
		`bm25: recall_at_1 = 0.5, below the floor 0.8`,             // breach
		`data-outcome="fail"`,                                      // filterable rows
		`<span class="change improved">Improved</span>`,            // the comparison's mark
		`<th scope="colgroup" colspan="2" class="group">pass_rate`, // slices
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, `href="javascript:`) {
		t.Error("a javascript: URL was linked")
	}
	// Self-contained: nothing is fetched from elsewhere.
	if ext := regexp.MustCompile(`(?i)<(?:link|script|img)[^>]+(?:src|href)=`).FindString(page); ext != "" {
		t.Errorf("page loads an external asset: %s", ext)
	}
}

func TestWriteSingleRun(t *testing.T) {
	m := matrix(t)
	one, err := evals.NewMatrix([]*evals.Report{m.Find("bm25")}, "")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, one, htmlreport.Options{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if strings.Contains(page, "(baseline)") || strings.Contains(page, "Release gate") || strings.Contains(page, "×") {
		t.Error("a single run shows a baseline, ratios or a gate it does not have")
	}
	if !strings.Contains(page, "1 of 2 cases pass") {
		t.Error("page lacks the pass count")
	}
}
