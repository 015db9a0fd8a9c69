package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/townhall-civic/townhall/assistant"
)

// FindConversationByID returns the conversation with its turns, or an
// error wrapping assistant.ErrNotFound.
func (db *DB) FindConversationByID(ctx context.Context, id string) (*assistant.Conversation, error) {
	var c *assistant.Conversation
	err := db.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		c, err = findConversation(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("conversation %q: %w", id, err)
	}
	return c, nil
}

func findConversation(ctx context.Context, tx *sql.Tx, id string) (*assistant.Conversation, error) {
	c := &assistant.Conversation{ID: id}
	var channel, needs, created, updated string
	var pending, foi sql.NullString
	var handedOff int
	err := tx.QueryRowContext(ctx, `SELECT channel, resident, needs, pending, foi, failures, handed_off, created, updated
		FROM conversations WHERE id = ?`, id).
		Scan(&channel, &c.Resident, &needs, &pending, &foi, &c.Failures, &handedOff, &created, &updated)
	if err != nil {
		return nil, mapError(err)
	}
	c.Channel = assistant.Channel(channel)
	c.HandedOff = handedOff != 0
	if err := json.Unmarshal([]byte(needs), &c.Needs); err != nil {
		return nil, fmt.Errorf("needs: %w", err)
	}
	if pending.Valid {
		c.Pending = new(assistant.ServiceRequest)
		if err := json.Unmarshal([]byte(pending.String), c.Pending); err != nil {
			return nil, fmt.Errorf("pending request: %w", err)
		}
	}
	if foi.Valid {
		c.FOI = new(assistant.FOIDraft)
		if err := json.Unmarshal([]byte(foi.String), c.FOI); err != nil {
			return nil, fmt.Errorf("pending FOI request: %w", err)
		}
	}
	if c.Created, err = parseTime(created); err != nil {
		return nil, err
	}
	if c.Updated, err = parseTime(updated); err != nil {
		return nil, err
	}

	rows, err := tx.QueryContext(ctx, `SELECT seq, role, text, intent, citations, at
		FROM turns WHERE conversation_id = ? ORDER BY pos`, id)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var t assistant.Turn
		var role, intent, at string
		var cites sql.NullString
		if err := rows.Scan(&t.Seq, &role, &t.Text, &intent, &cites, &at); err != nil {
			return nil, mapError(err)
		}
		t.Role, t.Intent = assistant.Role(role), assistant.Intent(intent)
		if cites.Valid {
			if err := json.Unmarshal([]byte(cites.String), &t.Citations); err != nil {
				return nil, fmt.Errorf("citations: %w", err)
			}
		}
		if t.At, err = parseTime(at); err != nil {
			return nil, err
		}
		c.Turns = append(c.Turns, t)
	}
	return c, mapError(rows.Err())
}

// SaveConversation creates or replaces c, turns included, in one
// transaction. It returns an error wrapping assistant.ErrInvalid for a nil
// conversation or an empty ID. Turns already stored unchanged are not
// rewritten, so saving a long conversation after each turn stays cheap.
func (db *DB) SaveConversation(ctx context.Context, c *assistant.Conversation) error {
	if c == nil || c.ID == "" {
		return fmt.Errorf("conversation without id: %w", assistant.ErrInvalid)
	}
	needs, err := json.Marshal(c.Needs)
	if err != nil {
		return err
	}
	var pending sql.NullString
	if c.Pending != nil {
		b, err := json.Marshal(c.Pending)
		if err != nil {
			return err
		}
		pending = sql.NullString{String: string(b), Valid: true}
	}
	var foi sql.NullString
	if c.FOI != nil {
		b, err := json.Marshal(c.FOI)
		if err != nil {
			return err
		}
		foi = sql.NullString{String: string(b), Valid: true}
	}
	err = db.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO conversations
			(id, channel, resident, needs, pending, foi, failures, handed_off, created, updated)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, resident = excluded.resident,
				needs = excluded.needs, pending = excluded.pending, foi = excluded.foi, failures = excluded.failures,
				handed_off = excluded.handed_off, created = excluded.created, updated = excluded.updated`,
			c.ID, string(c.Channel), c.Resident, string(needs), pending, foi, c.Failures, boolInt(c.HandedOff),
			formatTime(c.Created), formatTime(c.Updated))
		if err != nil {
			return mapError(err)
		}
		return saveTurns(ctx, tx, c)
	})
	if err != nil {
		return fmt.Errorf("save conversation %q: %w", c.ID, err)
	}
	return nil
}

// saveTurns upserts c's turns by position, skipping unchanged rows, and
// deletes any stored past the end.
func saveTurns(ctx context.Context, tx *sql.Tx, c *assistant.Conversation) error {
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO turns (conversation_id, pos, seq, role, text, intent, citations, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, pos) DO UPDATE SET seq = excluded.seq, role = excluded.role,
			text = excluded.text, intent = excluded.intent, citations = excluded.citations, at = excluded.at
		WHERE (turns.seq, turns.role, turns.text, turns.intent, turns.at) IS NOT
			(excluded.seq, excluded.role, excluded.text, excluded.intent, excluded.at)
			OR turns.citations IS NOT excluded.citations`)
	if err != nil {
		return mapError(err)
	}
	defer stmt.Close()
	for i, t := range c.Turns {
		var cites sql.NullString
		if len(t.Citations) > 0 {
			b, err := json.Marshal(t.Citations)
			if err != nil {
				return err
			}
			cites = sql.NullString{String: string(b), Valid: true}
		}
		if _, err := stmt.ExecContext(ctx, c.ID, i, t.Seq, string(t.Role), t.Text, string(t.Intent), cites, formatTime(t.At)); err != nil {
			return mapError(err)
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM turns WHERE conversation_id = ? AND pos >= ?`, c.ID, len(c.Turns))
	return mapError(err)
}
