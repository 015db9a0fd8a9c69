-- Corpus statistics for the keyword arm's IDF weights: how many chunks
-- hold each lexeme, and how many chunks there are. Store.RefreshStats
-- rebuilds them after an ingest; a lexeme missing here (added since) is
-- counted when a query needs it, and an empty chunk_stats means the chunk
-- table is counted.

CREATE TABLE lexeme_stats (
	lexeme text PRIMARY KEY,
	ndoc   integer NOT NULL
);

CREATE TABLE chunk_stats (
	chunks    integer NOT NULL,
	refreshed timestamptz NOT NULL DEFAULT now()
);
