package assistant

import (
	"regexp"
	"strings"
	"unicode"
)

// recCouncilKey is the part of a council's name residents use: "hyndburn"
// for "Hyndburn Borough Council", "bexley" for "London Borough of
// Bexley". typeWords are the kinds of council the name states.
func recCouncilKey(name string) (key string, typeWords []string) {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' })
	var kept []string
	stopped := false
	for i := 0; i < len(words); i++ {
		w := words[i]
		if recCouncilTypes[w] {
			typeWords = append(typeWords, w)
		}
		switch {
		case w == "of" && len(kept) == 0 && len(typeWords) > 0: // "London Borough of Bexley"
			continue
		case recCouncilTypes[w] || recCouncilWords[w]:
			if len(kept) > 0 {
				stopped = true
			}
			continue
		}
		if !stopped {
			kept = append(kept, w)
		}
	}
	return strings.Join(kept, " "), typeWords
}

// councilTypes and councilWords are the generic words of council names.
var (
	recCouncilTypes = map[string]bool{"borough": true, "city": true, "county": true, "district": true, "town": true, "parish": true, "metropolitan": true, "unitary": true}
	recCouncilWords = map[string]bool{"council": true, "councils": true, "london": true, "royal": true, "the": true, "of": true, "authority": true, "authorities": true}
)

// matchCouncils returns the councils the question names and blanks the
// words that named them. A name is matched as a whole phrase; when the
// question also says "county", "city" ... after it, councils of that type
// are preferred.
func (q *recordQuestion) matchCouncils(councils []string) []string {
	type cand struct {
		name  string
		key   string
		types []string
	}
	var cands []cand
	for _, c := range councils {
		k, t := recCouncilKey(c)
		if len(k) < 3 {
			continue
		}
		cands = append(cands, cand{c, k, t})
	}
	var out []string
	for {
		// Longest key first, so "west lancashire" beats "lancashire".
		best, at := "", -1
		for _, c := range cands {
			if len(c.key) <= len(best) {
				continue
			}
			if i := recIndexWord(q.lower, c.key); i >= 0 {
				best, at = c.key, i
			}
		}
		if at < 0 {
			return out
		}
		end := at + len(best)
		rest := strings.Fields(q.lower[end:])
		var typ string
		if len(rest) > 0 {
			w := strings.TrimSuffix(strings.TrimSuffix(rest[0], "'s"), "s")
			if recCouncilTypes[w] {
				typ = w
			}
		}
		var named, typed []string
		for _, c := range cands {
			if c.key != best {
				continue
			}
			named = append(named, c.name)
			for _, t := range c.types {
				if t == typ {
					typed = append(typed, c.name)
				}
			}
		}
		if len(typed) > 0 {
			named = typed
		}
		out = append(out, named...)
		// Blank the key and a following "borough council", "'s" ...
		j := end
		for _, w := range rest {
			bare := strings.Trim(w, ",.?!")
			bare = strings.TrimSuffix(bare, "'s")
			if !recCouncilTypes[bare] && !recCouncilWords[strings.TrimSuffix(bare, "s")] && bare != "s" && bare != "" {
				break
			}
			k := strings.Index(q.lower[j:], w)
			j += k + len(w)
		}
		if strings.HasPrefix(q.lower[j:], "'s") {
			j += 2
		}
		q.blank(at, j)
	}
}

var (
	// recReCouncilNamed finds "<name> council"; reSubject finds a capitalised
	// payer, "did Northbury pay".
	recReCouncilNamed = regexp.MustCompile(`\b([a-z][a-z'-]+)\s+(?:(?:borough|city|county|district|town|metropolitan|parish)\s+)?council\b`)
	recReSubject      = regexp.MustCompile(`\b(?:did|does|do|has|have|had)\s+([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)\s+(?:pay|paid|spend|spent|award|awarded|give|gave|let)\b`)
	// recNotCouncil are words before "council" that do not name one.
	recNotCouncil = recWordSet(`the our my your this that their which what whose a an local same county borough city district town parish
		own whole each every any another other`)
)

// namesOtherCouncil reports whether, once known councils are blanked,
// the question still names a council: one the records do not cover.
func (q *recordQuestion) namesOtherCouncil() bool {
	for _, m := range recReCouncilNamed.FindAllStringSubmatch(q.lower, -1) {
		if !recNotCouncil[strings.TrimSuffix(m[1], "'s")] {
			return true
		}
	}
	for _, m := range recReSubject.FindAllStringSubmatch(q.orig, -1) {
		first := strings.ToLower(strings.Fields(m[1])[0])
		if !recNotCouncil[first] && first != "i" && first != "you" && first != "we" && first != "they" && first != "council" {
			return true
		}
	}
	return false
}

// recIndexWord finds phrase in s at word boundaries, allowing a trailing
// "'s", or returns -1.
func recIndexWord(s, phrase string) int {
	for from := 0; ; {
		i := strings.Index(s[from:], phrase)
		if i < 0 {
			return -1
		}
		i += from
		j := i + len(phrase)
		before := i == 0 || !recWordByte(s[i-1])
		after := j == len(s) || !recWordByte(s[j])
		if before && after {
			return i
		}
		from = i + 1
	}
}

func recWordByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b >= 0x80
}
