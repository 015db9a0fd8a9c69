package ledger

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// Row is one payment (kind spending) or one contract notice (kind
// contracts).
type Row struct {
	// ID is the record's document ID: "path#row-N" for a CSV row,
	// "path#<notice id>" for a Contracts Finder or OCDS notice.
	ID      string
	Kind    corpus.Kind
	Council string
	Title   string
	// URL is the record's source: the published file (the manifest's
	// base URL and the file's path) or the notice's own page.
	URL         string
	Supplier    string
	AmountPence int64
	// Date is the payment date, or a contract's award or start date; zero
	// when the source gave none.
	Date time.Time
	// EndDate is a contract's end date; zero when unknown.
	EndDate     time.Time
	Department  string
	Category    string
	Description string
	Reference   string
	Status      string
}

// File is the ID of the source file the row came from.
func (r Row) File() string { return corpus.FileID(r.ID) }

// Field names a text field of a Row that a Filter can match.
type Field uint8

// The matchable fields.
const (
	FieldSupplier Field = 1 << iota
	FieldDepartment
	FieldCategory
	FieldStatus
	FieldCouncil
)

// Param is the field's URL parameter name.
func (f Field) Param() string {
	switch f {
	case FieldSupplier:
		return "supplier"
	case FieldDepartment:
		return "department"
	case FieldCategory:
		return "category"
	case FieldStatus:
		return "status"
	case FieldCouncil:
		return "council"
	}
	return ""
}

// Fields lists the matchable fields in form order.
var Fields = []Field{FieldCouncil, FieldSupplier, FieldDepartment, FieldCategory, FieldStatus}

// FieldSet is a set of Fields.
type FieldSet uint8

// Has reports whether f is in the set.
func (s FieldSet) Has(f Field) bool { return s&FieldSet(f) != 0 }

// With returns the set with f added.
func (s FieldSet) With(f Field) FieldSet { return s | FieldSet(f) }

// NotRecorded, as a field's value or as Filter.Month, matches the rows
// where the source left that field empty. It is how a total over rows
// with no department, say, links to those rows.
const NotRecorded = "(not recorded)"

// Sort is a column results can be ordered by.
type Sort string

// The sort columns. Ties are broken by record ID so pages are stable.
const (
	SortDate       Sort = "date"
	SortAmount     Sort = "amount"
	SortSupplier   Sort = "supplier"
	SortDepartment Sort = "department"
	SortCategory   Sort = "category"
	SortStatus     Sort = "status"
	SortEnd        Sort = "end"
	SortTitle      Sort = "title"
)

// Sorts lists every Sort.
var Sorts = []Sort{SortDate, SortAmount, SortSupplier, SortDepartment, SortCategory, SortStatus, SortEnd, SortTitle}

// Group says how totals are grouped.
type Group string

// The groupings. GroupNone gives one total over every matching row.
const (
	GroupNone       Group = ""
	GroupSupplier   Group = "supplier"   // by normalised supplier name
	GroupDepartment Group = "department" // by department as written
	GroupMonth      Group = "month"      // by calendar month of the date, Key "2006-01"
)

// Groups lists the groupings a page can show, in page order.
var Groups = []Group{GroupSupplier, GroupDepartment, GroupMonth}

// ParseGroup reads a group name.
func ParseGroup(s string) (Group, error) {
	for _, g := range Groups {
		if s == string(g) {
			return g, nil
		}
	}
	return "", fmt.Errorf("group %q (want supplier, department or month): %w", s, ErrInvalid)
}

// Limits on a Filter, so that no request can ask for unbounded work.
const (
	MaxLimit  = 500     // rows in one page
	MaxOffset = 100_000 // rows skipped; deeper pages are refused
	MaxText   = 200     // characters in one text field
)

// Filter selects, orders and pages rows. Zero fields match everything.
type Filter struct {
	Kind corpus.Kind // corpus.KindSpending or corpus.KindContracts; required
	// Council, Supplier, Department, Category and Status match a part of
	// the value without regard to case (Supplier compares normalised
	// names), or the whole value when the field is in Exact. NotRecorded
	// matches an empty value.
	Council, Supplier, Department, Category, Status string
	Exact                                           FieldSet
	// Text holds words that must all occur (stemmed) in a row's title,
	// description, category, supplier or department.
	Text string
	// From and To bound the date, both inclusive. Rows without a date are
	// left out when either is set.
	From, To time.Time
	// Month is "2006-01" for the rows dated in that month, or NotRecorded
	// for the rows without a date.
	Month string
	// MinPence and MaxPence bound the amount, inclusive, when HasMin or
	// HasMax is set.
	MinPence, MaxPence int64
	HasMin, HasMax     bool
	// ID selects one record by its ID.
	ID string

	Sort Sort // "" means SortDate
	// Asc orders smallest, earliest or A first; the default is the
	// reverse, newest and largest first.
	Asc    bool
	Offset int
	Limit  int // 0 means 50
}

// DefaultLimit is a Filter's Limit when it sets none.
const DefaultLimit = 50

