package tabular

import (
	"strconv"
	"strings"
)

// parseAmount reads a money amount in pounds and returns it in pence. It
// accepts what councils write: "1234.5", "£1,234.56", "1,800", "(123.45)"
// and "123.45-" and "123.45 CR" for negatives, "-£5", "GBP 12", and the
// continental "1.234,56" and "12,5". More than two decimal places are
// rounded half away from zero. Anything else, including an empty cell,
// gives false.
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg, s = true, strings.TrimSpace(s[1:len(s)-1])
	}
	if u := strings.ToUpper(s); strings.HasSuffix(u, "CR") {
		neg, s = true, strings.TrimSpace(s[:len(s)-2])
	}
	for _, cur := range []string{"£", "GBP", "gbp", "$", "€"} {
		if i := strings.Index(s, cur); i >= 0 {
			s = s[:i] + s[i+len(cur):]
		}
	}
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = !neg, s[1:]
	case strings.HasPrefix(s, "−"): // U+2212 minus sign
		neg, s = !neg, s[len("−"):]
	case strings.HasSuffix(s, "-"):
		neg, s = true, s[:len(s)-1]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "£") { // "-£5"
		s = s[len("£"):]
	}
	s = strings.ReplaceAll(s, " ", "")
	if s == "" {
		return 0, false
	}

	// Decide which separator is the decimal point.
	intPart, frac := s, ""
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case lastDot >= 0 && lastDot > lastComma:
		intPart, frac = s[:lastDot], s[lastDot+1:]
		intPart = strings.ReplaceAll(intPart, ",", "")
	case lastComma >= 0 && lastComma > lastDot:
		after := s[lastComma+1:]
		if len(after) == 3 && lastDot < 0 {
			intPart = strings.ReplaceAll(s, ",", "") // "1,800": thousands
		} else {
			intPart, frac = s[:lastComma], after // "1.234,56" or "12,5"
			intPart = strings.ReplaceAll(intPart, ".", "")
		}
	}
	if intPart == "" && frac == "" {
		return 0, false
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return 0, false
			}
		}
	}
	if len(intPart) > 15 {
		return 0, false
	}
	var pounds int64
	if intPart != "" {
		pounds, _ = strconv.ParseInt(intPart, 10, 64)
	}
	var pence int64
	switch {
	case len(frac) == 1:
		pence = int64(frac[0]-'0') * 10
	case len(frac) >= 2:
		pence = int64(frac[0]-'0')*10 + int64(frac[1]-'0')
		if len(frac) > 2 && frac[2] >= '5' {
			pence++
		}
	}
	v := pounds*100 + pence
	if neg {
		v = -v
	}
	return v, true
}

// formatPence writes an amount in pence as pounds: "£1,234.56",
// "-£980.00".
func formatPence(p int64) string {
	neg := p < 0
	if neg {
		p = -p
	}
	pounds, pence := p/100, p%100
	digits := strconv.FormatInt(pounds, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("£")
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	b.WriteByte(byte('0' + pence/10))
	b.WriteByte(byte('0' + pence%10))
	return b.String()
}
