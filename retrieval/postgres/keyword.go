package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Keyword searches chunks with PostgreSQL full-text search: the query's
// words are stemmed with the english configuration and OR-ed, so, like
// the local store's plain BM25 arm, a question matches chunks holding any
// of its words. A chunk scores the sum over the query's lexemes of the
// lexeme's BM25 inverse document frequency times ts_rank for that lexeme
// alone: a term frequency that saturates, divided by 1 + the log of the
// chunk's length, with title, heading and text words weighing the same.
// Document frequencies come from lexeme_stats (Store.RefreshStats),
// counted live for lexemes it lacks. Snippets come from ts_headline over
// the HTML-escaped text.
//
// The first build ranked by ts_rank_cd over the OR-ed query with
// PostgreSQL's default weights (title words 5 times text words); on the
// shared corpus's dev suite its recall@5 was 0.44 against 0.65 for the
// local store's BM25, and it is 0.69 with the settings above (MRR@10 0.30,
// 0.45, 0.55). docs/postgres.md has the steps.
type Keyword struct {
	pool *pgxpool.Pool
}

var _ retrieval.Searcher = (*Keyword)(nil)

// keywordQuery ranks matching chunks, at most $5 per document, best $6
// first. $1 is the query text, $2 the kinds (empty for all), $3 and $4
// the date bounds (null for none). Each english lexeme of the text is
// quoted so no character in it is read as a tsquery operator. The IDF is
// BM25's, ln(1 + (N - df + 0.5) / (df + 0.5)), written
// ln((N + 1) / (df + 0.5)) with df capped at N, so statistics older than
// the chunks never make it negative.
//
// Scoring every chunk holding any query word is what makes a keyword
// search slow: a word like "council" is in most chunks. Candidates are
// therefore narrowed in steps, each taken only when the one before gives
// fewer than $6 documents: chunks holding two of the query's
// pairLexemes rarest lexemes among its rare ones (those in at most a
// third of the chunks), then two of any of its rare lexemes (a step
// skipped when it has no more than pairLexemes of them), then chunks
// holding one, then chunks holding any lexeme. A chunk left out at a step
// holds fewer or commoner rare lexemes than $6 documents do, so it would
// rarely have ranked among them. (The figures in docs/postgres.md were
// measured with these steps.)
const keywordQuery = `WITH n AS (
	SELECT greatest(coalesce((SELECT max(chunks) FROM chunk_stats), (SELECT count(*) FROM chunks)), 1)::float8 AS n
), lex AS (
	SELECT DISTINCT l, to_tsquery('simple', '''' || replace(replace(l, '\', '\\'), '''', '''''') || '''') AS tq
	FROM unnest(tsvector_to_array(to_tsvector('english', $1))) AS l
), terms AS (
	SELECT lex.l, lex.tq, df.df, ln((n.n + 1) / (least(df.df, n.n) + 0.5)) AS idf, df.df <= n.n / 3 AS rare,
		row_number() OVER (ORDER BY df.df, lex.l) AS nth
	FROM n, lex, LATERAL (SELECT coalesce(
		(SELECT ndoc FROM lexeme_stats s WHERE s.lexeme = lex.l),
		(SELECT count(*) FROM chunks WHERE tsv @@ lex.tq))::float8 AS df) df
), q AS (
	SELECT (SELECT string_agg('(' || a.tq::text || ' & ' || b.tq::text || ')', ' | ')
			FROM terms a JOIN terms b ON a.l < b.l
			WHERE a.rare AND b.rare AND a.nth <= ` + pairLexemes + ` AND b.nth <= ` + pairLexemes + `)::tsquery AS top_pairs,
		CASE WHEN (SELECT count(*) FROM terms WHERE rare) > ` + pairLexemes + ` THEN
			(SELECT string_agg('(' || a.tq::text || ' & ' || b.tq::text || ')', ' | ')
				FROM terms a JOIN terms b ON a.l < b.l WHERE a.rare AND b.rare)::tsquery END AS pairs,
		(SELECT string_agg(tq::text, ' | ') FROM terms WHERE rare)::tsquery AS rare,
		(SELECT string_agg(tq::text, ' | ') FROM terms)::tsquery AS query
), top_pair_hits AS (
	SELECT id, doc_id, ` + chunkScore + ` AS score FROM (
		SELECT c.id, c.doc_id, c.tsv || ''::tsvector AS tsv FROM chunks c, q
		WHERE c.tsv @@ q.top_pairs ` + chunkFilter + ` OFFSET 0) c
), top_pairs_enough AS (
	SELECT count(DISTINCT doc_id) >= $6 AS ok FROM top_pair_hits
), pair_hits AS (
	SELECT id, doc_id, ` + chunkScore + ` AS score FROM (
		SELECT c.id, c.doc_id, c.tsv || ''::tsvector AS tsv FROM chunks c, q
		WHERE NOT (SELECT ok FROM top_pairs_enough) AND c.tsv @@ q.pairs ` + chunkFilter + ` OFFSET 0) c
), pairs_enough AS (
	SELECT (SELECT ok FROM top_pairs_enough) OR count(DISTINCT doc_id) >= $6 AS ok FROM pair_hits
), rare_hits AS (
	SELECT id, doc_id, ` + chunkScore + ` AS score FROM (
		SELECT c.id, c.doc_id, c.tsv || ''::tsvector AS tsv FROM chunks c, q
		WHERE NOT (SELECT ok FROM pairs_enough) AND c.tsv @@ q.rare ` + chunkFilter + ` OFFSET 0) c
), rare_enough AS (
	SELECT (SELECT ok FROM pairs_enough) OR count(DISTINCT doc_id) >= $6 AS ok FROM rare_hits
), ranked AS (
	SELECT id, doc_id, score FROM top_pair_hits WHERE (SELECT ok FROM top_pairs_enough)
	UNION ALL
	SELECT id, doc_id, score FROM pair_hits WHERE (SELECT ok FROM pairs_enough)
	UNION ALL
	SELECT id, doc_id, score FROM rare_hits WHERE (SELECT ok FROM rare_enough)
	UNION ALL
	SELECT id, doc_id, ` + chunkScore + ` FROM (
		SELECT c.id, c.doc_id, c.tsv || ''::tsvector AS tsv FROM chunks c, q
		WHERE NOT (SELECT ok FROM rare_enough) AND c.tsv @@ q.query ` + chunkFilter + ` OFFSET 0) c
), top AS (
	SELECT id, doc_id, score FROM (
		SELECT *, row_number() OVER (PARTITION BY doc_id ORDER BY score DESC, id) AS nth FROM ranked
	) r WHERE nth <= $5 ORDER BY score DESC, id LIMIT $6
)`

