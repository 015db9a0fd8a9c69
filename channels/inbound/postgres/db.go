// Package postgres keeps the SMS and WhatsApp message queue in
// PostgreSQL (pgx/v5), so that several Townhall machines behind a load
// balancer share one queue: a webhook may land on any machine, and any
// machine's workers may take the job. It holds what channels/inbound/sqlite
// holds, with the same behaviour (both pass channels/inbound/inboundtest):
// the inbound and outbound jobs of package inbound, each resident's
// current conversation, providers' delivery reports, and the channel
// state that must survive a restart: the webhooks' seen message ids
// (channels.Deduper), opt-outs (channels.OptOuts) and WhatsApp service
// windows (whatsapp.Window).
//
// Durability. Every exported method is one transaction, committed before
// it returns, and every write runs with synchronous_commit=on whatever
// the server's default: a webhook answers the provider only after
// EnqueueInbound has committed, so an acknowledged message (or a STOP)
// is on the server's disk, as SQLite's synchronous=FULL promises.
//
// Concurrency. Claim takes the oldest due job with SELECT … FOR UPDATE
// SKIP LOCKED, so two machines never lease the same job and neither waits
// for the other. Each resident's jobs run one at a time and in order: a
// job is due only when no earlier job of its resident is queued or
// leased. Ids come from an identity column, allocated before commit, so
// every write that adds or releases a resident's jobs (EnqueueInbound,
// EnqueueOutbound, Finish) first takes a transaction-scoped advisory lock
// on the resident: their jobs are then committed in id order, and a
// resident who writes while a WhatsApp template is being sent is never
// missed by the Finish that holds the message.
//
// Times come from the DB's clock (Now), as with the SQLite store, so the
// machines' clocks should agree (NTP) to well within a lease.
//
// townhall serve and townhall messaging use it with TOWNHALL_STORE=postgres,
// in the manifest's schema beside the retrieval, assistant and FOI tables
// (every table here starts messaging_).
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/internal/pgmigrate"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Defaults for DB's settings, as channels/inbound/sqlite's.
const (
	// DefaultConversationIdle is the quiet spell after which a resident's
	// next message starts a new conversation.
	DefaultConversationIdle = 12 * time.Hour
	// DefaultClaimTTL is how long a webhook's claim on a message id
	// stands before a redelivery may be handled again (see Seen).
	DefaultClaimTTL = 2 * time.Minute
)

// Options configures Open.
type Options struct {
	// Schema is the schema the tables live in, created if missing; empty
	// means the connection's search_path decides.
	Schema string
	// MaxConns caps the connection pool; 0 means pgxpool's default.
	MaxConns int32
	// MustExist refuses to create the queue: Open fails with ErrNoQueue
	// when the schema holds none (for operators' commands, where a
	// mistyped manifest name should not make a new, empty queue).
	MustExist bool
}

// ErrNoQueue reports a schema without a queue, with Options.MustExist.
var ErrNoQueue = errors.New("no messaging queue")

// DB is an open queue. It is safe for concurrent use, by any number of
// processes.
type DB struct {
	pool   *pgxpool.Pool
	schema string
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

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies any pending migrations (recorded in messaging_migrations)
// and returns the queue.
func Open(ctx context.Context, url string, opt Options) (*DB, error) {
	if opt.MustExist {
		if err := checkExists(ctx, url, opt.Schema); err != nil {
			return nil, fmt.Errorf("messaging queue: %w", err)
		}
	}
	pool, err := pgmigrate.OpenPool(ctx, url, pgmigrate.Options{
		Schema: opt.Schema, MaxConns: opt.MaxConns,
		Migrations: migrations, Pattern: "migrations/*.sql", Table: "messaging_migrations",
	})
	if err != nil {
		return nil, fmt.Errorf("messaging queue: %w", err)
	}
	return &DB{pool: pool, schema: opt.Schema}, nil
}

// checkExists returns ErrNoQueue unless schema holds a migrated queue.
func checkExists(ctx context.Context, url, schema string) error {
	cfg, err := pgmigrate.PoolConfig(url, schema, 1)
	if err != nil {
		return err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(ctx)
	var ok bool
	q, args := `SELECT to_regclass('messaging_migrations') IS NOT NULL`, []any(nil)
	if schema != "" {
		q, args = `SELECT to_regclass(format('%I.messaging_migrations', $1::text)) IS NOT NULL`, []any{schema}
	}
	if err := conn.QueryRow(ctx, q, args...).Scan(&ok); err != nil {
		return err
	}
	if !ok {
		where := "schema " + schema
		if schema == "" {
			where = "the connection's search_path"
		}
		return fmt.Errorf("%w in %s", ErrNoQueue, where)
	}
	return nil
}

// Close closes the connection pool. Every write has already been
// committed.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Where names the queue for operators: its schema, never the URL (which
// may hold a password).
func (db *DB) Where() string {
	if db.schema == "" {
		return "PostgreSQL (the connection's search_path)"
	}
	return "PostgreSQL schema " + db.schema
}

// inTx runs fn in a read-committed transaction and commits it with
// synchronous_commit=on, whatever the server's default: the commit
// record is on disk (and on synchronous standbys) before inTx returns.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return mapErr(pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SET LOCAL synchronous_commit = on"); err != nil {
			return err
		}
		return fn(tx)
	}))
}

// lockResident takes a transaction-scoped lock on resident's jobs (see
// the package doc). The key is hashed with the schema, so two manifests'
// queues never wait for each other.
func lockResident(ctx context.Context, tx pgx.Tx, resident string) error {
	_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended(current_schema() || ' messaging ' || $1, 0))`, resident)
	return err
}

// mapErr wraps text PostgreSQL cannot hold (a NUL byte, bad UTF-8) in
// channels.ErrInvalid, keeping the driver's error.
func mapErr(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "22021", "22P05": // bad UTF-8 or NUL, untranslatable character
			return fmt.Errorf("%w: %w", channels.ErrInvalid, err)
		}
	}
	return err
}

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now()
	}
	return time.Now()
}

// utc reads a stored time; PostgreSQL keeps microseconds.
func utc(t time.Time) time.Time { return t.UTC() }
