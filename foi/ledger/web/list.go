package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/portal"
)

// column is a sortable column of a results table.
type column struct {
	Sort    ledger.Sort
	Label   string
	Numeric bool
	// Asc is the order a first click sorts by: A to Z for names, largest
	// and newest first for amounts and dates.
	Asc bool
}

// columnsFor lists the sortable columns of kind's table, in table order.
func columnsFor(kind corpus.Kind) []column {
	if kind == corpus.KindContracts {
		return []column{
			{ledger.SortTitle, "Contract", false, true},
			{ledger.SortSupplier, "Supplier", false, true},
			{ledger.SortAmount, "Value", true, false},
			{ledger.SortDate, "Start", false, false},
			{ledger.SortEnd, "End", false, false},
			{ledger.SortStatus, "Status", false, true},
		}
	}
	return []column{
		{ledger.SortDate, "Date", false, false},
		{ledger.SortSupplier, "Supplier", false, true},
		{ledger.SortDepartment, "Department", false, true},
		{ledger.SortCategory, "Category", false, true},
		{ledger.SortAmount, "Amount", true, false},
	}
}

// headerView is one column heading: a link that sorts by the column, or
// reverses the order when it is the current one.
type headerView struct {
	Label    string
	URL      string
	AriaSort string // "ascending", "descending" or "" (not sorted by it)
	Numeric  bool
	Next     string // what the link does, for screen readers
}

func headers(path string, f ledger.Filter) []headerView {
	cur := f.Sort
	if cur == "" {
		cur = ledger.SortDate
	}
	var out []headerView
	for _, c := range columnsFor(f.Kind) {
		h := headerView{Label: c.Label, Numeric: c.Numeric}
		g := f
		g.Sort, g.Asc = c.Sort, c.Asc
		if c.Sort == cur {
			h.AriaSort = "descending"
			if f.Asc {
				h.AriaSort = "ascending"
			}
			g.Asc = !f.Asc
		}
		h.Next = "sort descending"
		if g.Asc {
			h.Next = "sort ascending"
		}
		h.URL = link(path, values(g, 1))
		out = append(out, h)
	}
	return out
}

