package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/foi"
)

// FindDisclosureByID implements foi.DisclosureStore.
func (s *Store) FindDisclosureByID(ctx context.Context, id string) (*foi.Disclosure, error) {
	var d *foi.Disclosure
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		var doc []byte
		err := tx.QueryRow(ctx, `SELECT doc FROM foi_disclosures WHERE id = $1`, id).Scan(&doc)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("disclosure %q: %w", id, foi.ErrNotFound)
		}
		if err != nil {
			return err
		}
		d, err = decodeDisclosure(doc)
		return err
	})
	return d, err
}

func decodeDisclosure(doc []byte) (*foi.Disclosure, error) {
	d := new(foi.Disclosure)
	if err := json.Unmarshal(doc, d); err != nil {
		return nil, fmt.Errorf("disclosure: %w", err)
	}
	return d, nil
}

// FindDisclosures implements foi.DisclosureStore. A Query is matched in
// Go (foi.DisclosureFilter.Match) after the other filters, so its case
// folding is exactly Match's; the portal's full-text search goes to the
// search index instead.
func (s *Store) FindDisclosures(ctx context.Context, f foi.DisclosureFilter) ([]*foi.Disclosure, int, error) {
	where, args := disclosureWhere(f)
	query := strings.TrimSpace(f.Query) != ""
	var out []*foi.Disclosure
	var total int
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		q := `SELECT doc FROM foi_disclosures` + where + ` ORDER BY received DESC, id`
		if !query {
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM foi_disclosures`+where, args...).Scan(&total); err != nil {
				return err
			}
			q += limitOffset(f.Offset, f.Limit)
		}
		rows, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&doc}, func() error {
			d, err := decodeDisclosure(doc)
			if err != nil {
				return err
			}
			if !query || f.Match(d) {
				out = append(out, d)
			}
			return nil
		})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	if query {
		total = len(out)
		offset := min(max(f.Offset, 0), len(out))
		out = out[offset:]
		if f.Limit > 0 && f.Limit < len(out) {
			out = out[:f.Limit]
		}
	}
	return out, total, nil
}

// disclosureWhere translates every field of f but Query into SQL;
// foi.DisclosureFilter.Match is the specification.
func disclosureWhere(f foi.DisclosureFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a any) {
		args = append(args, a)
		conds = append(conds, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.ID != "" {
		add(`id = $?`, f.ID)
	}
	if f.Reference != "" {
		add(`reference_key = $?`, fold(f.Reference))
	}
	if len(f.Status) > 0 {
		st := make([]string, len(f.Status))
		for i, x := range f.Status {
			st[i] = string(x)
		}
		add(`status = ANY($?)`, st)
	}
	if f.Law != "" {
		add(`law = $?`, string(f.Law))
	}
	if f.Exemption != "" {
		add(`exemption_keys @> ARRAY[$?::text]`, f.Exemption)
	}
	if f.Department != "" {
		add(`department_key = $?`, fold(f.Department))
	}
	if f.Topic != "" {
		add(`topic_key = $?`, fold(f.Topic))
	}
	if !f.From.IsZero() {
		add(`received >= $?`, f.From)
	}
	if !f.To.IsZero() {
		add(`received < $?`, f.To)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// PutDisclosures implements foi.DisclosureStore: all are inserted or
// replaced in one transaction, or none when one is invalid.
func (s *Store) PutDisclosures(ctx context.Context, ds []*foi.Disclosure) error {
	if err := foi.CheckDisclosures(ds); err != nil {
		return err
	}
	if len(ds) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx pgx.Tx) error { return putDisclosures(ctx, tx, ds) })
	if err != nil {
		return fmt.Errorf("put disclosures: %w", err)
	}
	return nil
}

// putDisclosures inserts or replaces ds by ID in tx, stamped with the
// next log version (nextLogVersion).
func putDisclosures(ctx context.Context, tx pgx.Tx, ds []*foi.Disclosure) error {
	v, err := nextLogVersion(ctx, tx)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
		doc, err := json.Marshal(d)
		if err != nil {
			return err
		}
		keys := make([]string, len(d.Exemptions))
		for i, e := range d.Exemptions {
			keys[i] = e.Key()
		}
		b.Queue(`INSERT INTO foi_disclosures (id, reference_key, law, status, department_key, topic_key, exemption_keys, received, doc, log_version)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (id) DO UPDATE SET reference_key = EXCLUDED.reference_key, law = EXCLUDED.law,
				status = EXCLUDED.status, department_key = EXCLUDED.department_key, topic_key = EXCLUDED.topic_key,
				exemption_keys = EXCLUDED.exemption_keys, received = EXCLUDED.received, doc = EXCLUDED.doc,
				log_version = EXCLUDED.log_version`,
			d.ID, fold(d.Reference), string(d.Law), string(d.Status), fold(d.Department), fold(d.Topic), keys, d.Received, string(doc), v)
	}
	b.Queue(`DELETE FROM foi_disclosure_removals WHERE id = ANY($1)`, ids)
	return tx.SendBatch(ctx, b).Close()
}

// nextLogVersion advances the log version in tx and returns it. The
// row stays locked until tx ends, so writers take versions in commit
// order: a reader that sees version v sees every change up to v.
func nextLogVersion(ctx context.Context, tx pgx.Tx) (int64, error) {
	var v int64
	err := tx.QueryRow(ctx, `UPDATE foi_log_version SET version = version + 1 WHERE id = 1 RETURNING version`).Scan(&v)
	return v, err
}

// DisclosureChanges returns, from one snapshot, the log version and what
// changed after version since: the disclosures written (in ID order) and
// the IDs of those removed (merged into another). A search index built at
// version since is brought to the returned version by putting the one and
// deleting the other. since 0 gives every disclosure.
func (s *Store) DisclosureChanges(ctx context.Context, since int64) (version int64, changed []*foi.Disclosure, removed []string, err error) {
	err = s.inRead(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT version FROM foi_log_version WHERE id = 1`).Scan(&version); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT doc FROM foi_disclosures WHERE log_version > $1 ORDER BY id`, since)
		if err != nil {
			return err
		}
		var doc []byte
		if _, err := pgx.ForEachRow(rows, []any{&doc}, func() error {
			d, err := decodeDisclosure(doc)
			changed = append(changed, d)
			return err
		}); err != nil {
			return err
		}
		rows, err = tx.Query(ctx, `SELECT id FROM foi_disclosure_removals WHERE log_version > $1 ORDER BY id`, since)
		if err != nil {
			return err
		}
		removed, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if err != nil {
		return 0, nil, nil, fmt.Errorf("disclosure changes since %d: %w", since, err)
	}
	return version, changed, removed, nil
}

// LogVersion returns a number that every change to the disclosure log
// (PutDisclosures, PublishDisclosures) advances when it commits: a search
// index built from the log at one version is out of step once it
// differs, even if the number of disclosures is the same.
func (s *Store) LogVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT version FROM foi_log_version WHERE id = 1`).Scan(&v)
	})
	return v, err
}

// CountDisclosures returns how many disclosures the log holds.
func (s *Store) CountDisclosures(ctx context.Context) (int, error) {
	var n int
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM foi_disclosures`).Scan(&n)
	})
	return n, err
}
