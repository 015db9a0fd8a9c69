package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/foitest"
	"github.com/townhall-civic/townhall/foi/sqlite"
)

// MustOpenStore opens a store in a fresh temporary folder and closes it
// when the test ends.
func MustOpenStore(tb testing.TB) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), filepath.Join(tb.TempDir(), "foi.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	foitest.TestStore(t, func(t *testing.T) foi.Store { return MustOpenStore(t) })
}

func TestReopenKeepsDataAndMigratesOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "foi.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	d := &foi.Disclosure{ID: "a", Title: "Potholes", Status: foi.StatusSuccessful, Law: foi.LawFOIA,
		Received: time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC)}
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{d}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	got, err := s.FindDisclosureByID(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Potholes" {
		t.Errorf("Title = %q, want %q", got.Title, "Potholes")
	}
}

func TestRedactionStore(t *testing.T) {
	foitest.TestRedactionStore(t, func(t *testing.T) foitest.RedactionStore { return MustOpenStore(t) })
}

// TestOpenDigestsClearAudit checks that removed text an older version
// kept in clear in the audit trail is replaced by its digest on Open.
func TestOpenDigestsClearAudit(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "foi.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec(`INSERT INTO redactions (disclosure_id, published_at, field, kind, start_byte, end_byte,
		original, replacement, rule) VALUES ('t1', '2025-01-01T00:00:00Z', 'RequestText', 'name', 3, 13, 'Jane Smith', '[name removed]', 'Jane')`)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.FindRedactions(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.AuditDigest(ctx, "Jane Smith")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Digest != want || got[0].Original != "" {
		t.Errorf("FindRedactions = %+v, want one entry with digest %s", got, want)
	}
	db, _ = sql.Open("sqlite", path)
	defer db.Close()
	var clear int
	if err := db.QueryRow(`SELECT count(*) FROM redactions WHERE original != '' OR rule != ''`).Scan(&clear); err != nil {
		t.Fatal(err)
	}
	if clear != 0 {
		t.Errorf("%d audit rows still hold text in clear", clear)
	}
}
