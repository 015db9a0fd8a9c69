package foitest

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/foi"
)

// TestRedactionStore is the conformance suite for the redaction side of
// a store: foi.Publisher, foi.DraftStore, foi.AuditLog and foi.RuleStore.
// open must return a new, empty store for each call.
func TestRedactionStore(t *testing.T, open func(t *testing.T) RedactionStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s RedactionStore)
	}{
		{"PublishKeepsDraftAndDigestOnly", testPublishKeepsDraftAndDigestOnly},
		{"PublishRemovesMergedSources", testPublishRemovesMergedSources},
		{"PublishAllOrNone", testPublishAllOrNone},
		{"Rules", testRules},
		{"RuleLimit", testRuleLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var hexDigest = regexp.MustCompile(`^[0-9a-f]{64}$`)

func testPublishKeepsDraftAndDigestOnly(t *testing.T, s RedactionStore) {
	ctx := context.Background()
	draft := newDisclosure("t1", "2025-03-01 10:00")
	draft.RequestText = "Dear Council,\nHow many potholes on Mill Lane?\nYours faithfully,\nMarta Nowak"
	draft.ResponseText = "Dear Ms Nowak,\nThere were 41. Case ref TV/2025/77.\nKind regards,\nFOI Team"
	rule := foi.Rule{ID: 9, Pattern: `TV/\d{4}/\d+`, Regexp: true, Replacement: "[case reference removed]"}
	pub, err := foi.Prepare(draft, foi.DetectOptions{}, []foi.Rule{rule})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PublishDisclosures(ctx, []foi.Publication{pub}); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindDisclosureByID(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(got.RequestText+got.ResponseText, "Nowak") || strings.Contains(got.ResponseText, "TV/2025/77") {
		t.Errorf("published text keeps removed data: %q / %q", got.RequestText, got.ResponseText)
	}
	gotDraft, err := s.FindDraft(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(draft, gotDraft, cmpOpts...); diff != "" {
		t.Errorf("FindDraft mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.FindDraft(ctx, "missing"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("FindDraft(missing) error = %v, want ErrNotFound", err)
	}
	reds, err := s.FindRedactions(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(reds) != len(pub.Audit) {
		t.Fatalf("FindRedactions gave %d entries, want %d", len(reds), len(pub.Audit))
	}
	digests := map[string]bool{}
	var ruleEntries int
	for i, r := range reds {
		want := pub.Audit[i]
		if r.DisclosureID != "t1" || r.Field != want.Field || r.Kind != want.Kind || r.Start != want.Start ||
			r.End != want.End || r.Replacement != want.Replacement || r.RuleID != want.RuleID {
			t.Errorf("entry %d = %+v, want the fields of %+v", i, r, want)
		}
		if r.Original != "" || r.Rule != "" {
			t.Errorf("entry %d keeps text in clear: Original %q, Rule %q", i, r.Original, r.Rule)
		}
		if !hexDigest.MatchString(r.Digest) {
			t.Errorf("entry %d digest %q, want 64 hex digits", i, r.Digest)
		}
		if r.PublishedAt.IsZero() {
			t.Errorf("entry %d has no publication time", i)
		}
		digests[r.Digest] = true
		if r.RuleID == 9 {
			ruleEntries++
		}
	}
	if ruleEntries != 1 {
		t.Errorf("%d entries carry rule 9, want 1", ruleEntries)
	}
	// "Marta Nowak" and "Ms Nowak" are different texts: different digests.
	if len(digests) < 2 {
		t.Errorf("digests are not distinct: %v", digests)
	}
	// A second publication adds to the trail.
	if err := s.PublishDisclosures(ctx, []foi.Publication{pub}); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.FindRedactions(ctx, "t1"); len(again) != 2*len(pub.Audit) {
		t.Errorf("after republishing, %d audit entries, want %d", len(again), 2*len(pub.Audit))
	}
}

func testPublishRemovesMergedSources(t *testing.T, s RedactionStore) {
	ctx := context.Background()
	row := newDisclosure("log.csv#row-1", "2025-03-01 10:00")
	thread := newDisclosure("requests/potholes.json", "2025-03-01 10:00")
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Draft: row, Published: row}, {Draft: thread, Published: thread}}); err != nil {
		t.Fatal(err)
	}
	merged := thread.Clone()
	merged.Sources = []string{thread.ID, row.ID}
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Draft: merged, Published: merged}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindDisclosureByID(ctx, row.ID); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("merged-away disclosure still published: error = %v, want ErrNotFound", err)
	}
	if _, err := s.FindDraft(ctx, row.ID); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("merged-away draft still kept: error = %v, want ErrNotFound", err)
	}
	got, err := s.FindDisclosureByID(ctx, thread.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(merged.Sources, got.Sources); diff != "" {
		t.Errorf("Sources mismatch (-want +got):\n%s", diff)
	}
}

func testPublishAllOrNone(t *testing.T, s RedactionStore) {
	ctx := context.Background()
	ok := newDisclosure("ok", "2025-01-01 09:00")
	err := s.PublishDisclosures(ctx, []foi.Publication{{Draft: ok, Published: ok, Audit: []foi.AuditEntry{{Kind: foi.KindName, Original: "x"}}},
		{Published: &foi.Disclosure{Title: "no id"}}})
	if !errors.Is(err, foi.ErrInvalid) {
		t.Fatalf("PublishDisclosures with an empty ID: error = %v, want ErrInvalid", err)
	}
	if _, err := s.FindDisclosureByID(ctx, "ok"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("failed publication stored a disclosure: error = %v", err)
	}
	if a, _ := s.FindRedactions(ctx, "ok"); len(a) != 0 {
		t.Errorf("failed publication kept %d audit entries", len(a))
	}
}

func testRules(t *testing.T, s RedactionStore) {
	ctx := context.Background()
	bad := []foi.Rule{
		{Pattern: "", Comment: "why", Author: "ann"},
		{Pattern: "(unclosed", Regexp: true, Comment: "why", Author: "ann"},
		{Pattern: strings.Repeat("x", foi.MaxRulePatternLen+1), Comment: "why", Author: "ann"},
		{Pattern: "Jo", Author: "ann"},
		{Pattern: "Jo", Comment: "why"},
	}
	for _, r := range bad {
		if err := s.CreateRule(ctx, &r); !errors.Is(err, foi.ErrInvalid) {
			t.Errorf("CreateRule(%+v) error = %v, want ErrInvalid", r, err)
		}
	}
	global := foi.Rule{Pattern: "Flat 3", Replacement: "[address removed]", Comment: "a tenant's flat", Author: "ann"}
	scoped := foi.Rule{Pattern: `PC \d+`, Regexp: true, DisclosureID: "x", Comment: "officer numbers", Author: "bob", Created: at("2025-02-01 10:00")}
	for _, r := range []*foi.Rule{&global, &scoped} {
		if err := s.CreateRule(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.ID == 0 {
			t.Errorf("CreateRule left ID 0 for %q", r.Pattern)
		}
	}
	if global.Created.IsZero() {
		t.Error("CreateRule did not stamp Created")
	}
	ruleIDs := func(f foi.RuleFilter) []int64 {
		rs, err := s.FindRules(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		out := []int64{}
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tt := range []struct {
		name string
		f    foi.RuleFilter
		want []int64
	}{
		{"all", foi.RuleFilter{}, []int64{global.ID, scoped.ID}},
		{"for x", foi.RuleFilter{DisclosureID: "x"}, []int64{global.ID, scoped.ID}},
		{"for y", foi.RuleFilter{DisclosureID: "y"}, []int64{global.ID}},
	} {
		if diff := cmp.Diff(tt.want, ruleIDs(tt.f)); diff != "" {
			t.Errorf("FindRules %s mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
	rs, _ := s.FindRules(ctx, foi.RuleFilter{DisclosureID: "x"})
	if diff := cmp.Diff(scoped, rs[1], cmpOpts...); diff != "" {
		t.Errorf("stored rule mismatch (-want +got):\n%s", diff)
	}
	if err := s.DeleteRule(ctx, global.ID); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int64{scoped.ID}, ruleIDs(foi.RuleFilter{})); diff != "" {
		t.Errorf("after delete (-want +got):\n%s", diff)
	}
	if err := s.DeleteRule(ctx, global.ID); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("DeleteRule twice error = %v, want ErrNotFound", err)
	}
}

func testRuleLimit(t *testing.T, s RedactionStore) {
	ctx := context.Background()
	for i := 0; i < foi.MaxRules; i++ {
		r := foi.Rule{Pattern: "word" + strings.Repeat("x", i%7) + string(rune('a'+i%26)), Comment: "c", Author: "a"}
		if err := s.CreateRule(ctx, &r); err != nil {
			t.Fatalf("rule %d: %v", i, err)
		}
	}
	r := foi.Rule{Pattern: "one too many", Comment: "c", Author: "a"}
	if err := s.CreateRule(ctx, &r); !errors.Is(err, foi.ErrConflict) {
		t.Errorf("rule %d error = %v, want ErrConflict", foi.MaxRules+1, err)
	}
}
