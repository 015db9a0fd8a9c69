// Package ledger is the FOI portal's spending, contracts and budgets
// browser: the Local Government Transparency Code's published data made
// searchable by residents.
//
// Its model is small. A Row is one payment or one contract notice, as
// parsed at ingest (corpus.Record) and kept in the record store
// (corpus/records implements Store). A Filter selects rows by council,
// supplier, department, category, status, words, amount and date, sorts
// them and pages through them. A Total is the exact sum, in whole pence,
// of the rows in one group (a supplier, a department or a month), so
// every figure the browser shows can link to a Filter that lists the very
// rows behind it: Filter.Narrow turns a total back into that Filter.
// Budget books are not rows but documents of kind budget, one per file,
// listed with their pages by Budgets from the retrieval catalog.
//
// Text fields of a Filter match a part of the value, ignoring case
// (suppliers on their normalised name, so "acme ltd" finds "ACME
// LIMITED"), unless the field is marked exact, which is how a total's
// link asks for one group's rows and no more. NotRecorded stands for an
// empty value, so the rows with no department can be listed too.
//
// corpus/records offers two Stores: records.Store answers in SQL, and
// records.Ledger from an in-memory copy of the columns it filters on,
// much faster over a hundred thousand payments; Cache wraps either and
// keeps answers for a while. The web face is in foi/ledger/web; see
// docs/portal.md.
package ledger
