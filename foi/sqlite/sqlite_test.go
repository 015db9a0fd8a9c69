package sqlite_test

import (
	"context"
	"errors"
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

// TestReceivedKeepsItsDay checks that an instant keeps its offset, and so
// its calendar day, through the store: deadlines are counted from the
// day of receipt in the council's zone.
func TestReceivedKeepsItsDay(t *testing.T) {
	ctx := context.Background()
	s := MustOpenStore(t)
	bst := time.FixedZone("BST", 3600)
	r := &foi.Request{Name: "A", Email: "a@example.org", Description: "x", Law: foi.LawFOIA,
		Nation: foi.NationEnglandWales, Status: foi.StatusWaitingResponse,
		Received: time.Date(2026, 6, 2, 0, 30, 0, 0, bst)} // 1 June 23:30 UTC
	if err := s.CreateRequest(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRequestByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if y, m, d := got.Received.Date(); y != 2026 || m != 6 || d != 2 {
		t.Errorf("Received day = %d-%02d-%02d, want 2026-06-02", y, m, d)
	}
}

func TestPublishDisclosuresKeepsAudit(t *testing.T) {
	ctx := context.Background()
	s := MustOpenStore(t)
	s.Now = func() time.Time { return time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC) }
	d := &foi.Disclosure{ID: "t1", Title: "Trees", RequestText: "Dear council,\n\nYours faithfully,\nJane Smith",
		Status: foi.StatusSuccessful, Law: foi.LawFOIA}
	red, audit, err := foi.RedactDisclosure(d, foi.DetectOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) == 0 {
		t.Fatal("RedactDisclosure found nothing to redact in a signed request")
	}
	if err := s.PublishDisclosures(ctx, []*foi.Disclosure{red}, map[string][]foi.AuditEntry{"t1": audit}); err != nil {
		t.Fatal(err)
	}
	got, err := s.FindRedactions(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(audit) || got[0].Original != audit[0].Original || got[0].Field != "RequestText" {
		t.Errorf("FindRedactions = %+v, want %d entries like %+v", got, len(audit), audit[0])
	}
	stored, _ := s.FindDisclosureByID(ctx, "t1")
	if stored.RequestText != red.RequestText {
		t.Errorf("stored RequestText = %q, want the redacted %q", stored.RequestText, red.RequestText)
	}

	// All or none: a bad disclosure leaves neither rows nor audit behind.
	err = s.PublishDisclosures(ctx, []*foi.Disclosure{{ID: "t2", Title: "ok"}, {Title: "no id"}},
		map[string][]foi.AuditEntry{"t2": audit})
	if !errors.Is(err, foi.ErrInvalid) {
		t.Fatalf("PublishDisclosures with an empty ID: error = %v, want ErrInvalid", err)
	}
	if _, err := s.FindDisclosureByID(ctx, "t2"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("failed publication stored t2: error = %v, want ErrNotFound", err)
	}
	if a, _ := s.FindRedactions(ctx, "t2"); len(a) != 0 {
		t.Errorf("failed publication kept %d audit entries", len(a))
	}
}
