package tabular

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// headerScan is how many records from the top are searched for the header
// before the whole file is.
const headerScan = 50

// table is a parsed CSV file with its header found and mapped.
type table struct {
	cols       columns
	headerLine int
	rows       []dataRow
	problems   []Problem
}

// dataRow is one record after the header, numbered.
type dataRow struct {
	n      int // 1-based data row number: the N of "path#row-N"
	line   int // 1-based line in the file
	cells  []string
	short  bool // fewer cells than the header names
	isLast bool // the last record in the file
}

// cell returns the cleaned cell of role r, or "".
func (t *table) cell(d dataRow, r role) string {
	i := t.cols.at[r]
	if i < 0 || i >= len(d.cells) {
		return ""
	}
	return d.cells[i]
}

// extras returns "Header: value" for every non-empty cell whose column
// has a name but no role, in column order: the columns a renderer does
// not describe in words itself.
func (t *table) extras(d dataRow) []string {
	var out []string
	for i, v := range d.cells {
		if v == "" || i >= len(t.cols.names) || t.cols.names[i] == "" || t.roleOf(i) != roleNone {
			continue
		}
		if n := t.cols.norm[i]; n == "line" || n == "recid" || n == "rec id" {
			continue // line numbers within an invoice say nothing
		}
		out = append(out, label(t.cols.names[i])+": "+v)
	}
	return out
}

// label makes a column name readable in a sentence: "expenditure_code"
// becomes "Expenditure code"; a name with capitals is kept as written.
func label(name string) string {
	name = strings.TrimRight(strings.TrimSpace(name), ":")
	if strings.ToLower(name) != name {
		return name
	}
	name = strings.ReplaceAll(name, "_", " ")
	if name == "" {
		return name
	}
	return strings.ToUpper(name[:1]) + name[1:]
}

// roleOf returns the role of column col, or roleNone.
func (t *table) roleOf(col int) role {
	for r, at := range t.cols.at {
		if at == col {
			return role(r)
		}
	}
	return roleNone
}

// parseTable reads f as CSV and finds its header using v. A file with no
// header that v recognises falls back to the first row that looks like
// column names, when fallback is set.
func parseTable(ctx context.Context, f corpus.File, v vocab, fallback bool) (*table, error) {
	if len(bytes.TrimSpace(f.Data)) == 0 {
		return nil, fmt.Errorf("%s: %w", f.ID, corpus.ErrEmpty)
	}
	text := decodeText(f.Data)
	recs, problems := readRecords(text, sniffComma(text))
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no rows: %w", f.ID, corpus.ErrEmpty)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	h := findHeader(recs, v)
	if h < 0 && fallback {
		h = labelRow(recs)
	}
	if h < 0 {
		return nil, fmt.Errorf("%s: line %d: no header row with recognisable column names: %w",
			f.ID, recs[0].line, corpus.ErrInvalid)
	}
	t := &table{cols: mapColumns(recs[h].fields, v), headerLine: recs[h].line, problems: problems}
	width := namedWidth(t.cols.names)
	n := 0
	for i, r := range recs {
		if i == h {
			continue
		}
		cells := make([]string, len(r.fields))
		for j, c := range r.fields {
			cells[j] = cleanCell(c)
		}
		d := dataRow{line: r.line, cells: cells, short: len(cells) < width, isLast: i == len(recs)-1}
		if i < h {
			// Before the header: a title or notes line, unless the file
			// keeps its header at the bottom and this is data.
			if !t.looksLikeData(d) {
				continue
			}
		} else if sameCells(cells, t.cols.names) {
			continue // the header repeated, as in files pasted together
		}
		if parts := t.unglue(cells, width); parts != nil {
			t.problems = append(t.problems, Problem{Line: r.line,
				Reason: fmt.Sprintf("%d records run together on one line; split at their amounts", len(parts))})
			for _, p := range parts {
				n++
				t.rows = append(t.rows, dataRow{n: n, line: r.line, cells: p, isLast: d.isLast})
			}
			continue
		}
		n++
		d.n = n
		t.rows = append(t.rows, d)
	}
	return t, nil
}

