package records

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
)

// Ledger answers ledger.Store from an in-memory copy of the columns the
// browser filters, groups and sorts on, and reads whole rows from SQLite
// only for the page shown. Adding up a hundred thousand payments in SQLite
// reads every row of the table, tens of milliseconds a query; in memory it
// is a few. Its answers are those of the Store's own SQL implementation
// (the tests compare the two), which stays the reference.
//
// The copy is loaded on first use (about 500 bytes and 10 µs a record:
// 60 MB and 1.1 s for the shared corpus's 118,000), and again
// after the store is written to (it follows the Store's write count).
type Ledger struct {
	st *Store

	mu   sync.Mutex
	snap *ledgerSnap
}

var _ ledger.Store = (*Ledger)(nil)

// NewLedger returns a Ledger over st.
func NewLedger(st *Store) *Ledger { return &Ledger{st: st} }

// ledgerSnap holds one column per field, row i in every slice being the
// same record. Repeated strings share memory.
type ledgerSnap struct {
	gen                                        int
	rowid                                      []int64
	id, kind                                   []string
	council, supplier, norm, dept, cat, status []string
	councilLow, supplierLow, deptLow, catLow   []string // ASCII lower case, as SQLite's lower() and NOCASE
	statusLow, titleLow                        []string
	date, end                                  []string // ISO dates, "" when unknown
	amount                                     []int64
	permMu                                     sync.Mutex
	perms                                      map[permKey][]int32
}

type permKey struct {
	sort ledger.Sort
	asc  bool
}

// Warm loads the in-memory copy, which the first query otherwise loads.
func (l *Ledger) Warm(ctx context.Context) error {
	_, err := l.snapshot(ctx)
	return err
}

// snapshot returns the current copy, loading it after a write.
func (l *Ledger) snapshot(ctx context.Context) (*ledgerSnap, error) {
	gen := l.st.generation()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.snap != nil && l.snap.gen == gen {
		return l.snap, nil
	}
	if l.st.isClosed() {
		return nil, ErrClosed
	}
	rows, err := l.st.db.QueryContext(ctx, `SELECT rowid, doc_id, kind, council, supplier, supplier_norm, amount_pence,
		date, end_date, department, category, status, title FROM records`)
	if err != nil {
		return nil, fmt.Errorf("records: ledger: %w", err)
	}
	defer rows.Close()
	s := &ledgerSnap{gen: gen, perms: map[permKey][]int32{}}
	intern := map[string]string{}
	in := func(v string) string {
		if x, ok := intern[v]; ok {
			return x
		}
		intern[v] = v
		return v
	}
	low := map[string]string{}
	lower := func(v string) string {
		if x, ok := low[v]; ok {
			return x
		}
		x := in(asciiLower(v))
		low[v] = x
		return x
	}
	for rows.Next() {
		var rowid, amount int64
		var id, kind, council, supplier, norm, date, end, dept, cat, status, title string
		if err := rows.Scan(&rowid, &id, &kind, &council, &supplier, &norm, &amount, &date, &end, &dept, &cat, &status, &title); err != nil {
			return nil, fmt.Errorf("records: ledger: %w", err)
		}
		s.rowid = append(s.rowid, rowid)
		s.id = append(s.id, id)
		s.kind = append(s.kind, in(kind))
		s.council, s.councilLow = append(s.council, in(council)), append(s.councilLow, lower(council))
		s.supplier, s.supplierLow, s.norm = append(s.supplier, in(supplier)), append(s.supplierLow, lower(supplier)), append(s.norm, in(norm))
		s.dept, s.deptLow = append(s.dept, in(dept)), append(s.deptLow, lower(dept))
		s.cat, s.catLow = append(s.cat, in(cat)), append(s.catLow, lower(cat))
		s.status, s.statusLow = append(s.status, in(status)), append(s.statusLow, lower(status))
		s.titleLow = append(s.titleLow, asciiLower(title))
		s.date, s.end = append(s.date, in(date)), append(s.end, in(end))
		s.amount = append(s.amount, amount)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: ledger: %w", err)
	}
	if l.st.generation() == gen {
		l.snap = s
	}
	return s, nil
}

