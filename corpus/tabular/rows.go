package tabular

import (
	"context"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/text"
)

// readRows reads any other table: one document per row, the row written as
// "Header: value" lines, titled by its title-like column (with its
// reference in front) and dated by its first date column.
func readRows(ctx context.Context, f corpus.File) (*Result, error) {
	t, err := parseTable(ctx, f, rowsVocab, true)
	if err != nil {
		return nil, err
	}
	res := newResult(t)
	for _, d := range t.rows {
		var b strings.Builder
		for i, v := range d.cells {
			if v == "" {
				continue
			}
			name := ""
			if i < len(t.cols.names) {
				name = t.cols.names[i]
			}
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			if name != "" {
				b.WriteString(name + ": ")
			}
			b.WriteString(stripTags(v))
		}
		if b.Len() == 0 {
			continue
		}
		title, ref := t.cell(d, roleTitle), t.cell(d, roleReference)
		switch {
		case title != "" && ref != "":
			title = ref + ": " + title
		case title == "" && ref != "":
			title = ref
		case title == "":
			title = firstCell(d)
		}
		date, _ := parseDate(t.cell(d, roleDate), true)
		doc := corpus.Document{
			ID:       rowID(f.ID, d.n),
			Kind:     f.Source.Kind,
			Date:     date,
			URL:      webURL(t.cell(d, roleURL)),
			Title:    text.Truncate(title, 150),
			Sections: []corpus.Section{{Text: b.String()}},
		}
		meta := map[string]string{}
		if ref != "" {
			meta["reference"] = ref
		}
		if s := t.cell(d, roleStatus); s != "" {
			meta["status"] = s
		}
		if len(meta) > 0 {
			doc.Meta = meta
		}
		res.Documents = append(res.Documents, doc)
	}
	if len(res.Documents) == 0 {
		return nil, noRows(f, t.headerLine, res.Problems)
	}
	return res, nil
}

// webURL returns s if it is an absolute web link, else "".
func webURL(s string) string {
	if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
		if i := strings.IndexAny(s, " \t"); i > 0 {
			s = s[:i]
		}
		return s
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
