package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// OpenReadOnly opens an existing FOI database without changing it: no
// migration runs, the audit trail is not scrubbed and every write fails.
// `townhall store migrate` reads a council's foi.db this way to copy it
// into PostgreSQL.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	ro, err := storemigrate.OpenSQLite(ctx, abs)
	if err != nil {
		return nil, fmt.Errorf("FOI database: %w", err)
	}
	return &Store{path: abs, write: ro, read: ro, Now: time.Now}, nil
}

// AllRequests returns every request with its events and clarifications,
// oldest first.
func (s *Store) AllRequests(ctx context.Context) ([]*foi.Request, error) {
	rs, _, err := s.FindRequests(ctx, foi.RequestFilter{})
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return rs, nil
}

// ReferenceSequences returns the last number given in each reference
// series ("FOI-2026" and so on).
func (s *Store) ReferenceSequences(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT series, last FROM reference_seq ORDER BY series`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var series string
			var last int64
			if err := rows.Scan(&series, &last); err != nil {
				return err
			}
			out[series] = last
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("reference_seq: %w", err)
	}
	return out, nil
}

// AllDrafts returns every unredacted draft (foi.DraftStore), by ID.
func (s *Store) AllDrafts(ctx context.Context) ([]*foi.Disclosure, error) {
	var out []*foi.Disclosure
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, body FROM disclosure_drafts ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, body string
			if err := rows.Scan(&id, &body); err != nil {
				return err
			}
			d := &foi.Disclosure{}
			if err := json.Unmarshal([]byte(body), d); err != nil {
				return fmt.Errorf("draft %q: %w", id, err)
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("disclosure_drafts: %w", err)
	}
	return out, nil
}

// AuditKey returns the key the audit trail's digests are made with, or
// nil when none was made yet.
func (s *Store) AuditKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.read.QueryRowContext(ctx, `SELECT key FROM audit_key WHERE id = 1`).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit_key: %w", err)
	}
	return key, nil
}

// AllRedactions returns the whole audit trail in the order it was
// written. An entry from before digests were kept (schema version 1,
// which Open scrubs but OpenReadOnly cannot) is given the digest of its
// removed text under the store's key, never the text itself.
func (s *Store) AllRedactions(ctx context.Context) ([]foi.Redaction, error) {
	key, err := s.AuditKey(ctx)
	if err != nil {
		return nil, err
	}
	var out []foi.Redaction
	err = s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT disclosure_id, published_at, field, kind, start_byte, end_byte, digest,
			original, replacement, rule_id FROM redactions ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r foi.Redaction
			var kind, original string
			var at sql.NullString
			if err := rows.Scan(&r.DisclosureID, &at, &r.Field, &kind, &r.Start, &r.End, &r.Digest, &original,
				&r.Replacement, &r.RuleID); err != nil {
				return err
			}
			r.Kind = foi.Kind(kind)
			if r.PublishedAt, err = parseTime(at); err != nil {
				return err
			}
			if r.Digest == "" && original != "" {
				if key == nil {
					return fmt.Errorf("redaction of %q keeps its text but the file has no audit key: open it once with this Townhall to digest it", r.DisclosureID)
				}
				r.Digest = foi.AuditDigest(key, original)
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("redactions: %w", err)
	}
	return out, nil
}
