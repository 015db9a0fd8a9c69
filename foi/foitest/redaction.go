package foitest

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"

	"github.com/townhall-civic/townhall/foi"
)

// RedactionStore is everything officers' redaction needs from a store:
// publishing with drafts and audit, the audit trail and censor rules.
// foi/sqlite.Store and MemoryStore are ones.
type RedactionStore interface {
	foi.Store
	foi.Publisher
	foi.DraftStore
	foi.AuditLog
	foi.RuleStore
}

var _ RedactionStore = (*MemoryStore)(nil)

func newAuditKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// PublishDisclosures implements foi.Publisher.
func (s *MemoryStore) PublishDisclosures(ctx context.Context, pubs []foi.Publication) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if _, err := foi.Published(pubs); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now().UTC()
	for _, p := range pubs {
		d := p.Published
		for _, src := range d.Sources {
			if src != d.ID {
				delete(s.disclosures, src)
				delete(s.drafts, src)
			}
		}
		s.disclosures[d.ID] = d.Clone()
		if p.Draft != nil {
			s.drafts[d.ID] = p.Draft.Clone()
		}
		for _, a := range p.Audit {
			a.Digest = foi.AuditDigest(s.auditKey, a.Original)
			a.Original, a.Rule = "", ""
			s.redactions = append(s.redactions, foi.Redaction{DisclosureID: d.ID, AuditEntry: a, PublishedAt: now})
		}
	}
	return nil
}

// FindDraft implements foi.DraftStore.
func (s *MemoryStore) FindDraft(ctx context.Context, id string) (*foi.Disclosure, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.drafts[id]
	if !ok {
		return nil, fmt.Errorf("draft %q: %w", id, foi.ErrNotFound)
	}
	return d.Clone(), nil
}

// FindRedactions implements foi.AuditLog.
func (s *MemoryStore) FindRedactions(ctx context.Context, disclosureID string) ([]foi.Redaction, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []foi.Redaction
	for _, r := range s.redactions {
		if r.DisclosureID == disclosureID {
			out = append(out, r)
		}
	}
	return out, nil
}

// FindRules implements foi.RuleStore.
func (s *MemoryStore) FindRules(ctx context.Context, f foi.RuleFilter) ([]foi.Rule, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []foi.Rule
	for _, r := range s.rules {
		if f.DisclosureID == "" || r.Applies(f.DisclosureID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// CreateRule implements foi.RuleStore.
func (s *MemoryStore) CreateRule(ctx context.Context, r *foi.Rule) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := r.ValidateNew(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.rules) >= foi.MaxRules {
		return fmt.Errorf("already %d censor rules: %w", foi.MaxRules, foi.ErrConflict)
	}
	s.nextRule++
	r.ID = s.nextRule
	if r.Created.IsZero() {
		r.Created = s.Now().UTC()
	}
	s.rules = append(s.rules, *r)
	return nil
}

// DeleteRule implements foi.RuleStore.
func (s *MemoryStore) DeleteRule(ctx context.Context, id int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := slices.IndexFunc(s.rules, func(r foi.Rule) bool { return r.ID == id })
	if i < 0 {
		return fmt.Errorf("censor rule %d: %w", id, foi.ErrNotFound)
	}
	s.rules = slices.Delete(s.rules, i, i+1)
	return nil
}
