package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/channels/webchat"
)

// RecordMessage implements webchat.MessageLog. A client id recorded
// already, by this machine or another, keeps its first seq; a resident's
// conversation keeps the time it was first recorded.
func (db *DB) RecordMessage(ctx context.Context, r webchat.MessageRecord) error {
	if r.ConversationID == "" {
		return fmt.Errorf("message without conversation: %w", webchat.ErrInvalid)
	}
	at := db.timeOf(r.At)
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if r.ClientID != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO webchat_client_messages (conversation_id, client_id, seq, at)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, r.ConversationID, r.ClientID, r.Seq, at); err != nil {
				return err
			}
		}
		if r.Resident != "" {
			if _, err := tx.Exec(ctx, `INSERT INTO webchat_resident_conversations (resident, conversation_id, channel, started)
				VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, r.Resident, r.ConversationID, string(r.Channel), at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record message: %w", err)
	}
	return nil
}

// FindMessageSeq implements webchat.MessageLog.
func (db *DB) FindMessageSeq(ctx context.Context, conversationID, clientID string) (int, error) {
	var seq int
	err := db.pool.QueryRow(ctx, `SELECT seq FROM webchat_client_messages WHERE conversation_id = $1 AND client_id = $2`,
		conversationID, clientID).Scan(&seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("client id %q: %w", clientID, webchat.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("find client id %q: %w", clientID, mapError(err))
	}
	return seq, nil
}

// ClientIDs implements webchat.MessageLog.
func (db *DB) ClientIDs(ctx context.Context, conversationID string) (map[int]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, client_id FROM webchat_client_messages WHERE conversation_id = $1`, conversationID)
	if err != nil {
		return nil, fmt.Errorf("client ids: %w", mapError(err))
	}
	defer rows.Close()
	out := map[int]string{}
	for rows.Next() {
		var seq int
		var id string
		if err := rows.Scan(&seq, &id); err != nil {
			return nil, err
		}
		out[seq] = id
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("client ids: %w", mapError(err))
	}
	return out, nil
}

// ResidentConversations implements webchat.MessageLog. Conversations
// started on every machine are listed.
func (db *DB) ResidentConversations(ctx context.Context, resident string, limit int) ([]string, error) {
	q := `SELECT conversation_id FROM webchat_resident_conversations WHERE resident = $1 ORDER BY started DESC, conversation_id`
	args := []any{resident}
	if limit > 0 {
		q += " LIMIT $2"
		args = append(args, limit)
	}
	rows, err := db.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("resident conversations: %w", mapError(err))
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("resident conversations: %w", mapError(err))
	}
	return ids, nil
}
