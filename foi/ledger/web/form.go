package web

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/foi/portal"
)

// pageSize is the number of rows on a results page.
const pageSize = 25

// parsePounds reads an amount in pounds ("1,250.50", "£500", "-20") as
// pence. Empty text is not an amount.
func parsePounds(s string) (int64, bool, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false, ""
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(s, "£")
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > 2 || len(whole) > 13 {
		return 0, false, "must be an amount in pounds, like 500 or 1,250.50"
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || f < 0 {
		return 0, false, "must be an amount in pounds, like 500 or 1,250.50"
	}
	p := w*100 + f
	if neg {
		p = -p
	}
	return p, true, ""
}

// form is a search as the user gave it, to fill the form back in.
type form struct {
	Q                                               string
	Council, Supplier, Department, Category, Status string
	Exact                                           ledger.FieldSet
	From, To                                        portal.DateInput
	Month                                           string
	Min, Max                                        string
	Page                                            int
}

// maxParamLen bounds every parameter; longer text is not a search.
const maxParamLen = ledger.MaxText

// parseFilter reads a search of kind from URL parameters: q, council,
// supplier, department, category, status, exact (repeatable: the fields
// to match whole), dates as from-day, from-month, from-year (the form) or
// from=YYYY-MM-DD (links), month, min and max in pounds, sort, order
// (asc or desc) and page. Both dates are inclusive.
func parseFilter(kind corpus.Kind, v url.Values) (ledger.Filter, form, []portal.FieldError) {
	f := ledger.Filter{Kind: kind, Limit: pageSize}
	var fm form
	var errs []portal.FieldError
	text := func(name string) string {
		s := strings.TrimSpace(v.Get(name))
		if len([]rune(s)) > maxParamLen {
			errs = append(errs, portal.FieldError{Field: name, Message: fmt.Sprintf("%s must be %d characters or fewer", label(name), maxParamLen)})
			return ""
		}
		return s
	}
	fm.Q = text("q")
	f.Text = fm.Q
	for _, field := range ledger.Fields {
		s := text(field.Param())
		f.SetValue(field, s)
	}
	fm.Council, fm.Supplier, fm.Department, fm.Category, fm.Status = f.Council, f.Supplier, f.Department, f.Category, f.Status
	for _, name := range v["exact"] {
		for _, field := range ledger.Fields {
			if name == field.Param() && f.Value(field) != "" {
				f.Exact = f.Exact.With(field)
			}
		}
	}
	fm.Exact = f.Exact

	dates := func(name, what string) (time.Time, portal.DateInput) {
		in := portal.ReadDateInput(v, name)
		var t time.Time
		var msg string
		if in.Empty() && v.Get(name) != "" {
			t, msg = portal.ParseISODate(v.Get(name))
			if msg == "" {
				in = portal.DateInputOf(t)
			}
		} else {
			t, msg = in.Parse()
		}
		if msg != "" {
			errs = append(errs, portal.FieldError{Field: name + "-day", Message: what + " " + msg})
		}
		return t, in
	}
	f.From, fm.From = dates("from", "The start date")
	f.To, fm.To = dates("to", "The end date")
	if m := text("month"); m != "" {
		if _, err := time.Parse("2006-01", m); m != ledger.NotRecorded && (err != nil || len(m) != 7) {
			errs = append(errs, portal.FieldError{Field: "month", Message: "Month must be a year and month like 2024-05"})
		} else {
			f.Month, fm.Month = m, m
		}
	}
	var msg string
	fm.Min, fm.Max = text("min"), text("max")
	if f.MinPence, f.HasMin, msg = parsePounds(fm.Min); msg != "" {
		errs = append(errs, portal.FieldError{Field: "min", Message: "The smallest amount " + msg})
	}
	if f.MaxPence, f.HasMax, msg = parsePounds(fm.Max); msg != "" {
		errs = append(errs, portal.FieldError{Field: "max", Message: "The largest amount " + msg})
	}

	switch s := v.Get("sort"); {
	case s == "":
	case validSort(kind, ledger.Sort(s)):
		f.Sort = ledger.Sort(s)
	default:
		errs = append(errs, portal.FieldError{Field: "sort", Message: "Choose a column to sort by from the list"})
	}
	switch v.Get("order") {
	case "", "desc":
	case "asc":
		f.Asc = true
	default:
		errs = append(errs, portal.FieldError{Field: "sort", Message: "Order must be asc or desc"})
	}
	fm.Page = 1
	maxPage := ledger.MaxOffset/pageSize + 1
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxPage {
			errs = append(errs, portal.FieldError{Field: "page", Message: fmt.Sprintf("Page must be a number between 1 and %d; narrow the search or download it as CSV", maxPage)})
		} else {
			fm.Page = n
		}
	}
	f.Offset = (fm.Page - 1) * pageSize
	// What the form cannot see, the ledger checks (an end before a start).
	if len(errs) == 0 {
		if err := f.Validate(); err != nil {
			for _, fe := range err.(ledger.FieldErrors) {
				id := fe.Field
				if id == "from" || id == "to" {
					id += "-day"
				}
				errs = append(errs, portal.FieldError{Field: id, Message: fe.Message})
			}
		}
	}
	return f, fm, errs
}

// validSort reports whether s is a column the page for kind offers.
func validSort(kind corpus.Kind, s ledger.Sort) bool {
	for _, c := range columnsFor(kind) {
		if c.Sort == s {
			return true
		}
	}
	return false
}

func label(param string) string {
	switch param {
	case "q":
		return "Search words"
	case "min":
		return "The smallest amount"
	case "max":
		return "The largest amount"
	}
	if param == "" {
		return param
	}
	return strings.ToUpper(param[:1]) + param[1:]
}

// values returns f as URL parameters in canonical form (ISO dates,
// amounts in pounds), with the given page; the zero sort and order are
// left out.
func values(f ledger.Filter, page int) url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", f.Text)
	for _, field := range ledger.Fields {
		set(field.Param(), f.Value(field))
	}
	for _, field := range ledger.Fields {
		if f.Exact.Has(field) && f.Value(field) != "" {
			v.Add("exact", field.Param())
		}
	}
	if !f.From.IsZero() {
		v.Set("from", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		v.Set("to", f.To.Format(time.DateOnly))
	}
	set("month", f.Month)
	if f.HasMin {
		v.Set("min", poundsParam(f.MinPence))
	}
	if f.HasMax {
		v.Set("max", poundsParam(f.MaxPence))
	}
	set("sort", string(f.Sort))
	if f.Asc {
		v.Set("order", "asc")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

// poundsParam writes pence as pounds for a URL: "1250.5" style, exact.
func poundsParam(p int64) string {
	sign := ""
	if p < 0 {
		sign, p = "-", -p
	}
	if p%100 == 0 {
		return sign + strconv.FormatInt(p/100, 10)
	}
	return fmt.Sprintf("%s%d.%02d", sign, p/100, p%100)
}

// money formats pence as "£1,234.56", with a minus sign before the pound
// sign for a negative amount.
func money(p int64) string {
	sign := ""
	if p < 0 {
		sign = "-"
		if p == math.MinInt64 {
			p++ // not a real amount; keeps -p in range
		}
		p = -p
	}
	return fmt.Sprintf("%s£%s.%02d", sign, thousands(p/100), p%100)
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
