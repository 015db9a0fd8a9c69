-- A counter every change to the disclosure log advances, in the change's
-- transaction, so a search index kept on another machine (townhall's
-- foi.bleve) can tell it is out of step even when the number of
-- disclosures is unchanged (a republication with a new censor rule).
CREATE TABLE foi_log_version (
	id      integer PRIMARY KEY CHECK (id = 1),
	version bigint NOT NULL
);
INSERT INTO foi_log_version (id, version) VALUES (1, 0);
