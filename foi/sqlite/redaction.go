package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/townhall-civic/townhall/foi"
)

var (
	_ foi.Publisher  = (*Store)(nil)
	_ foi.DraftStore = (*Store)(nil)
	_ foi.AuditLog   = (*Store)(nil)
)

// PublishDisclosures implements foi.Publisher: the published
// disclosures, their drafts and their audit trail are written in one
// transaction, so a disclosure is never published without its audit,
// nor an audit kept for a publication that failed. A disclosure whose ID
// is among another's Sources is deleted (it has been merged). Earlier
// audit entries of a republished disclosure are kept, so the trail shows
// every publication.
func (s *Store) PublishDisclosures(ctx context.Context, pubs []foi.Publication) error {
	ds, err := foi.Published(pubs)
	if err != nil {
		return err
	}
	now := s.Now().UTC()
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		key, err := auditKey(ctx, tx)
		if err != nil {
			return err
		}
		if err := retireMerged(ctx, tx, ds); err != nil {
			return err
		}
		if err := putDisclosures(ctx, tx, ds); err != nil {
			return err
		}
		draft, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO disclosure_drafts (id, body) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		defer draft.Close()
		audit, err := tx.PrepareContext(ctx, `INSERT INTO redactions (disclosure_id, published_at, field, kind,
			start_byte, end_byte, original, replacement, rule, digest, rule_id) VALUES (?, ?, ?, ?, ?, ?, '', ?, '', ?, ?)`)
		if err != nil {
			return err
		}
		defer audit.Close()
		for _, p := range pubs {
			id := p.Published.ID
			if p.Draft != nil {
				body, err := json.Marshal(p.Draft)
				if err != nil {
					return err
				}
				if _, err := draft.ExecContext(ctx, id, string(body)); err != nil {
					return fmt.Errorf("draft of %q: %w", id, err)
				}
			}
			for _, a := range p.Audit {
				if _, err := audit.ExecContext(ctx, id, timeText(now), a.Field, string(a.Kind), a.Start, a.End,
					a.Replacement, foi.AuditDigest(key, a.Original), a.RuleID); err != nil {
					return fmt.Errorf("audit for %q: %w", id, err)
				}
			}
		}
		return nil
	})
}

// retireMerged deletes the disclosures (and drafts) that ds name among
// their Sources under another ID.
func retireMerged(ctx context.Context, tx *sql.Tx, ds []*foi.Disclosure) error {
	for _, d := range ds {
		for _, src := range d.Sources {
			if src == d.ID {
				continue
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM disclosures WHERE id = ?`, src); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM disclosure_drafts WHERE id = ?`, src); err != nil {
				return err
			}
		}
	}
	return nil
}

// auditKey returns the store's audit digest key, creating it on first
// use.
func auditKey(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	var key []byte
	err := tx.QueryRowContext(ctx, `SELECT key FROM audit_key WHERE id = 1`).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO audit_key (id, key) VALUES (1, ?)`, key)
	}
	return key, err
}

// scrubAudit replaces the removed text that schema version 1 kept in
// clear with its digest, and forgets rule patterns. It runs on every
// Open and does nothing once done.
func (s *Store) scrubAudit(ctx context.Context) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		key, err := auditKey(ctx, tx)
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id, original FROM redactions WHERE original != '' OR rule != ''`)
		if err != nil {
			return err
		}
		type row struct {
			id       int64
			original string
		}
		var todo []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.original); err != nil {
				rows.Close()
				return err
			}
			todo = append(todo, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, r := range todo {
			if _, err := tx.ExecContext(ctx, `UPDATE redactions SET digest = ?, original = '', rule = '' WHERE id = ?`,
				foi.AuditDigest(key, r.original), r.id); err != nil {
				return err
			}
		}
		return nil
	})
}

// AuditDigest returns the digest the audit trail keeps for text, so an
// officer can confirm that a given name was removed from a disclosure.
func (s *Store) AuditDigest(ctx context.Context, text string) (string, error) {
	var d string
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		key, err := auditKey(ctx, tx)
		d = foi.AuditDigest(key, text)
		return err
	})
	return d, err
}

// FindDraft implements foi.DraftStore.
func (s *Store) FindDraft(ctx context.Context, id string) (*foi.Disclosure, error) {
	var d foi.Disclosure
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var body string
		err := tx.QueryRowContext(ctx, `SELECT body FROM disclosure_drafts WHERE id = ?`, id).Scan(&body)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("draft %q: %w", id, foi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(body), &d); err != nil {
			return fmt.Errorf("draft %q: %w", id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// FindRedactions implements foi.AuditLog.
func (s *Store) FindRedactions(ctx context.Context, disclosureID string) ([]foi.Redaction, error) {
	var out []foi.Redaction
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT published_at, field, kind, start_byte, end_byte, digest,
			replacement, rule_id FROM redactions WHERE disclosure_id = ? ORDER BY id`, disclosureID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := foi.Redaction{DisclosureID: disclosureID}
			var kind string
			var at sql.NullString
			if err := rows.Scan(&at, &r.Field, &kind, &r.Start, &r.End, &r.Digest, &r.Replacement, &r.RuleID); err != nil {
				return err
			}
			r.Kind = foi.Kind(kind)
			if r.PublishedAt, err = parseTime(at); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}
