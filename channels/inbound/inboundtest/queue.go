// Package inboundtest is the conformance suite for the stores of the SMS
// and WhatsApp queue (package inbound): channels/inbound/sqlite and
// channels/inbound/postgres run the same checks of leasing, order per
// resident, de-duplication, opt-outs, WhatsApp windows, held replies,
// delivery reports and the operator functions, through the interfaces
// the pool, the webhooks and `townhall messaging` use. TestTwoMachines
// runs two worker pools over two handles on one store. Only tests import
// it.
package inboundtest

import (
	"context"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// Queue is a store as the suite sees it: an inbound.Store with every
// optional ability the pool and the webhooks use, and the operator
// functions.
type Queue interface {
	inbound.Store
	inbound.DeliveryStore
	inbound.Holder
	inbound.Pruner
	channels.Deduper
	channels.Committer
	channels.Forgetter
	channels.OptOuts
	whatsapp.Window
	Counts(ctx context.Context) (map[inbound.Kind]map[inbound.State]int, error)
	DeliveryCounts(ctx context.Context) (map[channels.DeliveryState]int, error)
	Requeue(ctx context.Context, kind inbound.Kind, id int64) error
	// Jobs returns the jobs of kind, oldest first: only job id when id is
	// not 0, and only those in states when any are given.
	Jobs(ctx context.Context, kind inbound.Kind, id int64, states ...inbound.State) ([]inbound.JobInfo, error)
	// Deliveries returns the reports on outbound job id's sends, oldest
	// first.
	Deliveries(ctx context.Context, id int64) ([]inbound.DeliveryRecord, error)
	Close() error
}

// Settings are what the suite sets on a handle it opens.
type Settings struct {
	// Now is the store's clock.
	Now func() time.Time
	// ConversationIdle is the quiet spell that starts a new conversation;
	// 0 means the store's default.
	ConversationIdle time.Duration
	// ClaimTTL bounds a claim by Seen that was never committed; 0 means
	// the store's default.
	ClaimTTL time.Duration
}

// Backend makes new, empty storage for one test and returns a function
// that opens a handle on it. The suite opens several handles on one
// storage to restart a process or to stand for a second machine; the
// backend closes every handle when the test ends (the suite may also
// close one itself first).
type Backend func(t *testing.T) (open func(Settings) Queue)
