package web

import (
	"html/template"
	"time"
)

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "Not recorded"
		}
		return t.Format("2 Jan 2006")
	},
	"longDate": func(t time.Time) string {
		if t.IsZero() {
			return "Not recorded"
		}
		return t.Format("2 January 2006")
	},
	"isoDate": isoDate,
	"money":   money,
	"count":   func(n int) string { return thousands(int64(n)) },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"amounts": func(v *listView, word string) amountsView { return amountsView{List: v, Word: word} },
	"orNone": func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	},
}

// amountsView is what the "amounts" partial shows: a list's amount
// inputs, with the word for its amounts ("amount" of a payment, "value"
// of a contract).
type amountsView struct {
	List *listView
	Word string
}
