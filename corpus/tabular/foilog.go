package tabular

import (
	"context"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// readFOI reads a disclosure log or an index of requests: one document per
// request, titled by its summary, dated when received, with Meta
// "reference" and "status". A requester's name is never copied into the
// text.
func readFOI(ctx context.Context, f corpus.File) (*Result, error) {
	t, err := parseTable(ctx, f, foiVocab, false)
	if err != nil {
		return nil, err
	}
	res := newResult(t)
	for _, d := range t.rows {
		title, ref := t.cell(d, roleTitle), t.cell(d, roleReference)
		if title == "" && ref == "" {
			res.Problems = append(res.Problems, Problem{Line: d.line, Reason: "no summary or reference"})
			continue
		}
		if d.short && d.isLast && (title == "" || ref == "" && t.cols.at[roleReference] >= 0) {
			res.Problems = append(res.Problems, Problem{Line: d.line, Reason: "last row is cut short"})
			continue
		}
		authority := t.cell(d, roleAuthority)
		status := t.cell(d, roleStatus)
		date, _ := parseDate(t.cell(d, roleDate), true)
		doc := corpus.Document{
			ID:      rowID(f.ID, d.n),
			Kind:    kindOr(f, corpus.KindFOI),
			Council: authority,
			Date:    date,
			URL:     webURL(t.cell(d, roleURL)),
			Title:   text.Truncate(title, 150),
		}
		if doc.Title == "" {
			doc.Title = "FOI request " + ref
		}
		meta := map[string]string{}
		if ref != "" {
			meta["reference"] = ref
		}
		if status != "" {
			meta["status"] = status
		}
		if len(meta) > 0 {
			doc.Meta = meta
		}

		var b strings.Builder
		b.WriteString("Freedom of Information request")
		if ref != "" {
			b.WriteString(" " + ref)
		}
		if to := firstNonEmpty(authority, f.Council); to != "" {
			b.WriteString(" to " + to)
		}
		if !date.IsZero() {
			b.WriteString(", received " + date.Format("2 January 2006"))
		}
		if title != "" {
			b.WriteString(": " + strings.TrimRight(title, ".") + ".")
		} else {
			b.WriteString(".")
		}
		if status != "" {
			b.WriteString("\nStatus: " + status + ".")
		}
		if dep := t.cell(d, roleDepartment); dep != "" {
			b.WriteString("\nDepartment: " + dep + ".")
		}
		for _, e := range t.extras(d) {
			b.WriteString("\n" + strings.TrimRight(stripTags(e), ".") + ".")
		}
		doc.Sections = []corpus.Section{{Text: b.String()}}
		res.Documents = append(res.Documents, doc)
	}
	if len(res.Documents) == 0 {
		return nil, noRows(f, t.headerLine, res.Problems)
	}
	return res, nil
}
