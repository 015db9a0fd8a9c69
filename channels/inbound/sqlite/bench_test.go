package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/inbound/sqlite"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func openBench(b *testing.B) *sqlite.DB {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "q.db"))
	if err != nil {
		b.Fatal(err)
	}
	db.Now = func() time.Time { return t0 }
	b.Cleanup(func() { db.Close() })
	return db
}

func sms(id, from, text string) channels.Inbound {
	return channels.Inbound{ProviderID: id, From: channels.Identity{Channel: channels.SMS, Address: from}, Kind: channels.KindText, Text: text, Received: t0}
}

// BenchmarkEnqueueInbound measures what a webhook waits for: one
// committed, fsynced transaction per message.
func BenchmarkEnqueueInbound(b *testing.B) {
	db := openBench(b)
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
	db := openBench(b)
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
