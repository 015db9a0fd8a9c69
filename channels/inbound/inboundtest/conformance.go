package inboundtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

// t0 is the suite's start time. Stores need keep times to the
// millisecond only, as the SQLite store does.
var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func sms(id, from, text string) channels.Inbound {
	return channels.Inbound{ProviderID: id, From: channels.Identity{Channel: channels.SMS, Address: from}, Kind: channels.KindText, Text: text, Received: t0}
}

func wa(id, from, text string) channels.Inbound {
	m := sms(id, from, text)
	m.From.Channel = channels.WhatsApp
	return m
}

func claim(tb testing.TB, q Queue, kind inbound.Kind, now time.Time) *inbound.Job {
	tb.Helper()
	j, err := q.Claim(context.Background(), kind, now, time.Minute)
	if err != nil {
		tb.Fatalf("claim %s: %v", kind, err)
	}
	return j
}

func mustEmpty(tb testing.TB, q Queue, kind inbound.Kind, now time.Time) {
	tb.Helper()
	if j, err := q.Claim(context.Background(), kind, now, time.Minute); !errors.Is(err, inbound.ErrEmpty) {
		tb.Fatalf("claim %s: got %+v, %v; want ErrEmpty", kind, j, err)
	}
}

// TestStore runs the conformance suite against a backend; each subtest
// gets new storage.
func TestStore(t *testing.T, backend Backend) {
	for _, tc := range []struct {
		name string
		fn   func(*testing.T, func(Settings) Queue)
	}{
		{"DurableAcrossReopen", testDurableAcrossReopen},
		{"EnqueueIdempotent", testEnqueueIdempotent},
		{"OrderPerResident", testOrderPerResident},
		{"LeaseRecovery", testLeaseRecovery},
		{"DeadLetterAndRequeue", testDeadLetterAndRequeue},
		{"FinishQueuesReplies", testFinishQueuesReplies},
		{"HeldUntilResidentWrites", testHeldUntilResidentWrites},
		{"HeldRaceWithResident", testHeldRaceWithResident},
		{"ConversationIdle", testConversationIdle},
		{"SeenClaims", testSeenClaims},
		{"OptOutsAndPrune", testOptOutsAndPrune},
		{"BadInput", testBadInput},
		{"DeliveryReportsNeverGoBack", testDeliveryReportsNeverGoBack},
		{"DeliveryFailureRequeues", testDeliveryFailureRequeues},
		{"DeliveryOutsideWindowForgetsWindow", testDeliveryOutsideWindowForgetsWindow},
		{"HeldSince", testHeldSince},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, backend(t)) })
	}
}

