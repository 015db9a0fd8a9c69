package channels

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Deduper remembers provider message ids so a redelivered webhook is not
// handled twice. Keys are namespaced by the adapter ("twilio:SM…",
// "whatsapp:wamid…").
type Deduper interface {
	// Seen records key and reports whether it had already been recorded.
	// The first call for a key returns false, later calls true.
	Seen(ctx context.Context, key string) (bool, error)
}

// Forgetter is an optional ability of a Deduper: Forget drops a key so
// that a redelivery is handled again. Adapters call it when the Handler
// fails after Seen recorded the key, so that the provider's retry is not
// swallowed as a duplicate.
type Forgetter interface {
	Forget(ctx context.Context, key string) error
}

// Committer is an optional ability of a Deduper: Commit marks key as
// handled for good once the message has been stored. A durable Deduper
// uses it to tell a message that was stored from one whose handling was
// cut short by a crash between Seen and the store's commit: Seen then
// only claims the key for a while, and a redelivery after the claim has
// lapsed is handled again (the queue's own idempotency on the provider id
// keeps that from creating a second message).
type Committer interface {
	Commit(ctx context.Context, key string) error
}

// MemDeduper is an in-memory Deduper for one process. It keeps at most
// Capacity keys and forgets the oldest first. It is safe for concurrent use.
type MemDeduper struct {
	mu    sync.Mutex
	seen  map[string]int // key -> position in ring
	ring  []string
	next  int
	limit int
}

var (
	_ Deduper   = (*MemDeduper)(nil)
	_ Forgetter = (*MemDeduper)(nil)
)

// NewMemDeduper returns a MemDeduper that remembers up to capacity keys
// (100,000 if capacity <= 0).
func NewMemDeduper(capacity int) *MemDeduper {
	if capacity <= 0 {
		capacity = 100_000
	}
	return &MemDeduper{seen: make(map[string]int), limit: capacity}
}

// Seen implements Deduper.
func (d *MemDeduper) Seen(_ context.Context, key string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.seen[key]; ok {
		return true, nil
	}
	if len(d.ring) < d.limit {
		d.ring = append(d.ring, key)
		d.seen[key] = len(d.ring) - 1
		return false, nil
	}
	if old := d.ring[d.next]; old != "" {
		delete(d.seen, old)
	}
	d.ring[d.next] = key
	d.seen[key] = d.next
	d.next = (d.next + 1) % d.limit
	return false, nil
}

// Forget implements Forgetter.
func (d *MemDeduper) Forget(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if i, ok := d.seen[key]; ok {
		d.ring[i] = ""
		delete(d.seen, key)
	}
	return nil
}

// Once runs fn for a provider message the first time d sees key, and not
// for a redelivery. If fn fails the key is forgotten (when d is a
// Forgetter), so the provider's retry is handled rather than dropped; if
// it succeeds the key is committed (when d is a Committer). A nil d runs
// fn every time. ran reports whether fn was called.
func Once(ctx context.Context, d Deduper, key string, fn func() error) (ran bool, err error) {
	if d != nil {
		seen, err := d.Seen(ctx, key)
		if err != nil {
			return false, fmt.Errorf("dedup: %w", err)
		}
		if seen {
			return false, nil
		}
	}
	if err := fn(); err != nil {
		if f, ok := d.(Forgetter); ok {
			if ferr := f.Forget(ctx, key); ferr != nil {
				err = errors.Join(err, ferr)
			}
		}
		return true, err
	}
	if c, ok := d.(Committer); ok {
		if err := c.Commit(ctx, key); err != nil {
			// fn's work is stored; a failed commit only means a
			// redelivery after the claim lapses is offered to fn again.
			return true, fmt.Errorf("dedup commit: %w", err)
		}
	}
	return true, nil
}
