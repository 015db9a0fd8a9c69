package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/internal/storemigrate"
)

// OpenReadOnly opens an existing queue database without changing it: no
// migration runs and every write fails. `townhall store migrate` reads a
// council's messaging.db this way to copy it into PostgreSQL.
func OpenReadOnly(ctx context.Context, path string) (*DB, error) {
	ro, err := storemigrate.OpenSQLite(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("messaging database: %w", err)
	}
	return &DB{path: path, write: ro, read: ro}, nil
}

// ResidentState is what the queue keeps about one resident outside its
// jobs, by identity key (channels.Identity.Key): when they opted out, when
// their last WhatsApp message came, their current conversation.
type ResidentState struct {
	// OptOuts is when each opted-out resident texted STOP.
	OptOuts map[string]time.Time
	// Windows is each WhatsApp resident's last message, which opens the
	// 24-hour window for free-form replies.
	Windows map[string]time.Time
	// Conversations is each resident's current conversation and their
	// last message.
	Conversations map[string]ResidentConversation
}

// ResidentConversation is a resident's current conversation.
type ResidentConversation struct {
	ConversationID string
	LastMessage    time.Time
}

// AllResidentState returns the opt-outs, WhatsApp windows and current
// conversations the queue keeps.
func (db *DB) AllResidentState(ctx context.Context) (*ResidentState, error) {
	st := &ResidentState{OptOuts: map[string]time.Time{}, Windows: map[string]time.Time{}, Conversations: map[string]ResidentConversation{}}
	for _, q := range []struct {
		table, query string
		put          func(key string, ms int64, conv string)
	}{
		{"opt_outs", `SELECT identity, at, '' FROM opt_outs`, func(k string, ms int64, _ string) { st.OptOuts[k] = fromMillis(ms) }},
		{"windows", `SELECT identity, last_inbound, '' FROM windows`, func(k string, ms int64, _ string) { st.Windows[k] = fromMillis(ms) }},
		{"residents", `SELECT resident, last_message, conversation_id FROM residents`, func(k string, ms int64, conv string) {
			st.Conversations[k] = ResidentConversation{ConversationID: conv, LastMessage: fromMillis(ms)}
		}},
	} {
		rows, err := db.read.QueryContext(ctx, q.query)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", q.table, err)
		}
		for rows.Next() {
			var key, conv string
			var ms int64
			if err := rows.Scan(&key, &ms, &conv); err != nil {
				rows.Close()
				return nil, fmt.Errorf("%s: %w", q.table, err)
			}
			q.put(key, ms, conv)
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, fmt.Errorf("%s: %w", q.table, err)
		}
	}
	return st, nil
}
