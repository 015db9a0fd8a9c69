package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

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
	// One statement, so two processes queueing the same conversation at
	// once still leave one open entry: the partial unique index decides.
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO handoffs
			(conversation_id, channel, resident, reason, transcript, out_of_hours, at, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'waiting')
			ON CONFLICT (conversation_id) WHERE status <> 'closed' DO UPDATE SET
				transcript = EXCLUDED.transcript, reason = EXCLUDED.reason, out_of_hours = EXCLUDED.out_of_hours,
				channel = EXCLUDED.channel, resident = EXCLUDED.resident`,
			clean(h.ConversationID), clean(string(h.Channel)), clean(h.Resident), clean(h.Reason),
			string(transcript), h.OutOfHours, optTime(h.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("enqueue hand-off for %q: %w", h.ConversationID, err)
	}
	return nil
}

const handoffColumns = `id, conversation_id, channel, resident, reason, transcript, out_of_hours, at,
	status, claimed_by, claimed_at, closed_at, outcome`

func scanHandoff(row pgx.Row) (*assistant.QueuedHandoff, error) {
	var q assistant.QueuedHandoff
	var channel, status string
	var transcript []byte
	var at, claimedAt, closedAt *time.Time
	err := row.Scan(&q.ID, &q.ConversationID, &channel, &q.Resident, &q.Reason, &transcript, &q.OutOfHours, &at,
		&status, &q.ClaimedBy, &claimedAt, &closedAt, &q.Outcome)
	if err != nil {
		return nil, err
	}
	q.Channel, q.Status = assistant.Channel(channel), assistant.HandoffStatus(status)
	q.At, q.ClaimedAt, q.ClosedAt = fromOpt(at), fromOpt(claimedAt), fromOpt(closedAt)
	if err := json.Unmarshal(transcript, &q.Transcript); err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	return &q, nil
}

// ListHandoffs returns the hand-offs matching f, oldest first.
func (db *DB) ListHandoffs(ctx context.Context, f assistant.HandoffFilter) ([]*assistant.QueuedHandoff, error) {
	statuses := make([]string, len(f.Status))
	for i, s := range f.Status {
		statuses[i] = string(s)
	}
	var limit *int
	if f.Limit > 0 {
		limit = &f.Limit
	}
	var out []*assistant.QueuedHandoff
	err := db.inRead(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+handoffColumns+` FROM handoffs
			WHERE (cardinality($1::text[]) = 0 OR status = ANY($1::text[]))
				AND ($2 = '' OR claimed_by = $2)
			ORDER BY id LIMIT $3`, statuses, clean(f.ClaimedBy), limit)
		if err != nil {
			return err
		}
		out, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (*assistant.QueuedHandoff, error) { return scanHandoff(r) })
		return err
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
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		h, err := scanHandoff(tx.QueryRow(ctx, "SELECT "+handoffColumns+" FROM handoffs WHERE id = $1 FOR UPDATE", id))
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
		if _, err := tx.Exec(ctx, `UPDATE handoffs SET status = 'claimed', claimed_by = $1, claimed_at = $2 WHERE id = $3`,
			clean(staff), now, id); err != nil {
			return err
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
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		h, err := scanHandoff(tx.QueryRow(ctx, "SELECT "+handoffColumns+" FROM handoffs WHERE id = $1 FOR UPDATE", id))
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
		if _, err := tx.Exec(ctx, `UPDATE handoffs SET status = 'closed', claimed_by = $1, claimed_at = $2,
			closed_at = $3, outcome = $4 WHERE id = $5`,
			clean(staff), h.ClaimedAt, now, clean(outcome), id); err != nil {
			return err
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
