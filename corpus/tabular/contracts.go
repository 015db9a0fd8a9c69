package tabular

import (
	"context"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// LoadContracts reads f as a contract register: one document of kind
// f.Source.Kind (contracts when unset) per contract row, with Record
// filled, including EndDate and Status. Errors wrap corpus.ErrInvalid (no
// header with a title or supplier column, or no usable row) or
// corpus.ErrEmpty.
func LoadContracts(ctx context.Context, f corpus.File) ([]corpus.Document, error) {
	res, err := readContracts(ctx, f)
	if err != nil {
		return nil, err
	}
	return res.Documents, nil
}

func readContracts(ctx context.Context, f corpus.File) (*Result, error) {
	t, err := parseTable(ctx, f, contractsVocab, false)
	if err != nil {
		return nil, err
	}
	res := newResult(t)
	kind := kindOr(f, corpus.KindContracts)
	for _, d := range t.rows {
		title, supplier := t.cell(d, roleTitle), t.cell(d, roleSupplier)
		if title == "" && supplier == "" {
			res.Problems = append(res.Problems, Problem{Line: d.line, Reason: "no title or supplier"})
			continue
		}
		if isTotalLabel(title) || isTotalLabel(supplier) {
			res.Problems = append(res.Problems, Problem{Line: d.line, Reason: "totals row"})
			continue
		}
		rec := &corpus.Record{
			Supplier:    supplier,
			Department:  t.cell(d, roleDepartment),
			Category:    t.cell(d, roleCategory),
			Description: t.cell(d, roleDescription),
			Reference:   t.cell(d, roleReference),
			Status:      t.cell(d, roleStatus),
		}
		pence, hasAmount := parseAmount(t.cell(d, roleAmount))
		rec.AmountPence = pence
		rec.Date, _ = parseDate(t.cell(d, roleDate), true)
		rec.EndDate, _ = parseDate(t.cell(d, roleEndDate), true)
		doc := corpus.Document{
			ID:     rowID(f.ID, d.n),
			Kind:   kind,
			Date:   rec.Date,
			Record: rec,
			URL:    t.cell(d, roleURL),
			Title:  title,
		}
		if doc.Title == "" {
			doc.Title = "Contract with " + supplier
		}
		if rec.Status != "" {
			doc.Meta = map[string]string{"status": rec.Status}
		}
		doc.Sections = []corpus.Section{{Text: contractText(f.Council, title, rec, hasAmount, t.extras(d))}}
		res.Documents = append(res.Documents, doc)
	}
	if len(res.Documents) == 0 {
		return nil, noRows(f, t.headerLine, res.Problems)
	}
	return res, nil
}

// contractText states a contract in words: "Sutton Coldfield Town Council
// let the contract "Grounds maintenance" to ACME LTD, worth £12,000.00,
// from 1 April 2017 to 31 March 2018."
func contractText(council, title string, r *corpus.Record, hasAmount bool, extras []string) string {
	if council == "" {
		council = "The council"
	}
	var b strings.Builder
	b.WriteString(council + " let the contract")
	if title != "" {
		b.WriteString(" \"" + title + "\"")
	}
	if r.Supplier != "" {
		b.WriteString(" to " + r.Supplier)
	}
	if hasAmount {
		b.WriteString(", worth " + formatPence(r.AmountPence))
	}
	switch {
	case !r.Date.IsZero() && !r.EndDate.IsZero():
		b.WriteString(", from " + r.Date.Format("2 January 2006") + " to " + r.EndDate.Format("2 January 2006"))
	case !r.Date.IsZero():
		b.WriteString(", from " + r.Date.Format("2 January 2006"))
	case !r.EndDate.IsZero():
		b.WriteString(", ending " + r.EndDate.Format("2 January 2006"))
	}
	b.WriteString(".")
	line := func(label, v string) {
		if v != "" {
			b.WriteString("\n" + label + ": " + strings.TrimRight(v, ".") + ".")
		}
	}
	line("Status", r.Status)
	line("Department", r.Department)
	line("Category", r.Category)
	line("Description", r.Description)
	line("Reference", r.Reference)
	for _, e := range extras {
		b.WriteString("\n" + strings.TrimRight(e, ".") + ".")
	}
	return b.String()
}
