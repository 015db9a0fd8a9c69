package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/sqlite"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// MustOpen opens a database in a temporary folder on the test clock.
func MustOpen(tb testing.TB, path string, c *clock) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		tb.Fatal(err)
	}
	db.Now = c.now
	tb.Cleanup(func() { db.Close() })
	return db
}

func sms(id, from, text string) channels.Inbound {
	return channels.Inbound{ProviderID: id, From: channels.Identity{Channel: channels.SMS, Address: from}, Kind: channels.KindText, Text: text, Received: t0}
}

func wa(id, from, text string) channels.Inbound {
	m := sms(id, from, text)
	m.From.Channel = channels.WhatsApp
	return m
}

func claim(tb testing.TB, db *sqlite.DB, kind inbound.Kind, now time.Time) *inbound.Job {
	tb.Helper()
	j, err := db.Claim(context.Background(), kind, now, time.Minute)
	if err != nil {
		tb.Fatalf("claim %s: %v", kind, err)
	}
	return j
}

func mustEmpty(tb testing.TB, db *sqlite.DB, kind inbound.Kind, now time.Time) {
	tb.Helper()
	if j, err := db.Claim(context.Background(), kind, now, time.Minute); !errors.Is(err, inbound.ErrEmpty) {
		tb.Fatalf("claim %s: got %+v, %v; want ErrEmpty", kind, j, err)
	}
}

func TestDurableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	path := filepath.Join(t.TempDir(), "inbound.db")
	db := MustOpen(t, path, c)
	in := sms("SM1", "+447700900001", "When is my bin collected?")
	if created, err := db.EnqueueInbound(ctx, in); err != nil || !created {
		t.Fatalf("enqueue: created %v, err %v", created, err)
	}
	if err := db.SetOptedOut(ctx, channels.Identity{Channel: channels.SMS, Address: "+447700900009"}, true); err != nil {
		t.Fatal(err)
	}
	if err := db.Touch(ctx, channels.Identity{Channel: channels.WhatsApp, Address: "+447700900002"}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Seen(ctx, "twilio:SM1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Commit(ctx, "twilio:SM1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db = MustOpen(t, path, c)
	j := claim(t, db, inbound.KindInbound, c.now())
	if diff := cmp.Diff(&in, j.Inbound); diff != "" {
		t.Errorf("message after reopen (-want +got):\n%s", diff)
	}
	if out, err := db.OptedOut(ctx, channels.Identity{Channel: channels.SMS, Address: "+447700900009"}); err != nil || !out {
		t.Errorf("opted out after reopen: got %v, %v; want true", out, err)
	}
	if last, err := db.LastInbound(ctx, channels.Identity{Channel: channels.WhatsApp, Address: "+447700900002"}); err != nil || !last.Equal(t0) {
		t.Errorf("window after reopen: got %v, %v; want %v", last, err, t0)
	}
	if seen, err := db.Seen(ctx, "twilio:SM1"); err != nil || !seen {
		t.Errorf("seen after reopen: got %v, %v; want true", seen, err)
	}
}

func TestEnqueueIdempotent(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	in := sms("SM1", "+447700900001", "hello")
	for i, want := range []bool{true, false, false} {
		created, err := db.EnqueueInbound(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if created != want {
			t.Errorf("enqueue %d: created %v, want %v", i, created, want)
		}
	}
	// Even once the first copy has been answered, a replay stores nothing.
	j := claim(t, db, inbound.KindInbound, c.now())
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	if created, err := db.EnqueueInbound(ctx, in); err != nil || created {
		t.Errorf("replay after done: created %v, err %v", created, err)
	}
	jobs, err := db.FindJobs(ctx, inbound.KindInbound)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 {
		t.Errorf("jobs: got %d, want 1", len(jobs))
	}
	if _, err := db.EnqueueInbound(ctx, channels.Inbound{From: in.From}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("no provider id: got %v, want ErrInvalid", err)
	}
}

func TestOrderPerResident(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	for _, m := range []channels.Inbound{
		sms("A1", "+447700900001", "first from A"),
		sms("B1", "+447700900002", "first from B"),
		sms("A2", "+447700900001", "second from A"),
		sms("A3", "+447700900001", "third from A"),
	} {
		if _, err := db.EnqueueInbound(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	a1 := claim(t, db, inbound.KindInbound, c.now())
	b1 := claim(t, db, inbound.KindInbound, c.now())
	if a1.Inbound.ProviderID != "A1" || b1.Inbound.ProviderID != "B1" {
		t.Fatalf("claimed %s, %s; want A1, B1", a1.Inbound.ProviderID, b1.Inbound.ProviderID)
	}
	// A2 waits for A1, even though a worker is free.
	mustEmpty(t, db, inbound.KindInbound, c.now())
	if err := db.Finish(ctx, b1.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	// A retry in backoff still holds A's later messages back.
	if err := db.Finish(ctx, a1.Lease, inbound.Result{State: inbound.StateQueued, NotBefore: c.now().Add(time.Minute), Error: "busy"}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, db, inbound.KindInbound, c.now())
	c.advance(time.Minute)
	again := claim(t, db, inbound.KindInbound, c.now())
	if again.Inbound.ProviderID != "A1" || again.Attempt != 2 {
		t.Fatalf("retry: got %s attempt %d, want A1 attempt 2", again.Inbound.ProviderID, again.Attempt)
	}
	if err := db.Finish(ctx, again.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	if j := claim(t, db, inbound.KindInbound, c.now()); j.Inbound.ProviderID != "A2" {
		t.Errorf("after A1: got %s, want A2", j.Inbound.ProviderID)
	} else if j.ConversationID != a1.ConversationID {
		t.Errorf("A2 in conversation %s, A1 in %s; want the same", j.ConversationID, a1.ConversationID)
	}
	if a1.ConversationID == b1.ConversationID {
		t.Errorf("residents A and B share conversation %s", a1.ConversationID)
	}
}

func TestLeaseRecovery(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	path := filepath.Join(t.TempDir(), "q.db")
	db := MustOpen(t, path, c)
	if _, err := db.EnqueueInbound(ctx, sms("SM1", "+447700900001", "hello")); err != nil {
		t.Fatal(err)
	}
	first := claim(t, db, inbound.KindInbound, c.now())
	// The process dies holding the lease.
	db.Close()
	db = MustOpen(t, path, c)
	c.advance(30 * time.Second)
	mustEmpty(t, db, inbound.KindInbound, c.now())
	c.advance(31 * time.Second)
	second := claim(t, db, inbound.KindInbound, c.now())
	if second.ID != first.ID || second.Attempt != 2 {
		t.Fatalf("recovered job %d attempt %d, want %d attempt 2", second.ID, second.Attempt, first.ID)
	}
	// The first worker, if it was only slow, cannot finish over the second.
	if err := db.Finish(ctx, first.Lease, inbound.Result{State: inbound.StateDone}); !errors.Is(err, inbound.ErrLeaseLost) {
		t.Errorf("finish with a lost lease: got %v, want ErrLeaseLost", err)
	}
	if err := db.Finish(ctx, second.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, db, inbound.KindInbound, c.now().Add(time.Hour))
}

func TestDeadLetterAndRequeue(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	to := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	for _, text := range []string{"one", "two"} {
		if err := db.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: text}, Source: inbound.SourceStaff}); err != nil {
			t.Fatal(err)
		}
	}
	j := claim(t, db, inbound.KindOutbound, c.now())
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDead, Error: "permanent: invalid number"}); err != nil {
		t.Fatal(err)
	}
	// A dead job no longer holds the resident's later messages back.
	if next := claim(t, db, inbound.KindOutbound, c.now()); next.Outbound.Text != "two" || next.Source != inbound.SourceStaff {
		t.Errorf("after dead letter: got %q from %s, want \"two\" from staff", next.Outbound.Text, next.Source)
	}
	dead, err := db.FindJobs(ctx, inbound.KindOutbound, inbound.StateDead)
	if err != nil {
		t.Fatal(err)
	}
	if len(dead) != 1 || dead[0].LastError != "permanent: invalid number" || dead[0].Attempts != 1 {
		t.Fatalf("dead letters: got %+v", dead)
	}
	if err := db.Requeue(ctx, inbound.KindOutbound, dead[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.Requeue(ctx, inbound.KindOutbound, dead[0].ID); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("requeue a queued job: got %v, want ErrInvalid", err)
	}
	counts, err := db.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[inbound.State]int{inbound.StateQueued: 1, inbound.StateLeased: 1}
	if diff := cmp.Diff(want, counts[inbound.KindOutbound]); diff != "" {
		t.Errorf("outbound counts (-want +got):\n%s", diff)
	}
}

func TestFinishQueuesReplies(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	in := sms("SM1", "+447700900001", "hello")
	if _, err := db.EnqueueInbound(ctx, in); err != nil {
		t.Fatal(err)
	}
	j := claim(t, db, inbound.KindInbound, c.now())
	reply := channels.Outbound{To: in.From, Text: "Hello. Ask me about council services."}
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone, Replies: []inbound.Reply{{Message: reply, Source: inbound.SourceAnswer}}}); err != nil {
		t.Fatal(err)
	}
	out := claim(t, db, inbound.KindOutbound, c.now())
	if diff := cmp.Diff(&reply, out.Outbound); diff != "" {
		t.Errorf("reply (-want +got):\n%s", diff)
	}
	if out.Resident != "sms:+447700900001" || out.Source != inbound.SourceAnswer {
		t.Errorf("reply job: resident %q source %q", out.Resident, out.Source)
	}
	if err := db.Finish(ctx, out.Lease, inbound.Result{State: inbound.StateHeld}); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("holding an inbound job: got %v, want ErrInvalid", err)
	}
}

