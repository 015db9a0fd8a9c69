package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/foitest"
	"github.com/townhall-civic/townhall/foi/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// MustOpen opens a store in a schema of its own, dropped with everything
// in it when the test ends.
func MustOpen(tb testing.TB) *postgres.Store {
	tb.Helper()
	url := pgtest.URL(tb)
	schema := pgtest.Schema(tb, url, "test_foi_")
	s, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, MaxConns: 4})
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

var _ foitest.RedactionStore = (*postgres.Store)(nil)

func TestConformance(t *testing.T) {
	foitest.TestStore(t, func(t *testing.T) foi.Store { return MustOpen(t) })
}

func TestRedactionStore(t *testing.T) {
	foitest.TestRedactionStore(t, func(t *testing.T) foitest.RedactionStore { return MustOpen(t) })
}

// TestCountDisclosuresEmpty checks a new store counts no disclosures. A
// request's calendar day is the conformance suite's (ReceivedKeepsItsDay).
func TestCountDisclosuresEmpty(t *testing.T) {
	s := MustOpen(t)
	if n, err := s.CountDisclosures(context.Background()); err != nil || n != 0 {
		t.Errorf("CountDisclosures = %d, %v; want 0", n, err)
	}
}

// TestAuditDigestKeptAcrossOpens checks the audit trail's digest of a
// removed name can be confirmed with AuditDigest, from the same store and
// from a second one opened on the same schema (the key is stored, not
// made per process).
func TestAuditDigestKeptAcrossOpens(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_foi_")
	open := func() *postgres.Store {
		s, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	d := &foi.Disclosure{ID: "d1", Title: "Potholes", Law: foi.LawFOIA, Status: foi.StatusSuccessful,
		Received: time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)}
	pub := foi.Publication{Draft: d, Published: d, Audit: []foi.AuditEntry{
		{Field: "RequestText", Kind: foi.KindName, Start: 0, End: 10, Original: "Jane Smith", Replacement: "[name removed]"}}}
	if err := a.PublishDisclosures(ctx, []foi.Publication{pub}); err != nil {
		t.Fatal(err)
	}
	reds, err := b.FindRedactions(ctx, "d1")
	if err != nil || len(reds) != 1 {
		t.Fatalf("FindRedactions = %+v, %v; want one entry", reds, err)
	}
	for _, s := range []*postgres.Store{a, b} {
		want, err := s.AuditDigest(ctx, "Jane Smith")
		if err != nil {
			t.Fatal(err)
		}
		if reds[0].Digest != want {
			t.Errorf("stored digest %s, AuditDigest gives %s", reds[0].Digest, want)
		}
	}
	if other, _ := b.AuditDigest(ctx, "John Smith"); other == reds[0].Digest {
		t.Error("two names share a digest")
	}
}

// TestLogVersion checks every change to the disclosure log advances the
// version, a failed one does not, and reads leave it alone.
func TestLogVersion(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	version := func() int64 {
		t.Helper()
		v, err := s.LogVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v0 := version()
	d := &foi.Disclosure{ID: "a", Title: "Potholes", Law: foi.LawFOIA, Status: foi.StatusSuccessful,
		Received: time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)}
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{d}); err != nil {
		t.Fatal(err)
	}
	v1 := version()
	if v1 <= v0 {
		t.Errorf("PutDisclosures left the version at %d", v1)
	}
	// Same count, changed text: a republication.
	d.Title = "Potholes [place removed]"
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Draft: d, Published: d}}); err != nil {
		t.Fatal(err)
	}
	v2 := version()
	if v2 <= v1 {
		t.Errorf("PublishDisclosures left the version at %d", v2)
	}
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Published: &foi.Disclosure{}}}); err == nil {
		t.Fatal("publishing a disclosure without an ID succeeded")
	}
	if _, _, err := s.FindDisclosures(ctx, foi.DisclosureFilter{}); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != v2 {
		t.Errorf("a failed publication or a read moved the version from %d to %d", v2, v)
	}
}

// TestDisclosureChanges checks an index can follow the log by version:
// what was written and what was merged away since a version it saw.
func TestDisclosureChanges(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	ids := func(ds []*foi.Disclosure) []string {
		out := []string{}
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	changes := func(since int64) (int64, string, string) {
		t.Helper()
		v, changed, removed, err := s.DisclosureChanges(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		return v, strings.Join(ids(changed), ","), strings.Join(removed, ",")
	}
	day := time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)
	row := &foi.Disclosure{ID: "log.csv#row-1", Title: "Potholes", Law: foi.LawFOIA, Status: foi.StatusSuccessful, Received: day}
	thread := &foi.Disclosure{ID: "requests/potholes.json", Title: "Potholes", Law: foi.LawFOIA, Status: foi.StatusSuccessful, Received: day}
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{row, thread}); err != nil {
		t.Fatal(err)
	}
	v1, changed, removed := changes(0)
	if changed != "log.csv#row-1,requests/potholes.json" || removed != "" {
		t.Errorf("since 0: changed %q removed %q", changed, removed)
	}
	merged := thread.Clone()
	merged.Sources = []string{thread.ID, row.ID}
	if err := s.PublishDisclosures(ctx, []foi.Publication{{Draft: merged, Published: merged}}); err != nil {
		t.Fatal(err)
	}
	v2, changed, removed := changes(v1)
	if v2 <= v1 || changed != "requests/potholes.json" || removed != "log.csv#row-1" {
		t.Errorf("since %d: version %d, changed %q removed %q; want the merged thread and the row removed", v1, v2, changed, removed)
	}
	if v, changed, removed := changes(v2); v != v2 || changed != "" || removed != "" {
		t.Errorf("since the latest: version %d, changed %q removed %q; want nothing", v, changed, removed)
	}
	// Published again, the row is no longer a removal.
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{row}); err != nil {
		t.Fatal(err)
	}
	if _, changed, removed := changes(v2); changed != "log.csv#row-1" || removed != "" {
		t.Errorf("after republishing the row: changed %q removed %q", changed, removed)
	}
}
