package tabular

import (
	"strconv"
	"strings"
	"time"
)

var months = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// parseDate reads a calendar date the way UK councils write one:
// "02/10/2019", "2/10/19", "02-Oct-19", "01-JUN-2012", "2019-10-02",
// "02.10.2019", "2 October 2019", "14 Apr 2023", "October 2, 2019", with or
// without a trailing time ("2019-07-29 16:51:11", "2019-07-29T16:51:11Z").
// Numeric dates are day first unless the year comes first. Two-digit years
// below 50 are 20xx, the rest 19xx. With serial set, a five-digit number is
// read as an Excel serial date (days since 30 December 1899), which is
// what a date column holds when a spreadsheet was saved without formats.
// The date is returned at midnight UTC.
func parseDate(s string, serial bool) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return time.Time{}, false
	}
	// Drop a time of day: everything from the space or "T" before the
	// first colon.
	if i := strings.IndexByte(s, ':'); i >= 0 {
		j := strings.LastIndexAny(s[:i], " T")
		if j <= 0 {
			return time.Time{}, false // a time alone, such as "00:00:00"
		}
		s = s[:j]
	}
	var tok [4]string
	n := 0
	start := -1
	for i := 0; i <= len(s); i++ {
		sep := i == len(s) || strings.IndexByte("/-. ,", s[i]) >= 0
		if !sep {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if n == len(tok) {
				return time.Time{}, false
			}
			tok[n] = s[start:i]
			n++
			start = -1
		}
	}
	switch n {
	case 1:
		if serial && len(tok[0]) == 5 && digits(tok[0]) {
			days, _ := strconv.Atoi(tok[0])
			t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)
			if t.Year() >= 1990 && t.Year() <= 2100 {
				return t, true
			}
		}
		return time.Time{}, false
	case 3:
	default:
		return time.Time{}, false
	}
	a, b, c := tok[0], tok[1], tok[2]
	var ds, ys string
	var m time.Month
	switch {
	case digits(a) && digits(b) && digits(c):
		mm, _ := strconv.Atoi(b)
		m = time.Month(mm)
		if len(a) == 4 {
			ys, ds = a, c
		} else {
			ds, ys = a, c
		}
	case digits(c) && !digits(b):
		m = months[strings.ToLower(b)]
		ds, ys = a, c
	case digits(c) && !digits(a):
		m = months[strings.ToLower(a)]
		ds, ys = b, c
	default:
		return time.Time{}, false
	}
	ds = strings.TrimRight(strings.ToLower(ds), "stndrh") // "1st", "22nd"
	if !digits(ds) || !digits(ys) || len(ds) > 2 || m < 1 || m > 12 {
		return time.Time{}, false
	}
	d, _ := strconv.Atoi(ds)
	y, _ := strconv.Atoi(ys)
	switch len(ys) {
	case 2:
		if y < 50 {
			y += 2000
		} else {
			y += 1900
		}
	case 4:
	default:
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || t.Month() != m {
		return time.Time{}, false // 31/02/2019
	}
	return t, true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// periodFromName finds a year and month in a file name such as
// "2011-11-payments.csv" and returns the first of that month. Monthly
// per-supplier totals carry no date column; their month is in the name.
func periodFromName(name string) (time.Time, bool) {
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	for i := 0; i+7 <= len(name); i++ {
		y, sep, m := name[i:i+4], name[i+4], name[i+5:i+7]
		if !digits(y) || !digits(m) || (sep != '-' && sep != '_') {
			continue
		}
		if i > 0 && name[i-1] >= '0' && name[i-1] <= '9' {
			continue
		}
		if i+7 < len(name) && name[i+7] >= '0' && name[i+7] <= '9' {
			continue
		}
		yy, _ := strconv.Atoi(y)
		mm, _ := strconv.Atoi(m)
		if yy >= 1990 && yy <= 2100 && mm >= 1 && mm <= 12 {
			return time.Date(yy, time.Month(mm), 1, 0, 0, 0, 0, time.UTC), true
		}
	}
	return time.Time{}, false
}
