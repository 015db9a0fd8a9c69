package assistant

import (
	"context"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// RecordAnswerer answers questions about payments and contracts with
// figures computed from the parsed rows, never from retrieved text.
type RecordAnswerer interface {
	// AnswerRecords returns a draft whose figures come from the records it
	// cites. ok is false when the question is not about payments or
	// contracts, or when no record matches; the caller then answers from
	// retrieval. An error means the record store failed.
	AnswerRecords(ctx context.Context, question string) (d *Draft, ok bool, err error)
}

// RecordQuerier is the record index a Records answerer reads: spending
// rows and contract notices (corpus documents with Record set).
// corpus/records implements it on SQLite.
type RecordQuerier interface {
	// FindRecords returns up to f.Limit matching records in f.Order, each a
	// document with Record set and no Sections, and how many match in all.
	FindRecords(ctx context.Context, f RecordFilter) ([]corpus.Document, int, error)
	// SumRecords totals the matching records' amounts, exactly in pence,
	// one RecordTotal per group, largest total first. With GroupNone it
	// returns a single total, with Rows 0 when nothing matches.
	SumRecords(ctx context.Context, f RecordFilter, by RecordGroup) ([]RecordTotal, error)
	// FindSuppliers returns the known suppliers whose names resemble
	// q.Name, best first.
	FindSuppliers(ctx context.Context, q SupplierQuery) ([]SupplierMatch, error)
	// Councils returns the distinct council names records are filed under.
	Councils(ctx context.Context) ([]string, error)
}

// RecordFilter selects records. Zero fields match everything.
type RecordFilter struct {
	Kind      corpus.Kind // corpus.KindSpending or corpus.KindContracts
	Suppliers []string    // normalised supplier names (SupplierMatch.Norm); any of
	Councils  []string    // council names exactly as Councils returns them; any of
	// Department is a case-insensitive substring of the department.
	Department string
	// Status is the contract status, compared without case, e.g. "awarded".
	Status string
	// From is inclusive and To exclusive; records without a date are left
	// out when either is set.
	From, To time.Time
	// MinPence and MaxPence bound the amount, inclusive, when non-zero.
	MinPence, MaxPence int64
	// Text holds words that must all occur (stemmed) in a record's title,
	// description, category, supplier or department. With AnyText one
	// word is enough and OrderRelevance ranks the records that match most.
	Text    string
	AnyText bool
	Order   RecordOrder
	// Limit caps the records FindRecords returns; 0 means 100.
	Limit int
}

// RecordOrder orders FindRecords results.
type RecordOrder string

// The orders. Ties are broken by document ID so results are stable.
const (
	OrderDate      RecordOrder = ""          // newest first
	OrderAmount    RecordOrder = "amount"    // largest amount first
	OrderRelevance RecordOrder = "relevance" // best text match first (needs Text)
)

// RecordGroup says how SumRecords groups its totals.
type RecordGroup string

// The groupings.
const (
	GroupNone       RecordGroup = ""
	GroupSupplier   RecordGroup = "supplier"   // by normalised supplier
	GroupDepartment RecordGroup = "department" // by department as written
	GroupMonth      RecordGroup = "month"      // by payment month, Key "2006-01"
	GroupCouncil    RecordGroup = "council"
)

// RecordTotal is the sum of a group of records.
type RecordTotal struct {
	Key   string // the group's value (a normalised name for GroupSupplier); empty for GroupNone
	Name  string // how to show the group: the usual spelling of a supplier, else Key
	Rows  int
	Pence int64
	// First and Last are the earliest and latest record dates in the
	// group, zero when no record in it has a date.
	First, Last time.Time
}

// SupplierQuery asks for the suppliers a name may mean.
type SupplierQuery struct {
	Name string
	// Fuzzy also allows names that only share some words or letters with
	// Name (MatchFuzzy); without it only exact, prefix and contained
	// matches are returned.
	Fuzzy bool
	Limit int // most matches returned; 0 means 10
}

// SupplierMatch is a known supplier that resembles a name asked about.
type SupplierMatch struct {
	Name  string // the most common spelling in the records
	Norm  string // normalised name, as RecordFilter.Suppliers takes it
	Rows  int    // records naming this supplier
	How   MatchKind
	Score float64 // 0..1, 1 for an exact match
}

// MatchKind says how a supplier name matched.
type MatchKind string

// The kinds of supplier match, strongest first.
const (
	MatchExact    MatchKind = "exact"    // same normalised name
	MatchPrefix   MatchKind = "prefix"   // the name is the supplier's first words
	MatchContains MatchKind = "contains" // the name's words appear in order inside the supplier's
	MatchFuzzy    MatchKind = "fuzzy"    // shared words or letter trigrams
)
