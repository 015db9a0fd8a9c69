-- FOI requests, their history, the disclosure log and the redaction audit.
--
-- Instants are kept twice: as RFC 3339 text with the offset they were
-- given in (so a request received at 00:30 BST keeps its calendar day) and
-- as Unix microseconds for ordering and filtering. Zero times are NULL.
-- *_key columns hold Go-lowercased text for case-insensitive equality,
-- because SQLite's lower() and NOCASE fold ASCII only.

CREATE TABLE requests (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    reference         TEXT    NOT NULL UNIQUE,
    reference_key     TEXT    NOT NULL UNIQUE,
    name              TEXT    NOT NULL,
    email             TEXT    NOT NULL,
    email_key         TEXT    NOT NULL,
    address           TEXT    NOT NULL,
    description       TEXT    NOT NULL,
    law               TEXT    NOT NULL,
    nation            TEXT    NOT NULL,
    received          TEXT,
    received_us       INTEGER NOT NULL,
    due               TEXT,
    due_us            INTEGER,
    extended_to       INTEGER NOT NULL DEFAULT 0,
    status            TEXT    NOT NULL,
    assignee          TEXT    NOT NULL,
    responded         TEXT,
    review_requested  TEXT,
    review_responded  TEXT,
    clarifications    TEXT    NOT NULL DEFAULT '[]' -- JSON array, replaced whole
);
CREATE INDEX requests_received ON requests (received_us DESC, id DESC);
CREATE INDEX requests_status ON requests (status);
CREATE INDEX requests_due ON requests (due_us);

-- reference_seq is the last sequence number handed out per "PREFIX-YEAR".
CREATE TABLE reference_seq (
    series TEXT    PRIMARY KEY,
    last   INTEGER NOT NULL
);

CREATE TABLE request_events (
    request_id  INTEGER NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    at          TEXT,
    actor       TEXT    NOT NULL,
    from_status TEXT    NOT NULL,
    to_status   TEXT    NOT NULL,
    note        TEXT    NOT NULL,
    PRIMARY KEY (request_id, seq)
);

CREATE TABLE disclosures (
    id             TEXT    PRIMARY KEY,
    reference      TEXT    NOT NULL,
    reference_key  TEXT    NOT NULL,
    title          TEXT    NOT NULL,
    request_text   TEXT    NOT NULL,
    response_text  TEXT    NOT NULL,
    received       TEXT,
    received_us    INTEGER NOT NULL,
    responded      TEXT,
    status         TEXT    NOT NULL,
    law            TEXT    NOT NULL,
    department     TEXT    NOT NULL,
    department_key TEXT    NOT NULL,
    topic          TEXT    NOT NULL,
    topic_key      TEXT    NOT NULL,
    attachments    TEXT    NOT NULL DEFAULT '[]', -- JSON array
    source_id      TEXT    NOT NULL,
    url            TEXT    NOT NULL
);
CREATE INDEX disclosures_received ON disclosures (received_us DESC, id);

CREATE TABLE disclosure_exemptions (
    disclosure_id TEXT    NOT NULL REFERENCES disclosures (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    law           TEXT    NOT NULL,
    section       TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    type          TEXT    NOT NULL,
    cited         TEXT    NOT NULL,
    exemption_key TEXT    NOT NULL, -- law:section, as foi.Exemption.Key
    PRIMARY KEY (disclosure_id, position)
);
CREATE INDEX disclosure_exemptions_key ON disclosure_exemptions (exemption_key);

-- redactions is the audit trail of every replacement made before a
-- disclosure was published. It holds the removed text: never publish it.
CREATE TABLE redactions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    disclosure_id TEXT    NOT NULL,
    published_at  TEXT    NOT NULL,
    field         TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    start_byte    INTEGER NOT NULL,
    end_byte      INTEGER NOT NULL,
    original      TEXT    NOT NULL,
    replacement   TEXT    NOT NULL,
    rule          TEXT    NOT NULL
);
CREATE INDEX redactions_disclosure ON redactions (disclosure_id);
