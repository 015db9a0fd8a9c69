package postgres

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
)

// SaveFeedback implements webchat.FeedbackStore. A second verdict on the
// same answer replaces the first's verdict and time.
func (db *DB) SaveFeedback(ctx context.Context, f webchat.Feedback) error {
	if f.ConversationID == "" || f.Seq < 1 {
		return fmt.Errorf("feedback on %q turn %d: %w", f.ConversationID, f.Seq, webchat.ErrInvalid)
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO webchat_feedback (conversation_id, seq, helpful, channel, question, answer, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)
			ON CONFLICT (conversation_id, seq) DO UPDATE SET helpful = excluded.helpful, at = excluded.at`,
			f.ConversationID, f.Seq, f.Helpful, string(f.Channel), clean(f.Question), clean(f.Answer), db.timeOf(f.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("save feedback: %w", err)
	}
	return nil
}

// FindFeedback implements webchat.FeedbackStore.
func (db *DB) FindFeedback(ctx context.Context, f webchat.FeedbackFilter) ([]webchat.Feedback, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.ConversationID != "" {
		where = append(where, "conversation_id = "+arg(f.ConversationID))
	}
	if !f.Since.IsZero() {
		where = append(where, "at >= "+arg(f.Since))
	}
	q := `SELECT conversation_id, seq, helpful, channel, question, answer, at FROM webchat_feedback`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at, conversation_id, seq"
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("find feedback: %w", mapError(err))
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (webchat.Feedback, error) {
		var fb webchat.Feedback
		var channel string
		err := row.Scan(&fb.ConversationID, &fb.Seq, &fb.Helpful, &channel, &fb.Question, &fb.Answer, &fb.At)
		fb.Channel, fb.At = assistant.Channel(channel), fb.At.UTC()
		return fb, err
	})
	if err != nil {
		return nil, fmt.Errorf("find feedback: %w", mapError(err))
	}
	return out, nil
}
