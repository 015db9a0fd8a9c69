-- The web chat's own records beside the assistant's conversations, shared
-- by every machine serving the manifest. Table names start with webchat_
-- because the schema is shared with the other stores.

-- Client message ids, so a message resent after a dropped connection (to
-- this machine or another) is handled once.
CREATE TABLE webchat_client_messages (
	conversation_id text NOT NULL CHECK (conversation_id <> ''),
	client_id       text NOT NULL CHECK (client_id <> ''),
	seq             integer NOT NULL,
	at              timestamptz NOT NULL,
	PRIMARY KEY (conversation_id, client_id)
);

-- Which conversations belong to which resident (channel identity key),
-- for the staff console's "earlier conversations".
CREATE TABLE webchat_resident_conversations (
	resident        text NOT NULL CHECK (resident <> ''),
	conversation_id text NOT NULL CHECK (conversation_id <> ''),
	channel         text NOT NULL,
	started         timestamptz NOT NULL,
	PRIMARY KEY (resident, conversation_id)
);

CREATE INDEX webchat_resident_conversations_started ON webchat_resident_conversations (resident, started DESC, conversation_id);

-- Helpful / not helpful verdicts on answers, for the evals.
CREATE TABLE webchat_feedback (
	conversation_id text NOT NULL CHECK (conversation_id <> ''),
	seq             integer NOT NULL CHECK (seq > 0),
	helpful         boolean NOT NULL,
	channel         text NOT NULL,
	question        text NOT NULL,
	answer          text NOT NULL,
	at              timestamptz NOT NULL,
	PRIMARY KEY (conversation_id, seq)
);

CREATE INDEX webchat_feedback_at ON webchat_feedback (at, conversation_id, seq);

-- The key that signs the chat page's form tokens, made by the first
-- machine that asks, so a form served by one machine may be posted to
-- another.
CREATE TABLE webchat_form_key (
	id      integer PRIMARY KEY CHECK (id = 1),
	key     bytea NOT NULL CHECK (length(key) >= 32),
	created timestamptz NOT NULL DEFAULT now()
);
