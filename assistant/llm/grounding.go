package llm

import (
	"fmt"
	"slices"
	"strings"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/retrieval"
)

// DefaultMinOverlap is the share of a sentence's content words that must
// occur in its cited text when GroundingOptions.MinOverlap is zero. A
// sentence copied from its source scores 1. On the Gloucester pages of the
// shared corpus, cut into 220-word chunks, every one of 1,032 sentences
// passed the whole check against its own chunk, while 93% of sentences from
// other chunks of the same site and 97% of sentences with one digit
// changed were rejected.
const DefaultMinOverlap = 0.5

// GroundingOptions tunes Ground.
type GroundingOptions struct {
	// MinOverlap is the share (0..1] of a sentence's distinct content
	// words that must occur in its cited text; 0 means DefaultMinOverlap.
	MinOverlap float64
}

// UngroundedError says which sentence of an answer failed the grounding
// check and why. It wraps assistant.ErrUngrounded.
type UngroundedError struct {
	Sentence string // the sentence as the model wrote it, "" for the whole answer
	Reason   string
}

// Error describes the failure.
func (e *UngroundedError) Error() string {
	if e.Sentence == "" {
		return fmt.Sprintf("%v: %s", assistant.ErrUngrounded, e.Reason)
	}
	return fmt.Sprintf("%v: %s: %q", assistant.ErrUngrounded, e.Reason, e.Sentence)
}

// Unwrap returns assistant.ErrUngrounded.
func (e *UngroundedError) Unwrap() error { return assistant.ErrUngrounded }

// Ground parses a model's answer into sentences with their [n] citations,
// checks each sentence against the text it cites, and returns the draft.
// Source n is sources[n-1]; Citation.N keeps the number the model used.
// Sentence texts have their markers and markdown removed.
//
// It returns ErrNoAnswer when the model said it does not know, and an
// *UngroundedError (wrapping assistant.ErrUngrounded) when any sentence
// fails; see the package documentation for the checks.
func Ground(answer string, sources []retrieval.Hit, opt GroundingOptions) (*assistant.Draft, error) {
	minOverlap := opt.MinOverlap
	if minOverlap <= 0 {
		minOverlap = DefaultMinOverlap
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return nil, &UngroundedError{Reason: "empty answer"}
	}
	if markupRE.MatchString(answer) {
		return nil, &UngroundedError{Reason: "answer contains prompt markup"}
	}
	if linkRE.MatchString(answer) {
		return nil, &UngroundedError{Reason: "answer contains a link (the model was shown none)"}
	}
	sents := parseAnswer(answer)
	cited := false
	for _, s := range sents {
		cited = cited || len(s.cites) > 0
	}
	if !cited {
		if dontKnowRE.MatchString(answer) {
			return nil, ErrNoAnswer
		}
		return nil, &UngroundedError{Reason: "answer cites no source"}
	}
	for _, s := range sents {
		for _, n := range s.cites {
			if n < 1 || n > len(sources) {
				return nil, &UngroundedError{Sentence: s.raw, Reason: fmt.Sprintf("citation [%d] refers to no source (%d sent)", n, len(sources))}
			}
		}
	}
	if err := borrowCitations(sents); err != nil {
		return nil, err
	}

	ev := make([]*evidence, len(sources))
	evidenceFor := func(n int) *evidence {
		if ev[n-1] == nil {
			ev[n-1] = newEvidence(sources[n-1])
		}
		return ev[n-1]
	}
	draft := &assistant.Draft{}
	seen := map[int]bool{}
	for _, s := range sents {
		if injectionRE.MatchString(s.text) {
			return nil, &UngroundedError{Sentence: s.raw, Reason: "sentence repeats an instruction"}
		}
		evs := make([]*evidence, len(s.cites))
		for i, n := range s.cites {
			evs[i] = evidenceFor(n)
		}
		if err := supported(s, evs, minOverlap); err != nil {
			return nil, err
		}
		draft.Sentences = append(draft.Sentences, assistant.Sentence{Text: s.text, Cites: slices.Clone(s.cites)})
		for _, n := range s.cites {
			if !seen[n] {
				seen[n] = true
				c := sources[n-1].Chunk
				draft.Citations = append(draft.Citations, assistant.Citation{N: n, DocID: c.DocID, Title: c.Title, URL: c.URL, Page: c.Page})
			}
		}
	}
	return draft, nil
}

