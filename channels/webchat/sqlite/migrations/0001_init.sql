-- The web chat's own records beside the assistant's conversations.
-- Times are RFC 3339 text in UTC.

-- Client message ids, so a message resent after a dropped connection is
-- handled once.
CREATE TABLE client_messages (
	conversation_id TEXT NOT NULL CHECK (conversation_id <> ''),
	client_id       TEXT NOT NULL CHECK (client_id <> ''),
	seq             INTEGER NOT NULL,
	at              TEXT NOT NULL,
	PRIMARY KEY (conversation_id, client_id)
) STRICT, WITHOUT ROWID;

-- Which conversations belong to which resident (channel identity key),
-- for the staff console's "earlier conversations".
CREATE TABLE resident_conversations (
	resident        TEXT NOT NULL CHECK (resident <> ''),
	conversation_id TEXT NOT NULL,
	channel         TEXT NOT NULL,
	started         TEXT NOT NULL,
	PRIMARY KEY (resident, conversation_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX resident_conversations_started ON resident_conversations (resident, started);

-- Helpful / not helpful verdicts on answers, for the evals.
CREATE TABLE feedback (
	conversation_id TEXT NOT NULL CHECK (conversation_id <> ''),
	seq             INTEGER NOT NULL CHECK (seq > 0),
	helpful         INTEGER NOT NULL,
	channel         TEXT NOT NULL,
	question        TEXT NOT NULL,
	answer          TEXT NOT NULL,
	at              TEXT NOT NULL,
	PRIMARY KEY (conversation_id, seq)
) STRICT;

CREATE INDEX feedback_at ON feedback (at);