// asciiLower folds A-Z only, as SQLite's lower() and NOCASE do.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// matcher is a compiled filter: match reports whether row i passes.
type matcher struct {
	s     *ledgerSnap
	f     ledger.Filter
	text  map[int64]bool // rowids the words match; nil when no words
	tests []func(i int) bool
}

// compile turns f into tests over s, with the same meaning as ledgerWhere.
func (l *Ledger) compile(ctx context.Context, s *ledgerSnap, f ledger.Filter) (*matcher, error) {
	m := &matcher{s: s, f: f}
	add := func(t func(int) bool) { m.tests = append(m.tests, t) }
	kind := string(f.Kind)
	add(func(i int) bool { return s.kind[i] == kind })
	if f.ID != "" {
		add(func(i int) bool { return s.id[i] == f.ID })
	}
	for _, field := range ledger.Fields {
		v := strings.TrimSpace(f.Value(field))
		if v == "" {
			continue
		}
		var col, colLow []string
		switch field {
		case ledger.FieldSupplier:
			col, colLow = s.norm, s.norm
			if v != ledger.NotRecorded {
				if v = Normalize(v); v == "" {
					continue
				}
			}
		case ledger.FieldDepartment:
			col, colLow = s.dept, s.deptLow
		case ledger.FieldCategory:
			col, colLow = s.cat, s.catLow
		case ledger.FieldStatus:
			col, colLow = s.status, s.statusLow
		case ledger.FieldCouncil:
			col, colLow = s.council, s.councilLow
		}
		switch {
		case v == ledger.NotRecorded:
			add(func(i int) bool { return col[i] == "" })
		case f.Exact.Has(field):
			add(func(i int) bool { return col[i] == v })
		default:
			lv := v
			if field != ledger.FieldSupplier {
				lv = asciiLower(v)
			}
			add(func(i int) bool { return strings.Contains(colLow[i], lv) })
		}
	}
	if q := ftsQuery(f.Text, false); q != "" {
		rows, err := l.st.db.QueryContext(ctx, "SELECT rowid FROM records_fts WHERE records_fts MATCH ?", q)
		if err != nil {
			return nil, fmt.Errorf("records: ledger: words: %w", err)
		}
		m.text = map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("records: ledger: words: %w", err)
			}
			m.text[id] = true
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, fmt.Errorf("records: ledger: words: %w", err)
		}
		rows.Close()
		add(func(i int) bool { return m.text[s.rowid[i]] })
	}
	if !f.From.IsZero() {
		from := isoDate(f.From)
		add(func(i int) bool { return s.date[i] >= from })
	}
	if !f.To.IsZero() {
		to := isoDate(f.To)
		add(func(i int) bool { return s.date[i] <= to && s.date[i] != "" })
	}
	switch {
	case f.Month == ledger.NotRecorded:
		add(func(i int) bool { return s.date[i] == "" })
	case f.Month != "":
		if t, err := time.Parse("2006-01", f.Month); err == nil {
			lo, hi := isoDate(t), isoDate(t.AddDate(0, 1, 0))
			add(func(i int) bool { return s.date[i] >= lo && s.date[i] < hi })
		}
	}
	if f.HasMin {
		add(func(i int) bool { return s.amount[i] >= f.MinPence })
	}
	if f.HasMax {
		add(func(i int) bool { return s.amount[i] <= f.MaxPence })
	}
	return m, nil
}

func (m *matcher) match(i int) bool {
	for _, t := range m.tests {
		if !t(i) {
			return false
		}
	}
	return true
}

