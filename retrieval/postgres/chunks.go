package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Chunks is the chunk table: a retrieval.ChunkIndex and ChunkGetter.
type Chunks struct {
	pool *pgxpool.Pool
}

var (
	_ retrieval.ChunkIndex  = (*Chunks)(nil)
	_ retrieval.ChunkGetter = (*Chunks)(nil)
)

// chunkColumns are the stored columns of a chunk, in the order scanChunk
// and chunkRow use.
const chunkColumns = "id, doc_id, file_id, kind, council, title, headings, text, url, page, date"

// Put implements retrieval.ChunkIndex. Chunks are copied into a temporary
// table and upserted from it; a replaced chunk keeps its embedding. When
// chunks repeats an ID, the last one wins.
func (c *Chunks) Put(ctx context.Context, chunks []corpus.Chunk) error {
	if len(chunks) == 0 {
		return nil
	}
	last := make(map[string]int, len(chunks))
	for i, ch := range chunks {
		last[ch.ID] = i
	}
	rows := make([][]any, 0, len(last))
	for i, ch := range chunks {
		if last[ch.ID] == i {
			rows = append(rows, chunkRow(ch))
		}
	}
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE chunks_in (
			id text, doc_id text, file_id text, kind text, council text, title text,
			headings text[], text text, url text, page integer, date timestamptz
		) ON COMMIT DROP`); err != nil {
			return err
		}
		cols := strings.Split(strings.ReplaceAll(chunkColumns, " ", ""), ",")
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"chunks_in"}, cols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO chunks (`+chunkColumns+`)
			SELECT `+chunkColumns+` FROM chunks_in
			ON CONFLICT (id) DO UPDATE SET
				doc_id = EXCLUDED.doc_id, file_id = EXCLUDED.file_id, kind = EXCLUDED.kind,
				council = EXCLUDED.council, title = EXCLUDED.title, headings = EXCLUDED.headings,
				text = EXCLUDED.text, url = EXCLUDED.url, page = EXCLUDED.page, date = EXCLUDED.date`)
		return err
	})
	return mapError(err)
}

// DeleteFiles implements retrieval.ChunkIndex: it deletes the chunks
// (and so their embeddings) of the given files.
func (c *Chunks) DeleteFiles(ctx context.Context, fileIDs []string) error {
	if len(fileIDs) == 0 {
		return nil
	}
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, "DELETE FROM chunks WHERE file_id = ANY($1)", fileIDs)
		return err
	})
	return mapError(err)
}

// Chunks implements retrieval.ChunkGetter.
func (c *Chunks) Chunks(ctx context.Context, ids []string) ([]corpus.Chunk, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var found []corpus.Chunk
	err := pgx.BeginTxFunc(ctx, c.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, "SELECT "+chunkColumns+" FROM chunks WHERE id = ANY($1)", ids)
		if err != nil {
			return err
		}
		found, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (corpus.Chunk, error) { return scanChunk(r) })
		return err
	})
	if err != nil {
		return nil, mapError(err)
	}
	byID := make(map[string]corpus.Chunk, len(found))
	for _, ch := range found {
		byID[ch.ID] = ch
	}
	var out []corpus.Chunk
	for _, id := range ids {
		if ch, ok := byID[id]; ok {
			out = append(out, ch)
		}
	}
	return out, nil
}

// chunkRow is a chunk as values for chunkColumns. PostgreSQL text holds
// neither NUL bytes nor invalid UTF-8, so both are cleaned.
func chunkRow(c corpus.Chunk) []any {
	headings := make([]string, len(c.Headings))
	for i, h := range c.Headings {
		headings[i] = clean(h)
	}
	var date *time.Time
	if !c.Date.IsZero() {
		d := c.Date
		date = &d
	}
	return []any{clean(c.ID), clean(c.DocID), clean(corpus.FileID(c.DocID)), string(c.Kind), clean(c.Council),
		clean(c.Title), headings, clean(c.Text), clean(c.URL), c.Page, date}
}

func clean(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

// scanChunk reads chunkColumns from a row.
func scanChunk(r pgx.Row) (corpus.Chunk, error) {
	var c corpus.Chunk
	var fileID, kind string
	var date *time.Time
	err := r.Scan(&c.ID, &c.DocID, &fileID, &kind, &c.Council, &c.Title, &c.Headings, &c.Text, &c.URL, &c.Page, &date)
	c.Kind = corpus.Kind(kind)
	if len(c.Headings) == 0 {
		c.Headings = nil
	}
	if date != nil {
		c.Date = *date
	}
	return c, err
}
