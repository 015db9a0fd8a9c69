package records

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
)

// defaultLimit is FindRecords' limit when the filter sets none.
const defaultLimit = 100

// FindRecords returns up to f.Limit records matching f in f.Order, and how
// many match in all.
func (s *Store) FindRecords(ctx context.Context, f assistant.RecordFilter) ([]corpus.Document, int, error) {
	if s.isClosed() {
		return nil, 0, ErrClosed
	}
	w, args := where(f)
	limit := f.Limit
	if limit <= 0 {
		limit = defaultLimit
	}
	from := "records r"
	order := "r.date DESC, r.doc_id"
	switch {
	case f.Order == assistant.OrderAmount:
		order = "r.amount_pence DESC, r.doc_id"
	case f.Order == assistant.OrderRelevance && ftsQuery(f.Text, f.AnyText) != "":
		// Join the full-text table to rank by bm25; where() already
		// restricts r to matching rows.
		from = "records r JOIN records_fts ON records_fts.rowid = r.rowid AND records_fts MATCH ?"
		args = append([]any{ftsQuery(f.Text, f.AnyText)}, args...)
		order = "records_fts.rank, r.doc_id"
	}
	q := `SELECT r.doc_id, r.kind, r.council, r.supplier, r.amount_pence, r.date, r.end_date, r.department,
		r.category, r.description, r.reference, r.status, r.title, r.url, COUNT(*) OVER ()
		FROM ` + from + w + " ORDER BY " + order + " LIMIT ?"
	rows, err := s.db.QueryContext(ctx, q, append(args, limit)...)
	if err != nil {
		return nil, 0, fmt.Errorf("records: find: %w", err)
	}
	defer rows.Close()
	var docs []corpus.Document
	total := 0
	for rows.Next() {
		var d corpus.Document
		var r corpus.Record
		var kind, date, end string
		if err := rows.Scan(&d.ID, &kind, &d.Council, &r.Supplier, &r.AmountPence, &date, &end, &r.Department,
			&r.Category, &r.Description, &r.Reference, &r.Status, &d.Title, &d.URL, &total); err != nil {
			return nil, 0, fmt.Errorf("records: find: %w", err)
		}
		d.Kind = corpus.Kind(kind)
		r.Date, r.EndDate = parseDate(date), parseDate(end)
		d.Date = r.Date
		d.Record = &r
		docs = append(docs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("records: find: %w", err)
	}
	return docs, total, nil
}

// SumRecords totals the amounts of the records matching f, grouped by by,
// largest total first. Sums are exact: SQLite adds integers.
func (s *Store) SumRecords(ctx context.Context, f assistant.RecordFilter, by assistant.RecordGroup) ([]assistant.RecordTotal, error) {
	if s.isClosed() {
		return nil, ErrClosed
	}
	var key string
	switch by {
	case assistant.GroupNone:
		key = "''"
	case assistant.GroupSupplier:
		key = "r.supplier_norm"
	case assistant.GroupDepartment:
		key = "r.department"
	case assistant.GroupMonth:
		key = "substr(r.date, 1, 7)"
	case assistant.GroupCouncil:
		key = "r.council"
	default:
		return nil, fmt.Errorf("records: group %q: %w", by, assistant.ErrInvalid)
	}
	w, args := where(f)
	q := "SELECT " + key + ", COUNT(*), COALESCE(SUM(r.amount_pence), 0), MIN(NULLIF(r.date, '')), MAX(NULLIF(r.date, '')) FROM records r" + w
	if by != assistant.GroupNone {
		q += " GROUP BY 1 ORDER BY 3 DESC, 1"
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("records: sum: %w", err)
	}
	defer rows.Close()
	var out []assistant.RecordTotal
	for rows.Next() {
		var t assistant.RecordTotal
		var first, last sql.NullString
		if err := rows.Scan(&t.Key, &t.Rows, &t.Pence, &first, &last); err != nil {
			return nil, fmt.Errorf("records: sum: %w", err)
		}
		t.First, t.Last = parseDate(first.String), parseDate(last.String)
		t.Name = t.Key
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: sum: %w", err)
	}
	if by == assistant.GroupSupplier {
		name, err := s.supplierNames(ctx)
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Name = name(out[i].Key)
		}
	}
	return out, nil
}

// Councils returns the distinct council names, sorted.
func (s *Store) Councils(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	c := s.councils
	s.mu.Unlock()
	if c != nil {
		return c, nil
	}
	if s.isClosed() {
		return nil, ErrClosed
	}
	gen := s.generation()
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT council FROM records WHERE council != '' ORDER BY council")
	if err != nil {
		return nil, fmt.Errorf("records: councils: %w", err)
	}
	defer rows.Close()
	c = []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, fmt.Errorf("records: councils: %w", err)
		}
		c = append(c, name)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: councils: %w", err)
	}
	s.mu.Lock()
	if !s.closed && s.gen == gen {
		s.councils = c
	}
	s.mu.Unlock()
	return c, nil
}

// where builds the WHERE clause for f over records aliased r.
func where(f assistant.RecordFilter) (string, []any) {
	var conds []string
	var args []any
	in := func(col string, vals []string) {
		conds = append(conds, col+" IN ("+strings.TrimSuffix(strings.Repeat("?,", len(vals)), ",")+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	if f.Kind != "" {
		conds, args = append(conds, "r.kind = ?"), append(args, string(f.Kind))
	}
	if len(f.Suppliers) > 0 {
		in("r.supplier_norm", f.Suppliers)
	}
	if len(f.Councils) > 0 {
		in("r.council", f.Councils)
	}
	if f.Department != "" {
		conds, args = append(conds, "instr(lower(r.department), lower(?)) > 0"), append(args, f.Department)
	}
	if f.Status != "" {
		conds, args = append(conds, "lower(r.status) = lower(?)"), append(args, f.Status)
	}
	if !f.From.IsZero() {
		conds, args = append(conds, "r.date >= ?"), append(args, isoDate(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, "r.date < ? AND r.date != ''"), append(args, isoDate(f.To))
	}
	if f.MinPence != 0 {
		conds, args = append(conds, "r.amount_pence >= ?"), append(args, f.MinPence)
	}
	if f.MaxPence != 0 {
		conds, args = append(conds, "r.amount_pence <= ?"), append(args, f.MaxPence)
	}
	if q := ftsQuery(f.Text, f.AnyText); q != "" {
		conds, args = append(conds, "r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)"), append(args, q)
	}
	if len(conds) == 0 {
		return "", args
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ftsQuery turns free text into an FTS5 query of quoted words, all
// required unless any is set. Only letters and digits survive, so the
// text cannot inject FTS syntax.
func ftsQuery(text string, any bool) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) == 0 {
		return ""
	}
	for i, w := range words {
		words[i] = `"` + w + `"`
	}
	op := " AND "
	if any {
		op = " OR "
	}
	return strings.Join(words, op)
}

func parseDate(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}
