-- FOI requests and the disclosure log. Each row keeps the whole record
-- as a json document (doc), which round-trips times with the offset they
-- were given in (a request received at 00:30 BST keeps its calendar day),
-- and copies of the fields filters and ordering use as indexed columns.
-- *_key columns hold Go-lowercased text for case-insensitive equality
-- that agrees with foi's Match functions.

CREATE TABLE foi_requests (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	reference     text NOT NULL,
	reference_key text NOT NULL UNIQUE,
	email_key     text NOT NULL,
	law           text NOT NULL,
	status        text NOT NULL,
	assignee      text NOT NULL,
	received      timestamptz NOT NULL,
	due           timestamptz,          -- NULL while there is no due date
	doc           json NOT NULL         -- foi.Request, events and clarifications included
);
CREATE INDEX foi_requests_received ON foi_requests (received DESC, id DESC);
CREATE INDEX foi_requests_status ON foi_requests (status);
CREATE INDEX foi_requests_due ON foi_requests (due);

-- The last reference number handed out per "PREFIX-YEAR".
CREATE TABLE foi_reference_seq (
	series text PRIMARY KEY,
	last   bigint NOT NULL
);

CREATE TABLE foi_disclosures (
	id             text PRIMARY KEY,
	reference_key  text NOT NULL,
	law            text NOT NULL,
	status         text NOT NULL,
	department_key text NOT NULL,
	topic_key      text NOT NULL,
	exemption_keys text[] NOT NULL,     -- foi.Exemption.Key of each exemption
	received       timestamptz NOT NULL,
	doc            json NOT NULL        -- foi.Disclosure
);
CREATE INDEX foi_disclosures_received ON foi_disclosures (received DESC, id);
CREATE INDEX foi_disclosures_exemptions ON foi_disclosures USING gin (exemption_keys);
