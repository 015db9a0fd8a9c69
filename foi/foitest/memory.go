package foitest

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/foi"
)

// MemoryStore is a foi.Store held in memory. It copies requests and
// disclosures in and out, so callers never share state with it.
type MemoryStore struct {
	mu          sync.Mutex
	nextID      int64
	requests    map[int64]*foi.Request
	refs        map[string]int64
	seq         map[string]int64 // last sequence per "PREFIX-YEAR"
	disclosures map[string]*foi.Disclosure

	// Redaction state (redaction.go).
	drafts     map[string]*foi.Disclosure
	redactions []foi.Redaction
	rules      []foi.Rule
	nextRule   int64
	auditKey   []byte
	// Now stamps publications and rules; NewMemoryStore sets time.Now.
	Now func() time.Time
}

var _ foi.Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty store.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		requests:    map[int64]*foi.Request{},
		refs:        map[string]int64{},
		seq:         map[string]int64{},
		disclosures: map[string]*foi.Disclosure{},
		drafts:      map[string]*foi.Disclosure{},
		auditKey:    newAuditKey(),
		Now:         time.Now,
	}
}

// FindRequestByID implements foi.RequestStore.
func (s *MemoryStore) FindRequestByID(ctx context.Context, id int64) (*foi.Request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return nil, fmt.Errorf("request %d: %w", id, foi.ErrNotFound)
	}
	return r.Clone(), nil
}

// FindRequests implements foi.RequestStore.
func (s *MemoryStore) FindRequests(ctx context.Context, f foi.RequestFilter) ([]*foi.Request, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	var out []*foi.Request
	for _, r := range s.requests {
		if f.Match(r) {
			out = append(out, r.Clone())
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.After(out[j].Received)
		}
		return out[i].ID > out[j].ID
	})
	total := len(out)
	return page(out, f.Offset, f.Limit), total, nil
}

// CreateRequest implements foi.RequestStore.
func (s *MemoryStore) CreateRequest(ctx context.Context, r *foi.Request) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := r.Reference
	if ref == "" {
		prefix, year := foi.ReferencePrefix(r.Law), r.Received.Year()
		key := fmt.Sprintf("%s-%04d", prefix, year)
		for {
			s.seq[key]++
			ref = foi.FormatReference(prefix, year, s.seq[key])
			if _, taken := s.refs[ref]; !taken {
				break
			}
		}
	} else if _, taken := s.refs[ref]; taken {
		return fmt.Errorf("reference %s: %w", ref, foi.ErrConflict)
	}
	s.nextID++
	r.ID, r.Reference = s.nextID, ref
	s.requests[r.ID] = r.Clone()
	s.refs[ref] = r.ID
	return nil
}

// UpdateRequest implements foi.RequestStore.
func (s *MemoryStore) UpdateRequest(ctx context.Context, id int64, u foi.RequestUpdate) (*foi.Request, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.requests[id]
	if !ok {
		return nil, fmt.Errorf("request %d: %w", id, foi.ErrNotFound)
	}
	if u.ExpectStatus != nil && r.Status != *u.ExpectStatus {
		return nil, fmt.Errorf("request %d is %s, not %s: %w", id, r.Status, *u.ExpectStatus, foi.ErrConflict)
	}
	c := r.Clone()
	u.Apply(c)
	s.requests[id] = c
	return c.Clone(), nil
}

// FindDisclosureByID implements foi.DisclosureStore.
func (s *MemoryStore) FindDisclosureByID(ctx context.Context, id string) (*foi.Disclosure, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.disclosures[id]
	if !ok {
		return nil, fmt.Errorf("disclosure %q: %w", id, foi.ErrNotFound)
	}
	return d.Clone(), nil
}

// FindDisclosures implements foi.DisclosureStore.
func (s *MemoryStore) FindDisclosures(ctx context.Context, f foi.DisclosureFilter) ([]*foi.Disclosure, int, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	s.mu.Lock()
	var out []*foi.Disclosure
	for _, d := range s.disclosures {
		if f.Match(d) {
			out = append(out, d.Clone())
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.After(out[j].Received)
		}
		return out[i].ID < out[j].ID
	})
	total := len(out)
	return page(out, f.Offset, f.Limit), total, nil
}

// PutDisclosures implements foi.DisclosureStore.
func (s *MemoryStore) PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for i, d := range ds {
		if d == nil || d.ID == "" {
			return fmt.Errorf("disclosure %d has no ID: %w", i, foi.ErrInvalid)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range ds {
		s.disclosures[d.ID] = d.Clone()
	}
	return nil
}

func page[T any](xs []T, offset, limit int) []T {
	if offset > len(xs) {
		offset = len(xs)
	}
	xs = xs[max(offset, 0):]
	if limit > 0 && limit < len(xs) {
		xs = xs[:limit]
	}
	return xs
}