func testDurableAcrossReopen(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	in := sms("SM1", "+447700900001", "When is my bin collected?")
	if created, err := q.EnqueueInbound(ctx, in); err != nil || !created {
		t.Fatalf("enqueue: created %v, err %v", created, err)
	}
	if err := q.SetOptedOut(ctx, channels.Identity{Channel: channels.SMS, Address: "+447700900009"}, true); err != nil {
		t.Fatal(err)
	}
	if err := q.Touch(ctx, channels.Identity{Channel: channels.WhatsApp, Address: "+447700900002"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Seen(ctx, "twilio:SM1"); err != nil {
		t.Fatal(err)
	}
	if err := q.Commit(ctx, "twilio:SM1"); err != nil {
		t.Fatal(err)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}

	q = open(Settings{Now: c.now})
	j := claim(t, q, inbound.KindInbound, c.now())
	if diff := cmp.Diff(&in, j.Inbound); diff != "" {
		t.Errorf("message after reopen (-want +got):\n%s", diff)
	}
	if out, err := q.OptedOut(ctx, channels.Identity{Channel: channels.SMS, Address: "+447700900009"}); err != nil || !out {
		t.Errorf("opted out after reopen: got %v, %v; want true", out, err)
	}
	if last, err := q.LastInbound(ctx, channels.Identity{Channel: channels.WhatsApp, Address: "+447700900002"}); err != nil || !last.Equal(t0) {
		t.Errorf("window after reopen: got %v, %v; want %v", last, err, t0)
	}
	if seen, err := q.Seen(ctx, "twilio:SM1"); err != nil || !seen {
		t.Errorf("seen after reopen: got %v, %v; want true", seen, err)
	}
}

func testEnqueueIdempotent(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	in := sms("SM1", "+447700900001", "hello")
	for i, want := range []bool{true, false, false} {
		created, err := q.EnqueueInbound(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if created != want {
			t.Errorf("enqueue %d: created %v, want %v", i, created, want)
		}
	}
	// Even once the first copy has been answered, a replay stores nothing.
	j := claim(t, q, inbound.KindInbound, c.now())
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	if created, err := q.EnqueueInbound(ctx, in); err != nil || created {
		t.Errorf("replay after done: created %v, err %v", created, err)
	}
	jobs, err := q.Jobs(ctx, inbound.KindInbound, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 {
		t.Errorf("jobs: got %d, want 1", len(jobs))
	}
	if _, err := q.EnqueueInbound(ctx, channels.Inbound{From: in.From}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("no provider id: got %v, want ErrInvalid", err)
	}
}

func testOrderPerResident(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	for _, m := range []channels.Inbound{
		sms("A1", "+447700900001", "first from A"),
		sms("B1", "+447700900002", "first from B"),
		sms("A2", "+447700900001", "second from A"),
		sms("A3", "+447700900001", "third from A"),
	} {
		if _, err := q.EnqueueInbound(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	a1 := claim(t, q, inbound.KindInbound, c.now())
	b1 := claim(t, q, inbound.KindInbound, c.now())
	if a1.Inbound.ProviderID != "A1" || b1.Inbound.ProviderID != "B1" {
		t.Fatalf("claimed %s, %s; want A1, B1", a1.Inbound.ProviderID, b1.Inbound.ProviderID)
	}
	// A2 waits for A1, even though a worker is free.
	mustEmpty(t, q, inbound.KindInbound, c.now())
	if err := q.Finish(ctx, b1.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	// A retry in backoff still holds A's later messages back.
	if err := q.Finish(ctx, a1.Lease, inbound.Result{State: inbound.StateQueued, NotBefore: c.now().Add(time.Minute), Error: "busy"}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, q, inbound.KindInbound, c.now())
	c.advance(time.Minute)
	again := claim(t, q, inbound.KindInbound, c.now())
	if again.Inbound.ProviderID != "A1" || again.Attempt != 2 {
		t.Fatalf("retry: got %s attempt %d, want A1 attempt 2", again.Inbound.ProviderID, again.Attempt)
	}
	if err := q.Finish(ctx, again.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	if j := claim(t, q, inbound.KindInbound, c.now()); j.Inbound.ProviderID != "A2" {
		t.Errorf("after A1: got %s, want A2", j.Inbound.ProviderID)
	} else if j.ConversationID != a1.ConversationID {
		t.Errorf("A2 in conversation %s, A1 in %s; want the same", j.ConversationID, a1.ConversationID)
	}
	if a1.ConversationID == b1.ConversationID {
		t.Errorf("residents A and B share conversation %s", a1.ConversationID)
	}
}

func testLeaseRecovery(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	if _, err := q.EnqueueInbound(ctx, sms("SM1", "+447700900001", "hello")); err != nil {
		t.Fatal(err)
	}
	first := claim(t, q, inbound.KindInbound, c.now())
	// The process dies holding the lease.
	q.Close()
	q = open(Settings{Now: c.now})
	c.advance(30 * time.Second)
	mustEmpty(t, q, inbound.KindInbound, c.now())
	c.advance(31 * time.Second)
	second := claim(t, q, inbound.KindInbound, c.now())
	if second.ID != first.ID || second.Attempt != 2 {
		t.Fatalf("recovered job %d attempt %d, want %d attempt 2", second.ID, second.Attempt, first.ID)
	}
	// The first worker, if it was only slow, cannot finish over the second.
	if err := q.Finish(ctx, first.Lease, inbound.Result{State: inbound.StateDone}); !errors.Is(err, inbound.ErrLeaseLost) {
		t.Errorf("finish with a lost lease: got %v, want ErrLeaseLost", err)
	}
	if err := q.Finish(ctx, second.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, q, inbound.KindInbound, c.now().Add(time.Hour))
	// A job that does not exist has no lease to finish with.
	if err := q.Finish(ctx, inbound.Lease{Kind: inbound.KindInbound, ID: first.ID + 1000, Attempt: 1}, inbound.Result{State: inbound.StateDone}); !errors.Is(err, inbound.ErrLeaseLost) {
		t.Errorf("finish an unknown job: got %v, want ErrLeaseLost", err)
	}
}

func testDeadLetterAndRequeue(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	for _, text := range []string{"one", "two"} {
		if err := q.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: text}, Source: inbound.SourceStaff}); err != nil {
			t.Fatal(err)
		}
	}
	j := claim(t, q, inbound.KindOutbound, c.now())
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDead, Error: "permanent: invalid number"}); err != nil {
		t.Fatal(err)
	}
	// A dead job no longer holds the resident's later messages back.
	if next := claim(t, q, inbound.KindOutbound, c.now()); next.Outbound.Text != "two" || next.Source != inbound.SourceStaff {
		t.Errorf("after dead letter: got %q from %s, want \"two\" from staff", next.Outbound.Text, next.Source)
	}
	dead, err := q.Jobs(ctx, inbound.KindOutbound, 0, inbound.StateDead)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].LastError != "permanent: invalid number" || dead[0].Attempts != 1 {
		t.Fatalf("dead letters: got %+v", dead)
	}
	if err := q.Requeue(ctx, inbound.KindOutbound, dead[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := q.Requeue(ctx, inbound.KindOutbound, dead[0].ID); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("requeue a queued job: got %v, want ErrInvalid", err)
	}
	if err := q.Requeue(ctx, inbound.Kind("carrier pigeon"), dead[0].ID); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("requeue an unknown kind: got %v, want ErrInvalid", err)
	}
	counts, err := q.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[inbound.State]int{inbound.StateQueued: 1, inbound.StateLeased: 1}
	if diff := cmp.Diff(want, counts[inbound.KindOutbound]); diff != "" {
		t.Errorf("outbound counts (-want +got):\n%s", diff)
	}
	if byID, err := q.Jobs(ctx, inbound.KindOutbound, dead[0].ID); err != nil || len(byID) != 1 || byID[0].State != inbound.StateQueued || byID[0].Attempts != 0 {
		t.Errorf("requeued job: got %+v, %v; want queued with 0 attempts", byID, err)
	}
}

func testFinishQueuesReplies(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	in := sms("SM1", "+447700900001", "hello")
	if _, err := q.EnqueueInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	j := claim(t, q, inbound.KindInbound, c.now())
	reply := channels.Outbound{To: in.From, Text: "Hello. Ask me about council services."}
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone, Replies: []inbound.Reply{{Message: reply, Source: inbound.SourceAnswer}}}); err != nil {
		t.Fatal(err)
	}
	out := claim(t, q, inbound.KindOutbound, c.now())
	if diff := cmp.Diff(&reply, out.Outbound); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if out.Resident != "sms:+447700900001" || out.Source != inbound.SourceAnswer {
		t.Errorf("reply job: resident %q source %q", out.Resident, out.Source)
	}
	if err := q.Finish(ctx, out.Lease, inbound.Result{State: inbound.StateHeld}); err != nil {
		t.Fatal(err)
	}
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("holding an inbound job: got %v, want ErrInvalid", err)
	}
}

