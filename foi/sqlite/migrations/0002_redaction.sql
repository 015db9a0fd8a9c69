-- Officers' redaction: the public body and merged sources of a
-- disclosure, unredacted drafts for the preview, censor rules, and an
-- audit trail that keeps a keyed digest of removed text instead of the
-- text itself.

ALTER TABLE disclosures ADD COLUMN authority TEXT NOT NULL DEFAULT '';
ALTER TABLE disclosures ADD COLUMN sources TEXT NOT NULL DEFAULT '[]'; -- JSON array of corpus document IDs

-- disclosure_drafts holds what each disclosure was published from, before
-- redaction (a foi.Disclosure as JSON). Officers only: never publish it.
CREATE TABLE disclosure_drafts (
    id   TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE censor_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    pattern       TEXT    NOT NULL,
    is_regexp     INTEGER NOT NULL,
    replacement   TEXT    NOT NULL,
    disclosure_id TEXT    NOT NULL, -- '' for every disclosure
    comment       TEXT    NOT NULL,
    author        TEXT    NOT NULL,
    created       TEXT
);
CREATE INDEX censor_rules_disclosure ON censor_rules (disclosure_id);

-- The audit trail keeps digest (foi.AuditDigest under audit_key) and the
-- rule's id. original and rule (a rule's pattern) are emptied when the
-- store opens, digesting what version 1 kept in clear.
ALTER TABLE redactions ADD COLUMN digest TEXT NOT NULL DEFAULT '';
ALTER TABLE redactions ADD COLUMN rule_id INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_key (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    key BLOB    NOT NULL
);
