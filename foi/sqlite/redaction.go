package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/townhall-civic/townhall/foi"
)

// PublishDisclosures stores already-redacted disclosures together with
// the audit trail of their redaction (keyed by disclosure ID), in one
// transaction: a disclosure is never published without its audit, nor
// an audit kept for a publication that failed. Earlier audit entries of
// a republished disclosure are kept, so the trail shows every
// publication.
func (s *Store) PublishDisclosures(ctx context.Context, ds []*foi.Disclosure, audit map[string][]foi.AuditEntry) error {
	if err := checkDisclosures(ds); err != nil {
		return err
	}
	now := s.Now().UTC()
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if err := putDisclosures(ctx, tx, ds); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO redactions (disclosure_id, published_at, field, kind,
			start_byte, end_byte, original, replacement, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, d := range ds {
			for _, a := range audit[d.ID] {
				if _, err := stmt.ExecContext(ctx, d.ID, timeText(now), a.Field, string(a.Kind), a.Start, a.End,
					a.Original, a.Replacement, a.Rule); err != nil {
					return fmt.Errorf("audit for %q: %w", d.ID, err)
				}
			}
		}
		return nil
	})
}

// Redaction is one audited replacement, with when it was published.
type Redaction struct {
	DisclosureID string
	foi.AuditEntry
	PublishedAt string // RFC 3339
}

// FindRedactions returns the audit trail of a disclosure, oldest first.
// It holds the removed text: show it to officers only.
func (s *Store) FindRedactions(ctx context.Context, disclosureID string) ([]Redaction, error) {
	var out []Redaction
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT published_at, field, kind, start_byte, end_byte, original,
			replacement, rule FROM redactions WHERE disclosure_id = ? ORDER BY id`, disclosureID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := Redaction{DisclosureID: disclosureID}
			var kind string
			if err := rows.Scan(&r.PublishedAt, &r.Field, &kind, &r.Start, &r.End, &r.Original, &r.Replacement, &r.Rule); err != nil {
				return err
			}
			r.Kind = foi.Kind(kind)
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
