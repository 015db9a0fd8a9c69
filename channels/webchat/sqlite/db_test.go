package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/townhall-civic/townhall/channels/webchat/sqlite"
	"github.com/townhall-civic/townhall/channels/webchat/webchattest"
)

func TestStores(t *testing.T) {
	webchattest.TestStores(t, func(t *testing.T) webchattest.Stores {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "webchat.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestReopenKeepsRecords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "webchat.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.RecordMessage(ctx, webchattest.Record("c1", "m1", 1))
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if seq, err := db.FindMessageSeq(ctx, "c1", "m1"); err != nil || seq != 1 {
		t.Errorf("after reopening: FindMessageSeq = %d, %v; want 1", seq, err)
	}
}

func BenchmarkStores(b *testing.B) {
	webchattest.BenchmarkStores(b, func(b *testing.B) webchattest.Stores {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "webchat.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	})
}
