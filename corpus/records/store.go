package records

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"net/url"
	"sync"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed schema.sql
var schema string

// schemaVersion is stored in PRAGMA user_version. An index written with
// another version is emptied and rebuilt: it holds nothing that a
// re-ingest cannot restore.
const schemaVersion = 1

// Compile-time checks.
var (
	_ corpus.Sink             = (*Store)(nil)
	_ assistant.RecordQuerier = (*Store)(nil)
)

// ErrClosed reports use of a closed Store.
var ErrClosed = errors.New("records: store closed")

// Store is the record index in one SQLite file. It is safe for concurrent
// use; ingestion writes from one goroutine while queries read.
type Store struct {
	db *sql.DB

	mu        sync.Mutex
	suppliers *supplierIndex // nil until first needed, reset by writes
	councils  []string
	gen       int // counts writes, so a list read during one is not kept
	closed    bool
}

// Open opens or creates the record index at path (for example
// "<index dir>/records.db").
func Open(ctx context.Context, path string) (*Store, error) {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-32768)") // 32 MiB
	q.Add("_pragma", "temp_store(MEMORY)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("records: open %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("records: open %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// migrate creates the schema, first dropping an index of another version.
func migrate(ctx context.Context, db *sql.DB) error {
	var v int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v == schemaVersion {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if v != 0 {
		for _, stmt := range []string{
			"DROP TRIGGER IF EXISTS records_ai", "DROP TRIGGER IF EXISTS records_ad", "DROP TRIGGER IF EXISTS records_au",
			"DROP TABLE IF EXISTS records_fts", "DROP TABLE IF EXISTS records", "DROP TABLE IF EXISTS files",
		} {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
		return err
	}
	return tx.Commit()
}

// Close closes the database. Further calls fail with ErrClosed.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.suppliers, s.councils = nil, nil
	s.mu.Unlock()
	return s.db.Close()
}

// invalidate drops the in-memory supplier and council lists after a write.
func (s *Store) invalidate() {
	s.mu.Lock()
	s.suppliers, s.councils = nil, nil
	s.gen++
	s.mu.Unlock()
}

// generation returns the write count, for keeping a list read now only if
// no write happened meanwhile.
func (s *Store) generation() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// Warm loads the in-memory supplier and council lists, which queries
// otherwise load on first use after a write (a few hundred milliseconds
// for a hundred thousand rows). Call it after ingest, before serving.
func (s *Store) Warm(ctx context.Context) error {
	if _, err := s.supplierList(ctx); err != nil {
		return err
	}
	_, err := s.Councils(ctx)
	return err
}

func (s *Store) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}
