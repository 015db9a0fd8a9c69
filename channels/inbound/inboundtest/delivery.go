package inboundtest

import (
	"context"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
)

// sent queues an outbound message to to and finishes it as sent by the
// provider with id providerID (state done, or held for a template).
func sent(t *testing.T, q Queue, c *clock, to channels.Identity, text, providerID string, state inbound.State) *inbound.Job {
	t.Helper()
	ctx := context.Background()
	if err := q.EnqueueOutbound(ctx, inbound.Reply{Message: channels.Outbound{To: to, Text: text}, Source: inbound.SourceAnswer}); err != nil {
		t.Fatal(err)
	}
	j := claim(t, q, inbound.KindOutbound, c.now())
	if err := q.Finish(ctx, j.Lease, inbound.Result{State: state, ProviderID: providerID}); err != nil {
		t.Fatal(err)
	}
	return j
}

func job(t *testing.T, q Queue, id int64) inbound.JobInfo {
	t.Helper()
	jobs, err := q.Jobs(context.Background(), inbound.KindOutbound, id)
	if err != nil || len(jobs) != 1 {
		t.Fatalf("job %d: got %v, %v", id, jobs, err)
	}
	return jobs[0]
}

func testDeliveryReportsNeverGoBack(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	j := sent(t, q, c, to, "Your bin is collected on Tuesday.", "SM1", inbound.StateDone)
	if got := job(t, q, j.ID).Delivery; got != channels.DeliveryAccepted {
		t.Errorf("before any report: got %q, want accepted", got)
	}
	never := func(int) (inbound.Result, bool) {
		t.Error("decide called for a delivered message")
		return inbound.Result{}, false
	}
	for _, st := range []channels.DeliveryState{channels.DeliverySent, channels.DeliveryDelivered, channels.DeliverySent} {
		found, err := q.RecordDelivery(ctx, channels.Delivery{ProviderID: "SM1", To: to, State: st}, never)
		if err != nil || !found {
			t.Fatalf("report %s: got %v, %v", st, found, err)
		}
	}
	if got := job(t, q, j.ID); got.Delivery != channels.DeliveryDelivered || got.State != inbound.StateDone {
		t.Errorf("after sent, delivered, sent: got %s/%s, want done/delivered", got.State, got.Delivery)
	}

	// A report that beats the send's own record is kept and adopted.
	found, err := q.RecordDelivery(ctx, channels.Delivery{ProviderID: "SM2", To: to, State: channels.DeliverySent}, never)
	if err != nil || found {
		t.Fatalf("early report: got %v, %v; want not found", found, err)
	}
	j2 := sent(t, q, c, to, "Thanks.", "SM2", inbound.StateDone)
	if got := job(t, q, j2.ID).Delivery; got != channels.DeliverySent {
		t.Errorf("adopted report: got %q, want sent", got)
	}
	counts, err := q.DeliveryCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[channels.DeliveryDelivered] != 1 || counts[channels.DeliverySent] != 1 {
		t.Errorf("delivery counts: got %v", counts)
	}
}