// pairLexemes caps the first narrowing step of a long question: pairs are
// first taken among its pairLexemes rarest lexemes only. A question with n
// rare lexemes makes n(n-1)/2 pairs, each a branch of the tsquery the GIN
// index evaluates for every chunk holding any of them, and the pairs of its
// commoner lexemes (a council's name, "road", a year) bring thousands of
// candidates to score. On the shared corpus's dev suite 9 and 10 left every
// ranking figure as it was (docs/postgres.md, "Ingest and latency"); 8
// lowered the hybrid MRR@10 by 0.001 and 6 the keyword recall@5 by 0.04.
const pairLexemes = "9"

// chunkScore is a candidate chunk c's score: the sum over the query's
// terms of IDF times ts_rank for that lexeme alone. c.tsv must be an
// in-memory copy (the stored one concatenated with an empty tsvector, in
// a subquery kept apart by OFFSET 0): a stored tsvector is compressed or
// out of line (TOAST), and each ts_rank call on it would decompress it
// again, once per term.
const chunkScore = `(SELECT sum(t.idf * ts_rank('{1,1,1,1}', c.tsv, t.tq, 1)) FROM terms t)`

// chunkFilter applies a query's kinds ($2) and date bounds ($3, $4) to
// chunks c.
const chunkFilter = `AND (cardinality($2::text[]) = 0 OR c.kind = ANY($2::text[]))
	AND ($3::timestamptz IS NULL OR c.date >= $3)
	AND ($4::timestamptz IS NULL OR c.date < $4)`

