-- Records index schema, version 1. Dates are ISO "YYYY-MM-DD", or '' when
-- unknown; amounts are whole pence.
CREATE TABLE IF NOT EXISTS files (
	file_id TEXT PRIMARY KEY,
	hash    TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS records (
	doc_id        TEXT PRIMARY KEY,
	file_id       TEXT NOT NULL,
	kind          TEXT NOT NULL,
	council       TEXT NOT NULL,
	supplier      TEXT NOT NULL,
	supplier_norm TEXT NOT NULL,
	amount_pence  INTEGER NOT NULL,
	date          TEXT NOT NULL,
	end_date      TEXT NOT NULL,
	department    TEXT NOT NULL,
	category      TEXT NOT NULL,
	description   TEXT NOT NULL,
	reference     TEXT NOT NULL,
	status        TEXT NOT NULL,
	title         TEXT NOT NULL,
	url           TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS records_supplier ON records (supplier_norm);
CREATE INDEX IF NOT EXISTS records_date ON records (date);
CREATE INDEX IF NOT EXISTS records_file ON records (file_id);
-- Questions always name a kind, and usually a period.
CREATE INDEX IF NOT EXISTS records_kind_date ON records (kind, date);

-- Full-text index over the words a question may use to name a contract or
-- a payment (see ftsBody in sink.go). It is contentless, so it keeps no
-- second copy of the text, and its rowids are records' rowids. PutFile and
-- DeleteFiles maintain it with one statement per file rather than with
-- triggers: FTS5 flushes its pending terms at every statement savepoint,
-- which made per-row triggers three times slower than the inserts.
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5 (
	body,
	content = '', contentless_delete = 1,
	tokenize = 'porter unicode61 remove_diacritics 2'
);
