package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/townhall-civic/townhall/foi"
)

var _ foi.RuleStore = (*Store)(nil)

// FindRules implements foi.RuleStore.
func (s *Store) FindRules(ctx context.Context, f foi.RuleFilter) ([]foi.Rule, error) {
	q := `SELECT id, pattern, is_regexp, replacement, disclosure_id, comment, author, created FROM censor_rules`
	var args []any
	if f.DisclosureID != "" {
		q += ` WHERE disclosure_id IN ('', ?)`
		args = append(args, f.DisclosureID)
	}
	q += ` ORDER BY id`
	var out []foi.Rule
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r foi.Rule
			var created sql.NullString
			if err := rows.Scan(&r.ID, &r.Pattern, &r.Regexp, &r.Replacement, &r.DisclosureID, &r.Comment, &r.Author, &created); err != nil {
				return err
			}
			if r.Created, err = parseTime(created); err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	return out, err
}

// CreateRule implements foi.RuleStore.
func (s *Store) CreateRule(ctx context.Context, r *foi.Rule) error {
	if err := r.ValidateNew(); err != nil {
		return err
	}
	created := r.Created
	if created.IsZero() {
		created = s.Now().UTC()
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM censor_rules`).Scan(&n); err != nil {
			return err
		}
		if n >= foi.MaxRules {
			return fmt.Errorf("already %d censor rules: %w", foi.MaxRules, foi.ErrConflict)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO censor_rules (pattern, is_regexp, replacement, disclosure_id,
			comment, author, created) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			r.Pattern, r.Regexp, r.Replacement, r.DisclosureID, r.Comment, r.Author, timeText(created))
		if err != nil {
			return err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		r.ID, r.Created = id, created
		return nil
	})
}

// DeleteRule implements foi.RuleStore.
func (s *Store) DeleteRule(ctx context.Context, id int64) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM censor_rules WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("censor rule %d: %w", id, foi.ErrNotFound)
		}
		return nil
	})
}