// link joins a path and its query.
func link(path string, v url.Values) string {
	if q := v.Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// rowView is a result row as shown.
type rowView struct {
	ledger.Row
	Link   string // the record's page
	Amount string
	Key    string // the record's key within its file, "row-17"
}

func rowViews(rows []ledger.Row) []rowView {
	out := make([]rowView, len(rows))
	for i, r := range rows {
		_, key, _ := strings.Cut(r.ID, "#")
		if key == "" {
			key = r.ID
		}
		out[i] = rowView{Row: r, Link: recordPath(r.ID), Amount: money(r.AmountPence), Key: key}
	}
	return out
}

// pager returns the pagination for total rows shown per page at page:
// the first, the last and the pages either side of the current one.
func pager(total, page, per int, url func(int) string) (pages []portal.PageLink, prev, next string) {
	last := (total + per - 1) / per
	if max := ledger.MaxOffset/per + 1; last > max {
		last = max
	}
	if last <= 1 {
		return nil, "", ""
	}
	if page > 1 {
		prev = url(min(page-1, last))
	}
	if page < last {
		next = url(page + 1)
	}
	gap := false
	for n := 1; n <= last; n++ {
		if n == 1 || n == last || (n >= page-1 && n <= page+1) {
			pages = append(pages, portal.PageLink{Number: n, URL: url(n), Current: n == page})
			gap = false
		} else if !gap {
			pages = append(pages, portal.PageLink{Ellipsis: true})
			gap = true
		}
	}
	return pages, prev, next
}

// option is one choice of a select.
type option struct {
	Value, Label string
	Selected     bool
}

// exactView is a filter fixed to one whole value, shown as a tag with a
// link that loosens it back to a part match.
type exactView struct {
	Param                string // the field's parameter; "" for the month
	Label, Value, Loosen string
}

// listView is the data of the spending and contracts pages.
type listView struct {
	Path     string
	Form     form
	Councils []option // empty when there is only one council
	Statuses []option
	Exact    []exactView
	Searched bool // the form has errors or the query is not the default
	Rows     []rowView
	Count    int
	Sum      string
	Headers  []headerView
	Pages    []portal.PageLink
	Prev     string
	Next     string
	First    int
	Last     int
	CSV      string
	Clear    string
	Charts   []chartView
	Invalid  bool // the search could not be run; only the form is shown
	From, To portal.DateField
}

// choiceOptions turns distinct values into select options, with an
// "any" first and the current value kept even when it is not listed.
func choiceOptions(cs []ledger.Choice, cur, anyLabel string) []option {
	out := []option{{Value: "", Label: anyLabel, Selected: cur == ""}}
	found := cur == ""
	for _, c := range cs {
		sel := c.Value == cur
		found = found || sel
		out = append(out, option{Value: c.Value, Label: c.Value + " (" + strconv.Itoa(c.Rows) + ")", Selected: sel})
	}
	if !found {
		out = append(out, option{Value: cur, Label: cur, Selected: true})
	}
	return out
}

// maxChoices bounds a select's options.
const maxChoices = 100

// list runs the search of kind in r and fills the common part of a page,
// with the totals by each of groups when there are any. ok is false when
// the page has already been answered (an error or a CSV download). The
// store's queries run side by side: each may scan every row.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, kind corpus.Kind, path string, groups []ledger.Group) (v *listView, f ledger.Filter, totals map[ledger.Group][]ledger.Total, errs []portal.FieldError, ok bool) {
	q := r.URL.Query()
	f, fm, errs := parseFilter(kind, q)
	format := q.Get("format")
	if format != "" && format != "csv" && format != "html" {
		errs = append(errs, portal.FieldError{Field: "format", Message: "Format must be csv or html"})
	}
	if format == "csv" && len(errs) == 0 {
		h.writeRowsCSV(w, r, f)
		return nil, f, nil, nil, false
	}
	v = &listView{Path: path, Form: fm, Clear: path, Invalid: len(errs) > 0,
		From: portal.DateField{Name: "from", Legend: "From", Hint: "For example, 1 4 2024", Input: fm.From},
		To:   portal.DateField{Name: "to", Legend: "To", Hint: "For example, 31 3 2025", Input: fm.To}}
	if kind == corpus.KindContracts {
		v.From.Legend, v.To.Legend = "Starting on or after", "Starting on or before"
	}
	ctx := r.Context()
	var (
		councils, statuses []ledger.Choice
		rows               []ledger.Row
		count              int
		sum                []ledger.Total
		mu                 sync.Mutex
	)
	tasks := []func() error{
		func() (err error) {
			councils, err = h.cfg.Store.Choices(ctx, kind, ledger.FieldCouncil, maxChoices)
			return err
		},
	}
	if kind == corpus.KindContracts {
		tasks = append(tasks, func() (err error) {
			statuses, err = h.cfg.Store.Choices(ctx, kind, ledger.FieldStatus, maxChoices)
			return err
		})
	}
	if len(errs) == 0 {
		totals = map[ledger.Group][]ledger.Total{}
		tasks = append(tasks, func() (err error) { rows, count, err = h.cfg.Store.FindRows(ctx, f); return err })
		if len(groups) == 0 {
			tasks = append(tasks, func() (err error) { sum, err = h.cfg.Store.SumRows(ctx, f, ledger.GroupNone); return err })
		}
		for _, by := range groups {
			tasks = append(tasks, func() error {
				ts, err := h.cfg.Store.SumRows(ctx, f, by)
				mu.Lock()
				totals[by] = ts
				mu.Unlock()
				return err
			})
		}
	}
	if err := parallel(tasks); err != nil {
		h.writeError(w, r, err)
		return nil, f, nil, nil, false
	}
	if len(councils) > 1 || fm.Council != "" {
		v.Councils = choiceOptions(councils, fm.Council, "Any council")
	}
	if kind == corpus.KindContracts {
		v.Statuses = choiceOptions(statuses, fm.Status, "Any status")
	}
	if v.Invalid {
		return v, f, nil, errs, true
	}
	for _, field := range ledger.Fields {
		if f.Exact.Has(field) {
			g := f
			g.Exact &^= ledger.FieldSet(field)
			v.Exact = append(v.Exact, exactView{Param: field.Param(), Label: label(field.Param()), Value: f.Value(field), Loosen: link(path, values(g, 1))})
		}
	}
	if f.Month != "" {
		g := f
		g.Month = ""
		v.Exact = append(v.Exact, exactView{Label: "Month", Value: monthLabel(f.Month), Loosen: link(path, values(g, 1))})
	}
	if len(groups) > 0 {
		// Any grouping adds up to the overall total.
		var t ledger.Total
		for _, x := range totals[groups[0]] {
			t.Rows += x.Rows
			t.Pence += x.Pence
		}
		sum = []ledger.Total{t}
	}
	if len(sum) == 1 {
		v.Sum = money(sum[0].Pence)
	}
	v.Count = count
	v.Rows = rowViews(rows)
	v.Headers = headers(path, f)
	v.Pages, v.Prev, v.Next = pager(count, fm.Page, pageSize, func(n int) string { return link(path, values(f, n)) })
	if len(rows) > 0 {
		v.First, v.Last = f.Offset+1, f.Offset+len(rows)
	}
	csv := values(f, 1)
	csv.Set("format", "csv")
	v.CSV = link(path, csv)
	return v, f, totals, nil, true
}

// parallel runs tasks side by side and returns the first error.
func parallel(tasks []func() error) error {
	errs := make([]error, len(tasks))
	var wg sync.WaitGroup
	for i, task := range tasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = task()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// monthLabel shows "2024-05" as "May 2024".
func monthLabel(m string) string {
	if m == "" || m == ledger.NotRecorded {
		return "Date not recorded"
	}
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}
