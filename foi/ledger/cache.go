package ledger

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// Cache wraps a Store and keeps the answers of FindRows, SumRows and
// Choices for TTL, at most Size of them. Totals over a hundred thousand
// payments take tens of milliseconds each to add up afresh, and the
// spending page asks for five; most visitors ask what others just did
// (the unfiltered page, a popular supplier). EachRow, a download, is
// never cached.
//
// The record store changes only when the corpus is ingested again, so a
// served portal may show figures up to TTL old after a re-ingest; call
// Reset after one to drop them at once.
type Cache struct {
	Store Store
	TTL   time.Duration // 0 means five minutes
	Size  int           // 0 means 1,000 answers

	mu      sync.Mutex
	entries map[string]cacheEntry
}

var _ Store = (*Cache)(nil)

type cacheEntry struct {
	expires time.Time
	value   any
}

type foundRows struct {
	rows  []Row
	total int
}

// get returns the cached answer for key, or computes and keeps it. Two
// callers asking at once may both compute; the answers are the same.
func (c *Cache) get(key string, compute func() (any, error)) (any, error) {
	now := time.Now()
	c.mu.Lock()
	if e, ok := c.entries[key]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		return e.value, nil
	}
	c.mu.Unlock()
	v, err := compute()
	if err != nil {
		return nil, err // errors are not kept: a cancelled request must not stick
	}
	ttl, size := c.TTL, c.Size
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	if size <= 0 {
		size = 1000
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]cacheEntry{}
	}
	if len(c.entries) >= size {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
		// Still full: drop about a quarter, in map order (arbitrary),
		// rather than track recency for a cache this cheap to refill.
		for k := range c.entries {
			if len(c.entries) < size*3/4 {
				break
			}
			delete(c.entries, k)
		}
	}
	c.entries[key] = cacheEntry{expires: now.Add(ttl), value: v}
	return v, nil
}

// Reset drops every cached answer.
func (c *Cache) Reset() {
	c.mu.Lock()
	c.entries = nil
	c.mu.Unlock()
}

// filterKey identifies a filter; %#v spells out every field, times
// included.
func filterKey(f Filter) string { return fmt.Sprintf("%#v", f) }

// FindRows implements Store.
func (c *Cache) FindRows(ctx context.Context, f Filter) ([]Row, int, error) {
	v, err := c.get("rows\x00"+filterKey(f), func() (any, error) {
		rows, total, err := c.Store.FindRows(ctx, f)
		return foundRows{rows, total}, err
	})
	if err != nil {
		return nil, 0, err
	}
	fr := v.(foundRows)
	return fr.rows, fr.total, nil
}

// SumRows implements Store.
func (c *Cache) SumRows(ctx context.Context, f Filter, by Group) ([]Total, error) {
	f.Sort, f.Asc, f.Offset, f.Limit = "", false, 0, 0 // ignored by SumRows
	v, err := c.get("sum\x00"+string(by)+"\x00"+filterKey(f), func() (any, error) {
		return c.Store.SumRows(ctx, f, by)
	})
	if err != nil {
		return nil, err
	}
	return v.([]Total), nil
}

// EachRow implements Store; it is not cached.
func (c *Cache) EachRow(ctx context.Context, f Filter, limit int, fn func(Row) error) error {
	return c.Store.EachRow(ctx, f, limit, fn)
}

// Choices implements Store.
func (c *Cache) Choices(ctx context.Context, kind corpus.Kind, field Field, limit int) ([]Choice, error) {
	v, err := c.get(fmt.Sprintf("choices\x00%s\x00%d\x00%d", kind, field, limit), func() (any, error) {
		return c.Store.Choices(ctx, kind, field, limit)
	})
	if err != nil {
		return nil, err
	}
	return v.([]Choice), nil
}
