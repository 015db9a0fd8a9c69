-- Conversations, their turns, service requests and the hand-off queue.
-- Times are RFC 3339 text in UTC ('' for none). JSON columns hold the
-- assistant package's types as encoding/json writes them.

CREATE TABLE conversations (
	id         TEXT PRIMARY KEY CHECK (id <> ''),
	channel    TEXT NOT NULL,
	resident   TEXT NOT NULL,
	needs      TEXT NOT NULL,  -- JSON assistant.Needs
	pending    TEXT,           -- JSON assistant.ServiceRequest, NULL when none
	failures   INTEGER NOT NULL,
	handed_off INTEGER NOT NULL,
	created    TEXT NOT NULL,
	updated    TEXT NOT NULL
) STRICT;

CREATE INDEX conversations_resident ON conversations (channel, resident, updated);

CREATE TABLE turns (
	conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	pos             INTEGER NOT NULL, -- 0-based position in Conversation.Turns
	seq             INTEGER NOT NULL,
	role            TEXT NOT NULL,
	text            TEXT NOT NULL,
	intent          TEXT NOT NULL,
	citations       TEXT,             -- JSON []assistant.Citation, NULL when none
	at              TEXT NOT NULL,
	PRIMARY KEY (conversation_id, pos)
) STRICT, WITHOUT ROWID;

-- One reference sequence per year: SR-2026-000001, SR-2026-000002, ...
CREATE TABLE service_request_sequences (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
) STRICT;

CREATE TABLE service_requests (
	id              INTEGER PRIMARY KEY,
	reference       TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (reference <> ''),
	service         TEXT NOT NULL CHECK (service <> ''),
	address         TEXT NOT NULL,
	postcode        TEXT NOT NULL,
	lat             REAL,  -- NULL when no coordinates were given
	lon             REAL,
	description     TEXT NOT NULL,
	answers         TEXT NOT NULL,  -- JSON map[string]string
	contact         TEXT NOT NULL,
	channel         TEXT NOT NULL,
	conversation_id TEXT NOT NULL,
	status          TEXT NOT NULL,
	confirmed       INTEGER NOT NULL,
	created         TEXT NOT NULL
) STRICT;

CREATE INDEX service_requests_conversation ON service_requests (conversation_id);

CREATE TABLE handoffs (
	-- AUTOINCREMENT: an id staff may have written down is never reused.
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	conversation_id TEXT NOT NULL CHECK (conversation_id <> ''),
	channel         TEXT NOT NULL,
	resident        TEXT NOT NULL,
	reason          TEXT NOT NULL,
	transcript      TEXT NOT NULL,  -- JSON []assistant.Turn
	out_of_hours    INTEGER NOT NULL,
	at              TEXT NOT NULL,
	status          TEXT NOT NULL CHECK (status IN ('waiting', 'claimed', 'closed')),
	claimed_by      TEXT NOT NULL DEFAULT '',
	claimed_at      TEXT NOT NULL DEFAULT '',
	closed_at       TEXT NOT NULL DEFAULT '',
	outcome         TEXT NOT NULL DEFAULT ''
) STRICT;

-- A conversation waits in the queue at most once at a time.
CREATE UNIQUE INDEX handoffs_open ON handoffs (conversation_id) WHERE status <> 'closed';
CREATE INDEX handoffs_queue ON handoffs (status, id);
