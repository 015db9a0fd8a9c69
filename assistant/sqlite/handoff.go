package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
)

// EnqueueHandoff puts a conversation in the staff queue. A conversation
// already waiting or claimed is not queued twice: its entry keeps its
// place and its claim, and takes the new transcript, reason and
// out-of-hours flag. A zero At is set to now. It returns an error
// wrapping assistant.ErrInvalid for an empty ConversationID.
func (db *DB) EnqueueHandoff(ctx context.Context, h assistant.Handoff) error {
	if h.ConversationID == "" {
		return fmt.Errorf("hand-off without conversation: %w", assistant.ErrInvalid)
	}
	transcript, err := json.Marshal(h.Transcript)
	if err != nil {
		return err
	}
	if h.At.IsZero() {
		h.At = db.now()
	}
	err = db.inWrite(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE handoffs SET transcript = ?, reason = ?, out_of_hours = ?,
			channel = ?, resident = ? WHERE conversation_id = ? AND status <> 'closed'`,
			string(transcript), h.Reason, boolInt(h.OutOfHours), string(h.Channel), h.Resident, h.ConversationID)
		if err != nil {
			return mapError(err)
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return mapError(err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO handoffs
			(conversation_id, channel, resident, reason, transcript, out_of_hours, at, status)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'waiting')`,
			h.ConversationID, string(h.Channel), h.Resident, h.Reason, string(transcript),
			boolInt(h.OutOfHours), formatTime(h.At))
		return mapError(err)
	})
	if err != nil {
		return fmt.Errorf("enqueue hand-off for %q: %w", h.ConversationID, err)
	}
	return nil
}

const handoffColumns = `id, conversation_id, channel, resident, reason, transcript, out_of_hours, at,
	status, claimed_by, claimed_at, closed_at, outcome`

type rowScanner interface{ Scan(dest ...any) error }

func scanHandoff(row rowScanner) (*assistant.QueuedHandoff, error) {
	var q assistant.QueuedHandoff
	var channel, transcript, at, status, claimedAt, closedAt string
	var ooh int
	err := row.Scan(&q.ID, &q.ConversationID, &channel, &q.Resident, &q.Reason, &transcript, &ooh, &at,
		&status, &q.ClaimedBy, &claimedAt, &closedAt, &q.Outcome)
	if err != nil {
		return nil, mapError(err)
	}
	q.Channel, q.Status, q.OutOfHours = assistant.Channel(channel), assistant.HandoffStatus(status), ooh != 0
	if err := json.Unmarshal([]byte(transcript), &q.Transcript); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	var errs [3]error
	q.At, errs[0] = parseTime(at)
	q.ClaimedAt, errs[1] = parseTime(claimedAt)
	q.ClosedAt, errs[2] = parseTime(closedAt)
	return &q, errors.Join(errs[:]...)
}

// ListHandoffs returns the hand-offs matching f, oldest first.
func (db *DB) ListHandoffs(ctx context.Context, f assistant.HandoffFilter) ([]*assistant.QueuedHandoff, error) {
	var where []string
	var args []any
	if len(f.Status) > 0 {
		where = append(where, "status IN (?"+strings.Repeat(", ?", len(f.Status)-1)+")")
		for _, s := range f.Status {
			args = append(args, string(s))
		}
	}
	if f.ClaimedBy != "" {
		where = append(where, "claimed_by = ?")
		args = append(args, f.ClaimedBy)
	}
	q := "SELECT " + handoffColumns + " FROM handoffs"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	var out []*assistant.QueuedHandoff
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return mapError(err)
		}
		defer rows.Close()
		for rows.Next() {
			h, err := scanHandoff(rows)
			if err != nil {
				return err
			}
			out = append(out, h)
		}
		return mapError(rows.Err())
	})
	if err != nil {
		return nil, fmt.Errorf("list hand-offs: %w", err)
	}
	return out, nil
}

// ClaimHandoff assigns a waiting hand-off to staff; see
// assistant.HandoffConsole for the error contract.
func (db *DB) ClaimHandoff(ctx context.Context, id int64, staff string) (*assistant.QueuedHandoff, error) {
	if staff == "" {
		return nil, fmt.Errorf("claim hand-off %d: no staff: %w", id, assistant.ErrInvalid)
	}
	var out *assistant.QueuedHandoff
	err := db.inWrite(ctx, func(tx *sql.Tx) error {
		h, err := scanHandoff(tx.QueryRowContext(ctx, "SELECT "+handoffColumns+" FROM handoffs WHERE id = ?", id))
		if err != nil {
			return err
		}
		switch {
		case h.Status == assistant.HandoffClaimed && h.ClaimedBy == staff:
			out = h
			return nil
		case h.Status != assistant.HandoffWaiting:
			return fmt.Errorf("hand-off is %s by %q: %w", h.Status, h.ClaimedBy, assistant.ErrConflict)
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ? WHERE id = ?`,
			staff, formatTime(now), id); err != nil {
			return mapError(err)
		}
		h.Status, h.ClaimedBy, h.ClaimedAt = assistant.HandoffClaimed, staff, now
		out = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("claim hand-off %d: %w", id, err)
	}
	return out, nil
}

// CloseHandoff marks a hand-off dealt with; see assistant.HandoffConsole
// for the error contract. Closing an unclaimed hand-off claims it for
// staff too, so the record says who dealt with it.
func (db *DB) CloseHandoff(ctx context.Context, id int64, staff, outcome string) (*assistant.QueuedHandoff, error) {
	if staff == "" {
		return nil, fmt.Errorf("close hand-off %d: no staff: %w", id, assistant.ErrInvalid)
	}
	var out *assistant.QueuedHandoff
	err := db.inWrite(ctx, func(tx *sql.Tx) error {
		h, err := scanHandoff(tx.QueryRowContext(ctx, "SELECT "+handoffColumns+" FROM handoffs WHERE id = ?", id))
		if err != nil {
			return err
		}
		switch {
		case h.Status == assistant.HandoffClosed:
			return fmt.Errorf("hand-off already closed: %w", assistant.ErrConflict)
		case h.Status == assistant.HandoffClaimed && h.ClaimedBy != staff:
			return fmt.Errorf("hand-off claimed by %q: %w", h.ClaimedBy, assistant.ErrConflict)
		}
		now := db.now()
		if h.ClaimedAt.IsZero() {
			h.ClaimedAt = now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE handoffs SET status = 'closed', claimed_by = ?, claimed_at = ?,
			closed_at = ?, outcome = ? WHERE id = ?`,
			staff, formatTime(h.ClaimedAt), formatTime(now), outcome, id); err != nil {
			return mapError(err)
		}
		h.Status, h.ClaimedBy, h.ClosedAt, h.Outcome = assistant.HandoffClosed, staff, now, outcome
		out = h
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("close hand-off %d: %w", id, err)
	}
	return out, nil
}
