package retrieval

import (
	"strings"
	"unicode"
)

// councilNoise are words in council names that do not say which council:
// "Sheffield City Council" is recognised by "sheffield".
var councilNoise = map[string]bool{
	"city": true, "county": true, "borough": true, "council": true, "councils": true,
	"district": true, "metropolitan": true, "town": true, "london": true, "of": true,
	"the": true, "and": true, "royal": true, "parish": true, "authority": true,
	"authorities": true, "local": true, "uk": true, "gov": true,
}

// Councils recognises council names in questions. A name is mentioned when
// every distinctive word of it appears in the question, so "is hyndburn tip
// open" mentions Hyndburn Borough Council.
type Councils struct {
	keys map[string][]string // council name → distinctive words
}

// NewCouncils builds a recogniser for the given council names.
func NewCouncils(names []string) *Councils {
	c := &Councils{keys: map[string][]string{}}
	for _, n := range names {
		var key []string
		for _, w := range words(n) {
			if !councilNoise[w] {
				key = append(key, w)
			}
		}
		if len(key) > 0 && len(key) <= 3 {
			c.keys[n] = key
		}
	}
	return c
}

// Mentioned returns the councils named in text.
func (c *Councils) Mentioned(text string) map[string]bool {
	if c == nil || len(c.keys) == 0 {
		return nil
	}
	have := map[string]bool{}
	for _, w := range words(text) {
		have[w] = true
	}
	var out map[string]bool
	for name, key := range c.keys {
		all := true
		for _, w := range key {
			all = all && have[w]
		}
		if all {
			if out == nil {
				out = map[string]bool{}
			}
			out[name] = true
		}
	}
	return out
}

// SameCouncil reports whether a document's council is one of those
// mentioned: equal names, or names sharing all distinctive words (so
// "Lancashire councils" matches a question naming Lancashire County
// Council).
func (c *Councils) SameCouncil(mentioned map[string]bool, council string) bool {
	if mentioned[council] {
		return true
	}
	key, ok := c.keys[council]
	if !ok {
		return false
	}
	for m := range mentioned {
		mk := c.keys[m]
		if len(mk) == len(key) && strings.Join(mk, " ") == strings.Join(key, " ") {
			return true
		}
	}
	return false
}

func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
