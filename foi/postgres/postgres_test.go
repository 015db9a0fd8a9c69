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

func TestConformance(t *testing.T) {
	foitest.TestStore(t, func(t *testing.T) foi.Store { return MustOpen(t) })
}

// TestCalendarDayKept checks a request received just after midnight in
// British Summer Time keeps its offset, and so its calendar day.
func TestCalendarDayKept(t *testing.T) {
	ctx := context.Background()
	s := MustOpen(t)
	bst := time.FixedZone("BST", 3600)
	r := &foi.Request{Name: "A", Email: "a@example.org", Description: "x", Law: foi.LawFOIA,
		Status: foi.StatusWaitingResponse, Received: time.Date(2026, 6, 2, 0, 30, 0, 0, bst)}
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRequestByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if y, m, d := got.Received.Date(); y != 2026 || m != 6 || d != 2 {
		t.Errorf("received on %d-%02d-%02d, want 2026-06-02 (the offset lost?)", y, m, d)
	}
	if n, err := s.CountDisclosures(ctx); err != nil || n != 0 {
		t.Errorf("CountDisclosures = %d, %v; want 0", n, err)
	}
}