// Value returns the filter's text for field f.
func (f *Filter) Value(field Field) string {
	switch field {
	case FieldSupplier:
		return f.Supplier
	case FieldDepartment:
		return f.Department
	case FieldCategory:
		return f.Category
	case FieldStatus:
		return f.Status
	case FieldCouncil:
		return f.Council
	}
	return ""
}

// SetValue sets the filter's text for field f.
func (f *Filter) SetValue(field Field, v string) {
	switch field {
	case FieldSupplier:
		f.Supplier = v
	case FieldDepartment:
		f.Department = v
	case FieldCategory:
		f.Category = v
	case FieldStatus:
		f.Status = v
	case FieldCouncil:
		f.Council = v
	}
}

// Validate checks the filter and returns FieldErrors naming every
// problem, or nil.
func (f *Filter) Validate() error {
	var errs FieldErrors
	if f.Kind != corpus.KindSpending && f.Kind != corpus.KindContracts {
		errs = append(errs, FieldError{"kind", fmt.Sprintf("Kind must be %s or %s", corpus.KindSpending, corpus.KindContracts)})
	}
	for _, fl := range Fields {
		if len([]rune(f.Value(fl))) > MaxText {
			errs = append(errs, FieldError{fl.Param(), fmt.Sprintf("%s must be %d characters or fewer", capital(fl.Param()), MaxText)})
		}
	}
	if len([]rune(f.Text)) > MaxText {
		errs = append(errs, FieldError{"q", fmt.Sprintf("Search words must be %d characters or fewer", MaxText)})
	}
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		errs = append(errs, FieldError{"to", "The end date must be the same as or after the start date"})
	}
	if f.Month != "" && f.Month != NotRecorded {
		if _, err := time.Parse("2006-01", f.Month); err != nil || len(f.Month) != 7 {
			errs = append(errs, FieldError{"month", "Month must be a year and month like 2024-05"})
		}
	}
	if f.HasMin && f.HasMax && f.MaxPence < f.MinPence {
		errs = append(errs, FieldError{"max", "The largest amount must be the same as or more than the smallest"})
	}
	if f.Sort != "" && !validSort(f.Sort) {
		errs = append(errs, FieldError{"sort", "Choose a column to sort by"})
	}
	if f.Limit < 0 || f.Limit > MaxLimit {
		errs = append(errs, FieldError{"limit", fmt.Sprintf("Rows per page must be between 1 and %d", MaxLimit)})
	}
	if f.Offset < 0 || f.Offset > MaxOffset {
		errs = append(errs, FieldError{"page", fmt.Sprintf("Only the first %d rows can be paged through; narrow the search or download it as CSV", MaxOffset)})
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

func validSort(s Sort) bool {
	for _, x := range Sorts {
		if s == x {
			return true
		}
	}
	return false
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Total is the sum of one group of rows.
type Total struct {
	// Key is the group's value: a normalised supplier name, a department
	// as written, a month "2006-01"; "" for rows with no value, and for
	// GroupNone.
	Key string
	// Name is how to show the group: a supplier's most common spelling,
	// else Key.
	Name  string
	Rows  int
	Pence int64
}

// Narrow returns the filter that lists exactly the rows behind total t of
// grouping by over f: f with the group's field fixed to t's value. The
// offset is reset.
func (f Filter) Narrow(by Group, t Total) Filter {
	n := f
	n.Offset = 0
	v := t.Key
	if v == "" {
		v = NotRecorded
	}
	switch by {
	case GroupSupplier:
		// The name normalises to the key; showing it reads better.
		if t.Key != "" {
			v = t.Name
		}
		n.Supplier, n.Exact = v, n.Exact.With(FieldSupplier)
	case GroupDepartment:
		n.Department, n.Exact = v, n.Exact.With(FieldDepartment)
	case GroupMonth:
		n.Month = v
	}
	return n
}

// Choice is one distinct value of a field, with how many rows have it.
type Choice struct {
	Value string
	Rows  int
}

// Store is the record store the browser reads. corpus/records implements
// it on SQLite. Every method fails with an error wrapping ErrInvalid for
// a filter that does not Validate.
type Store interface {
	// FindRows returns the page of rows f selects, in f's order, and how
	// many rows match in all.
	FindRows(ctx context.Context, f Filter) ([]Row, int, error)
	// SumRows totals the matching rows' amounts exactly, in pence, one
	// Total per group: months in calendar order, other groups largest
	// total first. With GroupNone it returns one Total (Rows 0 when
	// nothing matches). f's order and paging are ignored.
	SumRows(ctx context.Context, f Filter, by Group) ([]Total, error)
	// EachRow calls fn for every row f selects, in f's order, from
	// f.Offset and at most limit rows (0: no cap), stopping at fn's first
	// error, which it returns. f.Limit is ignored.
	EachRow(ctx context.Context, f Filter, limit int, fn func(Row) error) error
	// Choices returns the distinct values of field among rows of kind,
	// most rows first, at most limit of them.
	Choices(ctx context.Context, kind corpus.Kind, field Field, limit int) ([]Choice, error)
}
