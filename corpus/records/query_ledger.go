package records

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
)

// This file implements ledger.Store, the FOI portal's spending and
// contracts browser, with read-only queries over the records table.

var _ ledger.Store = (*Store)(nil)

// rowColumns are the columns scanRow reads, over records aliased r.
const rowColumns = `r.doc_id, r.kind, r.council, r.title, r.url, r.supplier, r.amount_pence, r.date, r.end_date,
	r.department, r.category, r.description, r.reference, r.status`

type scanner interface{ Scan(dest ...any) error }

func scanRow(sc scanner) (ledger.Row, error) {
	var r ledger.Row
	var kind, date, end string
	err := sc.Scan(&r.ID, &kind, &r.Council, &r.Title, &r.URL, &r.Supplier, &r.AmountPence, &date, &end,
		&r.Department, &r.Category, &r.Description, &r.Reference, &r.Status)
	r.Kind = corpus.Kind(kind)
	r.Date, r.EndDate = parseDate(date), parseDate(end)
	return r, err
}

// FindRows implements ledger.Store. The count and the page are two
// queries: a page in date or amount order can then stop early, walking
// an index, instead of sorting every match to count them.
func (s *Store) FindRows(ctx context.Context, f ledger.Filter) ([]ledger.Row, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	if s.isClosed() {
		return nil, 0, ErrClosed
	}
	w, args := ledgerWhere(f)
	var total int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM records r"+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("records: find rows: %w", err)
	}
	if total == 0 || f.Offset >= total {
		return nil, total, nil
	}
	limit := f.Limit
	if limit == 0 {
		limit = ledger.DefaultLimit
	}
	q := "SELECT " + rowColumns + " FROM records r" + w + " ORDER BY " + ledgerOrder(f) + " LIMIT ? OFFSET ?"
	rows, err := s.db.QueryContext(ctx, q, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("records: find rows: %w", err)
	}
	defer rows.Close()
	var out []ledger.Row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("records: find rows: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("records: find rows: %w", err)
	}
	return out, total, nil
}

