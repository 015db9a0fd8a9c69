package extractive

import (
	"regexp"
	"slices"
	"strings"
)

// A quoted sentence cites the document it is quoted from. When another of
// the documents read states the same figures (the same fee, phone number,
// time limit or amount) in parts about the question, that document
// supports the sentence as well, and the sentence cites it too: a street
// party page and the licence page it points to both say "£21" and "10
// working days", a budget summary and the return it is derived from both
// say "£584,501,000". Which of two such pages ranks first is often a
// matter of a few per cent of retrieval score, and the resident is better
// served by seeing both.

// figureRx finds the figures a sentence states: amounts, percentages,
// phone numbers, time limits and other figures of three digits or more.
var figureRx = regexp.MustCompile(`£\s?\d[\d,]*(?:\.\d+)?|\d[\d,]*(?:\.\d+)?\s?%|\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b\d+\s(?:working |calendar |clear )?(?:days?|weeks?|months?|hours?)\b|\b\d[\d,]{2,}(?:\.\d+)?\b`)

// figuresOf returns the figures of text, normalised (no spaces or
// commas), leaving out years: "2024" dates a sentence, it is not what
// it states.
func figuresOf(text string) []string {
	if !strings.ContainsAny(text, "0123456789") {
		return nil
	}
	var out []string
	for _, f := range figureRx.FindAllString(strings.ToLower(text), -1) {
		f = strings.NewReplacer(" ", "", ",", "", "-", "").Replace(f)
		if strings.Trim(f, "£0.%") == "" {
			continue // "£0", "0%": nothing to corroborate
		}
		if len(f) == 4 && (strings.HasPrefix(f, "19") || strings.HasPrefix(f, "20")) {
			continue
		}
		if len(yearsIn(f, false)) > 0 && len(f) <= 7 && !strings.HasPrefix(f, "£") {
			continue // "2022/23"
		}
		out = append(out, f)
	}
	return out
}

// distinctive reports whether figures are unlikely to recur by chance
// in a page on another subject: two figures or more, or one of four
// significant digits or more ("£584,501,000", a phone number). "24
// hours", "£70" and "21 days" are in many pages that mean other things
// by them.
func distinctive(figs []string) bool {
	slices.Sort(figs)
	figs = slices.Compact(figs)
	switch len(figs) {
	case 0:
		return false
	case 1:
		digits := 0
		for _, r := range strings.TrimRight(strings.TrimSuffix(figs[0], "%"), "0.") {
			if r >= '0' && r <= '9' {
				digits++
			}
		}
		return digits >= 4
	}
	return true
}

// minCorroborateCover is how much of the question, next to the quoted
// unit, a unit of another document must cover (with its headings) for
// its figures to support the quoted sentence: the same figure in a
// sentence about something else is a coincidence.
const minCorroborateCover = 0.5

// corroborating returns, for each picked unit, a unit of the
// best-ranked other document that states all of the picked unit's
// figures in units about the question, or nil.
func corroborating(picked, units []*unit) []*unit {
	out := make([]*unit, len(picked))
	for i, p := range picked {
		figs := figuresOf(p.text)
		if !distinctive(figs) || p.record {
			continue
		}
		// The figures of each other document, from its units about the
		// question, and the first such unit (for its citation).
		have := map[int]map[string]bool{}
		first := map[int]*unit{}
		for _, u := range units {
			if u.doc == p.doc || u.kind == kindLabel || u.cover < minCorroborateCover*p.cover || u.request || u.procedure || u.logEntry {
				continue
			}
			fs := figuresOf(u.text)
			if len(fs) == 0 {
				continue
			}
			m := have[u.doc]
			if m == nil {
				m = map[string]bool{}
				have[u.doc] = m
				first[u.doc] = u
			}
			for _, f := range fs {
				m[f] = true
			}
		}
		for d, m := range have {
			all := true
			for _, f := range figs {
				if !m[f] {
					all = false
					break
				}
			}
			if all && (out[i] == nil || d < out[i].doc) {
				out[i] = first[d]
			}
		}
	}
	return out
}
