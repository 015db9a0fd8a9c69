package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/foi"
)

var _ foi.RuleStore = (*Store)(nil)

// FindRules implements foi.RuleStore.
func (s *Store) FindRules(ctx context.Context, f foi.RuleFilter) ([]foi.Rule, error) {
	q := `SELECT id, pattern, is_regexp, replacement, disclosure_id, comment, author, created FROM foi_censor_rules`
	var args []any
	if f.DisclosureID != "" {
		q += ` WHERE disclosure_id IN ('', $1)`
		args = append(args, f.DisclosureID)
	}
	q += ` ORDER BY id`
	var out []foi.Rule
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(row pgx.CollectableRow) (foi.Rule, error) {
			var r foi.Rule
			err := row.Scan(&r.ID, &r.Pattern, &r.Regexp, &r.Replacement, &r.DisclosureID, &r.Comment, &r.Author, &r.Created)
			return r, err
		})
		return err
	})
	return out, err
}

// CreateRule implements foi.RuleStore. The table is locked against
// other writers for the transaction, so concurrent creates cannot pass
// foi.MaxRules together. A Created left zero is stamped with the store's
// clock (to the microsecond).
func (s *Store) CreateRule(ctx context.Context, r *foi.Rule) error {
	if err := r.ValidateNew(); err != nil {
		return err
	}
	created := r.Created
	if created.IsZero() {
		created = s.now()
	}
	var id int64
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `LOCK TABLE foi_censor_rules IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM foi_censor_rules`).Scan(&n); err != nil {
			return err
		}
		if n >= foi.MaxRules {
			return fmt.Errorf("already %d censor rules: %w", foi.MaxRules, foi.ErrConflict)
		}
		return tx.QueryRow(ctx, `INSERT INTO foi_censor_rules (pattern, is_regexp, replacement, disclosure_id, comment, author, created)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			r.Pattern, r.Regexp, r.Replacement, r.DisclosureID, r.Comment, r.Author, created).Scan(&id)
	})
	if err != nil {
		return fmt.Errorf("create censor rule: %w", err)
	}
	r.ID, r.Created = id, created
	return nil
}

// DeleteRule implements foi.RuleStore.
func (s *Store) DeleteRule(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM foi_censor_rules WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("censor rule %d: %w", id, foi.ErrNotFound)
		}
		return nil
	})
}
