package foi

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// knownName is a name to find wherever it appears.
type knownName struct {
	words []string // lower case, without honorific or postnominals
	hon   bool     // given with an honorific only ("Mr Long")
	exact string   // a single first name as given, matched with its case
}

func newKnownName(name string) (knownName, bool) {
	f := strings.Fields(name)
	var k knownName
	if len(f) > 0 && honorifics[strings.ToLower(strings.TrimRight(f[0], "."))] {
		k.hon, f = true, f[1:]
	}
	for _, w := range f {
		w = strings.Trim(w, ",.'\"‘’“”")
		if w == "" || nicknameRE.MatchString(w) || len(k.words) > 0 && postnominalRE.MatchString(w) {
			continue
		}
		k.words = append(k.words, asciiLower(w))
	}
	if len(k.words) == 0 {
		return k, false
	}
	if len(k.words) == 1 && !k.hon {
		if len(k.words[0]) < 3 {
			return k, false
		}
		k.exact = strings.Trim(f[0], ",.'\"‘’“”")
	}
	return k, true
}

// findKnownNames finds every occurrence of the names: "David Kelly" is
// found in any case and with an optional honorific, as "Mr Kelly", "D.
// Kelly" and "Kelly, David", and skipping middle names ("Michelle Louise
// Zaher" also finds "Michelle Zaher"); a surname known only with an
// honorific ("Mr Long") only with one; a single first name ("Naomi") as
// a whole word, capitalised as given or in lower case. Matching works on
// words, so "David\nKelly" across a line break counts.
func findKnownNames(text string, names []knownName) [][2]int {
	lower := asciiLower(text)
	var spans [][2]int
	for _, k := range names {
		last := k.words[len(k.words)-1]
		for from := 0; ; {
			i := strings.Index(lower[from:], last)
			if i < 0 {
				break
			}
			s, e := from+i, from+i+len(last)
			from = e
			if !wordBoundary(lower, s, e) {
				continue
			}
			if k.exact != "" {
				if w := text[s:e]; w == k.exact || w == last || w == upperFirst(last) {
					spans = append(spans, [2]int{s, e})
				}
				continue
			}
			start := -1
			if len(k.words) > 1 {
				// Full name, then first and last name only.
				if p, ok := precededBy(lower, s, k.words[:len(k.words)-1]); ok {
					start = p
				} else if p, ok := precededBy(lower, s, k.words[:1]); ok && len(k.words) > 2 {
					start = p
				} else if w, p := prevWord(text, s); len(w) > 0 && len(last) > 1 && (w == initialOf(k.words[0]) || w == initialOf(k.words[0])+".") {
					start = p // "D. Kelly"
				} else if rest := lower[e:]; strings.HasPrefix(strings.TrimLeft(strings.TrimPrefix(rest, ","), " "), k.words[0]) && strings.HasPrefix(rest, ",") {
					f := e + 1 + len(rest[1:]) - len(strings.TrimLeft(rest[1:], " "))
					if wordBoundary(lower, f, f+len(k.words[0])) {
						spans = append(spans, [2]int{s, f + len(k.words[0])}) // "Kelly, David"
						continue
					}
				}
			}
			// An honorific before the start (or before the surname).
			at := s
			if start >= 0 {
				at = start
			}
			if w, p := prevWord(lower, at); honorifics[strings.Trim(w, ".'\"‘“")] {
				start = p + len(w) - len(strings.TrimLeft(w, "'\"‘“"))
			}
			if start >= 0 {
				spans = append(spans, [2]int{start, e})
			}
		}
	}
	return spans
}

// precededBy reports whether words (lower case) come immediately before
// pos, separated by white space, and where the first of them starts.
func precededBy(lower string, pos int, words []string) (int, bool) {
	for i := len(words) - 1; i >= 0; i-- {
		w, p := prevWord(lower, pos)
		if w != words[i] {
			return 0, false
		}
		pos = p
	}
	return pos, true
}

// prevWord returns the white-space-separated word before pos (after
// skipping white space) and its start; "" if there is none.
func prevWord(text string, pos int) (string, int) {
	e := pos
	for e > 0 && isSpace(text[e-1]) {
		e--
	}
	if e == pos && pos > 0 {
		return "", pos // no separator: not a separate word
	}
	s := e
	for s > 0 && !isSpace(text[s-1]) {
		s--
	}
	return text[s:e], s
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// wordBoundary reports whether text[s:e] is not part of a longer word.
func wordBoundary(text string, s, e int) bool {
	if s > 0 && isNameByte(text[s-1]) {
		return false
	}
	return e >= len(text) || !isNameByte(text[e])
}

func isNameByte(c byte) bool { return isAlnum(c) || c >= 0x80 }

// asciiLower lower-cases letters whose lower case has the same UTF-8
// length (all of ASCII and the Latin, Greek and Cyrillic letters names
// use: "SIOBHÁN" -> "siobhán", "ŁUKASZ" -> "łukasz"), so that byte
// offsets into the result are offsets into s.
func asciiLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		b := []byte(s)
		for i, c := range b {
			if c >= 'A' && c <= 'Z' {
				b[i] = c + 'a' - 'A'
			}
		}
		return string(b)
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if l := unicode.ToLower(r); l != r && r != utf8.RuneError && utf8.RuneLen(l) == n {
			b.WriteRune(l)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// upperFirst capitalises the first letter of w: "łukasz" -> "Łukasz".
func upperFirst(w string) string {
	r, n := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r)) + w[n:]
}

// initialOf is the capital initial of w: "siobhán" -> "S".
func initialOf(w string) string {
	r, _ := utf8.DecodeRuneInString(w)
	return string(unicode.ToUpper(r))
}