func testHeldUntilResidentWrites(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := q.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: "Your pothole report is logged."}, Source: inbound.SourceStaff}); err != nil {
		t.Fatal(err)
	}
	j := claim(t, q, inbound.KindOutbound, c.now())
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld, ProviderID: "wamid.template"}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, q, inbound.KindOutbound, c.now().Add(time.Hour))
	c.advance(48 * time.Hour)
	if _, err := q.EnqueueInbound(ctx, wa("wamid.1", "+447700900001", "hi")); err != nil {
		t.Fatal(err)
	}
	if last, _ := q.LastInbound(ctx, to); !last.Equal(t0) {
		// Received is t0 in the fixture; the window keeps the message's own time.
		t.Errorf("window: got %v, want %v", last, t0)
	}
	again := claim(t, q, inbound.KindOutbound, c.now())
	if again.ID != j.ID {
		t.Errorf("held job not queued again: got job %d, want %d", again.ID, j.ID)
	}
}

// testHeldRaceWithResident covers a resident who writes while the
// template is being sent: the message is queued, not held for another
// word that may never come.
func testHeldRaceWithResident(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := q.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: "Fixed."}, Source: inbound.SourceStaff}); err != nil {
		t.Fatal(err)
	}
	j := claim(t, q, inbound.KindOutbound, c.now())
	c.advance(time.Second)
	if _, err := q.EnqueueInbound(ctx, wa("wamid.1", to.Address, "hello?")); err != nil {
		t.Fatal(err)
	}
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld}); err != nil {
		t.Fatal(err)
	}
	if again := claim(t, q, inbound.KindOutbound, c.now()); again.ID != j.ID {
		t.Errorf("got job %d, want %d queued again", again.ID, j.ID)
	}
}

