package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/townhall-civic/townhall/assistant"
)

// FindConversationByID returns the conversation with its turns, or an
// error wrapping assistant.ErrNotFound.
func (db *DB) FindConversationByID(ctx context.Context, id string) (*assistant.Conversation, error) {
	var c *assistant.Conversation
	err := db.inRead(ctx, func(tx pgx.Tx) error {
		var err error
		c, err = findConversation(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation %q: %w", id, err)
	}
	return c, nil
}

func findConversation(ctx context.Context, tx pgx.Tx, id string) (*assistant.Conversation, error) {
	var state []byte
	err := tx.QueryRow(ctx, `SELECT state FROM conversations WHERE id = $1`, clean(id)).Scan(&state)
	if err != nil {
		return nil, err
	}
	c := &assistant.Conversation{}
	if err := json.Unmarshal(state, c); err != nil {
		return nil, fmt.Errorf("conversation state: %w", err)
	}
	c.ID, c.Turns = id, nil
	rows, err := tx.Query(ctx, `SELECT seq, role, text, intent, citations, at
		FROM turns WHERE conversation_id = $1 ORDER BY pos`, clean(id))
	if err != nil {
		return nil, mapError(err)
	}
	c.Turns, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (assistant.Turn, error) {
		var t assistant.Turn
		var role, intent string
		var cites []byte
		var at *time.Time
		if err := r.Scan(&t.Seq, &role, &t.Text, &intent, &cites, &at); err != nil {
			return t, err
		}
		t.Role, t.Intent, t.At = assistant.Role(role), assistant.Intent(intent), fromOpt(at)
		if cites != nil {
			if err := json.Unmarshal(cites, &t.Citations); err != nil {
				return t, fmt.Errorf("citations: %w", err)
			}
		}
		return t, nil
	})
	if len(c.Turns) == 0 {
		c.Turns = nil
	}
	return c, mapError(err)
}

// SaveConversation creates or replaces c, turns included, in one
// transaction. It returns an error wrapping assistant.ErrInvalid for a nil
// conversation or an empty ID. Turns already stored unchanged are not
// rewritten, so saving a long conversation after each turn stays cheap;
// all of a save's statements go to the server in one round trip.
func (db *DB) SaveConversation(ctx context.Context, c *assistant.Conversation) error {
	if c == nil || c.ID == "" {
		return fmt.Errorf("conversation without id: %w", assistant.ErrInvalid)
	}
	head := *c
	head.Turns = nil
	state, err := json.Marshal(&head)
	if err != nil {
		return err
	}
	b := &pgx.Batch{}
	b.Queue(`INSERT INTO conversations (id, channel, resident, created, updated, state)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (id) DO UPDATE SET channel = EXCLUDED.channel, resident = EXCLUDED.resident,
			created = EXCLUDED.created, updated = EXCLUDED.updated, state = EXCLUDED.state`,
		clean(c.ID), clean(string(c.Channel)), clean(c.Resident), optTime(c.Created), optTime(c.Updated), string(state))
	for i, t := range c.Turns {
		var cites []byte
		if len(t.Citations) > 0 {
			if cites, err = json.Marshal(t.Citations); err != nil {
				return err
			}
		}
		// The json type has no equality operator; its text stands in.
		b.Queue(`INSERT INTO turns (conversation_id, pos, seq, role, text, intent, citations, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (conversation_id, pos) DO UPDATE SET seq = EXCLUDED.seq, role = EXCLUDED.role,
				text = EXCLUDED.text, intent = EXCLUDED.intent, citations = EXCLUDED.citations, at = EXCLUDED.at
			WHERE (turns.seq, turns.role, turns.text, turns.intent, turns.citations::text, turns.at) IS DISTINCT FROM
				(EXCLUDED.seq, EXCLUDED.role, EXCLUDED.text, EXCLUDED.intent, EXCLUDED.citations::text, EXCLUDED.at)`,
			clean(c.ID), i, t.Seq, clean(string(t.Role)), clean(t.Text), clean(string(t.Intent)), optJSON(cites), optTime(t.At))
	}
	b.Queue(`DELETE FROM turns WHERE conversation_id = $1 AND pos >= $2`, clean(c.ID), len(c.Turns))
	err = db.inTx(ctx, func(tx pgx.Tx) error { return tx.SendBatch(ctx, b).Close() })
	if err != nil {
		return fmt.Errorf("save conversation %q: %w", c.ID, err)
	}
	return nil
}

// optJSON is encoded JSON for a json column: NULL when there is none.
func optJSON(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}
