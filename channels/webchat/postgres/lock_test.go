package postgres_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/internal/pgtest"
)

// TestLockTurn checks the lock across machines: a conversation locked
// on one store waits on the other until released, other conversations
// do not wait, a waiter whose context ends gets its error and holds
// nothing, and releasing twice is harmless.
func TestLockTurn(t *testing.T) {
	a, b := mustOpenPair(t)
	ctx := context.Background()

	unlock, err := a.LockTurn(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"c1": true, "c2": false} {
		if busy, err := b.TurnBusy(ctx, id); err != nil || busy != want {
			t.Errorf("machine b: TurnBusy(%s) = %v, %v; want %v", id, busy, err, want)
		}
	}
	other, err := b.LockTurn(ctx, "c2")
	if err != nil {
		t.Fatalf("machine b could not lock another conversation: %v", err)
	}
	other()

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, err = b.LockTurn(short, "c1")
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("machine b locked c1 while machine a held it: got %v, want the deadline's error", err)
	}

	got := make(chan time.Time, 1)
	go func() {
		u, err := b.LockTurn(ctx, "c1")
		if err != nil {
			t.Error(err)
			got <- time.Time{}
			return
		}
		got <- time.Now()
		u()
	}()
	time.Sleep(200 * time.Millisecond)
	released := time.Now()
	unlock()
	unlock() // harmless
	select {
	case at := <-got:
		if at.Before(released) {
			t.Errorf("machine b had the lock before machine a released it")
		}
		if at.Sub(released) > 2*time.Second {
			t.Errorf("machine b waited %v after the release", at.Sub(released))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("machine b never got the lock after machine a released it")
	}

	if _, err := a.LockTurn(ctx, ""); !errors.Is(err, webchat.ErrInvalid) {
		t.Errorf("LockTurn with no id: got %v, want ErrInvalid", err)
	}
}

// TestLockTurnExcludes has many goroutines on two stores, and more of
// them than either store's lock connections, increment a counter under
// one conversation's lock: none overlaps another, and all finish.
func TestLockTurnExcludes(t *testing.T) {
	a, b := mustOpenPair(t)
	a.TurnLockConns, b.TurnLockConns = 2, 2
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var inside, overlaps, done atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := "shared"
			if i%3 == 0 {
				id = "own-" + string(rune('a'+i))
			}
			unlock, err := db.LockTurn(ctx, id)
			if err != nil {
				t.Error(err)
				return
			}
			defer unlock()
			if id == "shared" {
				if inside.Add(1) > 1 {
					overlaps.Add(1)
				}
				time.Sleep(10 * time.Millisecond)
				inside.Add(-1)
			}
			done.Add(1)
		}()
	}
	wg.Wait()
	if overlaps.Load() != 0 {
		t.Errorf("%d holders of one conversation's lock overlapped", overlaps.Load())
	}
	if done.Load() != 12 {
		t.Errorf("%d of 12 lockers finished", done.Load())
	}
}

// TestLockTurnHolderGone ends the session of a machine holding a lock
// (as when the machine dies or its connection is cut): the other machine
// gets the lock, and the first one's release, when it comes, is
// harmless.
func TestLockTurnHolderGone(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_webchat_")
	a, b := MustOpenDB(t, url, schema), MustOpenDB(t, url, schema)
	ctx := context.Background()
	unlock, err := a.LockTurn(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	var ended int
	err = admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND objid = (hashtextextended($1 || ' webchat turn ' || 'c1', 0) & 4294967295)::oid`, schema).Scan(&ended)
	if err != nil || ended != 1 {
		t.Fatalf("ending the holder's session: %d sessions, %v; want 1", ended, err)
	}
	wait, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	again, err := b.LockTurn(wait, "c1")
	if err != nil {
		t.Fatalf("machine b could not lock c1 after machine a's session ended: %v", err)
	}
	again()
	unlock()
	if u, err := a.LockTurn(wait, "c1"); err != nil {
		t.Errorf("machine a cannot lock again after losing its session: %v", err)
	} else {
		u()
	}
}

func BenchmarkLockTurn(b *testing.B) {
	db, _ := mustOpenPair(b)
	ctx := context.Background()
	for b.Loop() {
		unlock, err := db.LockTurn(ctx, "c1")
		if err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}
