// Package pgmigrate opens a PostgreSQL connection pool for one of
// Townhall's stores and applies the store's embedded SQL migrations
// first. Each store records the migrations it has applied in a table of
// its own (e.g. assistant_migrations), so stores sharing a schema never
// see each other's versions. A migration's version is the number its file
// name starts with ("0001_init.sql" is 1); each runs once, in order, all
// pending ones in one transaction under an advisory lock, so processes
// starting together migrate once. A database migrated by a newer program
// (a version this one does not know) is refused rather than touched.
//
// PoolConfig alone serves a store that migrates itself: retrieval/postgres,
// whose migrations are templates (the embedding dimension), create the
// vector extension database-wide under a lock of their own, and check the
// embedder in the same transaction.
package pgmigrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options configures OpenPool.
type Options struct {
	// Schema is the schema the store's tables live in, created if missing;
	// empty means the connection's search_path decides.
	Schema string
	// MaxConns caps the pool; 0 means pgxpool's default.
	MaxConns int32
	// Migrations holds the store's migration files, matched by Pattern
	// (e.g. "migrations/*.sql").
	Migrations fs.FS
	Pattern    string
	// Table records the applied versions, e.g. "assistant_migrations".
	Table string
}

// OpenPool parses url (a postgres:// URL or key=value DSN), creates the
// schema if needed, applies pending migrations on a connection of its own
// and returns a pool whose connections use the schema.
func OpenPool(ctx context.Context, url string, opt Options) (*pgxpool.Pool, error) {
	cfg, err := PoolConfig(url, opt.Schema, opt.MaxConns)
	if err != nil {
		return nil, err
	}
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	err = createSchema(ctx, conn, opt.Schema)
	if err == nil {
		err = Apply(ctx, conn, opt.Migrations, opt.Pattern, opt.Table)
	}
	conn.Close(ctx)
	if err != nil {
		return nil, err
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}

// PoolConfig parses url (a postgres:// URL or key=value DSN) into a pool
// configuration whose connections use schema, then public (where the
// extensions live), when schema is not empty, and which holds at most
// maxConns connections when maxConns > 0 (else pgxpool's default).
func PoolConfig(url, schema string, maxConns int32) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if schema != "" {
		cfg.ConnConfig.RuntimeParams["search_path"] = pgx.Identifier{schema}.Sanitize() + ", public"
	}
	if maxConns > 0 {
		cfg.MaxConns = maxConns
	}
	return cfg, nil
}

// createSchema creates schema unless it exists. Two processes creating it
// at once may collide even with IF NOT EXISTS; the loser's error is
// ignored.
func createSchema(ctx context.Context, conn *pgx.Conn, schema string) error {
	if schema == "" {
		return nil
	}
	_, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && (pe.Code == "23505" || pe.Code == "42P06") { // unique_violation, duplicate_schema
		return nil
	}
	if err != nil {
		return fmt.Errorf("create schema %s: %w", schema, err)
	}
	return nil
}

// Apply runs the migrations matching pattern in fsys that table does not
// record yet, in one transaction on conn.
func Apply(ctx context.Context, conn *pgx.Conn, fsys fs.FS, pattern, table string) error {
	names, err := fs.Glob(fsys, pattern)
	if err != nil {
		return err
	}
	slices.Sort(names)
	versions := make([]int, len(names))
	for i, name := range names {
		versions[i], err = strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", name)
		}
	}
	tbl := pgx.Identifier{table}.Sanitize()
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// One migrator at a time per schema and store.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.' || $1))", table); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+tbl+" (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT version FROM "+tbl)
		if err != nil {
			return err
		}
		done, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		for _, v := range done {
			if !slices.Contains(versions, v) {
				return fmt.Errorf("%s records migration %d, which this program does not have: the database was migrated by a newer version", table, v)
			}
		}
		for i, name := range names {
			if slices.Contains(done, versions[i]) {
				continue
			}
			body, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO "+tbl+" (version) VALUES ($1)", versions[i]); err != nil {
				return err
			}
		}
		return nil
	})
}
