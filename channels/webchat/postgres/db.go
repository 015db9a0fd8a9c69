// Package postgres keeps the web chat's records in PostgreSQL (pgx/v5):
// client message ids, the resident each conversation belongs to, answer
// feedback, and the key that signs the chat page's forms. It implements
// webchat.MessageLog and webchat.FeedbackStore, passes the conformance
// suite channels/webchat/sqlite runs (webchattest.TestStores), and is the
// store to use when several Townhall machines serve one manifest behind a
// load balancer: a resident who reconnects to another machine finds their
// message ids there (a resent message is answered once, whichever machine
// took it first), staff on any machine's console see the resident's
// conversations from every machine, and `townhall eval export` reads every
// machine's feedback.
//
// The conversations' transcripts are the assistant's (assistant/postgres,
// in the same schema); this store keeps only what the web chat adds.
//
// Every exported method is one transaction. Tables are created by the
// embedded migrations on Open, recorded in webchat_migrations, in the
// schema Options.Schema names; their names start with webchat_, since the
// schema is shared with the manifest's other stores. Times are stored to
// PostgreSQL's microsecond and read back in UTC.
package postgres

import (
	"context"
	"crypto/rand"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/channels/webchat"
	"github.com/townhall-civic/townhall/internal/pgmigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options configures Open.
type Options struct {
	// Schema is the schema the tables live in, created if missing; empty
	// means the connection's search_path decides.
	Schema string
	// MaxConns caps the connection pool; 0 means pgxpool's default.
	MaxConns int32
}

// DB is an open web chat database. It is safe for concurrent use by any
// number of processes.
type DB struct {
	pool *pgxpool.Pool
	// Now is the clock for records the caller leaves without a time.
	Now func() time.Time
	// TurnLockConns caps the connections that hold conversations' locks
	// (LockTurn), set before the first lock; 0 means
	// DefaultTurnLockConns.
	TurnLockConns int32
	turns         turnLocks
}

var (
	_ webchat.MessageLog    = (*DB)(nil)
	_ webchat.FeedbackStore = (*DB)(nil)
)

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies any pending migrations and returns the store.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{
		Schema: opt.Schema, MaxConns: opt.MaxConns,
		Migrations: migrations, Pattern: "migrations/*.sql", Table: "webchat_migrations",
	})
	if err != nil {
		return nil, fmt.Errorf("web chat database: %w", mapError(err))
	}
	return &DB{pool: pool, Now: time.Now}, nil
}

// Close closes the connection pool. Every write has already been
// committed.
func (db *DB) Close() error {
	db.turns.close()
	db.pool.Close()
	return nil
}

// FormKeySize is the length of the key FormKey makes.
const FormKeySize = 32

// FormKey returns the key that signs the chat page's form tokens
// (webchat.Config.Secret), making it (FormKeySize random bytes) the first
// time any machine asks. Every machine sharing the database gets the same
// key, so a page served by one may be posted to another.
func (db *DB) FormKey(ctx context.Context) ([]byte, error) {
	fresh := make([]byte, FormKeySize)
	if _, err := rand.Read(fresh); err != nil {
		return nil, err
	}
	var key []byte
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO webchat_form_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, fresh); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT key FROM webchat_form_key WHERE id = 1`).Scan(&key)
	})
	if err != nil {
		return nil, fmt.Errorf("web chat form key: %w", err)
	}
	return key, nil
}

// inTx runs fn in a read-write transaction and commits it.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapError(pgx.BeginFunc(ctx, db.pool, fn))
}

// timeOf is t as stored: the store's clock for the zero time, UTC to
// PostgreSQL's microsecond.
func (db *DB) timeOf(t time.Time) time.Time {
	if t.IsZero() {
		now := time.Now
		if db.Now != nil {
			now = db.Now
		}
		t = now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// mapError translates driver errors into the web chat's sentinels: an
// integrity constraint (an empty id, a seq below 1) or text PostgreSQL
// cannot hold is ErrInvalid, and no rows ErrNotFound. The driver's error
// stays wrapped for logs.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", webchat.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case strings.HasPrefix(pe.Code, "23"), // integrity_constraint_violation
			pe.Code == "22021", pe.Code == "22P05": // bad UTF-8, untranslatable character
			return fmt.Errorf("%w: %w", webchat.ErrInvalid, err)
		}
	}
	return err
}

// clean makes s storable as PostgreSQL text, which holds neither NUL
// bytes nor invalid UTF-8. A resident's question is cleaned on the way in
// and passes unchanged; an answer may quote a document.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}