// headlineOptions shape ts_headline's extracts.
const headlineOptions = `StartSel=<mark>, StopSel=</mark>, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`

// Search implements retrieval.Searcher.
func (k *Keyword) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, fmt.Errorf("empty query: %w", retrieval.ErrInvalid)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	perDoc := max(q.PerDocument, 1)
	kinds := make([]string, len(q.Kinds))
	for i, kd := range q.Kinds {
		kinds[i] = string(kd)
	}
	args := []any{clean(q.Text), kinds, optTime(q.From), optTime(q.To), perDoc, limit}
	var hits []retrieval.Hit
	err := pgx.BeginTxFunc(ctx, k.pool, pgx.TxOptions{AccessMode: pgx.ReadOnly, IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		// The plan does not depend on the parameters (the query's lexemes
		// are looked at inside it), and planning it costs 5 to 30 ms, so
		// the prepared statement's generic plan is always used.
		if _, err := tx.Exec(ctx, "SET LOCAL plan_cache_mode = force_generic_plan"); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, keywordQuery+` SELECT id, doc_id, score FROM top ORDER BY score DESC, id`, args...)
		if err != nil {
			return err
		}
		hits, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (retrieval.Hit, error) {
			var h retrieval.Hit
			err := r.Scan(&h.Chunk.ID, &h.Chunk.DocID, &h.Score)
			return h, err
		})
		if err != nil || q.Bare || len(hits) == 0 {
			return err
		}
		return fillHits(ctx, tx, hits, clean(q.Text))
	})
	if err != nil {
		return nil, mapError(err)
	}
	return retrieval.Dedupe(hits, limit, q.PerDocument), nil
}

// fillHits reads the chunks of ranked hits, with a snippet of each, in a
// statement of its own: joined to the ranking query, the planner ran the
// ranking several times slower. The text is HTML-escaped before
// ts_headline, which copies it verbatim around the <mark> tags it adds;
// the escapes are entity tokens to the parser, so they are neither split
// nor matched.
func fillHits(ctx context.Context, tx pgx.Tx, hits []retrieval.Hit, text string) error {
	ids := make([]string, len(hits))
	at := make(map[string]int, len(hits))
	for i, h := range hits {
		ids[i], at[h.Chunk.ID] = h.Chunk.ID, i
	}
	rows, err := tx.Query(ctx, `WITH q AS (
			SELECT to_tsquery('simple', string_agg('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''', ' | ')) AS query
			FROM unnest(tsvector_to_array(to_tsvector('english', $2))) AS l
		)
		SELECT `+prefixed("c.", chunkColumns)+`,
			ts_headline('english', replace(replace(replace(replace(replace(c.text,
				'&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&#34;'), '''', '&#39;'),
				q.query, '`+headlineOptions+`')
		FROM chunks c, q WHERE c.id = ANY($1)`, ids, text)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var c corpus.Chunk
		var snippet *string
		var fileID, kind string
		var date *time.Time
		if err := rows.Scan(&c.ID, &c.DocID, &fileID, &kind, &c.Council, &c.Title, &c.Headings, &c.Text, &c.URL, &c.Page, &date, &snippet); err != nil {
			return err
		}
		c.Kind = corpus.Kind(kind)
		if len(c.Headings) == 0 {
			c.Headings = nil
		}
		if date != nil {
			c.Date = *date
		}
		h := &hits[at[c.ID]]
		h.Chunk = c
		if snippet != nil {
			h.Snippet = strings.Join(strings.Fields(*snippet), " ")
		}
	}
	return rows.Err()
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// prefixed qualifies each of a comma-separated list of columns.
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = prefix + p
	}
	return strings.Join(parts, ", ")
}
