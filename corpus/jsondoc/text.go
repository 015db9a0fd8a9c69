package jsondoc

import (
	"encoding/json"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// clean collapses runs of spaces and tabs, trims each line and drops runs
// of blank lines beyond one.
func clean(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true
	for _, l := range lines {
		l = strings.Join(strings.FieldsFunc(l, func(r rune) bool { return r == ' ' || r == '\t' || r == '\u00a0' }), " ")
		if l == "" {
			if !blank {
				out = append(out, "")
			}
			blank = true
			continue
		}
		out = append(out, l)
		blank = false
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// oneLine collapses all white space, newlines included.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// humanize turns a key into a label: "net_revenue_expenditure" becomes
// "Net revenue expenditure", "chunkCount" "Chunk count" and
// "band_d_by_year" "Band D by year". A key that already reads as words
// ("Highways and transport services") keeps its capitals.
func humanize(k string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range k {
		switch {
		case r == '_':
			b.WriteByte(' ')
			prevLower = false
			continue
		case unicode.IsUpper(r) && prevLower && !strings.ContainsRune(k, ' '):
			b.WriteByte(' ')
			r = unicode.ToLower(r)
		}
		prevLower = unicode.IsLower(r) || unicode.IsDigit(r)
		b.WriteRune(r)
	}
	ws := strings.Fields(b.String())
	if len(ws) == 0 {
		return k
	}
	for i, w := range ws {
		if len(w) == 1 && w != "a" && w[0] >= 'a' && w[0] <= 'z' {
			ws[i] = strings.ToUpper(w) // "band d" is Band D
		}
	}
	s := strings.Join(ws, " ")
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

// fileTitle makes a title from a file name: "burnley_budgets_summary.json"
// becomes "Burnley budgets summary".
func fileTitle(id string) string {
	base := path.Base(id)
	base = strings.TrimSuffix(base, path.Ext(base))
	ws := strings.Fields(humanize(base))
	for i, w := range ws {
		switch strings.ToLower(w) {
		case "govuk":
			ws[i] = "GOV.UK"
		case "cc", "foi", "wdtk", "ocds":
			ws[i] = strings.ToUpper(w)
		}
	}
	return strings.Join(ws, " ")
}

// formatMoney writes a number of pounds: "£18,779,000", "£148.29",
// "-£118,000".
func formatMoney(n json.Number) string {
	f, err := n.Float64()
	if err != nil {
		return n.String()
	}
	return formatPounds(f)
}

func formatPounds(f float64) string {
	neg := f < 0
	f = math.Abs(f)
	pence := int64(math.Round(f * 100))
	s := "£" + groupThousands(strconv.FormatInt(pence/100, 10))
	if pence%100 != 0 {
		s += "." + strconv.FormatInt(100+pence%100, 10)[1:]
	}
	if neg {
		s = "-" + s
	}
	return s
}

// formatPence writes an amount in pence, always with pence:
// "£1,234.56".
func formatPence(p int64) string {
	neg := p < 0
	if neg {
		p = -p
	}
	s := "£" + groupThousands(strconv.FormatInt(p/100, 10)) + "." + strconv.FormatInt(100+p%100, 10)[1:]
	if neg {
		s = "-" + s
	}
	return s
}

func groupThousands(digits string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// pence converts a number of pounds to pence, rounding to the nearest
// penny.
func pence(n json.Number) (int64, bool) {
	f, err := n.Float64()
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(math.Round(f * 100)), true
}

// parseTime reads the dates found in these files: RFC 3339 timestamps,
// "2006-01-02", "2006-01-02 15:04:05" and UK "02/01/2006". The result is
// in UTC; a timestamp keeps its instant.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	if len(s) > 10 && s[4] == '-' && s[7] == '-' { // "2019-07-29T16:51" and the like
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// financialYear reads "2024-25" or "2024/25" as 1 April 2024, the start
// of that financial year.
func financialYear(s string) (time.Time, bool) {
	if len(s) != 7 || (s[4] != '-' && s[4] != '/') {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 2200 {
		return time.Time{}, false
	}
	if _, err := strconv.Atoi(s[5:]); err != nil {
		return time.Time{}, false
	}
	return time.Date(y, time.April, 1, 0, 0, 0, 0, time.UTC), true
}

// safeKey reports whether s can stand as the key part of a document ID:
// short, and made of letters, digits and "_.:-".
func safeKey(s string) bool {
	if s == "" || len(s) > 80 {
		return false
	}
	for i, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			i > 0 && (r == '_' || r == '.' || r == ':' || r == '-')
		if !ok {
			return false
		}
	}
	return true
}

// sentence ends s with a full stop unless it ends with punctuation.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	switch s[len(s)-1] {
	case '.', '!', '?', ':', ';':
		return s
	}
	return s + "."
}
