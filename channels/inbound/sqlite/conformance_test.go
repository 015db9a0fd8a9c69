package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/inboundtest"
	"github.com/townhall-civic/townhall/channels/inbound/sqlite"
)

// queue is a *sqlite.DB as the conformance suite sees it.
type queue struct{ *sqlite.DB }

func (q queue) Jobs(ctx context.Context, kind inbound.Kind, id int64, states ...inbound.State) ([]inbound.JobInfo, error) {
	return q.FindJobsBy(ctx, kind, inbound.JobFilter{ID: id, States: states})
}

func (q queue) Deliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error) {
	return q.FindDeliveries(ctx, id)
}

// backend gives each test a database file of its own.
func backend(t *testing.T) func(inboundtest.Settings) inboundtest.Queue {
	path := filepath.Join(t.TempDir(), "messaging.db")
	return func(s inboundtest.Settings) inboundtest.Queue {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		db.Now, db.ConversationIdle, db.ClaimTTL = s.Now, s.ConversationIdle, s.ClaimTTL
		return queue{db}
	}
}

func TestConformance(t *testing.T) { inboundtest.TestStore(t, backend) }

// TestTwoMachines runs two pools over two handles on one database file,
// as two processes on one machine would.
func TestTwoMachines(t *testing.T) { inboundtest.TestTwoMachines(t, backend) }
