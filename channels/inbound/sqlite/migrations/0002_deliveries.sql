-- Providers' delivery reports (Twilio status callbacks) on sent
-- messages: one row for each message a provider accepted, so an outbound
-- job sent again after a failed delivery has a row for each send.
-- outbound_id is NULL for a report that arrived before its send was
-- recorded; recording the send adopts it.
CREATE TABLE deliveries (
	provider_id TEXT PRIMARY KEY CHECK (provider_id <> ''),
	outbound_id INTEGER,
	status      TEXT NOT NULL, -- channels.DeliveryState
	error_code  TEXT NOT NULL DEFAULT '',
	updated     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX deliveries_outbound ON deliveries (outbound_id);
