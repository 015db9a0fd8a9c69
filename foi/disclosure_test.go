package foi

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestDisclosureFromDocument(t *testing.T) {
	doc := &corpus.Document{
		ID:    "foi/requests/potholes.json",
		Kind:  corpus.KindFOI,
		Title: "Potholes on Mill Lane",
		URL:   "https://www.whatdotheyknow.com/request/potholes",
		Date:  d("2024-03-13"),
		Meta:  map[string]string{"status": "Partially successful", "law": "foi", "reference": "FOI 947509"},
		Sections: []corpus.Section{
			{Headings: []string{"Request (13 March 2024)"}, Text: "How many potholes?"},
			{Headings: []string{"Response 1 (10 April 2024)"}, Text: "There were 41. Officer names are withheld under section 40(2)."},
			{Headings: []string{"Follow-up 1 (11 April 2024)"}, Text: "Please review."},
			{Headings: []string{"Response 2 (2 May 2024)"}, Text: "The review upholds s.40 and adds s.43(2)."},
		},
	}
	got := DisclosureFromDocument(doc)
	var cited []string
	for _, e := range got.Exemptions {
		cited = append(cited, e.Citation())
	}
	if diff := cmp.Diff([]string{"s.40(2) FOIA", "s.43(2) FOIA"}, cited); diff != "" {
		t.Errorf("exemptions mismatch (-want +got):\n%s", diff)
	}
	if got.Status != StatusPartiallySuccessful || got.Law != LawFOIA || got.Reference != "FOI 947509" ||
		got.SourceID != doc.ID || got.ID != doc.ID || !got.Received.Equal(doc.Date) {
		t.Errorf("disclosure = %+v", got)
	}
	if got.RequestText != "How many potholes?\n\nPlease review." {
		t.Errorf("RequestText = %q", got.RequestText)
	}
	if !strings.HasPrefix(got.ResponseText, "There were 41.") || !strings.HasSuffix(got.ResponseText, "adds s.43(2).") {
		t.Errorf("ResponseText = %q", got.ResponseText)
	}
	unknown := DisclosureFromDocument(&corpus.Document{ID: "x", Meta: map[string]string{"status": "???"}})
	if unknown.Status != StatusWaitingClassification || unknown.Law != LawFOIA {
		t.Errorf("unknown meta gives %s %s", unknown.Status, unknown.Law)
	}
}

// TestDetectExemptionsWDTK runs DetectExemptions over the replies in
// every WhatDoTheyKnow thread. Refusals must mostly cite something; every
// citation must be in the table.
func TestDetectExemptionsWDTK(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(wdtkDir, "*.json"))
	if len(files) == 0 {
		t.Skipf("corpus not present at %s", wdtkDir)
	}
	type tally struct{ threads, cited int }
	byStatus := map[Status]*tally{}
	counts := map[string]int{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var th struct {
			DisplayStatus string `json:"display_status"`
			Events        []struct {
				Type    string   `json:"type"`
				Content []string `json:"content"`
			} `json:"events"`
		}
		if err := json.Unmarshal(b, &th); err != nil {
			t.Fatal(err)
		}
		st, err := ParseStatus(th.DisplayStatus)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		var replies []string
		for _, e := range th.Events {
			if e.Type == "incoming" {
				replies = append(replies, strings.Join(e.Content, "\n"))
			}
		}
		es := DetectExemptions(strings.Join(replies, "\n"), LawFOIA)
		if byStatus[st] == nil {
			byStatus[st] = &tally{}
		}
		byStatus[st].threads++
		if len(es) > 0 {
			byStatus[st].cited++
		}
		for _, e := range es {
			if _, ok := LookupExemption(e.Law, e.Section); !ok {
				t.Errorf("%s: %s is not in the table", filepath.Base(f), e.Citation())
			}
			counts[e.Key()]++
		}
	}
	for st, n := range byStatus {
		t.Logf("%-28s %3d threads, %3d cite an exemption", st, n.threads, n.cited)
	}
	t.Logf("citations by exemption: %v", counts)
	if r := byStatus[StatusRejected]; r == nil || r.cited*2 < r.threads {
		t.Errorf("refused threads citing an exemption: %+v, want at least half", r)
	}
	if counts["foia:40"] == 0 || counts["foia:12"] == 0 {
		t.Errorf("no s.40 or s.12 citations found: %v", counts)
	}
}
