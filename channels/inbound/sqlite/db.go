// Package sqlite keeps the SMS and WhatsApp message queue in an embedded
// SQLite database (modernc.org/sqlite): the inbound and outbound jobs of
// package inbound, each resident's current conversation, and the channel
// state that must survive a restart: the webhooks' seen message ids
// (channels.Deduper), opt-outs (channels.OptOuts) and WhatsApp service
// windows (whatsapp.Window).
//
// Durability. A webhook answers the provider only after EnqueueInbound
// has committed, and the provider does not send the message again, so
// every connection runs with journal_mode=WAL and synchronous=FULL: each
// commit fsyncs the write-ahead log before returning, and an
// acknowledged message survives a power cut, not only a process crash.
//
// Concurrency. Writes go through one connection and transactions start
// IMMEDIATE, so claims by several workers never race; reads use a
// separate pool.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/internal/sqlitedb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a transaction waits for another process's write
// lock before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// Defaults for DB's settings.
const (
	// DefaultConversationIdle is the quiet spell after which a resident's
	// next message starts a new conversation.
	DefaultConversationIdle = 12 * time.Hour
	// DefaultClaimTTL is how long a webhook's claim on a message id
	// stands before a redelivery may be handled again (see Seen).
	DefaultClaimTTL = 2 * time.Minute
)

// DB is an open queue database. It is safe for concurrent use.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// ConversationIdle is the quiet spell after which a resident's next
	// message starts a new conversation; 0 means DefaultConversationIdle.
	ConversationIdle time.Duration
	// ClaimTTL bounds a claim by Seen that was never committed; 0 means
	// DefaultClaimTTL.
	ClaimTTL time.Duration
	// NewConversationID makes conversation ids; nil means the channel
	// name, '-' and 20 random hex digits.
	NewConversationID func(channels.Channel) string
}

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	write, read, err := sqlitedb.Open(ctx, path, sqlitedb.Options{Synchronous: "FULL", BusyTimeout: busyTimeout,
		Migrations: migrations, Pattern: "migrations/*.sql", ReadConns: 4}, channels.ErrInvalid)
	if err != nil {
		return nil, err
	}
	return &DB{path: path, write: write, read: read}, nil
}

// Close closes the database. Every write has already been committed.
func (db *DB) Close() error { return errors.Join(db.read.Close(), db.write.Close()) }

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// inWrite runs fn in a write transaction and commits it.
func (db *DB) inWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// millis converts t for storage.
func millis(t time.Time) int64 { return t.UnixMilli() }

// fromMillis reads a stored time.
func fromMillis(ms int64) time.Time { return time.UnixMilli(ms).UTC() }
