-- Chunks with their full-text vector and embedding, and the catalog of
-- ingested files. {{.Dim}} is the embedding dimension.

-- In public, where every manifest's schema finds it (search_path is the
-- schema, then public); created in the first manifest's schema, it would
-- be invisible to the second's.
CREATE EXTENSION IF NOT EXISTS vector SCHEMA public;

-- array_to_string is only STABLE; the generated column needs an IMMUTABLE
-- expression, which joining text[] with a space is.
CREATE FUNCTION townhall_join_headings(text[]) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
	RETURN array_to_string($1, ' ');

CREATE TABLE chunks (
	id        text PRIMARY KEY,
	doc_id    text NOT NULL,
	file_id   text NOT NULL,
	kind      text NOT NULL DEFAULT '',
	council   text NOT NULL DEFAULT '',
	title     text NOT NULL DEFAULT '',
	headings  text[] NOT NULL DEFAULT '{}',
	text      text NOT NULL DEFAULT '',
	url       text NOT NULL DEFAULT '',
	page      integer NOT NULL DEFAULT 0,
	date      timestamptz,
	tsv       tsvector GENERATED ALWAYS AS (
		setweight(to_tsvector('english', title), 'A') ||
		setweight(to_tsvector('english', townhall_join_headings(headings)), 'B') ||
		setweight(to_tsvector('english', text), 'C')
	) STORED,
	embedding vector({{.Dim}})
);

CREATE INDEX chunks_tsv ON chunks USING gin (tsv);
CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_cosine_ops);
CREATE INDEX chunks_file_id ON chunks (file_id);

CREATE TABLE files (
	id        text PRIMARY KEY,
	hash      text NOT NULL,
	kind      text NOT NULL DEFAULT '',
	docs      integer NOT NULL DEFAULT 0,
	chunk_ids text[] NOT NULL DEFAULT '{}'
);

-- The embedder the stored vectors came from; Open empties the store when
-- it changes.
CREATE TABLE store_meta (
	embedder text NOT NULL,
	dim      integer NOT NULL
);
