package postgres

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
// is among another's Sources is deleted with its draft (it has been
// merged). Earlier audit entries of a republished disclosure are kept, so
// the trail shows every publication. Removed text is kept only as its
// digest (foi.AuditDigest under the store's key).
func (s *Store) PublishDisclosures(ctx context.Context, pubs []foi.Publication) error {
	ds, err := foi.Published(pubs)
	if err != nil {
		return err
	}
	if len(pubs) == 0 {
		return nil
	}
	now := s.now()
	err = s.inTx(ctx, func(tx pgx.Tx) error {
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
		b := &pgx.Batch{}
		for _, p := range pubs {
			id := p.Published.ID
			if p.Draft != nil {
				doc, err := json.Marshal(p.Draft)
				if err != nil {
					return fmt.Errorf("draft of %q: %w", id, err)
				}
				b.Queue(`INSERT INTO foi_disclosure_drafts (id, doc) VALUES ($1, $2)
					ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`, id, string(doc))
			}
			for _, a := range p.Audit {
				b.Queue(`INSERT INTO foi_redactions (disclosure_id, published_at, field, kind, start_byte, end_byte,
					replacement, digest, rule_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
					id, now, a.Field, string(a.Kind), a.Start, a.End, a.Replacement, foi.AuditDigest(key, a.Original), a.RuleID)
			}
		}
		return tx.SendBatch(ctx, b).Close()
	})
	if err != nil {
		return fmt.Errorf("publish disclosures: %w", err)
	}
	return nil
}

// retireMerged deletes the disclosures and drafts that ds name among
// their Sources under another ID, recording each removal at the log
// version putDisclosures then takes (the next one: the row lock taken
// here is held, so no other writer comes between).
func retireMerged(ctx context.Context, tx pgx.Tx, ds []*foi.Disclosure) error {
	var gone []string
	for _, d := range ds {
		for _, src := range d.Sources {
			if src != d.ID {
				gone = append(gone, src)
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `WITH v AS (SELECT version + 1 AS next FROM foi_log_version WHERE id = 1 FOR UPDATE),
			gone AS (DELETE FROM foi_disclosures WHERE id = ANY($1) RETURNING id)
		INSERT INTO foi_disclosure_removals (id, log_version) SELECT gone.id, v.next FROM gone, v
		ON CONFLICT (id) DO UPDATE SET log_version = EXCLUDED.log_version`, gone)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `DELETE FROM foi_disclosure_drafts WHERE id = ANY($1)`, gone)
	return err
}

// auditKey returns the store's audit digest key, creating it on first
// use; two transactions creating it at once agree on the first one's.
func auditKey(ctx context.Context, tx pgx.Tx) ([]byte, error) {
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO foi_audit_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, fresh); err != nil {
		return nil, err
	}
	var key []byte
	err := tx.QueryRow(ctx, `SELECT key FROM foi_audit_key WHERE id = 1`).Scan(&key)
	return key, err
}

// AuditDigest returns the digest the audit trail keeps for text, so an
// officer can confirm that a given name was removed from a disclosure.
func (s *Store) AuditDigest(ctx context.Context, text string) (string, error) {
	var d string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		key, err := auditKey(ctx, tx)
		d = foi.AuditDigest(key, text)
		return err
	})
	return d, err
}

// FindDraft implements foi.DraftStore.
func (s *Store) FindDraft(ctx context.Context, id string) (*foi.Disclosure, error) {
	var d *foi.Disclosure
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM foi_disclosure_drafts WHERE id = $1`, id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("draft %q: %w", id, foi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if d, err = decodeDisclosure(doc); err != nil {
			return fmt.Errorf("draft %q: %w", id, err)
		}
		return nil
	})
	return d, err
}

// FindRedactions implements foi.AuditLog.
func (s *Store) FindRedactions(ctx context.Context, disclosureID string) ([]foi.Redaction, error) {
	var out []foi.Redaction
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT published_at, field, kind, start_byte, end_byte, digest, replacement, rule_id
			FROM foi_redactions WHERE disclosure_id = $1 ORDER BY id`, disclosureID)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (foi.Redaction, error) {
			r := foi.Redaction{DisclosureID: disclosureID}
			var kind string
			err := row.Scan(&r.PublishedAt, &r.Field, &kind, &r.Start, &r.End, &r.Digest, &r.Replacement, &r.RuleID)
			r.Kind = foi.Kind(kind)
			return r, err
		})
		return err
	})
	return out, err
}

// now is the store's clock in UTC, to the microsecond timestamptz keeps.
func (s *Store) now() time.Time {
	clock := s.Now
	if clock == nil {
		clock = time.Now
	}
	return clock().UTC().Truncate(time.Microsecond)
}
