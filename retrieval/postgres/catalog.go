package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Catalog is the files table: a retrieval.Catalog. Unlike the local
// store's JSON catalog it needs no Save; each call is committed.
type Catalog struct {
	pool *pgxpool.Pool
}

var (
	_ retrieval.Catalog    = (*Catalog)(nil)
	_ retrieval.FileLookup = (*Catalog)(nil)
)

// Files implements retrieval.Catalog.
func (c *Catalog) Files(ctx context.Context) (map[string]retrieval.FileState, error) {
	return c.files(ctx, "SELECT id, hash, kind, docs, chunk_ids FROM files")
}

// LookupFiles implements retrieval.FileLookup.
func (c *Catalog) LookupFiles(ctx context.Context, fileIDs []string) (map[string]retrieval.FileState, error) {
	ids := make([]string, len(fileIDs))
	for i, id := range fileIDs {
		ids[i] = clean(id)
	}
	return c.files(ctx, "SELECT id, hash, kind, docs, chunk_ids FROM files WHERE id = ANY($1)", ids)
}

// files reads the file states a query selects, in one read-only
// transaction.
func (c *Catalog) files(ctx context.Context, query string, args ...any) (map[string]retrieval.FileState, error) {
	out := map[string]retrieval.FileState{}
	err := pgx.BeginTxFunc(ctx, c.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		var id, kind string
		var st retrieval.FileState
		_, err = pgx.ForEachRow(rows, []any{&id, &st.Hash, &kind, &st.Docs, &st.ChunkIDs}, func() error {
			st.Kind = corpus.Kind(kind)
			if len(st.ChunkIDs) == 0 {
				st.ChunkIDs = nil
			}
			out[id] = st
			return nil
		})
		return err
	})
	if err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// PutFile implements retrieval.Catalog.
func (c *Catalog) PutFile(ctx context.Context, fileID string, st retrieval.FileState) error {
	ids := st.ChunkIDs
	if ids == nil {
		ids = []string{}
	}
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO files (id, hash, kind, docs, chunk_ids) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash, kind = EXCLUDED.kind,
				docs = EXCLUDED.docs, chunk_ids = EXCLUDED.chunk_ids`,
			clean(fileID), st.Hash, string(st.Kind), st.Docs, ids)
		return err
	})
	return mapError(err)
}

// DeleteFiles implements retrieval.Catalog.
func (c *Catalog) DeleteFiles(ctx context.Context, fileIDs []string) error {
	if len(fileIDs) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM files WHERE id = ANY($1)", fileIDs)
		return err
	})
	return mapError(err)
}
