package tabular

import (
	"strings"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus/text"
)

// decodeText turns file bytes into text. Valid UTF-8 is kept; a byte that
// is not part of a valid UTF-8 sequence is read as Windows-1252, the
// encoding Excel on Windows writes, so a Latin-1 "£" (0xA3) becomes "£"
// instead of U+FFFD. A leading byte-order mark is dropped, and bare
// carriage returns (old Mac line ends, which encoding/csv does not treat as
// line breaks) become newlines.
func decodeText(b []byte) string {
	const bom = "\xef\xbb\xbf"
	s := string(text.ValidUTF8(b))
	s = strings.TrimPrefix(s, bom)
	s = strings.TrimPrefix(s, "\ufeff")
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return s
}

// cleanCell trims a cell and collapses runs of white space. Non-breaking
// spaces count as white space, and so does U+2020 (†): it is what a
// non-breaking space becomes when a file is read as Mac Roman and written
// back as UTF-8, which some council exports have suffered.
func cleanCell(s string) string {
	if isClean(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		switch r {
		case ' ', '\t', '\n', '\r', '\u00a0', '\u2020', '\u202f', '\u2007':
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// isClean reports whether cleanCell would return s unchanged: plain ASCII
// with single spaces between words. Most cells are, and skipping the
// rebuild for them keeps loading fast.
func isClean(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\t' || c == '\n' || c == '\r' || c >= utf8.RuneSelf:
			return false
		case c == ' ' && s[i+1] == ' ':
			return false
		}
	}
	return true
}

// normHeader reduces a column name to lower-case ASCII words, so that
// "Net Amount(£)", "NET AMOUNT £" and "net_amount" compare equal as
// "net amount gbp". The pound sign becomes the word "gbp"; any other
// character that is not a letter or digit separates words.
func normHeader(s string) string {
	var sb strings.Builder
	sb.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r == '£':
			if sb.Len() > 0 {
				sb.WriteByte(' ')
			}
			sb.WriteString("gbp")
			space = true
			continue
		default:
			space = sb.Len() > 0
			continue
		}
		if space {
			sb.WriteByte(' ')
			space = false
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// stripTags removes HTML tags from a cell, which some exports use for
// links ("<a href=...>Response</a>").
func stripTags(s string) string {
	if !strings.Contains(s, "</") && !strings.Contains(s, "<a ") {
		return s
	}
	var sb strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
			sb.WriteByte(' ')
		case !in:
			sb.WriteRune(r)
		}
	}
	return cleanCell(sb.String())
}
