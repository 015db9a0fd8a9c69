package postgres_test

import (
	"context"
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