// unglue splits a line that holds several records whose line breaks were
// lost, as in "Acme Ltd,991.00Bravo Ltd,990.00Charlie Ltd,981.32", where
// each record ends with its amount and the next one starts straight after
// it. It applies only to tables whose last column is the amount, to lines
// with at least twice the header's cells; a cell that does not start with
// an amount where one is due is taken as part of the previous cell (a
// name with a comma in it). It returns nil when the line does not fit.
func (t *table) unglue(cells []string, width int) [][]string {
	if width < 2 || t.cols.at[roleAmount] != width-1 || len(cells) < 2*width {
		return nil
	}
	var out [][]string
	cur := make([]string, 0, width)
	for _, c := range cells {
		if len(cur) < width-1 {
			cur = append(cur, strings.Trim(c, `" `))
			continue
		}
		amount, rest, ok := leadingAmount(c)
		if !ok {
			if len(cur) == 0 {
				return nil
			}
			cur[len(cur)-1] = cleanCell(cur[len(cur)-1] + ", " + strings.Trim(c, `" `))
			continue
		}
		out = append(out, append(cur, amount))
		cur = make([]string, 0, width)
		if rest = strings.Trim(rest, `" `); rest != "" {
			cur = append(cur, rest)
		}
	}
	if len(cur) > 0 || len(out) < 2 {
		return nil
	}
	return out
}

// leadingAmount splits "991.00W C Evans" into "991.00" and "W C Evans". The
// amount must have two decimal places, so the split point is certain.
func leadingAmount(s string) (amount, rest string, ok bool) {
	s = strings.TrimLeft(s, " ")
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == ',' || s[i] == '-') {
		i++
	}
	if i == 0 || i+3 > len(s) || s[i] != '.' || !digits(s[i+1:i+3]) {
		return "", "", false
	}
	if i+3 < len(s) && s[i+3] >= '0' && s[i+3] <= '9' {
		return "", "", false
	}
	return s[:i+3], s[i+3:], true
}

// findHeader returns the index of the record that best looks like a header
// for v, or -1. The top of the file is searched first, then the rest, for
// files that keep the header at the bottom.
func findHeader(recs []record, v vocab) int {
	best, bestScore := -1, 1 // a header must map at least two roles
	for i, r := range recs {
		if i == headerScan && best >= 0 {
			break
		}
		if s := v.score(r.fields); s > bestScore {
			best, bestScore = i, s
		}
	}
	return best
}

// labelRow returns the first record that looks like column names: two or
// more non-empty cells, none of them long, a number or a date.
func labelRow(recs []record) int {
	for i, r := range recs {
		if i == headerScan {
			break
		}
		n := 0
		ok := true
		for _, f := range r.fields {
			s := strings.TrimSpace(f)
			if s == "" {
				continue
			}
			n++
			if len(s) > 60 {
				ok = false
				break
			}
			if _, isNum := parseAmount(s); isNum {
				ok = false
				break
			}
			if _, isDate := parseDate(s, false); isDate {
				ok = false
				break
			}
		}
		if ok && n >= 2 {
			return i
		}
	}
	return -1
}

// looksLikeData reports whether a record above the header is a data row
// rather than a title line: its key cells parse.
func (t *table) looksLikeData(d dataRow) bool {
	switch {
	case t.cols.at[roleAmount] >= 0:
		_, ok := parseAmount(t.cell(d, roleAmount))
		return ok && (t.cell(d, roleSupplier) != "" || t.cell(d, roleDate) != "")
	case t.cols.at[roleDate] >= 0:
		_, ok := parseDate(t.cell(d, roleDate), true)
		return ok
	}
	named, filled := 0, 0
	for i, name := range t.cols.names {
		if name == "" {
			continue
		}
		named++
		if i < len(d.cells) && d.cells[i] != "" {
			filled++
		}
	}
	return named > 0 && filled*2 > named
}

// namedWidth is the number of columns up to the last one with a name.
func namedWidth(names []string) int {
	for i := len(names) - 1; i >= 0; i-- {
		if names[i] != "" {
			return i + 1
		}
	}
	return 0
}

// sameCells reports whether a row repeats the header.
func sameCells(cells, names []string) bool {
	if len(cells) != len(names) {
		return false
	}
	for i := range cells {
		if cells[i] != names[i] {
			return false
		}
	}
	return true
}

// rowID is the document ID of data row n of file id.
func rowID(id string, n int) string { return id + "#row-" + strconv.Itoa(n) }

// noRows is the error for a file whose header was found but none of whose
// rows could be used.
func noRows(f corpus.File, headerLine int, problems []Problem) error {
	if len(problems) > 0 {
		p := problems[0]
		return fmt.Errorf("%s: line %d: no usable rows (%s): %w", f.ID, p.Line, p.Reason, corpus.ErrInvalid)
	}
	return fmt.Errorf("%s: line %d: header but no data rows: %w", f.ID, headerLine, corpus.ErrEmpty)
}