// supported checks one sentence against the union of its cited evidence.
func supported(s sentence, evs []*evidence, minOverlap float64) error {
	words := contentStems(s.text)
	// A number must stand in the source beside what the sentence says
	// about it: "report it by 4pm" is not supported by a source whose 4pm
	// is when the office closes.
	need := min(2, len(words))
	for _, tok := range verbatimTokens(s.text) {
		if !slices.ContainsFunc(evs, func(e *evidence) bool { return e.hasToken(tok, words, need) }) {
			if slices.ContainsFunc(evs, func(e *evidence) bool { return e.hasToken(tok, words, 0) }) {
				return &UngroundedError{Sentence: s.raw, Reason: fmt.Sprintf("%q is in the cited text but not in a sentence about the same thing", tok)}
			}
			return &UngroundedError{Sentence: s.raw, Reason: fmt.Sprintf("%q is not in the cited text", tok)}
		}
	}
	if len(words) == 0 {
		return nil
	}
	found := 0
	for w := range words {
		if slices.ContainsFunc(evs, func(e *evidence) bool { return e.words[w] }) {
			found++
		}
	}
	if share := float64(found) / float64(len(words)); share < minOverlap {
		return &UngroundedError{Sentence: s.raw, Reason: fmt.Sprintf("%d of %d content words in the cited text, want %.0f%%", found, len(words), minOverlap*100)}
	}
	return nil
}

// borrowCitations gives each uncited sentence the citations of the next
// cited sentence in its paragraph, or failing that the previous one.
// Models often cite once per paragraph or after a lead-in line such as
// "To report it:"; the borrowed citations are checked like any others.
func borrowCitations(sents []sentence) error {
	for i := range sents {
		if len(sents[i].cites) > 0 {
			continue
		}
		var from []int
		for j := i + 1; j < len(sents) && sents[j].para == sents[i].para; j++ {
			if len(sents[j].cites) > 0 {
				from = sents[j].cites
				break
			}
		}
		for j := i - 1; from == nil && j >= 0 && sents[j].para == sents[i].para; j-- {
			if len(sents[j].cites) > 0 {
				from = sents[j].cites
			}
		}
		if from == nil {
			return &UngroundedError{Sentence: sents[i].raw, Reason: "sentence cites no source"}
		}
		sents[i].cites = slices.Clone(from)
	}
	return nil
}

// evidence is what one source can support: its content-word stems, and
// its sentences' verbatim tokens with the words around them, leaving out
// any sentence that reads as an instruction.
type evidence struct {
	words   map[string]bool
	context map[string]bool // stems of the title and headings, which frame every sentence
	units   []evidenceUnit
}

// evidenceUnit is one sentence (or table row) of a source.
type evidenceUnit struct {
	words  map[string]bool
	tokens map[string]bool
	bare   map[string]bool // tokens without currency sign or unit
}

func newEvidence(h retrieval.Hit) *evidence {
	c := h.Chunk
	frame := c.Title + ".\n" + strings.Join(c.Headings, ".\n")
	e := &evidence{words: contentStems(frame), context: contentStems(frame)}
	add := func(text string) {
		u := evidenceUnit{words: contentStems(text), tokens: map[string]bool{}, bare: map[string]bool{}}
		for _, t := range verbatimTokens(text) {
			u.tokens[t] = true
			u.bare[bareToken(t)] = true
		}
		for w := range u.words {
			e.words[w] = true
		}
		e.units = append(e.units, u)
	}
	add(frame)
	for _, line := range strings.Split(c.Text, "\n") {
		for _, s := range splitSentences(line) {
			if injectionRE.MatchString(s) {
				continue // data, not evidence
			}
			add(s)
		}
	}
	return e
}

// hasToken reports whether an answer's verbatim token is in a sentence of
// the source that shares at least need of the answer sentence's content
// words (counting the source's title and headings). The token matches the
// same token or, for an undecorated number, the same number with a
// currency sign or unit: an answer may drop "£" or "am"; it may not add it.
func (e *evidence) hasToken(t string, words map[string]bool, need int) bool {
	undecorated := bareToken(t) == t
	for _, u := range e.units {
		if !u.tokens[t] && !(undecorated && u.bare[t]) {
			continue
		}
		shared := 0
		for w := range words {
			if u.words[w] || e.context[w] {
				shared++
			}
		}
		if shared >= need {
			return true
		}
	}
	return false
}
