package corpus

import (
	"strings"
	"time"
)

// Kind says what sort of council information a document is. It drives
// filtering, the FOI portal's facets and how answers are composed.
type Kind string

// The kinds a manifest source may declare.
const (
	KindPage      Kind = "page"      // a service web page or guide
	KindFOI       Kind = "foi"       // a previous FOI/EIR request and response
	KindSpending  Kind = "spending"  // a payment to a supplier
	KindContracts Kind = "contracts" // a contract or procurement notice
	KindBudget    Kind = "budget"    // budget books, accounts and outturns
)

// Kinds lists every valid kind in a stable order.
var Kinds = []Kind{KindPage, KindFOI, KindSpending, KindContracts, KindBudget}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Document is one unit of council information: a page, an FOI thread, a
// single spending row or contract notice, or a budget file.
type Document struct {
	ID      string    // path relative to the root, or "path#key" for a record
	Kind    Kind      // from the manifest source
	Title   string    // human title; never empty after loading
	URL     string    // canonical link used in citations
	Council string    // publishing council's name
	Date    time.Time // published, received, paid or awarded; zero if unknown

	// Sections hold the body in reading order, each under its heading path.
	Sections []Section

	// Record holds parsed fields for spending rows and contract notices.
	Record *Record

	// Meta holds format-specific extras (status, law, reference, ...).
	Meta map[string]string

	// Hash is the content hash of the source file the document came from,
	// set by ingestion for incremental re-indexing.
	Hash string
}

// Section is a run of body text under a heading path. Page is the 1-based
// PDF page the text came from, or 0 for formats without pages.
type Section struct {
	Headings []string // outermost first, e.g. ["Bins", "Missed collections"]
	Text     string
	Page     int
}

// Text returns the document's body as plain text, sections separated by
// blank lines, headings included.
func (d *Document) Text() string {
	var b strings.Builder
	for i, s := range d.Sections {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if len(s.Headings) > 0 {
			b.WriteString(s.Headings[len(s.Headings)-1])
			b.WriteString("\n")
		}
		b.WriteString(s.Text)
	}
	return b.String()
}

// FileID returns the file part of a document ID, dropping any "#key".
func FileID(id string) string {
	if i := strings.IndexByte(id, '#'); i >= 0 {
		return id[:i]
	}
	return id
}

// Record is a structured row: a payment to a supplier or a contract award.
// Amounts are in pence so that sums are exact.
type Record struct {
	Supplier    string
	AmountPence int64
	Date        time.Time // payment date, or contract award/start date
	EndDate     time.Time // contracts: end date
	Department  string    // department, directorate or service area
	Category    string    // expenditure category, CPV or account
	Description string
	Reference   string // transaction number, notice id, contract ref
	Status      string // contracts: awarded, open, ...
}
