// Package sqlite keeps the assistant's conversations, service requests and
// hand-off queue in an embedded SQLite database (modernc.org/sqlite, pure
// Go). It is the default store; a Postgres one can implement the same
// interfaces later.
//
// Durability. A service request the resident was told about must never be
// lost, so CreateServiceRequest returns only after its transaction has
// committed, and every connection runs with journal_mode=WAL and
// synchronous=FULL: each commit fsyncs the write-ahead log before
// returning. (With synchronous=NORMAL a WAL database survives a process
// crash but may lose the last commits on power loss; that is not good
// enough for an acknowledgement.) The cost is one fsync per write,
// measured in BenchmarkCreateServiceRequest.
//
// Concurrency. Writes go through a pool of one connection, so this
// process never contends with itself for SQLite's single writer lock;
// transactions start IMMEDIATE and wait up to the busy timeout for other
// processes. Reads use a separate pool and see every committed write.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/townhall-civic/townhall/assistant"

	"github.com/townhall-civic/townhall/internal/sqlitemigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// busyTimeout is how long a transaction waits for another process's write
// lock before failing with SQLITE_BUSY.
const busyTimeout = 10 * time.Second

// DB is an open assistant database. It implements
// assistant.ConversationStore, assistant.ServiceRequests,
// assistant.HandoffQueue and assistant.HandoffConsole. It is safe for
// concurrent use, including by several processes on the same file.
type DB struct {
	path  string
	write *sql.DB
	read  *sql.DB
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

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("sqlite path %q: %w", path, assistant.ErrInvalid)
	}
	common := "?_pragma=busy_timeout(" + strconv.FormatInt(busyTimeout.Milliseconds(), 10) + ")" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	write, err := sql.Open("sqlite", path+common+"&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	db := &DB{path: path, write: write, Now: time.Now, ReferencePrefix: "SR"}
	if err := db.migrate(ctx); err != nil {
		write.Close()
		return nil, err
	}
	// The read pool opens after migration, so the file is already in WAL
	// mode (a persistent setting) and query_only cannot get in its way.
	read, err := sql.Open("sqlite", path+common+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	read.SetMaxOpenConns(4)
	db.read = read
	return db, nil
}

// Close closes the database. Every write has already been committed; Close
// only releases connections (and lets SQLite checkpoint the log).
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// migrate applies the embedded migrations the database has not seen.
func (db *DB) migrate(ctx context.Context) error {
	return sqlitemigrate.Apply(ctx, db.write, migrations, "migrations/*.sql", db.path)
}

// inWrite runs fn in a write transaction and commits it.
func (db *DB) inWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	return mapError(tx.Commit())
}

// inRead runs fn in a read transaction, so multi-query reads are
// consistent.
func (db *DB) inRead(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback()
	return fn(tx)
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// mapError translates driver errors into the assistant's sentinels: a
// uniqueness violation is ErrConflict, another constraint ErrInvalid, and
// no rows ErrNotFound. The driver's error stays wrapped for logs.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", assistant.ErrNotFound, err)
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch code := se.Code(); {
		case code == sqlite3.SQLITE_CONSTRAINT_UNIQUE || code == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", assistant.ErrConflict, err)
		case code&0xff == sqlite3.SQLITE_CONSTRAINT:
			return fmt.Errorf("%w: %w", assistant.ErrInvalid, err)
		}
	}
	return err
}

// formatTime writes t for storage: RFC 3339 in UTC, "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// parseTime reads a stored time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