// order returns every row index in f's order (the same as ledgerOrder),
// computed once per sort and direction.
func (s *ledgerSnap) order(f ledger.Filter) []int32 {
	key := permKey{f.Sort, f.Asc}
	if key.sort == "" {
		key.sort = ledger.SortDate
	}
	s.permMu.Lock()
	defer s.permMu.Unlock()
	if p, ok := s.perms[key]; ok {
		return p
	}
	p := make([]int32, len(s.rowid))
	for i := range p {
		p[i] = int32(i)
	}
	dir := func(c int) int {
		if key.asc {
			return c
		}
		return -c
	}
	byText := func(col []string) func(a, b int32) int {
		return func(a, b int32) int {
			if c := dir(strings.Compare(col[a], col[b])); c != 0 {
				return c
			}
			if c := strings.Compare(s.date[b], s.date[a]); c != 0 { // newest first
				return c
			}
			return strings.Compare(s.id[a], s.id[b])
		}
	}
	emptyLast := func(col []string) func(a, b int32) int {
		return func(a, b int32) int {
			if ea, eb := col[a] == "", col[b] == ""; ea != eb {
				if ea {
					return 1
				}
				return -1
			}
			if c := dir(strings.Compare(col[a], col[b])); c != 0 {
				return c
			}
			return strings.Compare(s.id[a], s.id[b])
		}
	}
	var cmp func(a, b int32) int
	switch key.sort {
	case ledger.SortAmount:
		cmp = func(a, b int32) int {
			if s.amount[a] != s.amount[b] {
				if s.amount[a] < s.amount[b] {
					return dir(-1)
				}
				return dir(1)
			}
			return strings.Compare(s.id[a], s.id[b])
		}
	case ledger.SortSupplier:
		cmp = byText(s.supplierLow)
	case ledger.SortDepartment:
		cmp = byText(s.deptLow)
	case ledger.SortCategory:
		cmp = byText(s.catLow)
	case ledger.SortStatus:
		cmp = byText(s.statusLow)
	case ledger.SortTitle:
		cmp = func(a, b int32) int {
			if c := dir(strings.Compare(s.titleLow[a], s.titleLow[b])); c != 0 {
				return c
			}
			return strings.Compare(s.id[a], s.id[b])
		}
	case ledger.SortEnd:
		cmp = emptyLast(s.end)
	default:
		cmp = emptyLast(s.date) // descending, '' is last either way
	}
	slices.SortFunc(p, cmp)
	s.perms[key] = p
	return p
}

// FindRows implements ledger.Store.
func (l *Ledger) FindRows(ctx context.Context, f ledger.Filter) ([]ledger.Row, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = ledger.DefaultLimit
	}
	var page []int64
	total := 0
	err := l.each(ctx, f, func(s *ledgerSnap, i int) bool {
		if total >= f.Offset && len(page) < limit {
			page = append(page, s.rowid[i])
		}
		total++
		return true
	})
	if err != nil {
		return nil, 0, err
	}
	rows, err := l.rowsByID(ctx, page)
	return rows, total, err
}

// each calls fn for the rows f selects, in f's order, until fn returns
// false.
func (l *Ledger) each(ctx context.Context, f ledger.Filter, fn func(s *ledgerSnap, i int) bool) error {
	s, err := l.snapshot(ctx)
	if err != nil {
		return err
	}
	m, err := l.compile(ctx, s, f)
	if err != nil {
		return err
	}
	for n, i := range s.order(f) {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if m.match(int(i)) && !fn(s, int(i)) {
			break
		}
	}
	return nil
}

// rowsByID reads whole rows by rowid, in the order given.
func (l *Ledger) rowsByID(ctx context.Context, ids []int64) ([]ledger.Row, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	q := "SELECT r.rowid, " + rowColumns + " FROM records r WHERE r.rowid IN (" + strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",") + ")"
	rows, err := l.st.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("records: ledger rows: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]ledger.Row, len(ids))
	for rows.Next() {
		var rowid int64
		r, err := scanRowID(rows, &rowid)
		if err != nil {
			return nil, fmt.Errorf("records: ledger rows: %w", err)
		}
		byID[rowid] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("records: ledger rows: %w", err)
	}
	out := make([]ledger.Row, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, r)
		}
	}
	return out, nil
}

func scanRowID(sc scanner, rowid *int64) (ledger.Row, error) {
	var r ledger.Row
	var kind, date, end string
	err := sc.Scan(rowid, &r.ID, &kind, &r.Council, &r.Title, &r.URL, &r.Supplier, &r.AmountPence, &date, &end,
		&r.Department, &r.Category, &r.Description, &r.Reference, &r.Status)
	r.Kind = corpus.Kind(kind)
	r.Date, r.EndDate = parseDate(date), parseDate(end)
	return r, err
}

