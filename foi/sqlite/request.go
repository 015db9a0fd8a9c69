package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/foi"
)

const requestColumns = `id, reference, name, email, address, description, law, nation,
	received, due, extended_to, status, assignee, responded, review_requested, review_responded, clarifications`

// FindRequestByID implements foi.RequestStore.
func (s *Store) FindRequestByID(ctx context.Context, id int64) (*foi.Request, error) {
	var r *foi.Request
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = findRequest(ctx, tx, id)
		return err
	})
	return r, err
}

// FindRequests implements foi.RequestStore.
func (s *Store) FindRequests(ctx context.Context, f foi.RequestFilter) ([]*foi.Request, int, error) {
	where, args := requestWhere(f)
	var out []*foi.Request
	var total int
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM requests`+where, args...).Scan(&total); err != nil {
			return err
		}
		q := `SELECT ` + requestColumns + ` FROM requests` + where + ` ORDER BY received_us DESC, id DESC` + limitClause(f.Offset, f.Limit)
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanRequest(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return loadEvents(ctx, tx, out)
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
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.ID != 0 {
		add(`id = ?`, f.ID)
	}
	if f.Reference != "" {
		add(`reference_key = ?`, fold(f.Reference))
	}
	if len(f.Status) > 0 {
		a := make([]any, len(f.Status))
		for i, st := range f.Status {
			a[i] = string(st)
		}
		add(`status IN (`+placeholders(len(a))+`)`, a...)
	}
	if f.Law != "" {
		add(`law = ?`, string(f.Law))
	}
	if f.Assignee != nil {
		add(`assignee = ?`, *f.Assignee)
	}
	if f.Email != "" {
		add(`email_key = ?`, fold(f.Email))
	}
	if !f.ReceivedFrom.IsZero() {
		add(`received_us >= ?`, timeKey(f.ReceivedFrom))
	}
	if !f.ReceivedTo.IsZero() {
		add(`received_us < ?`, timeKey(f.ReceivedTo))
	}
	if !f.DueBefore.IsZero() {
		add(`due_us IS NOT NULL AND due_us < ?`, timeKey(f.DueBefore))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func limitClause(offset, limit int) string {
	switch {
	case limit > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

// CreateRequest implements foi.RequestStore. The reference sequence is
// advanced in the same transaction as the insert, so concurrent calls
// never share a number, and a number a given reference already took is
// skipped.
func (s *Store) CreateRequest(ctx context.Context, r *foi.Request) error {
	var id int64
	var ref string
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		ref = r.Reference
		if ref == "" {
			prefix, year := foi.ReferencePrefix(r.Law), r.Received.Year()
			series := fmt.Sprintf("%s-%04d", prefix, year)
			for {
				var seq int64
				err := tx.QueryRowContext(ctx, `INSERT INTO reference_seq (series, last) VALUES (?, 1)
					ON CONFLICT (series) DO UPDATE SET last = last + 1 RETURNING last`, series).Scan(&seq)
				if err != nil {
					return err
				}
				ref = foi.FormatReference(prefix, year, seq)
				var n int
				if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM requests WHERE reference_key = ?`, fold(ref)).Scan(&n); err != nil {
					return err
				}
				if n == 0 {
					break
				}
			}
		}
		clar, err := json.Marshal(nonNilClarifications(r.Clarifications))
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO requests (reference, reference_key, name, email, email_key,
			address, description, law, nation, received, received_us, due, due_us, extended_to, status, assignee,
			responded, review_requested, review_responded, clarifications)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			ref, fold(ref), r.Name, r.Email, fold(r.Email), r.Address, r.Description, string(r.Law), string(r.Nation),
			timeText(r.Received), timeKey(r.Received), timeText(r.Due), nullTimeKey(r.Due), r.ExtendedTo,
			string(r.Status), r.Assignee, timeText(r.Responded), timeText(r.ReviewRequested), timeText(r.ReviewResponded),
			string(clar))
		if err != nil {
			if errors.Is(mapErr(err), foi.ErrConflict) {
				return fmt.Errorf("reference %s: %w", ref, mapErr(err))
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		return insertEvents(ctx, tx, id, 0, r.Events)
	})
	if err != nil {
		return fmt.Errorf("create request: %w", err)
	}
	r.ID, r.Reference = id, ref
	return nil
}

// UpdateRequest implements foi.RequestStore.
func (s *Store) UpdateRequest(ctx context.Context, id int64, u foi.RequestUpdate) (*foi.Request, error) {
	var out *foi.Request
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		r, err := findRequest(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.ExpectStatus != nil && r.Status != *u.ExpectStatus {
			return fmt.Errorf("request %d is %s, not %s: %w", id, r.Status, *u.ExpectStatus, foi.ErrConflict)
		}
		n := len(r.Events)
		u.Apply(r)
		clar, err := json.Marshal(nonNilClarifications(r.Clarifications))
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE requests SET status = ?, law = ?, assignee = ?, due = ?, due_us = ?,
			extended_to = ?, responded = ?, review_requested = ?, review_responded = ?, clarifications = ?
			WHERE id = ?`,
			string(r.Status), string(r.Law), r.Assignee, timeText(r.Due), nullTimeKey(r.Due), r.ExtendedTo,
			timeText(r.Responded), timeText(r.ReviewRequested), timeText(r.ReviewResponded), string(clar), id)
		if err != nil {
			return err
		}
		if err := insertEvents(ctx, tx, id, n, r.Events[n:]); err != nil {
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

func nonNilClarifications(cs []foi.Clarification) []foi.Clarification {
	if cs == nil {
		return []foi.Clarification{}
	}
	return cs
}

func findRequest(ctx context.Context, tx *sql.Tx, id int64) (*foi.Request, error) {
	r, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+` FROM requests WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("request %d: %w", id, foi.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if err := loadEvents(ctx, tx, []*foi.Request{r}); err != nil {
		return nil, err
	}
	return r, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanRequest(row scanner) (*foi.Request, error) {
	var (
		r                                               foi.Request
		law, nation, status, clar                       string
		received, due, responded, reviewReq, reviewResp sql.NullString
	)
	err := row.Scan(&r.ID, &r.Reference, &r.Name, &r.Email, &r.Address, &r.Description, &law, &nation,
		&received, &due, &r.ExtendedTo, &status, &r.Assignee, &responded, &reviewReq, &reviewResp, &clar)
	if err != nil {
		return nil, err
	}
	r.Law, r.Nation, r.Status = foi.Law(law), foi.Nation(nation), foi.Status(status)
	var errs []error
	parse := func(src sql.NullString) time.Time {
		t, err := parseTime(src)
		errs = append(errs, err)
		return t
	}
	r.Received, r.Due, r.Responded = parse(received), parse(due), parse(responded)
	r.ReviewRequested, r.ReviewResponded = parse(reviewReq), parse(reviewResp)
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("request %d: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(clar), &r.Clarifications); err != nil {
		return nil, fmt.Errorf("request %d: clarifications: %w", r.ID, err)
	}
	return &r, nil
}
