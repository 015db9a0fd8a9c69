// Package records is an embedded index of spending rows and contract
// notices on SQLite (modernc.org/sqlite, pure Go). Ingestion feeds it as a
// corpus.Sink beside the retrieval index (see Tee), keeping each row's
// parsed fields, so the assistant can answer "how much did we pay X in
// March 2017?" with sums computed exactly in pence from the rows, and cite
// the rows it used. It implements assistant.RecordQuerier.
//
// Suppliers are matched on a normalised name: upper case, punctuation and
// "&"/"AND" dropped, legal suffixes (LTD, LIMITED, PLC, LLP, INC) removed,
// spaces collapsed, so "Ford and Slater Ltd." and "FORD & SLATER LIMITED"
// are one supplier. The distinct suppliers are kept in memory for lookup
// by exact name, leading words, contained words and, for misspellings,
// words spelt alike (Levenshtein).
//
// Spending rows and contract notices also go into an FTS5 index (porter
// stemming) of the words a question may use to name them: a contract's
// title and description, a payment's description, category and
// department. Amounts are whole pence, summed by SQLite in integers, so
// totals are exact.
package records
