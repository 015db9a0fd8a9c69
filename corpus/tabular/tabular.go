package tabular

import (
	"context"

	"github.com/townhall-civic/townhall/corpus"
)

var _ corpus.Loader = Load

// Result is a loaded file with an account of what was left out.
type Result struct {
	Documents []corpus.Document
	// Header holds the header row's cells as written, and HeaderLine its
	// 1-based line.
	Header     []string
	HeaderLine int
	// Rows counts the data rows found, used or not.
	Rows int
	// Problems lists rows that gave no document, and stretches of the
	// file that could not be parsed, with the reason.
	Problems []Problem
}

func newResult(t *table) *Result {
	return &Result{
		Header:     t.cols.names,
		HeaderLine: t.headerLine,
		Rows:       len(t.rows),
		Problems:   append([]Problem(nil), t.problems...),
		Documents:  make([]corpus.Document, 0, len(t.rows)),
	}
}

// Load reads a CSV file according to its source's kind: payments for
// spending, a contract register for contracts, a disclosure log or request
// index for foi, and for any other kind one document per row with the row
// written out as "Header: value" lines. It is a corpus.Loader; errors wrap
// corpus.ErrInvalid or corpus.ErrEmpty.
func Load(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	res, err := Read(ctx, f)
	if err != nil {
		return nil, err
	}
	return res.Documents, nil
}

// Read is Load with the account of skipped rows and parse problems, for
// ingestion reports and tests.
func Read(ctx context.Context, f corpus.File) (*Result, error) {
	switch f.Source.Kind {
	case corpus.KindSpending:
		return readSpending(ctx, f)
	case corpus.KindContracts:
		return readContracts(ctx, f)
	case corpus.KindFOI:
		return readFOI(ctx, f)
	}
	return readRows(ctx, f)
}
