// Package evals measures Townhall's answers against suites of resident
// questions written by staff. A suite is JSON Lines in the format of
// shared/evals/FORMAT.md; each case's last turn is scored against its
// expected intent, sources, facts, forbidden phrases, service code and
// reading grade. Run drives a Target (the assistant in-process, a retriever
// alone, or a live server) and Score turns outcomes into the metrics the
// format defines.
package evals
