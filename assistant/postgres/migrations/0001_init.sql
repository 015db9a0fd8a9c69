-- Conversations, their turns, service requests and the hand-off queue.
-- Times are timestamptz (microseconds), NULL for none. JSON columns hold
-- the assistant package's types as encoding/json writes them; they are
-- json, not jsonb, because jsonb cannot hold the \u0000 escape.

-- A conversation's state (everything but its turns: needs, the pending
-- service request, failures, ...) is one json document, so a field the
-- assistant adds to Conversation is kept without a migration; channel,
-- resident and the times are columns too, for indexes and for staff
-- reading the table.
CREATE TABLE conversations (
	id       text PRIMARY KEY CHECK (id <> ''),
	channel  text NOT NULL,
	resident text NOT NULL,
	created  timestamptz,
	updated  timestamptz,
	state    json NOT NULL       -- assistant.Conversation without Turns
);

CREATE INDEX conversations_resident ON conversations (channel, resident, updated);

CREATE TABLE turns (
	conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	pos             integer NOT NULL, -- 0-based position in Conversation.Turns
	seq             integer NOT NULL,
	role            text NOT NULL,
	text            text NOT NULL,
	intent          text NOT NULL,
	citations       json,             -- []assistant.Citation, NULL when none
	at              timestamptz,
	PRIMARY KEY (conversation_id, pos)
);

-- One reference sequence per year: SR-2026-000001, SR-2026-000002, ...
CREATE TABLE service_request_sequences (
	year integer PRIMARY KEY,
	last bigint NOT NULL
);

CREATE TABLE service_requests (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	reference       text NOT NULL CHECK (reference <> ''),
	service         text NOT NULL CHECK (service <> ''),
	address         text NOT NULL,
	postcode        text NOT NULL,
	lat             double precision, -- NULL when no coordinates were given
	lon             double precision,
	description     text NOT NULL,
	answers         json NOT NULL,    -- map[string]string
	contact         text NOT NULL,
	channel         text NOT NULL,
	conversation_id text NOT NULL,
	status          text NOT NULL,
	confirmed       boolean NOT NULL,
	created         timestamptz NOT NULL
);

-- References are unique whatever their case, and looked up the same way.
CREATE UNIQUE INDEX service_requests_reference ON service_requests (lower(reference));
CREATE INDEX service_requests_conversation ON service_requests (conversation_id);

CREATE TABLE handoffs (
	-- An identity is never reused, so an id staff wrote down stays theirs.
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	conversation_id text NOT NULL CHECK (conversation_id <> ''),
	channel         text NOT NULL,
	resident        text NOT NULL,
	reason          text NOT NULL,
	transcript      json NOT NULL,    -- []assistant.Turn
	out_of_hours    boolean NOT NULL,
	at              timestamptz,
	status          text NOT NULL CHECK (status IN ('waiting', 'claimed', 'closed')),
	claimed_by      text NOT NULL DEFAULT '',
	claimed_at      timestamptz,
	closed_at       timestamptz,
	outcome         text NOT NULL DEFAULT ''
);

-- A conversation waits in the queue at most once at a time.
CREATE UNIQUE INDEX handoffs_open ON handoffs (conversation_id) WHERE status <> 'closed';
CREATE INDEX handoffs_queue ON handoffs (status, id);
