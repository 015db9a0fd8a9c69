package foi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// Publication is one disclosure ready to publish: the unredacted Draft it
// was made from (kept for officers, so that they can preview and
// republish with new rules), the Published text and the Audit of every
// replacement between the two.
type Publication struct {
	Draft     *Disclosure
	Published *Disclosure
	Audit     []AuditEntry
}

// Prepare redacts a draft for publication (RedactDisclosure with opts and
// the rules that apply to it).
func Prepare(draft *Disclosure, opts DetectOptions, rules []Rule) (Publication, error) {
	red, audit, err := RedactDisclosure(draft, opts, rules)
	if err != nil {
		return Publication{}, err
	}
	return Publication{Draft: draft.Clone(), Published: red, Audit: audit}, nil
}

// Publisher stores publications, all or none: the published disclosures
// (replacing any with the same ID, and removing any other disclosure
// whose ID is among a publication's Sources, since it has been merged
// into it), their drafts, and their audit trail. A store keeps each
// audit entry's Digest, never its Original.
type Publisher interface {
	PublishDisclosures(ctx context.Context, pubs []Publication) error
}

// DraftStore gives officers the unredacted drafts of published
// disclosures.
type DraftStore interface {
	// FindDraft returns the draft a disclosure was published from, or an
	// error wrapping ErrNotFound.
	FindDraft(ctx context.Context, id string) (*Disclosure, error)
}

// Redaction is one audited replacement as a store keeps it: the entry
// without its Original, and when it was published.
type Redaction struct {
	DisclosureID string
	AuditEntry
	PublishedAt time.Time
}

// AuditLog is the redaction audit trail, for officers.
type AuditLog interface {
	// FindRedactions returns the audit trail of a disclosure, oldest
	// first: every replacement of every publication of it.
	FindRedactions(ctx context.Context, disclosureID string) ([]Redaction, error)
}

// AuditDigest is what an audit trail keeps instead of removed text: the
// hex HMAC-SHA256 of the text under a key the store keeps to itself. With
// the key an officer can confirm that a given name was removed; without
// it the trail cannot be searched for names by guessing, as a plain hash
// could.
func AuditDigest(key []byte, original string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(original))
	return hex.EncodeToString(m.Sum(nil))
}

// CheckDisclosures gives ErrInvalid for a nil disclosure or one without
// an ID: the stores' shared check before any write.
func CheckDisclosures(ds []*Disclosure) error {
	for i, d := range ds {
		if d == nil || d.ID == "" {
			return fmt.Errorf("disclosure %d has no ID: %w", i, ErrInvalid)
		}
	}
	return nil
}

// Published returns the published disclosures of pubs after the checks
// every Publisher makes: each has an ID, and a draft, when present, has
// the same one.
func Published(pubs []Publication) ([]*Disclosure, error) {
	ds := make([]*Disclosure, len(pubs))
	for i, p := range pubs {
		ds[i] = p.Published
		if p.Draft != nil && p.Published != nil && p.Draft.ID != p.Published.ID {
			return nil, fmt.Errorf("publication %q: draft ID %q differs: %w", p.Published.ID, p.Draft.ID, ErrInvalid)
		}
	}
	if err := CheckDisclosures(ds); err != nil {
		return nil, err
	}
	return ds, nil
}