func testDeliveryFailureRequeues(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.SMS, Address: "+447700900001"}
	j := sent(t, q, c, to, "Your bin is collected on Tuesday.", "SM1", inbound.StateDone)
	undelivered := channels.Delivery{ProviderID: "SM1", To: to, State: channels.DeliveryUndelivered, ErrorCode: "30003"}
	var gotAttempts int
	retry := func(attempts int) (inbound.Result, bool) {
		gotAttempts = attempts
		return inbound.Result{State: inbound.StateQueued, NotBefore: c.now().Add(time.Minute), Error: "delivery failed: 30003"}, true
	}
	if _, err := q.RecordDelivery(ctx, undelivered, retry); err != nil {
		t.Fatal(err)
	}
	if gotAttempts != 1 {
		t.Errorf("decide saw %d attempts, want 1", gotAttempts)
	}
	if got := job(t, q, j.ID); got.State != inbound.StateQueued || got.LastError != "delivery failed: 30003" || got.DeliveryError != "30003" {
		t.Errorf("after the failure: %+v", got)
	}
	mustEmpty(t, q, inbound.KindOutbound, c.now().Add(30*time.Second))
	c.advance(time.Minute)
	again := claim(t, q, inbound.KindOutbound, c.now())
	if again.ID != j.ID || again.Attempt != 2 {
		t.Fatalf("retry: got job %d attempt %d, want %d attempt 2", again.ID, again.Attempt, j.ID)
	}
	c.advance(time.Second)
	if err := q.Finish(ctx, again.Lease, inbound.Result{State: inbound.StateDone, ProviderID: "SM9"}); err != nil {
		t.Fatal(err)
	}
	// The first send's report repeated: the job has moved on.
	if _, err := q.RecordDelivery(ctx, undelivered, func(int) (inbound.Result, bool) {
		t.Error("decide called for a send that is no longer the job's latest")
		return inbound.Result{}, false
	}); err != nil {
		t.Fatal(err)
	}
	history, err := q.Deliveries(ctx, j.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 2 || history[0].ProviderID != "SM1" || history[0].Status != channels.DeliveryUndelivered || history[1].ProviderID != "SM9" {
		t.Errorf("history: %+v; want SM1 undelivered, then SM9", history)
	}
}

func testDeliveryOutsideWindowForgetsWindow(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if err := q.Touch(ctx, to, t0); err != nil {
		t.Fatal(err)
	}
	j := sent(t, q, c, to, "Fixed.", "SM1", inbound.StateDone)
	d := channels.Delivery{ProviderID: "SM1", To: to, State: channels.DeliveryFailed, ErrorCode: "63016",
		Err: channels.ErrOutsideWindow}
	if _, err := q.RecordDelivery(ctx, d, func(int) (inbound.Result, bool) { return inbound.Result{State: inbound.StateQueued}, true }); err != nil {
		t.Fatal(err)
	}
	if last, err := q.LastInbound(ctx, to); err != nil || !last.IsZero() {
		t.Errorf("window after 63016: got %v, %v; want forgotten", last, err)
	}
	if again := claim(t, q, inbound.KindOutbound, c.now()); again.ID != j.ID {
		t.Errorf("got job %d, want %d queued again", again.ID, j.ID)
	}
}

func testHeldSince(t *testing.T, open func(Settings) Queue) {
	ctx := context.Background()
	c := &clock{t0}
	q := open(Settings{Now: c.now})
	to := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900001"}
	if got, err := q.HeldSince(ctx, to.Key()); err != nil || !got.IsZero() {
		t.Fatalf("nothing held: got %v, %v", got, err)
	}
	sent(t, q, c, to, "one", "wamid.template", inbound.StateHeld)
	c.advance(time.Minute)
	sent(t, q, c, to, "two", "", inbound.StateHeld) // held behind the template
	if got, err := q.HeldSince(ctx, to.Key()); err != nil || !got.Equal(t0) {
		t.Errorf("held: got %v, %v; want the template's time %v", got, err, t0)
	}
	if _, err := q.EnqueueInbound(ctx, wa("wamid.in", to.Address, "hi")); err != nil {
		t.Fatal(err)
	}
	if got, err := q.HeldSince(ctx, to.Key()); err != nil || !got.IsZero() {
		t.Errorf("after the resident wrote: got %v, %v; want nothing held", got, err)
	}
	first := claim(t, q, inbound.KindOutbound, c.now())
	if err := q.Finish(ctx, first.Lease, inbound.Result{State: inbound.StateDone, ProviderID: "wamid.1"}); err != nil {
		t.Fatal(err)
	}
	if second := claim(t, q, inbound.KindOutbound, c.now()); second.Outbound.Text != "two" {
		t.Errorf("order: got %q second, want two", second.Outbound.Text)
	}
}
