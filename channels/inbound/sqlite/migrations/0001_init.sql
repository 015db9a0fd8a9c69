-- The SMS and WhatsApp message queue and the channel state that must
-- survive a restart. Times are Unix milliseconds (UTC), so they compare
-- as integers.

-- Residents' messages waiting to be answered. provider_id (Twilio
-- MessageSid, WhatsApp wamid) is unique: a replayed webhook stores
-- nothing new.
CREATE TABLE inbound (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	provider_id     TEXT NOT NULL UNIQUE CHECK (provider_id <> ''),
	resident        TEXT NOT NULL CHECK (resident <> ''),
	conversation_id TEXT NOT NULL CHECK (conversation_id <> ''),
	message         TEXT NOT NULL, -- channels.Inbound as JSON
	state           TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dropped', 'dead')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	-- queued: the earliest next attempt; leased: when the lease expires.
	not_before      INTEGER NOT NULL,
	last_error      TEXT NOT NULL DEFAULT '',
	created         INTEGER NOT NULL,
	updated         INTEGER NOT NULL
) STRICT;

CREATE INDEX inbound_pending ON inbound (resident, id) WHERE state IN ('queued', 'leased');
CREATE INDEX inbound_due ON inbound (not_before) WHERE state IN ('queued', 'leased');
CREATE INDEX inbound_finished ON inbound (updated) WHERE state NOT IN ('queued', 'leased');

-- Messages to residents: answers, staff replies, keyword confirmations.
CREATE TABLE outbound (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	resident    TEXT NOT NULL CHECK (resident <> ''),
	source      TEXT NOT NULL,
	message     TEXT NOT NULL, -- channels.Outbound as JSON
	state       TEXT NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'held', 'dropped', 'dead')),
	attempts    INTEGER NOT NULL DEFAULT 0,
	not_before  INTEGER NOT NULL,
	last_error  TEXT NOT NULL DEFAULT '',
	provider_id TEXT NOT NULL DEFAULT '', -- the provider's id of the sent message
	created     INTEGER NOT NULL,
	updated     INTEGER NOT NULL
) STRICT;

CREATE INDEX outbound_pending ON outbound (resident, id) WHERE state IN ('queued', 'leased');
CREATE INDEX outbound_due ON outbound (not_before) WHERE state IN ('queued', 'leased');
CREATE INDEX outbound_held ON outbound (resident) WHERE state = 'held';
CREATE INDEX outbound_finished ON outbound (updated) WHERE state IN ('done', 'dropped', 'dead');

-- Each resident's current conversation: a message within the idle gap
-- of the last one continues it, a later one starts a new conversation.
CREATE TABLE residents (
	resident        TEXT PRIMARY KEY,
	conversation_id TEXT NOT NULL,
	last_message    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Provider message ids the webhooks have seen (channels.Deduper). A
-- claimed key is being handled; a committed one was stored.
CREATE TABLE seen (
	key       TEXT PRIMARY KEY,
	committed INTEGER NOT NULL DEFAULT 0,
	at        INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Residents who texted STOP (channels.OptOuts). Kept until START.
CREATE TABLE opt_outs (
	identity TEXT PRIMARY KEY,
	at       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- Each WhatsApp user's latest message, for the 24-hour window.
CREATE TABLE windows (
	identity     TEXT PRIMARY KEY,
	last_inbound INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
