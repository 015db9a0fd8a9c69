// Package postgres keeps the assistant's conversations, service requests
// and hand-off queue in PostgreSQL (pgx/v5). It is the server-backed
// alternative to assistant/sqlite for a council running several Townhall
// processes, or one that keeps its data in PostgreSQL already, and passes
// the same conformance suites (assistant/assistanttest).
//
// Durability. A service request the resident was told about must never be
// lost, so CreateServiceRequest returns only after its transaction has
// committed, and that transaction runs with synchronous_commit=on
// whatever the server's default: the commit returns only once its WAL
// record is flushed to disk (and to synchronous standbys, where the
// server has them). Other writes follow the server's setting.
//
// Concurrency. Every exported method is one transaction. Service request
// references come from a per-year sequence row updated in the same
// transaction as the insert, so they are never repeated across processes.
// A conversation waits in the hand-off queue at most once (a partial
// unique index); claims and closes lock the row they change.
//
// Tables are created by the embedded migrations on Open, recorded in
// assistant_migrations, in the schema Options.Schema names.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/assistant"
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

// DB is an open assistant database. It implements
// assistant.ConversationStore, assistant.ServiceRequests,
// assistant.HandoffQueue and assistant.HandoffConsole, and is safe for
// concurrent use by any number of processes.
type DB struct {
	pool *pgxpool.Pool
	// Now is the clock for times the caller leaves zero (a request's
	// Created, a hand-off's At, claim and close times).
	Now func() time.Time
	// ReferencePrefix starts service request references: "SR" gives
	// "SR-2026-000123".
	ReferencePrefix string
}

var (
	_ assistant.ConversationStore = (*DB)(nil)
	_ assistant.ServiceRequests   = (*DB)(nil)
	_ assistant.HandoffQueue      = (*DB)(nil)
	_ assistant.HandoffConsole    = (*DB)(nil)
)

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies any pending migrations and returns the store.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{
		Schema: opt.Schema, MaxConns: opt.MaxConns,
		Migrations: migrations, Pattern: "migrations/*.sql", Table: "assistant_migrations",
	})
	if err != nil {
		return nil, fmt.Errorf("assistant database: %w", mapError(err))
	}
	return &DB{pool: pool, Now: time.Now, ReferencePrefix: "SR"}, nil
}

// Close closes the connection pool. Every write has already been
// committed.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// inTx runs fn in a read-write transaction and commits it.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapError(pgx.BeginFunc(ctx, db.pool, fn))
}

// inRead runs fn in a read-only transaction, so multi-query reads are
// consistent.
func (db *DB) inRead(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapError(pgx.BeginTxFunc(ctx, db.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, fn))
}

// now is the store's clock, to PostgreSQL's microsecond, so a time the
// store sets is the one it gives back.
func (db *DB) now() time.Time {
	now := time.Now
	if db.Now != nil {
		now = db.Now
	}
	return now().UTC().Truncate(time.Microsecond)
}

// mapError translates driver errors into the assistant's sentinels: a
// uniqueness violation is ErrConflict, another integrity constraint or
// text PostgreSQL cannot hold ErrInvalid, and no rows ErrNotFound. The
// driver's error stays wrapped for logs.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", assistant.ErrNotFound, err)
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505": // unique_violation
			return fmt.Errorf("%w: %w", assistant.ErrConflict, err)
		case strings.HasPrefix(pe.Code, "23"), // integrity_constraint_violation
			pe.Code == "22021", pe.Code == "22P05": // bad UTF-8, untranslatable character
			return fmt.Errorf("%w: %w", assistant.ErrInvalid, err)
		}
	}
	return err
}

// clean makes s storable as PostgreSQL text, which holds neither NUL
// bytes nor invalid UTF-8. Residents' messages are cleaned on the way in
// (assistant.CleanMessage) and so pass unchanged; this guards other text,
// such as answers quoting a document.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// optTime is t for a timestamptz column: NULL for the zero time.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// fromOpt is a timestamptz read back: the zero time for NULL, else UTC.
func fromOpt(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}
