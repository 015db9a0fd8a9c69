// Package postgres is Townhall's server-backed retrieval store: chunks,
// their full-text vectors and embeddings in PostgreSQL with pgvector, and
// the catalog of ingested files beside them. It is the equivalent of
// retrieval/local for a council that runs PostgreSQL already, or whose
// content or traffic outgrows one process.
//
// Tables (created by the embedded migrations on Open):
//
//	chunks      one row per chunk; tsv is a generated tsvector (english,
//	            title A, headings B, text C) with a GIN index; embedding is
//	            a vector(dim) with an HNSW index (cosine)
//	files       retrieval.Catalog: file hashes and chunk IDs
//	store_meta  embedder identity and dimension; a mismatch empties the store
//	lexeme_stats, chunk_stats
//	            document frequencies for the keyword arm's IDF weights,
//	            rebuilt by RefreshStats
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"text/template"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	pgxvec "github.com/pgvector/pgvector-go/pgx"

	"github.com/townhall-civic/townhall/internal/pgmigrate"
	"github.com/townhall-civic/townhall/retrieval"
)

// ErrConflict is returned when a write collides with a concurrent one
// (a unique violation, serialization failure or deadlock); retrying the
// call is safe.
var ErrConflict = errors.New("conflicting write")

// Options configures Open.
type Options struct {
	// Dim is the embedding dimension; it must be positive.
	Dim int
	// Embed embeds queries for the vector and hybrid searchers. Nil gives
	// a keyword-only store (vectors can still be added directly).
	Embed retrieval.Embedder
	// EmbedderID names the embedder and its settings; when it differs from
	// the one the store was built with (or Dim changes), Open empties the
	// store so the next ingest re-embeds everything.
	EmbedderID string
	// Schema is the schema the tables live in, created if missing; empty
	// means the connection's search_path decides. The vector extension
	// is looked up in Schema, then public.
	Schema string
	// MaxConns caps the connection pool; 0 means pgxpool's default.
	MaxConns int32
	// VectorWeight scales the vector arm in hybrid fusion; 0 means 0.5.
	VectorWeight float64
	// FusionK is the reciprocal rank fusion constant; 0 means 10.
	FusionK float64
}

// Store is an open PostgreSQL retrieval store. Its parts share one
// connection pool; each exported method of each part runs in one
// transaction.
type Store struct {
	pool    *pgxpool.Pool
	opt     Options
	chunks  *Chunks
	vectors *Vectors
	catalog *Catalog
	keyword *Keyword
	// Rebuilt is true when Open found a store built with another embedder
	// or dimension and emptied it.
	Rebuilt bool
}

//go:embed migrations/*.sql
var migrations embed.FS

// Open connects to the database at url (a postgres:// URL or key=value
// DSN), applies any pending migrations and returns the store.
func Open(ctx context.Context, url string, opt Options) (*Store, error) {
	if opt.Dim <= 0 {
		return nil, fmt.Errorf("postgres store: dimension %d: %w", opt.Dim, retrieval.ErrDimension)
	}
	cfg, err := pgmigrate.PoolConfig(url, opt.Schema, opt.MaxConns)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s := &Store{opt: opt}
	// Migrate on a connection of its own: the pool's connections register
	// the vector type, which must exist first.
	conn, err := pgx.ConnectConfig(ctx, cfg.ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("postgres store: connect: %w", err)
	}
	s.Rebuilt, err = migrate(ctx, conn, opt)
	conn.Close(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres store: migrate: %w", mapError(err))
	}
	cfg.AfterConnect = func(ctx context.Context, c *pgx.Conn) error { return pgxvec.RegisterTypes(ctx, c) }
	s.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s.chunks = &Chunks{pool: s.pool}
	s.vectors = &Vectors{pool: s.pool, dim: opt.Dim}
	s.catalog = &Catalog{pool: s.pool}
	s.keyword = &Keyword{pool: s.pool}
	return s, nil
}

