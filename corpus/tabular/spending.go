package tabular

import (
	"context"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// LoadSpending reads f as a payments-to-suppliers file: one document of
// kind f.Source.Kind (spending when unset) per payment row, with Record
// filled. A row that names neither a supplier nor an amount, and a totals
// row, are skipped. Errors wrap corpus.ErrInvalid (no header with a
// supplier or amount column, or no usable row) or corpus.ErrEmpty.
func LoadSpending(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	res, err := readSpending(ctx, f)
	if err != nil {
		return nil, err
	}
	return res.Documents, nil
}

func readSpending(ctx context.Context, f corpus.File) (*Result, error) {
	t, err := parseTable(ctx, f, spendingVocab, false)
	if err != nil {
		return nil, err
	}
	res := newResult(t)
	period, hasPeriod := time.Time{}, false
	if t.cols.at[roleDate] < 0 {
		period, hasPeriod = periodFromName(f.ID)
	}
	kind := kindOr(f, corpus.KindSpending)
	for i, d := range t.rows {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		repairGlued(t, &d)
		doc, reason := spendingDoc(f, t, d, kind, period, hasPeriod)
		if reason != "" {
			res.Problems = append(res.Problems, Problem{Line: d.line, Reason: reason})
			continue
		}
		res.Documents = append(res.Documents, doc)
	}
	if len(res.Documents) == 0 {
		return nil, noRows(f, t.headerLine, res.Problems)
	}
	return res, nil
}

// spendingDoc turns one row into a payment document, or says why not.
func spendingDoc(f corpus.File, t *table, d dataRow, kind corpus.Kind, period time.Time, hasPeriod bool) (corpus.Document, string) {
	supplier := t.cell(d, roleSupplier)
	amountText := t.cell(d, roleAmount)
	pence, hasAmount := parseAmount(amountText)
	if isTotalLabel(supplier) || (supplier == "" && isTotalLabel(firstCell(d))) {
		return corpus.Document{}, "totals row"
	}
	if d.short && d.isLast && (!hasAmount || supplier == "") {
		return corpus.Document{}, "last row is cut short"
	}
	if amountText != "" && !hasAmount {
		return corpus.Document{}, "amount " + quote(amountText) + " is not a number"
	}
	if supplier == "" && !hasAmount {
		return corpus.Document{}, "no supplier or amount"
	}
	rec := &corpus.Record{
		Supplier:    supplier,
		Department:  t.cell(d, roleDepartment),
		Category:    t.cell(d, roleCategory),
		Description: t.cell(d, roleDescription),
		Reference:   t.cell(d, roleReference),
	}
	if hasAmount {
		rec.AmountPence = pence
	}
	if date, ok := parseDate(t.cell(d, roleDate), true); ok {
		rec.Date = date
	}
	total := t.cols.total && rec.Date.IsZero()
	if rec.Date.IsZero() && hasPeriod {
		rec.Date = period
	}
	council := f.Council
	if body := t.cell(d, roleBody); council == "" && len(body) > 4 {
		council = body
	}
	doc := corpus.Document{
		ID:      rowID(f.ID, d.n),
		Kind:    kind,
		Council: council,
		Date:    rec.Date,
		Record:  rec,
	}
	if total && hasPeriod {
		doc.Meta = map[string]string{"period": period.Format("January 2006")}
	}
	doc.Title = paymentTitle(rec, hasAmount, total && hasPeriod)
	doc.Sections = []corpus.Section{{Text: paymentText(council, rec, hasAmount, total && hasPeriod, t.extras(d))}}
	return doc, ""
}

// paymentTitle is "Payment of £1,234.56 to ACME LTD (Parks, 02/10/2019)".
func paymentTitle(r *corpus.Record, hasAmount, monthly bool) string {
	var b strings.Builder
	switch {
	case monthly:
		b.WriteString("Payments")
		if hasAmount {
			b.WriteString(" totalling " + formatPence(r.AmountPence))
		}
	case hasAmount:
		b.WriteString("Payment of " + formatPence(r.AmountPence))
	default:
		b.WriteString("Payment")
	}
	if r.Supplier != "" {
		b.WriteString(" to " + r.Supplier)
	}
	var paren []string
	if r.Department != "" {
		paren = append(paren, r.Department)
	} else if r.Category != "" {
		paren = append(paren, r.Category)
	}
	if !r.Date.IsZero() {
		if monthly {
			paren = append(paren, r.Date.Format("January 2006"))
		} else {
			paren = append(paren, r.Date.Format("02/01/2006"))
		}
	}
	if len(paren) > 0 {
		b.WriteString(" (" + strings.Join(paren, ", ") + ")")
	}
	return b.String()
}

// paymentText states a payment in words, so that keyword and vector
// search find it: "Hyndburn Borough Council paid ACME LTD £1,234.56 on 2
// October 2019. Department: Parks. ..."
func paymentText(council string, r *corpus.Record, hasAmount, monthly bool, extras []string) string {
	if council == "" {
		council = "The council"
	}
	var b strings.Builder
	amount := formatPence(r.AmountPence)
	switch {
	case hasAmount && r.AmountPence < 0:
		b.WriteString(council + " recorded a negative payment (a credit or refund) of " + amount)
		if r.Supplier != "" {
			b.WriteString(" to " + r.Supplier)
		}
	case r.Supplier != "" && hasAmount:
		b.WriteString(council + " paid " + r.Supplier + " " + amount)
	case r.Supplier != "":
		b.WriteString(council + " paid " + r.Supplier)
	default:
		b.WriteString(council + " made a payment of " + amount)
	}
	switch {
	case monthly:
		b.WriteString(" in total in " + r.Date.Format("January 2006") + ".")
	case !r.Date.IsZero():
		b.WriteString(" on " + r.Date.Format("2 January 2006") + ".")
	default:
		b.WriteString(".")
	}
	line := func(label, v string) {
		if v != "" {
			b.WriteString("\n" + label + ": " + strings.TrimRight(v, ".") + ".")
		}
	}
	line("Department", r.Department)
	line("Category", r.Category)
	line("Description", r.Description)
	line("Reference", r.Reference)
	for _, e := range extras {
		b.WriteString("\n" + strings.TrimRight(e, ".") + ".")
	}
	return b.String()
}

// repairGlued splits a date and an amount that an export ran together
// ("25/06/2012900" for "25/06/2012" and "900"), which leaves the row one
// cell short.
func repairGlued(t *table, d *dataRow) {
	di, ai := t.cols.at[roleDate], t.cols.at[roleAmount]
	if di < 0 || ai != di+1 || di >= len(d.cells) {
		return
	}
	if _, ok := parseAmount(t.cell(*d, roleAmount)); ok {
		return
	}
	s := d.cells[di]
	if len(s) <= 10 || s[2] != '/' || s[5] != '/' {
		return
	}
	if _, ok := parseDate(s[:10], false); !ok {
		return
	}
	if _, ok := parseAmount(s[10:]); !ok {
		return
	}
	cells := make([]string, 0, len(d.cells)+1)
	cells = append(cells, d.cells[:di]...)
	cells = append(cells, s[:10], s[10:])
	cells = append(cells, d.cells[di+1:]...)
	d.cells = cells
	d.short = false
}

// isTotalLabel reports a label that marks a totals row.
func isTotalLabel(s string) bool {
	n := normHeader(s)
	return n == "total" || n == "totals" || n == "grand total" || n == "sub total" || n == "subtotal" ||
		strings.HasPrefix(n, "grand total ") || strings.HasPrefix(n, "total for ")
}

func firstCell(d dataRow) string {
	for _, c := range d.cells {
		if c != "" {
			return c
		}
	}
	return ""
}

func quote(s string) string { return "\"" + text.Truncate(s, 40) + "\"" }

// kindOr returns the kind the manifest gave f, or def.
func kindOr(f corpus.File, def corpus.Kind) corpus.Kind {
	if f.Source.Kind != "" {
		return f.Source.Kind
	}
	return def
}
