package extractive

import (
	"slices"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/retrieval"
)

// gritting is the answer pick gave "will the council come and grit our
// little side street when it snows? its like an ice rink" on the shared
// corpus: the gritting page's sentence, then a planning application and
// an FOI log row that share only the resident's "ice rink", with the
// gains pick gave them.
func gritting() (question, []*unit, []float64, []retrieval.Hit) {
	q := parseQuestion("will the council come and grit our little side street when it snows? its like an ice rink")
	h := hits(
		chunk("pages/gritting.html", 0, "Gritting routes", "https://www.example.gov.uk/gritting", nil,
			"We will only grit side roads once traffic is flowing for all these priorities."),
		chunk("planning/2010.csv", 0, "10/03489/FUL", "https://www.example.gov.uk/planning", nil,
			"PROPOSAL: Installation of a temporary ice rink, chalets and ancillary chiller unit from 20th November 2010 - 5th January 2011."),
		chunk("foi/log-2011.csv", 0, "Ice Cleats", "https://www.example.gov.uk/foi-log", nil,
			"Freedom of Information request 144997 to Lambeth Council, received 23 May 2011: Ice Cleats for Refuse wkrs & Street cleaners."))
	var units []*unit
	for i, x := range h {
		text := x.Chunk.Text
		units = append(units, &unit{piece: piece{text: text, kind: kindSentence}, hit: i, doc: i,
			terms: set(termsOf(text)), facts: factsIn(text), words: len(strings.Fields(text)), around: 1})
	}
	return q, units, []float64{0.136, 0.052, 0.041}, h
}

// shownGrade is the grade of units as Format shows them on the web.
func shownGrade(us []*unit, h []retrieval.Hit, needs assistant.Needs) float64 {
	text, _ := assistant.Format(draft(slices.Clone(us), make([]*unit, len(us)), h), assistant.ChannelWeb, needs, assistant.FormatOptions{})
	return assistant.Grade(text)
}

// TestFitLeavesOutPaddingAboveTheTarget checks that an answer reading
// above the resident's target grade loses the unit from another document
// that adds only the resident's words, lowest gain first, keeping the
// answer's first unit, and reads within the target after; and that an
// answer within its target is left whole.
func TestFitLeavesOutPaddingAboveTheTarget(t *testing.T) {
	q, units, gains, h := gritting()
	web := assistant.TargetGrade(assistant.ChannelWeb, assistant.Needs{})
	if g := shownGrade(units, h, assistant.Needs{}); g <= web {
		t.Fatalf("fixture reads at grade %.1f, want it above the target %.0f", g, web)
	}
	got := fit(units, gains, q, h, assistant.ChannelWeb, assistant.Needs{})
	if len(got) == 0 || got[0] != units[0] {
		t.Fatalf("fit dropped the answer's first unit: %q", unitTexts(got))
	}
	if slices.Contains(got, units[1]) {
		t.Errorf("fit kept the planning application: %q", unitTexts(got))
	}
	if g := shownGrade(got, h, assistant.Needs{}); g > web {
		t.Errorf("after fit the answer reads at grade %.1f, over the target %.0f: %q", g, web, unitTexts(got))
	}
	within := []*unit{units[0], units[2]}
	if g := shownGrade(within, h, assistant.Needs{}); g > web {
		t.Fatalf("fixture without the planning row reads at %.1f, want within %.0f", g, web)
	}
	if got := fit(within, gains[:2], q, h, assistant.ChannelWeb, assistant.Needs{}); len(got) != 2 {
		t.Errorf("fit trimmed an answer within its target to %q", unitTexts(got))
	}
}

// TestFitKeepsWhatTheQuestionAsksFor checks that a unit holding the only
// fact of the kind asked for is never padding, whatever it reads like,
// and that an answer fit cannot bring within the target keeps every unit.
func TestFitKeepsWhatTheQuestionAsksFor(t *testing.T) {
	q := parseQuestion("how long does it take to find out if my son will get an EHC plan?")
	lead := &unit{piece: piece{text: "An EHC needs assessment is a detailed look at your child's education, health and social care needs, and it is the first step towards getting an Education, Health and Care plan."},
		doc: 0, hit: 0, around: 1, rel: 0.6}
	limit := &unit{piece: piece{text: "The whole process, from your request to a decision on whether to issue an EHC plan, must take no more than 20 weeks."},
		doc: 1, hit: 1, around: 1, rel: 0.6}
	for _, u := range []*unit{lead, limit} {
		u.kind = kindSentence
		u.terms = set(termsOf(u.text))
		u.facts = factsIn(u.text)
		u.words = len(strings.Fields(u.text))
	}
	if !q.asks.has(factDuration) || !limit.facts.has(factDuration) {
		t.Fatalf("fixture: question asks %b, limit holds %b; want a time limit asked and held", q.asks, limit.facts)
	}
	if padding([]*unit{lead, limit}, 1, q) {
		t.Errorf("the only unit with the time limit asked for was read as padding")
	}
	// A third unit from another document adds nothing asked for and reads
	// hard: without it the answer reads easier, but still above the plain
	// English target, so fit keeps all three.
	aside := &unit{piece: piece{text: "Applications are considered individually by professionals.", kind: kindSentence},
		doc: 2, hit: 2, around: 1}
	aside.terms, aside.facts, aside.words = set(termsOf(aside.text)), factsIn(aside.text), 6
	h := hits(
		chunk("pages/send.html", 0, "SEND", "https://www.example.gov.uk/send", nil, lead.text),
		chunk("pages/ehc.html", 0, "EHC needs assessment", "https://www.example.gov.uk/ehc", nil, limit.text),
		chunk("pages/panel.html", 0, "Panel", "https://www.example.gov.uk/panel", nil, aside.text))
	plain := assistant.Needs{PlainEnglish: true}
	all := []*unit{lead, limit, aside}
	target := assistant.TargetGrade(assistant.ChannelWeb, plain)
	full, less := shownGrade(all, h, plain), shownGrade(all[:2], h, plain)
	if !padding(all, 2, q) || !(less < full) || less <= target {
		t.Fatalf("fixture: padding %v, grade %.1f without it and %.1f with, want padding that lowers the grade but not to %.0f",
			padding(all, 2, q), less, full, target)
	}
	if got := fit(all, []float64{0.5, 0.4, 0.1}, q, h, assistant.ChannelWeb, plain); len(got) != 3 {
		t.Errorf("fit left out %d of 3 units though it could not bring the answer within its target: %q", 3-len(got), unitTexts(got))
	}
}

func unitTexts(us []*unit) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.text)
	}
	return out
}
