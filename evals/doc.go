// Package evals measures Townhall's answers against suites of resident
// questions written by staff. A suite is JSON Lines in the format of
// shared/evals/FORMAT.md; each case's last turn is scored against its
// expected intent, sources, facts, forbidden phrases, service code and
// reading grade.
//
// # Running
//
// Run drives one Target (the assistant in process, a retriever alone) and
// Score turns outcomes into the metrics the format defines, overall and
// sliced by tag, expected intent and channel (Report.Slices). RunMatrix
// runs several Configurations side by side and returns a Matrix, whose
// ratios are taken against a baseline configuration. Report.Timing splits
// the wall time between the target and the harness, so the harness's own
// overhead can be checked.
//
// # Reports
//
// A Matrix is written as JSON (WriteJSON: FORMAT.md's schema at the top
// level for the first configuration, every configuration under "runs")
// and as a terminal table (WriteTable, WriteSlices). evals/htmlreport
// writes a self-contained HTML page.
//
// # Comparing and gating
//
// Compare lists what changed between two runs: cases that regressed (pass
// to fail) or improved, cases whose expected source moved, and every
// metric's delta. Thresholds, read from a YAML or JSON map of metric to
// bound, are the release gate: a floor for metrics where higher is better,
// a ceiling for latencies, grades and not_violations (LowerIsBetter).
// townhall eval exits with status 4 when a bound is missed, 1 on errors
// and 2 on usage errors, so CI can tell a failed gate from a broken run.
//
// # Judging
//
// A Judge (evals/llmjudge, over any chat model) scores faithfulness and
// answer relevance; the summary reports its agreement with the
// deterministic checks. It is optional and never needed offline.
//
// # Suites from real use
//
// ExportDrafts turns conversations residents marked unhelpful
// (FeedbackSource) and conversations handed off to staff (HandoffLister)
// into draft cases, which WriteDrafts writes as a suite with empty
// expectations for staff to complete.
package evals
