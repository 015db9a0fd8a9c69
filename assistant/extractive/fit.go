package extractive

import (
	"slices"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/retrieval"
)

// An answer is for one resident, who has told us how they read (plain
// English, low literacy, BSL) and where (web, SMS, WhatsApp); from that
// assistant.TargetGrade gives the reading grade the answer should not
// read above. pick chooses units by what they add to the answer, and a
// unit that adds only a word of the resident's (a planning application
// for "a temporary ice rink" when the resident says the street is "like
// an ice rink") can still make it in, at the price of reading two
// documents' worth of unrelated text. fit is the last pass: when the
// answer as it will be shown reads above the target, it leaves out such
// padding, lowest gain first, if that brings the answer within the
// target.

// fit returns picked, less the padding that makes the answer read above
// the resident's target grade. A unit is padding when it holds no kind of
// fact the question asks for that the others lack, and either adds no
// question term either or comes from a document the answer's first unit
// is not from (its question terms are then those of another subject). The
// first unit, the answer's best, is always kept. Units are left out lowest
// gain first, each only if the answer then reads easier, and only if in the
// end the answer is within the target: an answer that cannot be brought
// within it keeps all it has, since less would not make it readable.
// The grade is that of assistant.Format's text for the channel and
// needs, as the resident sees it and as assistant.Grade counts it.
func fit(picked []*unit, gains []float64, q question, hits []retrieval.Hit, ch assistant.Channel, needs assistant.Needs) []*unit {
	if len(picked) < 2 {
		return picked
	}
	target := assistant.TargetGrade(ch, needs)
	shown := func(us []*unit) float64 {
		us = slices.Clone(us) // draft orders its argument in place
		text, _ := assistant.Format(draft(us, make([]*unit, len(us)), hits), ch, needs, assistant.FormatOptions{})
		return assistant.Grade(text)
	}
	grade := shown(picked)
	if grade <= target {
		return picked
	}
	kept := slices.Clone(picked)
	value := slices.Clone(gains)
	for grade > target {
		// The padding, lowest gain first.
		var order []int
		for i := 1; i < len(kept); i++ {
			if padding(kept, i, q) {
				order = append(order, i)
			}
		}
		slices.SortStableFunc(order, func(a, b int) int {
			switch {
			case value[a] < value[b]:
				return -1
			case value[a] > value[b]:
				return 1
			}
			return 0
		})
		dropped := false
		for _, i := range order {
			less := slices.Delete(slices.Clone(kept), i, i+1)
			if g := shown(less); g < grade {
				kept, grade, dropped = less, g, true
				value = slices.Delete(value, i, i+1)
				break
			}
		}
		if !dropped {
			break
		}
	}
	if grade > target {
		return picked
	}
	return kept
}

// padding reports whether units[i] adds nothing the question asks for to
// the other units: no kind of fact asked for (as pick counts them, from
// units about the question) that they lack, and no question term they
// lack unless it comes from another document than the first unit's.
func padding(units []*unit, i int, q question) bool {
	u := units[i]
	var facts factSet
	counted := false
	terms := map[string]bool{}
	for j, o := range units {
		if j == i {
			continue
		}
		if topical(o) >= 0.5 {
			facts |= o.facts
			counted = counted || o.facts.has(factCount) && o.rel >= countRel
		}
		for t := range o.terms {
			terms[t] = true
		}
	}
	if topical(u) >= 0.5 {
		for k := range numFactKinds {
			if !q.asks.has(k) {
				continue
			}
			switch {
			case k == factCount:
				if u.facts.has(k) && u.rel >= countRel && !counted {
					return false
				}
			case u.facts.has(k) && !facts.has(k),
				k == factAmount && u.facts.has(factFree) && !facts.has(factFree) && !facts.has(factAmount):
				return false
			}
		}
	}
	if u.doc != units[0].doc {
		return true
	}
	for _, t := range q.terms {
		if u.terms[t] && !terms[t] {
			return false
		}
	}
	return true
}
