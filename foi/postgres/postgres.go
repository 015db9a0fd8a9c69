// Package postgres keeps FOI requests, the disclosure log and officers'
// redaction (unredacted drafts, the audit trail and censor rules) in
// PostgreSQL (pgx/v5): a foi.Store, foi.Publisher, foi.DraftStore,
// foi.AuditLog and foi.RuleStore passing the same conformance suites as
// foi/sqlite (foi/foitest.TestStore and TestRedactionStore).
//
// Each request and disclosure is kept whole as a json document, with the
// fields filters and ordering use copied into indexed columns; times keep
// the offset they were given in, as foi/sqlite's do. Every exported method
// is one transaction. Reference numbers come from a per-series sequence
// row advanced in the insert's transaction, so concurrent creates never
// share one; updates lock the request's row.
//
// The audit trail keeps a keyed digest of removed text (foi.AuditDigest
// under a key made on first use and kept in foi_audit_key), never the
// text or a rule's pattern. Times the store stamps itself (an audit
// entry's publication, a rule's creation) are UTC to the microsecond.
//
// Every write to the disclosure log takes the next log version (a one-row
// counter locked until the write commits, so versions follow commit
// order) and stamps the disclosures it wrote with it; merged-away
// disclosures are kept as removals. DisclosureChanges returns what changed
// after a version, so a search index kept on each machine (townhall's
// foi.bleve) can follow the shared log without rebuilding.
//
// townhall serve, foi import and foi republish use it with
// TOWNHALL_STORE=postgres, in the manifest's schema beside the
// retrieval and assistant tables (every table here starts foi_).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/foi"
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

// Store is an open FOI database.
type Store struct {
	pool *pgxpool.Pool
	// Now stamps redaction audit entries and new censor rules; Open sets
	// time.Now.
	Now func() time.Time
}

var _ foi.Store = (*Store)(nil)

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies any pending migrations (recorded in foi_migrations) and
// returns the store.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{
		Schema: opt.Schema, MaxConns: opt.MaxConns,
		Migrations: migrations, Pattern: "migrations/*.sql", Table: "foi_migrations",
	})
	if err != nil {
		return nil, fmt.Errorf("FOI database: %w", err)
	}
	return &Store{pool: pool, Now: time.Now}, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func (s *Store) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapErr(pgx.BeginFunc(ctx, s.pool, fn))
}

func (s *Store) inRead(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapErr(pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, fn))
}

// mapErr translates a unique violation into foi.ErrConflict and text
// PostgreSQL cannot hold into foi.ErrInvalid, keeping the driver's error
// wrapped.
func mapErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", foi.ErrConflict, err)
		case "22021", "22P05": // bad UTF-8 or NUL, untranslatable character
			return fmt.Errorf("%w: %w", foi.ErrInvalid, err)
		}
	}
	return err
}

// fold is the case folding of the *_key columns: Go's, as foi's Match
// functions use (strings.EqualFold agrees with it on everything but a few
// special cases, as foi/sqlite's does).
func fold(s string) string { return strings.ToLower(s) }

// optTime is t for a nullable timestamptz column.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// limitOffset is a LIMIT/OFFSET clause for paging; limit 0 means none.
func limitOffset(offset, limit int) string {
	s := ""
	if limit > 0 {
		s = fmt.Sprintf(" LIMIT %d", limit)
	}
	if offset > 0 {
		s += fmt.Sprintf(" OFFSET %d", offset)
	}
	return s
}