// migrate applies the embedded migrations not yet recorded in
// townhall_migrations, each in its own transaction under an advisory
// lock, then checks store_meta against opt. It reports whether the store
// was emptied.
func migrate(ctx context.Context, conn *pgx.Conn, opt Options) (rebuilt bool, err error) {
	if opt.Schema != "" {
		if _, err := conn.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{opt.Schema}.Sanitize()); err != nil {
			// Another Open may have created it between the check and the
			// create; that is fine.
			if !errors.Is(mapError(err), ErrConflict) {
				return false, err
			}
		}
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return false, err
	}
	slices.Sort(names)
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		// One migrator at a time per database.
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(7242315)"); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS townhall_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, "SELECT version FROM townhall_migrations")
		if err != nil {
			return err
		}
		done, err := pgx.CollectRows(rows, pgx.RowTo[int])
		if err != nil {
			return err
		}
		for _, name := range names {
			version, err := strconv.Atoi(strings.SplitN(path.Base(name), "_", 2)[0])
			if err != nil {
				return fmt.Errorf("migration %s: name must start with a number", name)
			}
			if slices.Contains(done, version) {
				continue
			}
			src, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			var sql strings.Builder
			if err := template.Must(template.New(name).Parse(string(src))).Execute(&sql, opt); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, sql.String()); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO townhall_migrations (version) VALUES ($1)", version); err != nil {
				return err
			}
		}
		var embedder string
		var dim int
		err = tx.QueryRow(ctx, "SELECT embedder, dim FROM store_meta").Scan(&embedder, &dim)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			_, err = tx.Exec(ctx, "INSERT INTO store_meta (embedder, dim) VALUES ($1, $2)", opt.EmbedderID, opt.Dim)
			return err
		case err != nil:
			return err
		case embedder == opt.EmbedderID && dim == opt.Dim:
			return nil
		}
		rebuilt = true
		if _, err := tx.Exec(ctx, "TRUNCATE chunks, files, lexeme_stats, chunk_stats"); err != nil {
			return err
		}
		if dim != opt.Dim {
			// The HNSW index is rebuilt with the column, on an empty table.
			if _, err := tx.Exec(ctx, fmt.Sprintf("ALTER TABLE chunks ALTER COLUMN embedding TYPE vector(%d) USING NULL", opt.Dim)); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, "UPDATE store_meta SET embedder = $1, dim = $2", opt.EmbedderID, opt.Dim)
		return err
	})
	return rebuilt, err
}

// Close closes the connection pool.
func (s *Store) Close() { s.pool.Close() }

// Pool returns the store's connection pool, for health checks.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

// Chunks returns the chunk table as a retrieval.ChunkIndex and
// retrieval.ChunkGetter.
func (s *Store) Chunks() *Chunks { return s.chunks }

// Vectors returns the chunk embeddings as a retrieval.VectorIndex.
func (s *Store) Vectors() *Vectors { return s.vectors }

// Catalog returns the catalog of ingested files.
func (s *Store) Catalog() *Catalog { return s.catalog }

// Keyword returns the full-text searcher.
func (s *Store) Keyword() *Keyword { return s.keyword }

// Indexer returns the corpus.Sink that writes into this store.
func (s *Store) Indexer() *retrieval.Indexer {
	ix := &retrieval.Indexer{Keyword: s.chunks, Catalog: s.catalog, WholeDocuments: true}
	if s.opt.Embed != nil {
		ix.Vectors, ix.Embed = s.vectors, s.opt.Embed
	}
	return ix
}

// Searcher returns the named retriever: "hybrid" (the default; keyword
// alone without an embedder), "keyword" (PostgreSQL full-text search; also
// accepted as "bm25", the name the local store gives its plain arm) or
// "vector".
func (s *Store) Searcher(name string) (retrieval.Searcher, error) {
	switch name {
	case "", "hybrid":
		if s.opt.Embed == nil {
			return s.keyword, nil
		}
		vw, k := s.opt.VectorWeight, s.opt.FusionK
		if vw == 0 {
			vw = 0.5
		}
		if k == 0 {
			k = 10
		}
		v := &retrieval.Vector{Index: s.vectors, Chunks: s.chunks, Embed: s.opt.Embed}
		return &retrieval.Hybrid{Keyword: s.keyword, Vector: v, VectorWeight: vw, K: k, Chunks: s.chunks}, nil
	case "keyword", "bm25":
		return s.keyword, nil
	case "vector":
		if s.opt.Embed == nil {
			return nil, fmt.Errorf("retriever %q needs an embedder: %w", name, retrieval.ErrInvalid)
		}
		return &retrieval.Vector{Index: s.vectors, Chunks: s.chunks, Embed: s.opt.Embed}, nil
	}
	return nil, fmt.Errorf("unknown retriever %q (want hybrid, keyword or vector): %w", name, retrieval.ErrInvalid)
}

// RefreshStats recounts the keyword arm's corpus statistics (how many
// chunks hold each lexeme, and how many chunks there are) in one
// transaction. Call it after an ingest; until then searches use the older
// figures, counting lexemes those lack as they go. Searches running
// meanwhile are not blocked.
func (s *Store) RefreshStats(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			"DELETE FROM lexeme_stats",
			"INSERT INTO lexeme_stats (lexeme, ndoc) SELECT word, ndoc FROM ts_stat('SELECT tsv FROM chunks')",
			"DELETE FROM chunk_stats",
			"INSERT INTO chunk_stats (chunks) SELECT count(*) FROM chunks",
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	return mapError(err)
}

// Stats reports what the store holds.
type Stats struct {
	Files, Documents, Chunks, Vectors int
}

// Stats counts the store's contents.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	var st Stats
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, "SELECT count(*), coalesce(sum(docs), 0) FROM files").Scan(&st.Files, &st.Documents); err != nil {
			return err
		}
		return tx.QueryRow(ctx, "SELECT count(*), count(embedding) FROM chunks").Scan(&st.Chunks, &st.Vectors)
	})
	return st, mapError(err)
}

// mapError maps PostgreSQL error codes to the package's and retrieval's
// sentinel errors, keeping the original in the chain.
func mapError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "23505", "40001", "40P01": // unique_violation, serialization_failure, deadlock_detected
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	return err
}
