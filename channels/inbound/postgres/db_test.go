package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/inboundtest"
	"github.com/townhall-civic/townhall/channels/inbound/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// queue is a *postgres.DB as the conformance suite sees it.
type queue struct{ *postgres.DB }

func (q queue) Jobs(ctx context.Context, kind inbound.Kind, id int64, states ...inbound.State) ([]inbound.JobInfo, error) {
	return q.FindJobsBy(ctx, kind, inbound.JobFilter{ID: id, States: states})
}

func (q queue) Deliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error) {
	return q.FindDeliveries(ctx, id)
}

// backend gives each test a schema of its own, dropped with everything
// in it when the test ends; every handle opened on it is a separate
// connection pool, as on separate machines.
func backend(t *testing.T) func(inboundtest.Settings) inboundtest.Queue {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_messaging_")
	return func(s inboundtest.Settings) inboundtest.Queue {
		db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: schema, MaxConns: 4})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now, db.ConversationIdle, db.ClaimTTL = s.Now, s.ConversationIdle, s.ClaimTTL
		return queue{db}
	}
}

func TestConformance(t *testing.T) { inboundtest.TestStore(t, backend) }

// TestTwoMachines runs two pools, each with its own connection pool, on
// one schema: two Townhall machines sharing the queue.
func TestTwoMachines(t *testing.T) { inboundtest.TestTwoMachines(t, backend) }

// TestMustExist checks an operator's open refuses a schema with no queue
// rather than creating one, and accepts it once serve has made it.
func TestMustExist(t *testing.T) {
	ctx := context.Background()
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_messaging_")
	if _, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MustExist: true}); !errors.Is(err, postgres.ErrNoQueue) {
		t.Fatalf("open a missing queue: got %v, want ErrNoQueue", err)
	}
	for _, must := range []bool{false, true} {
		db, err := postgres.Open(ctx, url, postgres.Options{Schema: schema, MaxConns: 2, MustExist: must})
		if err != nil {
			t.Fatalf("open (MustExist %v): %v", must, err)
		}
		db.Close()
	}
}

// TestRacingMachines gives the same message to two machines' handles at
// once, many times over: it is stored once and its id claimed once.
func TestRacingMachines(t *testing.T) {
	ctx := context.Background()
	open := backend(t)
	qs := []inboundtest.Queue{open(inboundtest.Settings{}), open(inboundtest.Settings{})}
	const tries = 16
	var created, claimed atomic.Int32
	var wg sync.WaitGroup
	errs := make(chan error, 2*tries)
	for i := range tries {
		wg.Go(func() {
			q := qs[i%2]
			seen, err := q.Seen(ctx, "twilio:SMrace")
			if err != nil {
				errs <- err
				return
			}
			if !seen {
				claimed.Add(1)
			}
			m := channels.Inbound{ProviderID: "SMrace", From: channels.Identity{Channel: channels.SMS, Address: "+447700900001"}, Text: "hello"}
			ok, err := q.EnqueueInbound(ctx, m)
			if err != nil {
				errs <- err
				return
			}
			if ok {
				created.Add(1)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := created.Load(); n != 1 {
		t.Errorf("stored %d times, want once", n)
	}
	if n := claimed.Load(); n != 1 {
		t.Errorf("Seen claimed the id %d times, want once", n)
	}
	jobs, err := qs[0].Jobs(ctx, inbound.KindInbound, 0)
	if err != nil || len(jobs) != 1 {
		t.Errorf("jobs: got %d, %v; want 1", len(jobs), err)
	}
}

// BenchmarkEnqueueInbound measures what a webhook waits for: one
// committed transaction per message.
func BenchmarkEnqueueInbound(b *testing.B) {
	url := pgtest.URL(b)
	db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: pgtest.Schema(b, url, "test_messaging_"), MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	i := 0
	for b.Loop() {
		i++
		m := channels.Inbound{ProviderID: fmt.Sprintf("SM%032d", i), From: channels.Identity{Channel: channels.SMS, Address: fmt.Sprintf("+4477009%05d", i%1000)}, Text: "When is my bin collected?"}
		if _, err := db.EnqueueInbound(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClaimFinish measures a worker's bookkeeping per job with
// 1,000 residents' messages waiting.
func BenchmarkClaimFinish(b *testing.B) {
	url := pgtest.URL(b)
	db, err := postgres.Open(context.Background(), url, postgres.Options{Schema: pgtest.Schema(b, url, "test_messaging_"), MaxConns: 4})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	now := time.Now()
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	i := 0
	enqueue := func() {
		i++
		m := channels.Inbound{ProviderID: fmt.Sprintf("SM%032d", i), From: channels.Identity{Channel: channels.SMS, Address: fmt.Sprintf("+4477009%05d", i%1000)}, Text: "x"}
		if _, err := db.EnqueueInbound(ctx, m); err != nil {
			b.Fatal(err)
		}
	}
	for range 1000 {
		enqueue()
	}
	for b.Loop() {
		j, err := db.Claim(ctx, inbound.KindInbound, now, time.Minute)
		if err != nil {
			b.Fatal(err)
		}
		if err := db.Finish(ctx, j.Lease, inbound.Result{State: inbound.StateDone}); err != nil {
			b.Fatal(err)
		}
		enqueue()
	}
}
