package twilio

import (
	"strings"
	"unicode"
	"unicode/utf16"
)

// SMS encodings reported by Segments.
const (
	GSM7 = "GSM-7"
	UCS2 = "UCS-2"
)

// Segment capacities (3GPP TS 23.038 and 23.040): a single GSM-7 message
// holds 160 septets, each part of a concatenated one 153 (the user data
// header takes the rest); UCS-2 holds 70 UTF-16 code units, or 67 per part.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsmBasic is the GSM 03.38 default alphabet (one septet each), in table
// order, without ESC (0x1B).
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension holds the characters of the GSM extension table that are
// sent as ESC plus one septet, so count two septets each.
const gsmExtension = "^{}\\[~]|€\f"

// gsmASCII holds the septets of each ASCII character (0: not GSM-7); it
// is computed once from the tables above and never changes.
var gsmASCII = func() (t [128]uint8) {
	for _, r := range gsmBasic {
		if r < 128 {
			t[r] = 1
		}
	}
	for _, r := range gsmExtension {
		if r < 128 {
			t[r] = 2
		}
	}
	return t
}()

// septets returns the septets r takes in GSM-7, or 0 if GSM-7 cannot
// encode it.
func septets(r rune) int {
	switch {
	case r < 128:
		return int(gsmASCII[r])
	case strings.ContainsRune(gsmBasic, r):
		return 1
	case r == '€':
		return 2
	}
	return 0
}

// Encoding returns GSM7 if every character of text is in the GSM-7
// alphabet (basic or extension table), else UCS2.
func Encoding(text string) string {
	for _, r := range text {
		if septets(r) == 0 {
			return UCS2
		}
	}
	return GSM7
}

// cost returns the size of r in the units of enc: septets for GSM-7,
// UTF-16 code units for UCS-2.
func cost(r rune, enc string) int {
	if enc == GSM7 {
		return septets(r)
	}
	if utf16.RuneLen(r) == 2 {
		return 2
	}
	return 1
}

func costOf(s, enc string) int {
	n := 0
	for _, r := range s {
		n += cost(r, enc)
	}
	return n
}

// capacity returns how many units n segments carry in enc.
func capacity(enc string, n int) int {
	switch {
	case enc == GSM7 && n == 1:
		return gsmSingle
	case enc == GSM7:
		return gsmPart * n
	case n == 1:
		return ucs2Single
	default:
		return ucs2Part * n
	}
}

// Segments reports the encoding an SMS of text needs and splits text into
// the parts a carrier sends: one part if it fits a single message (160
// GSM-7 septets or 70 UCS-2 code units), else parts of at most 153 septets
// or 67 code units. An extension-table character (^{}\[~]|€, two septets)
// and a surrogate pair (an emoji, two code units) are never split across
// parts. Empty text has no parts.
func Segments(text string) (encoding string, parts []string) {
	enc := Encoding(text)
	if text == "" {
		return enc, nil
	}
	if costOf(text, enc) <= capacity(enc, 1) {
		return enc, []string{text}
	}
	limit := ucs2Part
	if enc == GSM7 {
		limit = gsmPart
	}
	start, used := 0, 0
	for i, r := range text {
		c := cost(r, enc)
		if used+c > limit {
			parts = append(parts, text[start:i])
			start, used = i, 0
		}
		used += c
	}
	parts = append(parts, text[start:])
	return enc, parts
}

// FitSegments returns text unchanged if it fits in maxSegments SMS
// segments (at least 1), else a prefix of it cut at a word boundary and
// ended with an ellipsis, that fits. The ellipsis is "…" for UCS-2 text
// but "..." for GSM-7 text, because "…" is not in the GSM-7 alphabet and
// would halve the space left. A word longer than half the space is cut
// mid-word rather than dropped.
func FitSegments(text string, maxSegments int) string {
	if maxSegments < 1 {
		maxSegments = 1
	}
	if _, parts := Segments(text); len(parts) <= maxSegments {
		return text
	}
	enc := Encoding(text)
	ellipsis := "..."
	if enc == UCS2 {
		ellipsis = "…"
	}
	budget := capacity(enc, maxSegments) - costOf(ellipsis, enc)
	cut, used := 0, 0
	for i, r := range text {
		c := cost(r, enc)
		if used+c > budget {
			break
		}
		used += c
		cut = i + len(string(r))
	}
	prefix := text[:cut]
	if next := text[cut:]; next != "" && !startsWithSpace(next) {
		if i := strings.LastIndexFunc(prefix, unicode.IsSpace); i > len(prefix)/2 {
			prefix = prefix[:i]
		}
	}
	for {
		prefix = strings.TrimRightFunc(prefix, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—.", r)
		})
		out := prefix + ellipsis
		if _, parts := Segments(out); len(parts) <= maxSegments || prefix == "" {
			return out
		}
		// A GSM-7 part can hold one septet less than 153 when an escape
		// sequence would straddle the boundary; drop a character and retry.
		rs := []rune(prefix)
		prefix = string(rs[:len(rs)-1])
	}
}

func startsWithSpace(s string) bool {
	for _, r := range s {
		return unicode.IsSpace(r)
	}
	return false
}

// Simplify replaces typographic characters that force UCS-2 encoding with
// their GSM-7 equivalents where the meaning is unchanged: curly quotes,
// dashes, the ellipsis character, bullets, tabs and unusual spaces. It
// drops zero-width spaces and soft hyphens (but keeps the joiners that
// emoji sequences need). An SMS answer written by a language model
// often contains a stray ’, which alone would halve the capacity of every
// segment.
func Simplify(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch r {
		case '‘', '’', '‚', '‛', '′', '`', '´':
			b.WriteByte('\'')
		case '“', '”', '„', '‟', '″':
			b.WriteByte('"')
		case '‐', '‑', '‒', '–', '—', '―', '−':
			b.WriteByte('-')
		case '…':
			b.WriteString("...")
		case '•', '·', '▪', '◦':
			b.WriteByte('-')
		case '\t', '\u00A0', '\u2002', '\u2003', '\u2007', '\u2009', '\u200A', '\u202F', '\u205F', '\u3000':
			b.WriteByte(' ')
		case '\u200B', '\u2060', '\uFEFF', '\u00AD':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
