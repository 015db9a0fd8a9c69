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
	"orNone": func(s string) string {
		if s == "" {
			return "Not recorded"
		}
		return s
	},
}
