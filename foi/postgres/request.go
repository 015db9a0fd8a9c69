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

// FindRequestByID implements foi.RequestStore.
func (s *Store) FindRequestByID(ctx context.Context, id int64) (*foi.Request, error) {
	var r *foi.Request
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		var err error
		r, err = findRequest(ctx, tx, id, "")
		return err
	})
	return r, err
}

// findRequest reads request id, with lock appended to the query (e.g.
// " FOR UPDATE").
func findRequest(ctx context.Context, tx pgx.Tx, id int64, lock string) (*foi.Request, error) {
	var doc []byte
	err := tx.QueryRow(ctx, `SELECT doc FROM foi_requests WHERE id = $1`+lock, id).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("request %d: %w", id, foi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return decodeRequest(id, doc)
}

func decodeRequest(id int64, doc []byte) (*foi.Request, error) {
	r := new(foi.Request)
	if err := json.Unmarshal(doc, r); err != nil {
		return nil, fmt.Errorf("request %d: %w", id, err)
	}
	r.ID = id
	return r, nil
}

// FindRequests implements foi.RequestStore.
func (s *Store) FindRequests(ctx context.Context, f foi.RequestFilter) ([]*foi.Request, int, error) {
	where, args := requestWhere(f)
	var out []*foi.Request
	var total int
	err := s.inRead(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM foi_requests`+where, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT id, doc FROM foi_requests`+where+` ORDER BY received DESC, id DESC`+limitOffset(f.Offset, f.Limit), args...)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*foi.Request, error) {
			var id int64
			var doc []byte
			if err := r.Scan(&id, &doc); err != nil {
				return nil, err
			}
			return decodeRequest(id, doc)
		})
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// requestWhere translates f into SQL; foi.RequestFilter.Match is the
// specification.
func requestWhere(f foi.RequestFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, a any) {
		args = append(args, a)
		conds = append(conds, strings.ReplaceAll(cond, "$?", fmt.Sprintf("$%d", len(args))))
	}
	if f.ID != 0 {
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
	if f.Assignee != nil {
		add(`assignee = $?`, *f.Assignee)
	}
	if f.Email != "" {
		add(`email_key = $?`, fold(f.Email))
	}
	if !f.ReceivedFrom.IsZero() {
		add(`received >= $?`, f.ReceivedFrom)
	}
	if !f.ReceivedTo.IsZero() {
		add(`received < $?`, f.ReceivedTo)
	}
	if !f.DueBefore.IsZero() {
		add(`due < $?`, f.DueBefore)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// CreateRequest implements foi.RequestStore. The reference sequence is
// advanced in the same transaction as the insert, so concurrent calls
// never share a number, and a number a given reference already took is
// skipped.
func (s *Store) CreateRequest(ctx context.Context, r *foi.Request) error {
	var id int64
	var ref string
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		ref = r.Reference
		if ref == "" {
			prefix, year := foi.ReferencePrefix(r.Law), r.Received.Year()
			series := fmt.Sprintf("%s-%04d", prefix, year)
			for {
				var seq int64
				err := tx.QueryRow(ctx, `INSERT INTO foi_reference_seq (series, last) VALUES ($1, 1)
					ON CONFLICT (series) DO UPDATE SET last = foi_reference_seq.last + 1 RETURNING last`, series).Scan(&seq)
				if err != nil {
					return err
				}
				ref = foi.FormatReference(prefix, year, seq)
				var taken bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM foi_requests WHERE reference_key = $1)`, fold(ref)).Scan(&taken); err != nil {
					return err
				}
				if !taken {
					break
				}
			}
		}
		stored := r.Clone()
		stored.ID, stored.Reference = 0, ref
		doc, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO foi_requests (reference, reference_key, email_key, law, status, assignee, received, due, doc)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			ref, fold(ref), fold(r.Email), string(r.Law), string(r.Status), r.Assignee, r.Received, optTime(r.Due), string(doc)).Scan(&id)
		if err != nil {
			if errors.Is(mapErr(err), foi.ErrConflict) {
				return fmt.Errorf("reference %s: %w", ref, err)
			}
			return err
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("create request: %w", err)
	}
	r.ID, r.Reference = id, ref
	return nil
}

// UpdateRequest implements foi.RequestStore. The request's row is locked
// for the transaction, so concurrent updates apply one after the other
// and ExpectStatus sees the status the previous one left.
func (s *Store) UpdateRequest(ctx context.Context, id int64, u foi.RequestUpdate) (*foi.Request, error) {
	var out *foi.Request
	err := s.inTx(ctx, func(tx pgx.Tx) error {
		r, err := findRequest(ctx, tx, id, " FOR UPDATE")
		if err != nil {
			return err
		}
		if u.ExpectStatus != nil && r.Status != *u.ExpectStatus {
			return fmt.Errorf("request %d is %s, not %s: %w", id, r.Status, *u.ExpectStatus, foi.ErrConflict)
		}
		u.Apply(r)
		stored := r.Clone()
		stored.ID = 0
		doc, err := json.Marshal(stored)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE foi_requests SET law = $1, status = $2, assignee = $3, due = $4, doc = $5 WHERE id = $6`,
			string(r.Law), string(r.Status), r.Assignee, optTime(r.Due), string(doc), id)
		if err != nil {
			return err
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("update request %d: %w", id, err)
	}
	return out, nil
}
