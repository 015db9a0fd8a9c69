// Package sqlite keeps the web chat's records in an embedded SQLite
// database (modernc.org/sqlite): client message ids, the resident each
// conversation belongs to, and answer feedback. It implements
// webchat.MessageLog and webchat.FeedbackStore.
//
// These records are not acknowledgements the resident relies on, so the
// database runs WAL with synchronous=NORMAL: a power cut may lose the
// last commits (a resent message could then be answered twice), a
// process crash does not. Writes go through one connection.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/webchat"

	"github.com/townhall-civic/townhall/channels/internal/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is an open web chat database. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
}

var (
	_ webchat.MessageLog    = (*DB)(nil)
	_ webchat.FeedbackStore = (*DB)(nil)
)

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	write, read, err := sqlitedb.Open(ctx, path, sqlitedb.Options{Synchronous: "NORMAL", BusyTimeout: 10 * time.Second,
		Migrations: migrations, Pattern: "migrations/*.sql", ReadConns: 4}, webchat.ErrInvalid)
	if err != nil {
		return nil, err
	}
	return &DB{path: path, write: write, read: read}, nil
}

// Close closes the database.
func (db *DB) Close() error { return errors.Join(db.read.Close(), db.write.Close()) }

// RecordMessage implements webchat.MessageLog.
func (db *DB) RecordMessage(ctx context.Context, r webchat.MessageRecord) error {
	if r.ConversationID == "" {
		return fmt.Errorf("message without conversation: %w", webchat.ErrInvalid)
	}
	at := formatTime(r.At)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if r.ClientID != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO client_messages (conversation_id, client_id, seq, at)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, r.ConversationID, r.ClientID, r.Seq, at); err != nil {
			return fmt.Errorf("record message: %w", err)
		}
	}
	if r.Resident != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO resident_conversations (resident, conversation_id, channel, started)
			VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, r.Resident, r.ConversationID, string(r.Channel), at); err != nil {
			return fmt.Errorf("record message: %w", err)
		}
	}
	return tx.Commit()
}

// FindMessageSeq implements webchat.MessageLog.
func (db *DB) FindMessageSeq(ctx context.Context, conversationID, clientID string) (int, error) {
	var seq int
	err := db.read.QueryRowContext(ctx, `SELECT seq FROM client_messages WHERE conversation_id = ? AND client_id = ?`,
		conversationID, clientID).Scan(&seq)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("client id %q: %w", clientID, webchat.ErrNotFound)
	}
	return seq, err
}

// ClientIDs implements webchat.MessageLog.
func (db *DB) ClientIDs(ctx context.Context, conversationID string) (map[int]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, client_id FROM client_messages WHERE conversation_id = ?`, conversationID)
	if err != nil {
		return nil, err
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
	return out, rows.Err()
}

// ResidentConversations implements webchat.MessageLog.
func (db *DB) ResidentConversations(ctx context.Context, resident string, limit int) ([]string, error) {
	q := `SELECT conversation_id FROM resident_conversations WHERE resident = ? ORDER BY started DESC, conversation_id`
	args := []any{resident}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SaveFeedback implements webchat.FeedbackStore.
func (db *DB) SaveFeedback(ctx context.Context, f webchat.Feedback) error {
	if f.ConversationID == "" || f.Seq < 1 {
		return fmt.Errorf("feedback on %q turn %d: %w", f.ConversationID, f.Seq, webchat.ErrInvalid)
	}
	_, err := db.write.ExecContext(ctx, `INSERT INTO feedback (conversation_id, seq, helpful, channel, question, answer, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (conversation_id, seq) DO UPDATE SET helpful = excluded.helpful, at = excluded.at`,
		f.ConversationID, f.Seq, boolInt(f.Helpful), string(f.Channel), f.Question, f.Answer, formatTime(f.At))
	if err != nil {
		return fmt.Errorf("save feedback: %w", err)
	}
	return nil
}

// FindFeedback implements webchat.FeedbackStore.
func (db *DB) FindFeedback(ctx context.Context, f webchat.FeedbackFilter) ([]webchat.Feedback, error) {
	var where []string
	var args []any
	if f.ConversationID != "" {
		where, args = append(where, "conversation_id = ?"), append(args, f.ConversationID)
	}
	if !f.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, formatTime(f.Since))
	}
	q := `SELECT conversation_id, seq, helpful, channel, question, answer, at FROM feedback`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY at, conversation_id, seq"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []webchat.Feedback
	for rows.Next() {
		var fb webchat.Feedback
		var helpful int
		var channel, at string
		if err := rows.Scan(&fb.ConversationID, &fb.Seq, &helpful, &channel, &fb.Question, &fb.Answer, &at); err != nil {
			return nil, err
		}
		fb.Helpful, fb.Channel = helpful != 0, assistant.Channel(channel)
		if fb.At, err = time.Parse(timeFormat, at); err != nil {
			return nil, err
		}
		out = append(out, fb)
	}
	return out, rows.Err()
}

// timeFormat is RFC 3339 with fixed-width nanoseconds, so stored times
// sort as text in time order.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

func formatTime(t time.Time) string {
	if t.IsZero() {
		t = time.Now()
	}
	return t.UTC().Format(timeFormat)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
