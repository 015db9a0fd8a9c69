package channels

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxTextRunes is the longest inbound text Townhall keeps, in characters
// (runes). It matches WhatsApp's limit for a text message; an SMS that
// Twilio concatenates is at most 1,600 characters.
const MaxTextRunes = 4096

// CleanText makes untrusted message text safe to store and process:
//
//   - invalid UTF-8 bytes become U+FFFD;
//   - CRLF and lone CR become LF;
//   - control characters other than LF and tab are removed, and so are the
//     Unicode bidirectional embedding, override and isolate controls, which
//     can make text display differently from what it says;
//   - leading and trailing white space is trimmed;
//   - text over max runes (if max > 0) is cut at a rune boundary, and
//     truncated reports it.
//
// Truncation rather than rejection is deliberate: a resident who writes a
// long message still gets an answer to its start. Request bodies are
// capped separately, before parsing, so the input here is already bounded.
// CleanText does not escape HTML: text stays text, and whatever renders it
// must escape it.
func CleanText(s string, max int) (clean string, truncated bool) {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	n := 0
	for i, r := range s {
		switch {
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			r = '\n'
		case r == '\n' || r == '\t':
		case unicode.IsControl(r), isBidiControl(r), r == '\uFEFF':
			continue
		}
		if max > 0 && n == max {
			truncated = true
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String()), truncated
}

// CleanField cleans a short single-line field such as a name or an id:
// CleanText, then every run of white space (including newlines) becomes
// one space, and the result is cut to max runes.
func CleanField(s string, max int) string {
	s, _ = CleanText(s, 0)
	s = strings.Join(strings.Fields(s), " ")
	if max > 0 && utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max])
	}
	return s
}

func isBidiControl(r rune) bool {
	return (r >= '\u202A' && r <= '\u202E') || (r >= '\u2066' && r <= '\u2069')
}

// ValidE164 reports whether s is a phone number in E.164 form: "+", a
// non-zero digit, and 7 to 14 more digits.
func ValidE164(s string) bool {
	if len(s) < 9 || len(s) > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
