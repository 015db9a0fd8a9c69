// Package sqlite is a foi.Store on SQLite, through the pure-Go
// modernc.org/sqlite driver, for a council that runs Townhall as one
// binary with its data on local disk.
//
// The database runs in WAL mode so that the portal's readers never wait
// for a writer. Writes go through a pool of one connection whose
// transactions begin IMMEDIATE: SQLite allows one writer at a time, and
// taking the write lock at BEGIN (rather than at the first write) means a
// transaction never has to be retried half-way because another writer
// upgraded first. Reads use a separate pool.
//
// Each exported method is one transaction. The schema is embedded
// (migrations/*.sql) and applied in order on Open.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/townhall-civic/townhall/foi"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is a foi.Store backed by one SQLite database file. It is safe for
// concurrent use.
type Store struct {
	path  string
	write *sql.DB // one connection; BEGIN IMMEDIATE
	read  *sql.DB
	// Now stamps redaction audit entries; Open sets time.Now.
	Now func() time.Time
}

var _ foi.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and brings its
// schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty path: %w", foi.ErrInvalid)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	dsn := func(extra ...string) string {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		for i := 0; i+1 < len(extra); i += 2 {
			q.Add(extra[i], extra[i+1])
		}
		return "file:" + (&url.URL{Path: abs}).EscapedPath() + "?" + q.Encode()
	}
	s := &Store{path: abs, Now: time.Now}
	s.write, err = sql.Open("sqlite", dsn("_txlock", "immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.write.SetMaxOpenConns(1)
	s.read, err = sql.Open("sqlite", dsn())
	if err != nil {
		s.write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.read.SetMaxOpenConns(4)
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if err := s.scrubAudit(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("sqlite: digest the audit trail of %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error {
	return errors.Join(s.read.Close(), s.write.Close())
}

// Path returns the database file's absolute path.
func (s *Store) Path() string { return s.path }

// migrate applies every embedded migration not yet recorded in
// schema_migrations, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx,
		`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("migration %s: name must start with a number and '_'", base)
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.inWrite(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("%s: %w", base, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, base)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// inWrite runs fn in a write transaction and commits it, or rolls back
// when fn fails. Driver errors come back mapped (see mapErr).
func (s *Store) inWrite(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return mapErr(err)
	}
	return mapErr(tx.Commit())
}

// inRead runs fn in a read transaction, so that a count and a page come
// from the same snapshot.
func (s *Store) inRead(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return mapErr(err)
	}
	defer tx.Rollback()
	return mapErr(fn(tx))
}

// mapErr translates driver errors into the foi sentinels: a constraint
// violation is foi.ErrConflict. The driver's message is kept for the log.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT {
		return fmt.Errorf("%w: %w", foi.ErrConflict, err)
	}
	return err
}

// The time encoding: RFC 3339 with the value's own offset, so that the
// calendar day of an instant survives the round trip, and Unix
// microseconds for ordering. Zero is NULL.
func timeText(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Format(time.RFC3339Nano)
}

func timeKey(t time.Time) int64 { return t.UnixMicro() }

func nullTimeKey(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func parseTime(ns sql.NullString) (time.Time, error) {
	if !ns.Valid || ns.String == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, ns.String)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", ns.String, err)
	}
	if _, off := t.Zone(); off == 0 {
		t = t.UTC()
	}
	return t, nil
}

// fold is the key for case-insensitive equality, as strings.EqualFold
// would see it for all but a few exotic letters.
func fold(s string) string { return strings.ToLower(s) }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
