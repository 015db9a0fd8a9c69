-- Officers' redaction, as foi/sqlite's 0002_redaction: unredacted drafts
-- for the preview, censor rules, and an audit trail that keeps a keyed
-- digest of removed text (foi.AuditDigest under foi_audit_key), never the
-- text itself nor a rule's pattern.

-- What each disclosure was published from, before redaction (a
-- foi.Disclosure). Officers only: never publish it.
CREATE TABLE foi_disclosure_drafts (
	id  text PRIMARY KEY,
	doc json NOT NULL
);

CREATE TABLE foi_censor_rules (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	pattern       text NOT NULL,
	is_regexp     boolean NOT NULL,
	replacement   text NOT NULL,
	disclosure_id text NOT NULL,        -- '' for every disclosure
	comment       text NOT NULL,
	author        text NOT NULL,
	created       timestamptz NOT NULL
);
CREATE INDEX foi_censor_rules_disclosure ON foi_censor_rules (disclosure_id);

-- One row per replacement of every publication; a republished
-- disclosure's earlier rows are kept.
CREATE TABLE foi_redactions (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	disclosure_id text NOT NULL,
	published_at  timestamptz NOT NULL,
	field         text NOT NULL,
	kind          text NOT NULL,
	start_byte    integer NOT NULL,
	end_byte      integer NOT NULL,
	replacement   text NOT NULL,
	digest        text NOT NULL,        -- hex HMAC-SHA256 of the removed text
	rule_id       bigint NOT NULL       -- the censor rule's id, 0 for a detector
);
CREATE INDEX foi_redactions_disclosure ON foi_redactions (disclosure_id, id);

-- The audit digest key, made on first use (one row).
CREATE TABLE foi_audit_key (
	id  integer PRIMARY KEY CHECK (id = 1),
	key bytea NOT NULL
);
