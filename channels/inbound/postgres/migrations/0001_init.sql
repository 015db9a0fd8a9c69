-- The SMS and WhatsApp message queue shared by every Townhall machine,
-- and the channel state that must survive a restart. The same model as
-- channels/inbound/sqlite (0001_init.sql and 0002_deliveries.sql there);
-- every table starts messaging_ so it can share the manifest's schema
-- with the retrieval, assistant and FOI tables.

-- Residents' messages waiting to be answered. provider_id (Twilio
-- MessageSid, WhatsApp wamid) is unique: a replayed webhook stores
-- nothing new, whichever machine it lands on.
CREATE TABLE messaging_inbound (
	id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	provider_id     text NOT NULL UNIQUE CHECK (provider_id <> ''),
	resident        text NOT NULL CHECK (resident <> ''),
	conversation_id text NOT NULL CHECK (conversation_id <> ''),
	message         text NOT NULL, -- channels.Inbound as JSON
	state           text NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'dropped', 'dead')),
	attempts        integer NOT NULL DEFAULT 0,
	-- queued: the earliest next attempt; leased: when the lease expires.
	not_before      timestamptz NOT NULL,
	last_error      text NOT NULL DEFAULT '',
	created         timestamptz NOT NULL,
	updated         timestamptz NOT NULL
);

CREATE INDEX messaging_inbound_pending ON messaging_inbound (resident, id) WHERE state IN ('queued', 'leased');
CREATE INDEX messaging_inbound_due ON messaging_inbound (id) WHERE state IN ('queued', 'leased');
CREATE INDEX messaging_inbound_finished ON messaging_inbound (updated) WHERE state NOT IN ('queued', 'leased');
-- Whether a resident wrote since a template went (Finish holding a reply).
CREATE INDEX messaging_inbound_resident ON messaging_inbound (resident, created);

-- Messages to residents: answers, staff replies, keyword confirmations.
CREATE TABLE messaging_outbound (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	resident    text NOT NULL CHECK (resident <> ''),
	source      text NOT NULL,
	message     text NOT NULL, -- channels.Outbound as JSON
	state       text NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'held', 'dropped', 'dead')),
	attempts    integer NOT NULL DEFAULT 0,
	not_before  timestamptz NOT NULL,
	last_error  text NOT NULL DEFAULT '',
	provider_id text NOT NULL DEFAULT '', -- the provider's id of the sent message
	created     timestamptz NOT NULL,
	updated     timestamptz NOT NULL
);

CREATE INDEX messaging_outbound_pending ON messaging_outbound (resident, id) WHERE state IN ('queued', 'leased');
CREATE INDEX messaging_outbound_due ON messaging_outbound (id) WHERE state IN ('queued', 'leased');
CREATE INDEX messaging_outbound_held ON messaging_outbound (resident) WHERE state = 'held';
CREATE INDEX messaging_outbound_finished ON messaging_outbound (updated) WHERE state IN ('done', 'dropped', 'dead');

-- Each resident's current conversation: a message within the idle gap
-- of the last one continues it, a later one starts a new conversation.
CREATE TABLE messaging_residents (
	resident        text PRIMARY KEY,
	conversation_id text NOT NULL,
	last_message    timestamptz NOT NULL
);

-- Provider message ids the webhooks have seen (channels.Deduper). A
-- claimed key is being handled; a committed one was stored.
CREATE TABLE messaging_seen (
	key       text PRIMARY KEY,
	committed boolean NOT NULL DEFAULT false,
	at        timestamptz NOT NULL
);

-- Residents who texted STOP (channels.OptOuts). Kept until START.
CREATE TABLE messaging_opt_outs (
	identity text PRIMARY KEY,
	at       timestamptz NOT NULL
);

-- Each WhatsApp user's latest message, for the 24-hour window.
CREATE TABLE messaging_windows (
	identity     text PRIMARY KEY,
	last_inbound timestamptz NOT NULL
);

-- Providers' delivery reports (Twilio status callbacks) on sent
-- messages: one row for each message a provider accepted, so an outbound
-- job sent again after a failed delivery has a row for each send.
-- outbound_id is NULL for a report that arrived before its send was
-- recorded; recording the send adopts it.
CREATE TABLE messaging_deliveries (
	provider_id text PRIMARY KEY CHECK (provider_id <> ''),
	outbound_id bigint,
	status      text NOT NULL, -- channels.DeliveryState
	error_code  text NOT NULL DEFAULT '',
	updated     timestamptz NOT NULL
);

CREATE INDEX messaging_deliveries_outbound ON messaging_deliveries (outbound_id);
CREATE INDEX messaging_deliveries_updated ON messaging_deliveries (updated);
