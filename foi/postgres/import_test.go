package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/postgres"
)

func TestImportLeavesNewerRows(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	at := time.Date(2025, 5, 1, 10, 0, 0, 0, time.UTC)
	disc := func(id, title string, sources ...string) *foi.Disclosure {
		return &foi.Disclosure{ID: id, Reference: "FOI-2025-" + id, Title: title, Received: at, Status: foi.StatusSuccessful,
			Law: foi.LawFOIA, Sources: sources}
	}
	// In PostgreSQL already: "a" republished since, and "b" merged into
	// "c" (recorded as a removal).
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{disc("a", "newer title"), disc("b", "b")}); err != nil {
		t.Fatal(err)
	}
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Published: disc("c", "c", "c", "b")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AuditDigest(ctx, "x"); err != nil { // makes the schema's own audit key
		t.Fatal(err)
	}
	v0, err := s.LogVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	in := postgres.Import{
		Disclosures: []*foi.Disclosure{disc("a", "older title"), disc("b", "b"), disc("d", "d")},
		AuditKey:    []byte("0123456789abcdef0123456789abcdef"),
	}
	counts, err := s.Import(ctx, in, postgres.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	byTable := map[string]int{}
	for _, c := range counts {
		byTable[c.Table] = c.Copied
		if c.Table == "foi_audit_key" && !strings.Contains(c.Note, "another audit key") {
			t.Errorf("audit key note = %q, want it to say the schema had another key", c.Note)
		}
	}
	if byTable["foi_disclosures"] != 1 {
		t.Errorf("copied %d disclosures, want 1 (d)", byTable["foi_disclosures"])
	}
	if d, err := s.FindDisclosureByID(ctx, "a"); err != nil || d.Title != "newer title" {
		t.Errorf("a = %+v, %v; want the newer title kept", d, err)
	}
	if _, err := s.FindDisclosureByID(ctx, "b"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("b, merged away in PostgreSQL: error = %v, want ErrNotFound", err)
	}
	v, changed, _, err := s.DisclosureChanges(ctx, v0)
	if err != nil || v != v0+1 || len(changed) != 1 || changed[0].ID != "d" {
		t.Errorf("changes since %d = version %d, %d changed, %v; want d at version %d", v0, v, len(changed), err, v0+1)
	}
}

func TestImportRuleLimit(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	var in postgres.Import
	for i := 0; i <= foi.MaxRules; i++ {
		in.Rules = append(in.Rules, foi.Rule{ID: int64(i + 1), Pattern: strings.Repeat("x", i+1), Replacement: "[removed]",
			Created: time.Date(2025, 1, 1, 0, 0, i, 0, time.UTC)})
	}
	if _, err := s.Import(ctx, in, postgres.ImportOptions{}); !errors.Is(err, foi.ErrConflict) {
		t.Fatalf("importing %d rules: error = %v, want ErrConflict", len(in.Rules), err)
	}
	if rules, err := s.FindRules(ctx, foi.RuleFilter{}); err != nil || len(rules) != 0 {
		t.Errorf("after the refused import: %d rules, %v; want none", len(rules), err)
	}
}