// EachRow implements ledger.Store, streaming rows from one query.
func (s *Store) EachRow(ctx context.Context, f ledger.Filter, limit int, fn func(ledger.Row) error) error {
	f.Limit = 0
	if err := f.Validate(); err != nil {
		return err
	}
	if s.isClosed() {
		return ErrClosed
	}
	w, args := ledgerWhere(f)
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	q := "SELECT " + rowColumns + " FROM records r" + w + " ORDER BY " + ledgerOrder(f) + " LIMIT ? OFFSET ?"
	rows, err := s.db.QueryContext(ctx, q, append(args, limit, f.Offset)...)
	if err != nil {
		return fmt.Errorf("records: each row: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return fmt.Errorf("records: each row: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("records: each row: %w", err)
	}
	return nil
}

// SumRows implements ledger.Store. Sums are exact: SQLite adds integers.
func (s *Store) SumRows(ctx context.Context, f ledger.Filter, by ledger.Group) ([]ledger.Total, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if s.isClosed() {
		return nil, ErrClosed
	}
	var key, order string
	switch by {
	case ledger.GroupNone:
		key = "''"
	case ledger.GroupSupplier:
		key, order = "r.supplier_norm", " GROUP BY 1 ORDER BY 3 DESC, 1"
	case ledger.GroupDepartment:
		key, order = "r.department", " GROUP BY 1 ORDER BY 3 DESC, 1"
	case ledger.GroupMonth:
		// Calendar order, rows without a date last.
		key, order = "substr(r.date, 1, 7)", " GROUP BY 1 ORDER BY 1 = '', 1"
	default:
		return nil, fmt.Errorf("records: sum rows: group %q: %w", by, ledger.ErrInvalid)
	}
	w, args := ledgerWhere(f)
	rows, err := s.db.QueryContext(ctx, "SELECT "+key+", COUNT(*), COALESCE(SUM(r.amount_pence), 0) FROM records r"+w+order, args...)
	if err != nil {
		return nil, fmt.Errorf("records: sum rows: %w", err)
	}
	defer rows.Close()
	var out []ledger.Total
	for rows.Next() {
		var t ledger.Total
		if err := rows.Scan(&t.Key, &t.Rows, &t.Pence); err != nil {
			return nil, fmt.Errorf("records: sum rows: %w", err)
		}
		t.Name = t.Key
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: sum rows: %w", err)
	}
	if by == ledger.GroupSupplier {
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

// Choices implements ledger.Store.
func (s *Store) Choices(ctx context.Context, kind corpus.Kind, field ledger.Field, limit int) ([]ledger.Choice, error) {
	col := ledgerColumn(field)
	if col == "" {
		return nil, fmt.Errorf("records: choices: unknown field %d: %w", field, ledger.ErrInvalid)
	}
	if s.isClosed() {
		return nil, ErrClosed
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+col+", COUNT(*) FROM records r WHERE r.kind = ? AND "+col+
		" != '' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?", string(kind), limit)
	if err != nil {
		return nil, fmt.Errorf("records: choices: %w", err)
	}
	defer rows.Close()
	var out []ledger.Choice
	for rows.Next() {
		var c ledger.Choice
		if err := rows.Scan(&c.Value, &c.Rows); err != nil {
			return nil, fmt.Errorf("records: choices: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: choices: %w", err)
	}
	return out, nil
}

// ledgerColumn is the column holding a matchable field's text as shown.
func ledgerColumn(f ledger.Field) string {
	switch f {
	case ledger.FieldSupplier:
		return "r.supplier"
	case ledger.FieldDepartment:
		return "r.department"
	case ledger.FieldCategory:
		return "r.category"
	case ledger.FieldStatus:
		return "r.status"
	case ledger.FieldCouncil:
		return "r.council"
	}
	return ""
}

// ledgerWhere builds the WHERE clause for f over records aliased r. Every
// value is a bound parameter.
func ledgerWhere(f ledger.Filter) (string, []any) {
	conds := []string{"r.kind = ?"}
	args := []any{string(f.Kind)}
	add := func(cond string, a ...any) {
		conds = append(conds, cond)
		args = append(args, a...)
	}
	if f.ID != "" {
		add("r.doc_id = ?", f.ID)
	}
	for _, field := range ledger.Fields {
		v := strings.TrimSpace(f.Value(field))
		if v == "" {
			continue
		}
		col := ledgerColumn(field)
		exact := f.Exact.Has(field)
		if field == ledger.FieldSupplier {
			col = "r.supplier_norm"
			if v != ledger.NotRecorded {
				if v = Normalize(v); v == "" {
					continue // only legal words such as "Ltd": matches every supplier
				}
			}
		}
		switch {
		case v == ledger.NotRecorded:
			add(col + " = ''")
		case exact:
			add(col+" = ?", v)
		case field == ledger.FieldSupplier:
			add("instr("+col+", ?) > 0", v)
		default:
			add("instr(lower("+col+"), lower(?)) > 0", v)
		}
	}
	if q := ftsQuery(f.Text, false); q != "" {
		add("r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)", q)
	}
	if !f.From.IsZero() {
		add("r.date >= ?", isoDate(f.From))
	}
	if !f.To.IsZero() {
		add("r.date <= ? AND r.date != ''", isoDate(f.To))
	}
	switch {
	case f.Month == ledger.NotRecorded:
		add("r.date = ''")
	case f.Month != "":
		if m, err := time.Parse("2006-01", f.Month); err == nil {
			add("r.date >= ? AND r.date < ?", isoDate(m), isoDate(m.AddDate(0, 1, 0)))
		}
	}
	if f.HasMin {
		add("r.amount_pence >= ?", f.MinPence)
	}
	if f.HasMax {
		add("r.amount_pence <= ?", f.MaxPence)
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// ledgerOrder is the ORDER BY for f. Rows without a date, or with no end
// date, go last whichever way dates are sorted; ties are broken by ID.
func ledgerOrder(f ledger.Filter) string {
	dir := " DESC"
	if f.Asc {
		dir = " ASC"
	}
	switch f.Sort {
	case ledger.SortAmount:
		return "r.amount_pence" + dir + ", r.doc_id"
	case ledger.SortSupplier:
		return "r.supplier COLLATE NOCASE" + dir + ", r.date DESC, r.doc_id"
	case ledger.SortDepartment:
		return "r.department COLLATE NOCASE" + dir + ", r.date DESC, r.doc_id"
	case ledger.SortCategory:
		return "r.category COLLATE NOCASE" + dir + ", r.date DESC, r.doc_id"
	case ledger.SortStatus:
		return "r.status COLLATE NOCASE" + dir + ", r.date DESC, r.doc_id"
	case ledger.SortTitle:
		return "r.title COLLATE NOCASE" + dir + ", r.doc_id"
	case ledger.SortEnd:
		return "r.end_date = '', r.end_date" + dir + ", r.doc_id"
	}
	if f.Asc {
		return "r.date = '', r.date ASC, r.doc_id"
	}
	return "r.date DESC, r.doc_id" // '' sorts last already, and the index serves it
}
