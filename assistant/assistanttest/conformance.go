package assistanttest

// Conformance suites for the assistant's storage interfaces. They use only
// the assistant package's interfaces, so every implementation runs the
// same checks: assistant/sqlite, assistant/postgres and the in-memory
// stores of this package.

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/townhall-civic/townhall/assistant"
)

// at is the suites' clock reading. Stores need keep times to the
// microsecond only, as PostgreSQL's timestamptz does.
var at = time.Date(2026, 6, 16, 10, 30, 0, 123456000, time.UTC)

// TestConversationStore is the conformance suite for
// assistant.ConversationStore. open must return a new, empty store for
// each call; the suite calls it once per subtest.
func TestConversationStore(t *testing.T, open func(t *testing.T) assistant.ConversationStore) {
	ctx := context.Background()
	full := func() *assistant.Conversation {
		return &assistant.Conversation{
			ID: "conv-1", Channel: assistant.ChannelWhatsApp, Resident: "447700900123",
			Needs: assistant.Needs{ScreenReader: true, Language: "pl"},
			Turns: []assistant.Turn{
				{Seq: 1, Role: assistant.RoleResident, Text: "pothole outside 14 Elm Road", At: at},
				{Seq: 2, Role: assistant.RoleAssistant, Text: "Please describe it.", Intent: assistant.IntentServiceRequest, At: at.Add(time.Second),
					Citations: []assistant.Citation{{N: 1, DocID: "d1", Title: "Roads", URL: "https://example.gov.uk/roads", Page: 3}}},
			},
			Pending: &assistant.ServiceRequest{
				Service: "pothole", Location: assistant.Location{Address: "outside 14 Elm Road", Lat: 51.5, Lon: -2.6},
				Answers: map[string]string{"size": "Large"}, Asked: "description", Created: at,
			},
			FOI: &assistant.FOIDraft{
				Description: "spending on agency staff in 2025", Name: "Sam Jones", Email: "sam@example.org",
				Asked: "contact", Shown: true, Started: at,
			},
			Failures: 1, HandedOff: true, Created: at, Updated: at.Add(time.Second),
		}
	}
	equal := cmpopts.EquateEmpty()

	t.Run("round trip", func(t *testing.T) {
		s := open(t)
		want := full()
		if err := s.SaveConversation(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindConversationByID(ctx, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, equal); diff != "" {
			t.Errorf("conversation mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("replace", func(t *testing.T) {
		s := open(t)
		c := full()
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		// Grow, edit and shrink.
		c.Turns = append(c.Turns, assistant.Turn{Seq: 3, Role: assistant.RoleResident, Text: "it's deep", At: at})
		c.Turns[0].Text = "pothole outside 16 Elm Road"
		c.Pending, c.Failures, c.HandedOff = nil, 0, false
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindConversationByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got, equal); diff != "" {
			t.Errorf("after growing (-want +got):\n%s", diff)
		}
		c.Turns = c.Turns[:1]
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got, err = s.FindConversationByID(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got, equal); diff != "" {
			t.Errorf("after shrinking (-want +got):\n%s", diff)
		}
	})
	t.Run("copies", func(t *testing.T) {
		s := open(t)
		c := full()
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.Turns[0].Text, c.Pending.Answers["size"] = "changed after save", "changed"
		got, err := s.FindConversationByID(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Turns[0].Text != full().Turns[0].Text || got.Pending.Answers["size"] != "Large" {
			t.Errorf("store shares memory with the caller: got %q, %q", got.Turns[0].Text, got.Pending.Answers["size"])
		}
	})
	t.Run("not found", func(t *testing.T) {
		s := open(t)
		if _, err := s.FindConversationByID(ctx, "nope"); !errors.Is(err, assistant.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("empty id", func(t *testing.T) {
		s := open(t)
		if err := s.SaveConversation(ctx, &assistant.Conversation{}); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
}

// TestServiceRequests is the conformance suite for
// assistant.ServiceRequests. open must return a new, empty store for each
// call.
func TestServiceRequests(t *testing.T, open func(t *testing.T) assistant.ServiceRequests) {
	ctx := context.Background()
	request := func() *assistant.ServiceRequest {
		return &assistant.ServiceRequest{
			Service:     "street_light",
			Location:    assistant.Location{Address: "outside 3 Mill Lane", Postcode: "TV1 2AB", Lat: 51.4545, Lon: -2.5879},
			Description: "Flickering every night", Answers: map[string]string{"fault": "Flickering", "lamp_post": "27B"},
			Contact: "07700 900123", Channel: assistant.ChannelSMS, ConversationID: "conv-1",
			Status: "open", Created: at, Confirmed: true,
		}
	}
	t.Run("round trip with an assigned reference", func(t *testing.T) {
		s := open(t)
		r := request()
		if err := s.CreateServiceRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Reference == "" {
			t.Fatal("no reference assigned")
		}
		got, err := s.FindServiceRequestByReference(ctx, r.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("request mismatch (-want +got):\n%s", diff)
		}
		got.Answers["fault"] = "changed"
		if again, _ := s.FindServiceRequestByReference(ctx, r.Reference); again.Answers["fault"] != "Flickering" {
			t.Errorf("store shares memory with the caller")
		}
	})
	t.Run("given reference", func(t *testing.T) {
		s := open(t)
		r := request()
		r.Reference = "LEGACY-42"
		if err := s.CreateServiceRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Reference != "LEGACY-42" {
			t.Errorf("reference: got %q, want it kept", r.Reference)
		}
		dup := request()
		dup.Reference = "LEGACY-42"
		if err := s.CreateServiceRequest(ctx, dup); !errors.Is(err, assistant.ErrConflict) {
			t.Errorf("duplicate reference: got %v, want ErrConflict", err)
		}
	})
	t.Run("not found", func(t *testing.T) {
		s := open(t)
		if _, err := s.FindServiceRequestByReference(ctx, "SR-1999-000001"); !errors.Is(err, assistant.ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("unique references under concurrency", func(t *testing.T) {
		s := open(t)
		const n = 10
		refs := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := request()
				r.Description = fmt.Sprintf("report %d", i)
				errs[i] = s.CreateServiceRequest(ctx, r)
				refs[i] = r.Reference
			}()
		}
		wg.Wait()
		seen := map[string]int{}
		for i, ref := range refs {
			if errs[i] != nil {
				t.Fatalf("create %d: %v", i, errs[i])
			}
			if j, dup := seen[ref]; dup {
				t.Errorf("reference %q given to requests %d and %d", ref, j, i)
			}
			seen[ref] = i
			got, err := s.FindServiceRequestByReference(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf("report %d", i); got.Description != want {
				t.Errorf("%s: description %q, want %q", ref, got.Description, want)
			}
		}
	})
}

// HandoffStore is the hand-off queue and the staff console together,
// as a durable store implements them.
type HandoffStore interface {
	assistant.HandoffQueue
	assistant.HandoffConsole
}

// TestHandoffQueue is the conformance suite for an assistant.HandoffQueue
// with its assistant.HandoffConsole. open must return a new, empty store
// for each call.
func TestHandoffQueue(t *testing.T, open func(t *testing.T) HandoffStore) {
	ctx := context.Background()
	handoff := func(conv string) assistant.Handoff {
		return assistant.Handoff{
			ConversationID: conv, Channel: assistant.ChannelWeb, Resident: "web-" + conv,
			Reason: assistant.ReasonExplicit, OutOfHours: true, At: at,
			Transcript: []assistant.Turn{{Seq: 1, Role: assistant.RoleResident, Text: "speak to a person", At: at}},
		}
	}
	t.Run("queue order and round trip", func(t *testing.T) {
		s := open(t)
		for _, c := range []string{"a", "b", "c"} {
			if err := s.EnqueueHandoff(ctx, handoff(c)); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.ListHandoffs(ctx, assistant.HandoffFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("got %d hand-offs, want 3", len(got))
		}
		for i, c := range []string{"a", "b", "c"} {
			want := &assistant.QueuedHandoff{ID: got[i].ID, Handoff: handoff(c), Status: assistant.HandoffWaiting}
			if diff := cmp.Diff(want, got[i], cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("hand-off %d mismatch (-want +got):\n%s", i, diff)
			}
		}
		if limited, _ := s.ListHandoffs(ctx, assistant.HandoffFilter{Limit: 2}); len(limited) != 2 || limited[0].ConversationID != "a" {
			t.Errorf("limit 2: got %d starting %v", len(limited), limited)
		}
	})
	t.Run("a conversation waits once", func(t *testing.T) {
		s := open(t)
		first := handoff("a")
		if err := s.EnqueueHandoff(ctx, first); err != nil {
			t.Fatal(err)
		}
		again := handoff("a")
		again.Reason = assistant.ReasonFrustration
		again.Transcript = append(again.Transcript, assistant.Turn{Seq: 2, Role: assistant.RoleResident, Text: "hello??"})
		if err := s.EnqueueHandoff(ctx, again); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ListHandoffs(ctx, assistant.HandoffFilter{})
		if len(got) != 1 || got[0].Reason != assistant.ReasonFrustration || len(got[0].Transcript) != 2 {
			t.Fatalf("got %+v, want one entry brought up to date", got)
		}
		// Once closed, the conversation can be queued again.
		if _, err := s.CloseHandoff(ctx, got[0].ID, "alex", "called back"); err != nil {
			t.Fatal(err)
		}
		if err := s.EnqueueHandoff(ctx, handoff("a")); err != nil {
			t.Fatal(err)
		}
		waiting, _ := s.ListHandoffs(ctx, assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffWaiting}})
		if len(waiting) != 1 || waiting[0].ID == got[0].ID {
			t.Errorf("after closing: got %+v, want a new waiting entry", waiting)
		}
	})
	t.Run("claim and close", func(t *testing.T) {
		s := open(t)
		if err := s.EnqueueHandoff(ctx, handoff("a")); err != nil {
			t.Fatal(err)
		}
		list, _ := s.ListHandoffs(ctx, assistant.HandoffFilter{})
		id := list[0].ID
		h, err := s.ClaimHandoff(ctx, id, "alex")
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != assistant.HandoffClaimed || h.ClaimedBy != "alex" || h.ClaimedAt.IsZero() {
			t.Errorf("claimed: got %+v", h)
		}
		if _, err := s.ClaimHandoff(ctx, id, "alex"); err != nil {
			t.Errorf("claiming again by the same staff: got %v, want nil", err)
		}
		if _, err := s.ClaimHandoff(ctx, id, "sam"); !errors.Is(err, assistant.ErrConflict) {
			t.Errorf("claim by someone else: got %v, want ErrConflict", err)
		}
		if _, err := s.CloseHandoff(ctx, id, "sam", "x"); !errors.Is(err, assistant.ErrConflict) {
			t.Errorf("close by someone else: got %v, want ErrConflict", err)
		}
		if mine, _ := s.ListHandoffs(ctx, assistant.HandoffFilter{ClaimedBy: "alex"}); len(mine) != 1 {
			t.Errorf("claimed by alex: got %d, want 1", len(mine))
		}
		h, err = s.CloseHandoff(ctx, id, "alex", "rang the resident")
		if err != nil {
			t.Fatal(err)
		}
		if h.Status != assistant.HandoffClosed || h.Outcome != "rang the resident" || h.ClosedAt.IsZero() {
			t.Errorf("closed: got %+v", h)
		}
		if _, err := s.CloseHandoff(ctx, id, "alex", "again"); !errors.Is(err, assistant.ErrConflict) {
			t.Errorf("close twice: got %v, want ErrConflict", err)
		}
		if _, err := s.ClaimHandoff(ctx, id, "alex"); !errors.Is(err, assistant.ErrConflict) {
			t.Errorf("claim closed: got %v, want ErrConflict", err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		s := open(t)
		if err := s.EnqueueHandoff(ctx, assistant.Handoff{}); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("no conversation: got %v, want ErrInvalid", err)
		}
		if _, err := s.ClaimHandoff(ctx, 999, "alex"); !errors.Is(err, assistant.ErrNotFound) {
			t.Errorf("claim unknown: got %v, want ErrNotFound", err)
		}
		if _, err := s.CloseHandoff(ctx, 999, "alex", ""); !errors.Is(err, assistant.ErrNotFound) {
			t.Errorf("close unknown: got %v, want ErrNotFound", err)
		}
		if _, err := s.ClaimHandoff(ctx, 1, ""); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("claim without staff: got %v, want ErrInvalid", err)
		}
	})
}

// referenceFormat is a reference from the durable per-year sequence.
var referenceFormat = regexp.MustCompile(`^SR-\d{4}-\d{6}$`)

// TestDurableServiceRequests is the conformance suite for a durable
// assistant.ServiceRequests, on top of TestServiceRequests: references
// come from a per-year sequence in UK time with the "SR" prefix, are found
// whatever their case, and a request whose write failed is left without a
// reference, so it can never be acknowledged. open must return a new,
// empty store for each call.
func TestDurableServiceRequests(t *testing.T, open func(t *testing.T) assistant.ServiceRequests) {
	ctx := context.Background()
	t.Run("per-year sequence", func(t *testing.T) {
		s := open(t)
		create := func(created time.Time) string {
			t.Helper()
			r := &assistant.ServiceRequest{Service: assistant.ServicePothole, Created: created}
			if err := s.CreateServiceRequest(ctx, r); err != nil {
				t.Fatal(err)
			}
			return r.Reference
		}
		if got := create(at); got != "SR-2026-000001" {
			t.Errorf("first reference: got %q, want SR-2026-000001", got)
		}
		if got := create(at); got != "SR-2026-000002" {
			t.Errorf("second reference: got %q, want SR-2026-000002", got)
		}
		// The year is the UK's: 23:30 UTC on 31 December 2026 is still 2026
		// in London (GMT), and a new year starts a new sequence.
		if got := create(time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)); got != "SR-2026-000003" {
			t.Errorf("new year's eve: got %q, want SR-2026-000003", got)
		}
		if got := create(time.Date(2027, 1, 1, 0, 30, 0, 0, time.UTC)); got != "SR-2027-000001" {
			t.Errorf("new year: got %q, want SR-2027-000001", got)
		}
		if _, err := s.FindServiceRequestByReference(ctx, " sr-2026-000002 "); err != nil {
			t.Errorf("lower case lookup: got %v, want the request", err)
		}
	})
	t.Run("defaults", func(t *testing.T) {
		s := open(t)
		r := &assistant.ServiceRequest{Service: assistant.ServiceNoise}
		if err := s.CreateServiceRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
		if r.Created.IsZero() || r.Status != "open" || !referenceFormat.MatchString(r.Reference) {
			t.Errorf("defaults: got created %v, status %q, reference %q; want now, open, SR-YYYY-NNNNNN", r.Created, r.Status, r.Reference)
		}
		got, err := s.FindServiceRequestByReference(ctx, r.Reference)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Created.Equal(r.Created) {
			t.Errorf("stored created %v, want %v", got.Created, r.Created)
		}
	})
	t.Run("invalid", func(t *testing.T) {
		s := open(t)
		if err := s.CreateServiceRequest(ctx, &assistant.ServiceRequest{}); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("no service: got %v, want ErrInvalid", err)
		}
		if err := s.CreateServiceRequest(ctx, nil); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("nil: got %v, want ErrInvalid", err)
		}
	})
	t.Run("a failed write is not acknowledgeable", func(t *testing.T) {
		s := open(t)
		cancelled, cancel := context.WithCancel(ctx)
		cancel()
		r := &assistant.ServiceRequest{Service: assistant.ServicePothole}
		if err := s.CreateServiceRequest(cancelled, r); err == nil {
			t.Fatal("create with a cancelled context succeeded")
		}
		if r.Reference != "" {
			t.Errorf("reference %q set on a request that was not written", r.Reference)
		}
		if _, err := assistant.AcknowledgeServiceRequest(r); !errors.Is(err, assistant.ErrInvalid) {
			t.Errorf("acknowledge: got %v, want ErrInvalid", err)
		}
	})
}
