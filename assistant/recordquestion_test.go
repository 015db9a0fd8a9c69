package assistant

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParsePeriod(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	d := func(y int, m time.Month, dd int) time.Time { return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC) }
	for _, tc := range []struct {
		question string
		want     recPeriod
	}{
		{"how much did we pay Acme in March 2017?", recPeriod{d(2017, 3, 1), d(2017, 4, 1), "in March 2017"}},
		{"payments to Acme in Sept 2019", recPeriod{d(2019, 9, 1), d(2019, 10, 1), "in September 2019"}},
		{"biggest payment in jan-mar 2018", recPeriod{d(2018, 1, 1), d(2018, 4, 1), "between January and March 2018"}},
		{"between November 2018 and February 2019", recPeriod{d(2018, 11, 1), d(2019, 3, 1), "between November 2018 and February 2019"}},
		{"from december to february 2020", recPeriod{d(2019, 12, 1), d(2020, 3, 1), "between December 2019 and February 2020"}},
		{"in Q2 2018", recPeriod{d(2018, 4, 1), d(2018, 7, 1), "between April and June 2018"}},
		{"in the third quarter of 2018", recPeriod{d(2018, 7, 1), d(2018, 10, 1), "between July and September 2018"}},
		{"in 2019/20", recPeriod{d(2019, 4, 1), d(2020, 4, 1), "in 2019/20 (April 2019 to March 2020)"}},
		{"in 2024-25", recPeriod{d(2024, 4, 1), d(2025, 4, 1), "in 2024/25 (April 2024 to March 2025)"}},
		{"in the financial year 2019/2020", recPeriod{d(2019, 4, 1), d(2020, 4, 1), "in 2019/20 (April 2019 to March 2020)"}},
		{"in 2019", recPeriod{d(2019, 1, 1), d(2020, 1, 1), "in 2019"}},
		{"on 5th March 2017", recPeriod{d(2017, 3, 5), d(2017, 3, 6), "on 5 March 2017"}},
		{"since 2019", recPeriod{d(2019, 1, 1), time.Time{}, "since January 2019"}},
		{"since June 2019", recPeriod{d(2019, 6, 1), time.Time{}, "since June 2019"}},
		{"last year", recPeriod{d(2025, 1, 1), d(2026, 1, 1), "in 2025"}},
		{"this year", recPeriod{d(2026, 1, 1), d(2027, 1, 1), "in 2026"}},
		{"last month", recPeriod{d(2026, 2, 1), d(2026, 3, 1), "in February 2026"}},
		{"last financial year", recPeriod{d(2024, 4, 1), d(2025, 4, 1), "in 2024/25 (April 2024 to March 2025)"}},
		{"last quarter", recPeriod{d(2025, 10, 1), d(2026, 1, 1), "between October and December 2025"}},
		{"in June", recPeriod{d(2025, 6, 1), d(2025, 7, 1), "in June 2025"}},
		{"in February", recPeriod{d(2026, 2, 1), d(2026, 3, 1), "in February 2026"}},
		{"how much did we pay Acme", recPeriod{}},
		{"2019-09 is not a financial year", recPeriod{d(2019, 1, 1), d(2020, 1, 1), "in 2019"}},
	} {
		t.Run(tc.question, func(t *testing.T) {
			got := parseRecordQuestion(tc.question, now).period
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("period (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseAmounts(t *testing.T) {
	for _, tc := range []struct {
		question string
		min, max int64
	}{
		{"payments over £500 in 2019", 500_00, 0},
		{"payments of more than £1,250.50", 1250_50, 0},
		{"payments under £10k", 0, 10000_00},
		{"over £2 million", 2000000_00, 0},
		{"how much did we pay", 0, 0},
	} {
		q := parseRecordQuestion(tc.question, time.Now())
		if q.minPence != tc.min || q.maxPence != tc.max {
			t.Errorf("%q: got min %d max %d, want %d, %d", tc.question, q.minPence, q.maxPence, tc.min, tc.max)
		}
	}
}

func TestRecordKind(t *testing.T) {
	for _, tc := range []struct {
		question string
		want     string
	}{
		{"how much did we pay Acme in 2019?", "spending"},
		{"who won the skip wagon contract?", "contracts"},
		{"how much have we paid Acme under the cleaning contract?", "spending"},
		{"how much was the cleaning contract worth?", "contracts"},
		{"what was the biggest payment in 2019?", "spending"},
		{"do I pay business rates on a holiday let?", ""},
		{"I paid for a bulky collection", ""},
		{"when is my bin collected?", ""},
	} {
		if got := string(parseRecordQuestion(tc.question, time.Now()).kind()); got != tc.want {
			t.Errorf("%q: got kind %q, want %q", tc.question, got, tc.want)
		}
	}
}

func TestSupplierSpans(t *testing.T) {
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		question string
		want     []string
	}{
		{"how much did Westmarsh pay Quillon Factoring in Sept 2019", []string{"Quillon Factoring"}},
		{"payments to Civica in 2019/20", []string{"Civica"}},
		{"what's the total value of the contracts Northbury has awarded to Orlen Vehicles?", []string{"Orlen Vehicles"}},
		{"how much did the council pay out in pothole claims?", nil},
		{"how much did we pay the Acme Group last year", []string{"Acme Group"}},
		{"what contracts does Westmarsh have with Capita?", []string{"Capita"}},
		{"how much have we spent with J. Smith & Sons (Builders)?", []string{"J. Smith & Sons"}},
	} {
		q := parseRecordQuestion(tc.question, now)
		var got []string
		for _, s := range q.supplierSpans() {
			got = append(got, s.text)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q spans (-want +got):\n%s", tc.question, diff)
		}
	}
}

func TestMatchCouncils(t *testing.T) {
	councils := []string{"Hyndburn Borough Council", "Hyndburn Borough Council Environmental Services", "Lancashire County Council",
		"Lancashire councils", "West Lancashire Borough Council", "London Borough of Bexley", "Oxford City Council"}
	for _, tc := range []struct {
		question string
		want     []string
		rest     string
	}{
		{"how much did hyndburn council pay", []string{"Hyndburn Borough Council", "Hyndburn Borough Council Environmental Services"}, "how much did  pay"},
		{"what did Lancashire County Council pay", []string{"Lancashire County Council"}, "what did  pay"},
		{"what did west lancashire pay", []string{"West Lancashire Borough Council"}, "what did  pay"},
		{"what did Bexley pay", []string{"London Borough of Bexley"}, "what did  pay"},
		{"oxford city council's biggest payment", []string{"Oxford City Council"}, "biggest payment"},
		{"how much did we pay Acme", nil, "how much did we pay acme"},
		{"payments by Oxfordshire", nil, "payments by oxfordshire"},
	} {
		q := parseRecordQuestion(tc.question, time.Now())
		got := q.matchCouncils(councils)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%q councils (-want +got):\n%s", tc.question, diff)
		}
		if rest := collapse(q.lower); rest != collapse(tc.rest) {
			t.Errorf("%q: left %q, want %q", tc.question, rest, collapse(tc.rest))
		}
	}
}

func collapse(s string) string {
	out := []rune{}
	space := false
	for _, r := range s {
		if r == ' ' {
			space = true
			continue
		}
		if space && len(out) > 0 {
			out = append(out, ' ')
		}
		space = false
		out = append(out, r)
	}
	return string(out)
}

func TestNamesOtherCouncil(t *testing.T) {
	for _, tc := range []struct {
		question string
		want     bool
	}{
		{"How much did Northbury pay Acme?", true},
		{"how much did sheffield council pay acme", true},
		{"How much did The Council pay Acme?", false},
		{"how much did the council pay acme", false},
		{"How much did we pay Acme?", false},
		{"how much did our local council pay acme", false},
	} {
		q := parseRecordQuestion(tc.question, time.Now())
		q.matchCouncils(nil)
		if got := q.namesOtherCouncil(); got != tc.want {
			t.Errorf("%q: got %v, want %v", tc.question, got, tc.want)
		}
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		pence int64
		want  string
	}{
		{0, "£0.00"},
		{5, "£0.05"},
		{30, "£0.30"},
		{100, "£1.00"},
		{123456789, "£1,234,567.89"},
		{-50000, "-£500.00"},
		{100000000000, "£1,000,000,000.00"},
	} {
		if got := recMoney(tc.pence); got != tc.want {
			t.Errorf("money(%d): got %q, want %q", tc.pence, got, tc.want)
		}
	}
}

func TestStem(t *testing.T) {
	for in, want := range map[string]string{"skips": "skip", "centres": "centre", "companies": "company", "cleaning": "clean",
		"awarded": "award", "bus": "bus", "glass": "glass", "council's": "council"} {
		if got := recStem(in); got != want {
			t.Errorf("stem(%q): got %q, want %q", in, got, want)
		}
	}
}

func TestRecDisplay(t *testing.T) {
	for in, want := range map[string]string{
		"WILLMOTT DIXON CONSTRUCTION LTD": "Willmott Dixon Construction Ltd",
		"FAUN ZOELLER (UK) LTD":           "Faun Zoeller (UK) Ltd",
		"J SMITH & SONS":                  "J Smith & Sons",
		"SMITH-JONES (LEEDS) PLC":         "Smith-Jones (Leeds) PLC",
		"NHS SHEFFIELD CCG 2":             "NHS Sheffield Ccg 2",
		"Civica Uk Limited":               "Civica Uk Limited",
		"A1 SKIPS":                        "A1 Skips",
		"":                                "",
	} {
		if got := recDisplay(in); got != want {
			t.Errorf("recDisplay(%q): got %q, want %q", in, got, want)
		}
	}
}

// TestRecordCues checks that AnswerRecords' early exit never skips a
// question with a record kind: recordCues may match every question whose
// parse has one (the demo and dev suites' turns, the router's examples and
// record questions with their words glued to blanked spans), and no cue
// literal holds a space, which a blanked span could supply.
func TestRecordCues(t *testing.T) {
	for _, ls := range recordCues.lits {
		for _, l := range ls {
			if strings.ContainsAny(l.s, " \t") {
				t.Errorf("cue literal %q holds a space", l.s)
			}
		}
	}
	for _, l := range recordCues.short {
		if strings.ContainsAny(l.s, " \t") {
			t.Errorf("cue literal %q holds a space", l.s)
		}
	}
	texts := []string{
		"how much did we pay Acme in March 2017?", "contracts awarded to Veolia", "total payments in 2019",
		"£500paid to Acme", "spend over £500 list", "who won the waste contract?", "invoices from Capita",
		"Contracts Finder notices", "when does the leisure contract end", "what is the bin collection day",
		"do I pay for garden waste?", "", "pay",
	}
	ex, err := Examples()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ex {
		texts = append(texts, e.Text)
	}
	for _, path := range []string{"../testdata/demo/suite.jsonl", "../testdata/demo/heldout.jsonl", "../../shared/evals/dev.jsonl"} {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			var c struct{ Turns []string }
			if json.Unmarshal([]byte(line), &c) == nil {
				texts = append(texts, c.Turns...)
			}
		}
	}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	kinds, skipped := 0, 0
	for _, s := range texts {
		may := recordCues.mayMatch(strings.ToLower(s))
		if kind := parseRecordQuestion(s, now).kind(); kind != "" {
			kinds++
			if !may {
				t.Errorf("%q has kind %q but recordCues does not match", s, kind)
			}
		}
		if !may {
			skipped++
		}
	}
	if kinds < 5 || skipped < 5 {
		t.Errorf("%d texts with a record kind and %d skipped of %d: the check tests too little", kinds, skipped, len(texts))
	}
}
