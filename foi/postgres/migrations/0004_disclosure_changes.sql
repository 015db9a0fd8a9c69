-- Which log version last wrote each disclosure, and which disclosures were
-- removed (merged into another) at which version, so a search index kept
-- on another machine can catch up with the changes since the version it
-- last saw instead of rebuilding (Store.DisclosureChanges).
ALTER TABLE foi_disclosures ADD COLUMN log_version bigint NOT NULL DEFAULT 0;
CREATE INDEX foi_disclosures_log_version ON foi_disclosures (log_version);

CREATE TABLE foi_disclosure_removals (
	id          text PRIMARY KEY,
	log_version bigint NOT NULL
);
CREATE INDEX foi_disclosure_removals_log_version ON foi_disclosure_removals (log_version);