// csvBatch is how many rows EachRow reads from SQLite at a time.
const csvBatch = 500

// EachRow implements ledger.Store.
func (l *Ledger) EachRow(ctx context.Context, f ledger.Filter, limit int, fn func(ledger.Row) error) error {
	f.Limit = 0
	if err := f.Validate(); err != nil {
		return err
	}
	var ids []int64
	n := 0
	err := l.each(ctx, f, func(s *ledgerSnap, i int) bool {
		if n >= f.Offset {
			ids = append(ids, s.rowid[i])
		}
		n++
		return limit <= 0 || len(ids) < limit
	})
	if err != nil {
		return err
	}
	for len(ids) > 0 {
		batch := ids[:min(len(ids), csvBatch)]
		ids = ids[len(batch):]
		rows, err := l.rowsByID(ctx, batch)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// SumRows implements ledger.Store, adding integers as SQLite would.
func (l *Ledger) SumRows(ctx context.Context, f ledger.Filter, by ledger.Group) ([]ledger.Total, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	s, err := l.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var key func(i int) string
	switch by {
	case ledger.GroupNone:
		key = func(int) string { return "" }
	case ledger.GroupSupplier:
		key = func(i int) string { return s.norm[i] }
	case ledger.GroupDepartment:
		key = func(i int) string { return s.dept[i] }
	case ledger.GroupMonth:
		key = func(i int) string { return s.date[i][:min(7, len(s.date[i]))] }
	default:
		return nil, fmt.Errorf("records: sum rows: group %q: %w", by, ledger.ErrInvalid)
	}
	m, err := l.compile(ctx, s, f)
	if err != nil {
		return nil, err
	}
	groups := map[string]*ledger.Total{}
	var out []ledger.Total
	for i := range s.rowid {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !m.match(i) {
			continue
		}
		k := key(i)
		t := groups[k]
		if t == nil {
			t = &ledger.Total{Key: k, Name: k}
			groups[k] = t
		}
		t.Rows++
		t.Pence += s.amount[i]
	}
	for _, t := range groups {
		out = append(out, *t)
	}
	if by == ledger.GroupNone {
		if len(out) == 0 {
			out = []ledger.Total{{}}
		}
		return out, nil
	}
	if by == ledger.GroupMonth {
		slices.SortFunc(out, func(a, b ledger.Total) int {
			if (a.Key == "") != (b.Key == "") {
				if a.Key == "" {
					return 1
				}
				return -1
			}
			return strings.Compare(a.Key, b.Key)
		})
	} else {
		slices.SortFunc(out, func(a, b ledger.Total) int {
			if a.Pence != b.Pence {
				if a.Pence > b.Pence {
					return -1
				}
				return 1
			}
			return strings.Compare(a.Key, b.Key)
		})
	}
	if by == ledger.GroupSupplier {
		name, err := l.st.supplierNames(ctx)
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
func (l *Ledger) Choices(ctx context.Context, kind corpus.Kind, field ledger.Field, limit int) ([]ledger.Choice, error) {
	s, err := l.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var col []string
	switch field {
	case ledger.FieldSupplier:
		col = s.supplier
	case ledger.FieldDepartment:
		col = s.dept
	case ledger.FieldCategory:
		col = s.cat
	case ledger.FieldStatus:
		col = s.status
	case ledger.FieldCouncil:
		col = s.council
	default:
		return nil, fmt.Errorf("records: choices: unknown field %d: %w", field, ledger.ErrInvalid)
	}
	counts := map[string]int{}
	for i := range s.rowid {
		if s.kind[i] == string(kind) && col[i] != "" {
			counts[col[i]]++
		}
	}
	var out []ledger.Choice
	for v, n := range counts {
		out = append(out, ledger.Choice{Value: v, Rows: n})
	}
	slices.SortFunc(out, func(a, b ledger.Choice) int {
		if a.Rows != b.Rows {
			return b.Rows - a.Rows
		}
		return strings.Compare(a.Value, b.Value)
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}