func TestHeldUntilResidentWrites(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := db.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: "Your pothole report is logged."}, Source: inbound.SourceStaff}); err != nil {
		t.Fatal(err)
	}
	j := claim(t, db, inbound.KindOutbound, c.now())
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld, ProviderID: "wamid.template"}); err != nil {
		t.Fatal(err)
	}
	mustEmpty(t, db, inbound.KindOutbound, c.now().Add(time.Hour))
	c.advance(48 * time.Hour)
	if _, err := db.EnqueueInbound(ctx, wa("wamid.1", "+447700900001", "hi")); err != nil {
		t.Fatal(err)
	}
	if last, _ := db.LastInbound(ctx, to); !last.Equal(t0) {
		// Received is t0 in the fixture; the window keeps the message's own time.
		t.Errorf("window: got %v, want %v", last, t0)
	}
	again := claim(t, db, inbound.KindOutbound, c.now())
	if again.ID != j.ID {
		t.Errorf("held job not queued again: got job %d, want %d", again.ID, j.ID)
	}
}

func TestConversationIdle(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	db.ConversationIdle = time.Hour
	conv := func(id string) string {
		t.Helper()
		if _, err := db.EnqueueInbound(ctx, sms(id, "+447700900001", "x")); err != nil {
			t.Fatal(err)
		}
		j := claim(t, db, inbound.KindInbound, c.now())
		if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
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

func TestSeenClaims(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	seen := func(key string) bool {
		t.Helper()
		s, err := db.Seen(ctx, key)
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
	// A claim never committed (the handler died) lapses.
	c.advance(sqlite.DefaultClaimTTL)
	if seen("k1") {
		t.Error("Seen after the claim lapsed: got true")
	}
	if err := db.Commit(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	c.advance(24 * time.Hour)
	if !seen("k1") {
		t.Error("Seen after commit: got false")
	}
	if err := db.Forget(ctx, "k1"); err != nil {
		t.Fatal(err)
	}
	if seen("k1") {
		t.Error("Seen after Forget: got true")
	}
}

func TestOptOutsAndPrune(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	id := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	for _, out := range []bool{true, true, false} {
		if err := db.SetOptedOut(ctx, id, out); err != nil {
			t.Fatal(err)
		}
		if got, err := db.OptedOut(ctx, id); err != nil || got != out {
			t.Errorf("after SetOptedOut(%v): got %v, %v", out, got, err)
		}
	}
	if _, err := db.EnqueueInbound(ctx, sms("SM1", id.Address, "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EnqueueInbound(ctx, sms("SM2", "+447700900002", "y")); err != nil {
		t.Fatal(err)
	}
	j := claim(t, db, inbound.KindInbound, c.now())
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
		t.Fatal(err)
	}
	c.advance(time.Hour)
	if err := db.Prune(ctx, c.now()); err != nil {
		t.Fatal(err)
	}
	jobs, err := db.FindJobs(ctx, inbound.KindInbound)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].ProviderID != "SM2" {
		t.Errorf("after prune: got %+v, want only the pending SM2", jobs)
	}
}

// BenchmarkEnqueueInbound measures what a webhook waits for: one
// committed, fsynced transaction per message.
func BenchmarkEnqueueInbound(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "q.db"), &clock{t0})
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		if _, err := db.EnqueueInbound(ctx, sms(fmt.Sprintf("SM%032d", i), fmt.Sprintf("+4477009%05d", i%1000), "When is my bin collected?")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimFinish measures a worker's bookkeeping per job with
// 1,000 residents' messages waiting.
func BenchmarkClaimFinish(b *testing.B) {
	db := MustOpen(b, filepath.Join(b.TempDir(), "q.db"), &clock{t0})
	ctx := context.Background()
	i := 0
	enqueue := func() {
		i++
		if _, err := db.EnqueueInbound(ctx, sms(fmt.Sprintf("SM%032d", i), fmt.Sprintf("+4477009%05d", i%1000), "x")); err != nil {
			b.Fatal(err)
		}
	}
	for range 1000 {
		enqueue()
	}
	for b.Loop() {
		j, err := db.Claim(ctx, inbound.KindInbound, t0, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
			b.Fatal(err)
		}
		enqueue()
	}
}

// TestHeldRaceWithResident covers a resident who writes while the
// template is being sent: the message is queued, not held for another
// word that may never come.
func TestHeldRaceWithResident(t *testing.T) {
	ctx := context.Background()
	c := &clock{t0}
	db := MustOpen(t, filepath.Join(t.TempDir(), "q.db"), c)
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := db.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: "Fixed."}, Source: inbound.SourceStaff}); err != nil {
		t.Fatal(err)
	}
	j := claim(t, db, inbound.KindOutbound, c.now())
	c.advance(time.Second)
	if _, err := db.EnqueueInbound(ctx, wa("wamid.1", to.Address, "hello?")); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateHeld}); err != nil {
		t.Fatal(err)
	}
	if again := claim(t, db, inbound.KindOutbound, c.now()); again.ID != j.ID {
		t.Errorf("got job %d, want %d queued again", again.ID, j.ID)
	}
}