func testConversationIdle(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now, ConversationIdle: time.Hour})
	conv := func(id string) string {
		t.Helper()
		if _, err := q.EnqueueInbound(ctx, sms(id, "+447700900001", "x")); err != nil {
			t.Fatal(err)
		}
		j := claim(t, q, inbound.KindInbound, c.now())
		if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
			t.Fatal(err)
		}
		return j.ConversationID
	}
	first := conv("SM1")
	c.advance(59 * time.Minute)
	if got := conv("SM2"); got != first {
		t.Errorf("within the idle gap: conversation %s, want %s", got, first)
	}
	c.advance(61 * time.Minute)
	if got := conv("SM3"); got == first {
		t.Errorf("after the idle gap: still conversation %s", got)
	}
}

func testSeenClaims(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	const ttl = 2 * time.Minute
	q := open(Settings{Now: c.now, ClaimTTL: ttl})
	seen := func(key string) bool {
		t.Helper()
		s, err := q.Seen(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if seen("k1") {
		t.Fatal("first Seen: got true")
	}
	if !seen("k1") {
		t.Error("Seen during the claim: got false")
	}
	c.advance(ttl - time.Second)
	if !seen("k1") {
		t.Error("Seen just before the claim lapsed: got false")
	}
	// A claim never committed (the handler died) lapses.
	c.advance(time.Second)
	if seen("k1") {
		t.Error("Seen after the claim lapsed: got true")
	}
	if err := q.Commit(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	c.advance(24 * time.Hour)
	if !seen("k1") {
		t.Error("Seen after commit: got false")
	}
	if err := q.Forget(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if seen("k1") {
		t.Error("Seen after Forget: got true")
	}
}

func testOptOutsAndPrune(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	id := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	for _, out := range []bool{true, true, false} {
		if err := q.SetOptedOut(ctx, id, out); err != nil {
			t.Fatal(err)
		}
		if got, err := q.OptedOut(ctx, id); err != nil || got != out {
			t.Errorf("after SetOptedOut(%v): got %v, %v", out, got, err)
		}
	}
	if _, err := q.EnqueueInbound(ctx, sms("SM1", id.Address, "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := q.EnqueueInbound(ctx, sms("SM2", "+447700900002", "y")); err != nil {
		t.Fatal(err)
	}
	j := claim(t, q, inbound.KindInbound, c.now())
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Hour)
	if err := q.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	jobs, err := q.Jobs(ctx, inbound.KindInbound, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].ProviderID != "SM2" {
		t.Errorf("after prune: got %+v, want only the pending SM2", jobs)
	}
}

// testBadInput checks bad input gets a clear error wrapping
// channels.ErrInvalid and stores nothing.
func testBadInput(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	for name, m := range map[string]channels.Inbound{
		"no provider id": {From: channels.Identity{Channel: channels.SMS, Address: "+447700900001"}, Text: "x"},
		"no sender":      {ProviderID: "SM1", Text: "x"},
	} {
		if _, err := q.EnqueueInbound(ctx, m); !errors.Is(err, channels.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
	if err := q.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{Text: "to nobody"}}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("outbound without a recipient: got %v, want ErrInvalid", err)
	}
	if _, err := q.Claim(ctx, inbound.Kind("fax"), c.now(), time.Minute); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("claim an unknown kind: got %v, want ErrInvalid", err)
	}
	if _, err := q.RecordDelivery(ctx, channels.Delivery{State: channels.DeliveryDelivered}, nil); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("delivery report without an id: got %v, want ErrInvalid", err)
	}
	// A message text may hold any character a resident can send,
	// including a NUL; it comes back as it went in.
	odd := sms("SM2", "+447700900001", "bin day?\x00 \u202e")
	if _, err := q.EnqueueInbound(ctx, odd); err != nil {
		t.Fatalf("message with a NUL: %v", err)
	}
	if j := claim(t, q, inbound.KindInbound, c.now()); j.Inbound.Text != odd.Text {
		t.Errorf("text: got %q, want %q", j.Inbound.Text, odd.Text)
	}
	in, err := q.Jobs(ctx, inbound.KindInbound, 0)
	if err != nil || len(in) != 1 {
		t.Errorf("inbound jobs after bad input: got %+v, %v; want only SM2", in, err)
	}
	out, err := q.Jobs(ctx, inbound.KindOutbound, 0)
	if err != nil || len(out) != 0 {
		t.Errorf("outbound jobs after bad input: got %+v, %v; want none", out, err)
	}
}
