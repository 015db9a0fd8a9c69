package postgres_test

import (
	"context"
	"testing"

	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/inboundtest"
	"github.com/townhall-civic/townhall/channels/inbound/postgres"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// queue is a *postgres.DB as the conformance suite sees it.
type queue struct{ *postgres.DB }

func (q queue) Jobs(ctx context.Context, kind inbound.Kind, id int64, states ...inbound.State) ([]inboundtest.JobInfo, error) {
	js, err := q.FindJobsBy(ctx, kind, postgres.JobFilter{ID: id, States: states})
	out := make([]inboundtest.JobInfo, len(js))
	for i, j := range js {
		out[i] = inboundtest.JobInfo(j)
	}
	return out, err
}

func (q queue) Deliveries(ctx context.Context, id int64) ([]inboundtest.Delivery, error) {
	ds, err := q.FindDeliveries(ctx, id)
	out := make([]inboundtest.Delivery, len(ds))
	for i, d := range ds {
		out[i] = inboundtest.Delivery(d)
	}
	return out, err
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
