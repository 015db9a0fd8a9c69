package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// OpenReadOnly opens an existing web chat database without changing it:
// no migration runs and every write fails. `townhall store migrate`
// reads a council's webchat.db this way to copy it into PostgreSQL.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	ro, err := storemigrate.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("web chat database: %w", err)
	}
	return &DB{path: path, write: ro, read: ro}, nil
}

// AllClientMessages returns every recorded client message id, as
// records with ConversationID, ClientID, Seq and At set, oldest first.
func (db *DB) AllClientMessages(ctx context.Context) ([]webchat.MessageRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT conversation_id, client_id, seq, at FROM client_messages ORDER BY at, conversation_id, client_id`)
	if err != nil {
		return nil, fmt.Errorf("client_messages: %w", err)
	}
	defer rows.Close()
	var out []webchat.MessageRecord
	for rows.Next() {
		var r webchat.MessageRecord
		var at string
		if err := rows.Scan(&r.ConversationID, &r.ClientID, &r.Seq, &at); err != nil {
			return nil, fmt.Errorf("client_messages: %w", err)
		}
		if r.At, err = time.Parse(timeFormat, at); err != nil {
			return nil, fmt.Errorf("client_messages: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AllResidentConversations returns which conversations belong to which
// resident, as records with Resident, ConversationID, Channel and At (when
// the conversation was first recorded) set, oldest first.
func (db *DB) AllResidentConversations(ctx context.Context) ([]webchat.MessageRecord, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT resident, conversation_id, channel, started FROM resident_conversations
		ORDER BY started, resident, conversation_id`)
	if err != nil {
		return nil, fmt.Errorf("resident_conversations: %w", err)
	}
	defer rows.Close()
	var out []webchat.MessageRecord
	for rows.Next() {
		var r webchat.MessageRecord
		var channel, at string
		if err := rows.Scan(&r.Resident, &r.ConversationID, &channel, &at); err != nil {
			return nil, fmt.Errorf("resident_conversations: %w", err)
		}
		r.Channel = assistant.Channel(channel)
		if r.At, err = time.Parse(timeFormat, at); err != nil {
			return nil, fmt.Errorf("resident_conversations: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
