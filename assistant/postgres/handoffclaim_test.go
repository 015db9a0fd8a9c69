package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/postgres"
)

// TestHandoffClaim follows one conversation's hand-off through the
// queue: none open, waiting (no holder), claimed, closed (none open),
// and queued again (a new id, waiting).
func TestHandoffClaim(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	check := func(step string, wantID int64, wantStaff string, wantNone bool) {
		t.Helper()
		id, staff, err := db.HandoffClaim(ctx, "c1")
		switch {
		case wantNone:
			if !errors.Is(err, assistant.ErrNotFound) {
				t.Errorf("%s: HandoffClaim = %d, %q, %v; want ErrNotFound", step, id, staff, err)
			}
		case err != nil || id != wantID || staff != wantStaff:
			t.Errorf("%s: HandoffClaim = %d, %q, %v; want %d, %q", step, id, staff, err, wantID, wantStaff)
		}
	}
	check("nothing queued", 0, "", true)
	conv := &assistant.Conversation{ID: "c1", Channel: assistant.ChannelWeb, Resident: "web:s1",
		Turns: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "a person please", At: time.Now()}}}
	other := &assistant.Conversation{ID: "c2", Channel: assistant.ChannelWeb, Resident: "web:s2"}
	for _, c := range []*assistant.Conversation{other, conv} {
		if err := db.EnqueueHandoff(ctx, assistant.NewHandoff(c, assistant.ReasonExplicit, false, time.Now())); err != nil {
			t.Fatal(err)
		}
	}
	hs, err := db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 2 {
		t.Fatalf("ListHandoffs = %v, %v", hs, err)
	}
	first := hs[1].ID
	check("waiting", first, "", false)
	if _, err := db.ClaimHandoff(ctx, hs[0].ID, "Alex"); err != nil {
		t.Fatal(err)
	}
	check("another conversation claimed", first, "", false)
	if _, err := db.ClaimHandoff(ctx, first, "Sam"); err != nil {
		t.Fatal(err)
	}
	check("claimed", first, "Sam", false)
	if _, err := db.CloseHandoff(ctx, first, "Sam", "returned"); err != nil {
		t.Fatal(err)
	}
	check("closed", 0, "", true)
	if err := db.EnqueueHandoff(ctx, assistant.NewHandoff(conv, assistant.ReasonFrustration, false, time.Now())); err != nil {
		t.Fatal(err)
	}
	id, staff, err := db.HandoffClaim(ctx, "c1")
	if err != nil || id == first || staff != "" {
		t.Errorf("queued again: HandoffClaim = %d, %q, %v; want a new waiting hand-off", id, staff, err)
	}
}

// BenchmarkHandoffClaim measures the web chat's read of a handed-off
// conversation's holder with 200 hand-offs claimed (transcripts of 20
// turns): by conversation (HandoffClaim), and, as before it, by listing
// the claimed ones.
func BenchmarkHandoffClaim(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	for i := range 200 {
		c := &assistant.Conversation{ID: fmt.Sprint("c", i), Channel: assistant.ChannelWeb, Resident: "web:s"}
		for j := range 20 {
			c.Turns = append(c.Turns, assistant.Turn{Seq: j + 1, Role: assistant.RoleResident, Text: "a question of some length about a council service", At: time.Now()})
		}
		if err := db.EnqueueHandoff(ctx, assistant.NewHandoff(c, assistant.ReasonExplicit, false, time.Now())); err != nil {
			b.Fatal(err)
		}
	}
	hs, err := db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil {
		b.Fatal(err)
	}
	for _, h := range hs {
		if _, err := db.ClaimHandoff(ctx, h.ID, "Sam"); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("by-conversation", func(b *testing.B) {
		for b.Loop() {
			if _, staff, err := db.HandoffClaim(ctx, "c100"); err != nil || staff != "Sam" {
				b.Fatal(staff, err)
			}
		}
	})
	b.Run("list-claimed", func(b *testing.B) {
		for b.Loop() {
			if err := findClaim(ctx, db, "c100"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// findClaim is how the web chat found a holder before HandoffClaim.
func findClaim(ctx context.Context, db *postgres.DB, id string) error {
	hs, err := db.ListHandoffs(ctx, assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffClaimed}})
	if err != nil {
		return err
	}
	for _, h := range hs {
		if h.ConversationID == id {
			return nil
		}
	}
	return assistant.ErrNotFound
}
