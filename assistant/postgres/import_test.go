package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/assistant/postgres"
)

func TestImportKeepsWhatIsThere(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	at := time.Date(2026, 3, 2, 10, 0, 0, 123000, time.UTC)

	// Already in PostgreSQL before the copy: a request whose reference
	// differs from a copied one only in case, and hand-off id 1.
	here := &assistant.ServiceRequest{Reference: "sr-2026-000001", Service: "graffiti", Answers: map[string]string{}, Created: at}
	if err := db.CreateServiceRequest(ctx, here); err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueHandoff(ctx, assistant.Handoff{ConversationID: "web-here", Channel: assistant.ChannelWeb, At: at}); err != nil {
		t.Fatal(err)
	}

	in := postgres.Import{
		Conversations: []*assistant.Conversation{{ID: "web-old", Channel: assistant.ChannelWeb, Created: at, Updated: at,
			Turns: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "hi", At: at}}}},
		ServiceRequests: []*assistant.ServiceRequest{
			{Reference: "SR-2026-000001", Service: "pothole", Answers: map[string]string{}, Created: at},
			{Reference: "SR-2026-000002", Service: "pothole", Answers: map[string]string{}, Created: at},
		},
		Sequences: map[int]int64{2026: 2},
		Handoffs: []*assistant.QueuedHandoff{
			{ID: 1, Handoff: assistant.Handoff{ConversationID: "web-old", Channel: assistant.ChannelWeb, At: at}, Status: assistant.HandoffClosed},
			{ID: 7, Handoff: assistant.Handoff{ConversationID: "web-here", Channel: assistant.ChannelWeb, At: at.Add(time.Hour)}, Status: assistant.HandoffWaiting},
		},
	}
	counts, err := db.Import(ctx, in, postgres.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]int{ // read, copied, present
		"conversations": {1, 1, 0}, "turns": {1, 1, 0}, "service_requests": {2, 1, 1},
		"service_request_sequences": {1, 1, 0},
		// web-here already waits in PostgreSQL: the copied open entry is left out.
		"handoffs": {2, 1, 1},
	}
	for _, c := range counts {
		if got := [3]int{c.Read, c.Copied, c.Present}; got != want[c.Table] {
			t.Errorf("%s: read, copied, present = %v, want %v", c.Table, got, want[c.Table])
		}
	}
	got, err := db.FindServiceRequestByReference(ctx, "SR-2026-000001")
	if err != nil || got.Service != "graffiti" {
		t.Errorf("SR-2026-000001 = %+v, %v; want the request already there (graffiti) kept", got, err)
	}
	// Hand-off id 1 was taken, so the copied one got a new id, and the
	// sequence moved past every id.
	hs, err := db.ListHandoffs(ctx, assistant.HandoffFilter{})
	if err != nil || len(hs) != 2 || hs[0].ConversationID != "web-here" || hs[1].ConversationID != "web-old" || hs[1].ID == 1 {
		t.Fatalf("hand-offs = %+v, %v; want web-here as 1 and web-old with a new id", hs, err)
	}
	if err := db.EnqueueHandoff(ctx, assistant.Handoff{ConversationID: "web-next", At: at}); err != nil {
		t.Fatal(err)
	}
	if hs, _ := db.ListHandoffs(ctx, assistant.HandoffFilter{}); hs[len(hs)-1].ID <= hs[1].ID {
		t.Errorf("a new hand-off took id %d, not past %d", hs[len(hs)-1].ID, hs[1].ID)
	}
	next := &assistant.ServiceRequest{Service: "pothole", Answers: map[string]string{}, Created: at}
	if err := db.CreateServiceRequest(ctx, next); err != nil || next.Reference != "SR-2026-000003" {
		t.Errorf("next reference = %q, %v; want SR-2026-000003", next.Reference, err)
	}

	// Again: nothing is copied twice.
	counts, err = db.Import(ctx, in, postgres.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range counts {
		if c.Copied != 0 {
			t.Errorf("second import copied %d rows of %s, want 0", c.Copied, c.Table)
		}
	}
}

func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	in := postgres.Import{
		Conversations:   []*assistant.Conversation{{ID: "web-1", Channel: assistant.ChannelWeb}},
		ServiceRequests: []*assistant.ServiceRequest{{Reference: "SR-2026-000001"}}, // no service: refused
	}
	if _, err := db.Import(ctx, in, postgres.ImportOptions{}); !errors.Is(err, assistant.ErrInvalid) {
		t.Fatalf("Import error = %v, want ErrInvalid", err)
	}
	if _, err := db.FindConversationByID(ctx, "web-1"); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("after a failed import FindConversationByID error = %v, want ErrNotFound", err)
	}
	// A dry run counts and leaves nothing.
	in.ServiceRequests[0].Service = "pothole"
	counts, err := db.Import(ctx, in, postgres.ImportOptions{DryRun: true})
	if err != nil || counts[0].Copied != 1 || counts[2].Copied != 1 {
		t.Fatalf("dry run = %+v, %v; want one conversation and one request to copy", counts, err)
	}
	if _, err := db.FindServiceRequestByReference(ctx, "SR-2026-000001"); !errors.Is(err, assistant.ErrNotFound) {
		t.Errorf("after a dry run FindServiceRequestByReference error = %v, want ErrNotFound", err)
	}
}
