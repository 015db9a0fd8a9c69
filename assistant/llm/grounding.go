package llm

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"

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

// sentence is one parsed sentence of a model's answer.
type sentence struct {
	raw   string // as written, markers included
	text  string // markers and markdown removed
	cites []int
	para  int
}

const citePattern = `\[\s*(?:sources?\s*)?\d+(?:\s*(?:,|;|-|–|and)\s*(?:sources?\s*)?\d+)*\s*\]`

var (
	// citeRE finds citation markers: [1], [1, 2], [1][2], [1-3], [source 2].
	citeRE = regexp.MustCompile(`(?i)` + citePattern)
	// citeAfterStopRE finds markers written after the full stop
	// ("online. [1]"), to move them before it.
	citeAfterStopRE = regexp.MustCompile(`(?i)([.!?])((?:\s*` + citePattern + `)+)`)
	citeSepRE       = regexp.MustCompile(`(?i)\s*(?:,|;|\band\b)\s*`)
	sourceWordRE    = regexp.MustCompile(`(?i)sources?`)
	paragraphRE     = regexp.MustCompile(`\n\s*\n`)
	emphasis        = strings.NewReplacer("**", "", "__", "", "`", "") // Markdown the draft does not keep
	bulletRE        = regexp.MustCompile(`^\s*(?:[-*•]|\d{1,2}[.)]|#{1,6})\s+`)
	markupRE        = regexp.MustCompile(`(?i)</?\s*(?:sources?|question)\b`)
	spaceBeforeRE   = regexp.MustCompile(`\s+([.,;:!?])`)
	spacesRE        = regexp.MustCompile(`\s+`)
	dontKnowRE      = regexp.MustCompile(`(?i)\b(?:i|we)\s+(?:do\s+not|don'?t|don’t|cannot|can'?t|can’t)\s+(?:know|find|answer|say|tell)|\bnot\s+(?:in|covered\s+by|mentioned\s+in)\s+the\s+sources\b|\bthe\s+sources\s+do(?:\s+not|n'?t|n’t)\b|\b(?:do\s+not|don'?t|don’t)\s+have\s+(?:any\s+)?(?:information|details)\b`)
	// injectionRE recognises text addressed to a model rather than to a
	// resident. In a source it is data, not evidence; in an answer it is a
	// sign the model obeyed it.
	injectionRE = regexp.MustCompile(`(?i)\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|rules|guidelines|directions|everything)\b` +
		`|\b(?:you\s+are\s+now|pretend\s+(?:to\s+be|you\s+are)|new\s+instructions|system\s+prompt|developer\s+mode|jailbreak)\b` +
		`|\b(?:say|reply|respond|output|print|answer)\s+(?:exactly\s+|only\s+|with\s+)*["'“‘]` +
		`|\b(?:assistant|chatbot|language\s+model|llm|ai\s+model)s?\b[^.!?\n]{0,40}\b(?:must|should\s+now|instructions?)\b` +
		`|^\s*(?:system|assistant)\s*:`)
)

// parseAnswer splits an answer into sentences with their citations.
// Paragraphs are separated by blank lines; list items and lines are
// sentences of their own.
func parseAnswer(answer string) []sentence {
	var out []sentence
	answer = strings.ReplaceAll(answer, "\r\n", "\n")
	for p, para := range paragraphRE.Split(answer, -1) {
		for _, line := range strings.Split(para, "\n") {
			line = bulletRE.ReplaceAllString(line, "")
			line = emphasis.Replace(line)
			line = citeAfterStopRE.ReplaceAllString(line, "$2$1")
			for _, raw := range splitSentences(line) {
				s := sentence{raw: raw, para: p}
				for _, m := range citeRE.FindAllString(raw, -1) {
					s.cites = appendCites(s.cites, m)
				}
				text := citeRE.ReplaceAllString(raw, "")
				text = spaceBeforeRE.ReplaceAllString(text, "$1")
				s.text = strings.TrimSpace(spacesRE.ReplaceAllString(text, " "))
				if isSourcesLabel(s.text) {
					// A line of markers only ("Sources: [1], [2]") belongs
					// to the sentence before it.
					if len(out) > 0 && len(s.cites) > 0 {
						out[len(out)-1].cites = mergeCites(out[len(out)-1].cites, s.cites)
					}
					continue
				}
				out = append(out, s)
			}
		}
	}
	return out
}

// isSourcesLabel reports whether what is left of a sentence once its
// markers are gone is nothing, or only a label such as "Sources:".
func isSourcesLabel(s string) bool {
	s = strings.ToLower(strings.Trim(s, " :.-*()"))
	return s == "" || s == "source" || s == "sources" || s == "reference" || s == "references"
}

// appendCites adds the numbers of one marker to cites, without repeats.
func appendCites(cites []int, marker string) []int {
	inner := strings.Trim(marker, "[] ")
	inner = sourceWordRE.ReplaceAllString(inner, "")
	for _, part := range citeSepRE.Split(inner, -1) {
		lo, hi, isRange := strings.Cut(strings.ReplaceAll(part, "–", "-"), "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		if err1 != nil {
			continue
		}
		b := a
		if isRange {
			if v, err := strconv.Atoi(strings.TrimSpace(hi)); err == nil && v >= a && v-a < 20 {
				b = v
			}
		}
		for n := a; n <= b; n++ {
			if !slices.Contains(cites, n) {
				cites = append(cites, n)
			}
		}
	}
	return cites
}

func mergeCites(a, b []int) []int {
	for _, n := range b {
		if !slices.Contains(a, n) {
			a = append(a, n)
		}
	}
	return a
}

// abbreviations end in a full stop that does not end a sentence.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "eg": true, "ie": true, "mr": true, "mrs": true, "ms": true,
	"dr": true, "st": true, "no": true, "tel": true, "ref": true, "approx": true, "vs": true,
}

// splitSentences splits one line at sentence ends: a full stop, question
// or exclamation mark followed by a space and not by a lower-case letter,
// and not ending an abbreviation. Decimals and times ("1.5", "7.30am") do
// not split because no space follows the stop.
func splitSentences(line string) []string {
	var out []string
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		j := i + 1
		for j < len(line) {
			r, size := utf8.DecodeRuneInString(line[j:])
			if !strings.ContainsRune(`.!?"')”’`, r) {
				break
			}
			j += size
		}
		if j < len(line) && line[j] != ' ' && line[j] != '\t' {
			continue
		}
		k := j
		for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
			k++
		}
		if k < len(line) {
			if r, _ := utf8.DecodeRuneInString(line[k:]); unicode.IsLower(r) {
				continue
			}
		}
		if c == '.' && endsInAbbreviation(line[start:i]) {
			continue
		}
		if s := strings.TrimSpace(line[start:j]); s != "" {
			out = append(out, s)
		}
		start = k
		i = k - 1
	}
	if s := strings.TrimSpace(line[start:]); s != "" {
		out = append(out, s)
	}
	return out
}

func endsInAbbreviation(s string) bool {
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	w := strings.ToLower(s[i+1:])
	if w == "" {
		return false
	}
	return abbreviations[w] || utf8.RuneCountInString(w) == 1
}

var (
	emailRE    = regexp.MustCompile(`(?i)[a-z0-9._%+\-]+@[a-z0-9\-]+(?:\.[a-z0-9\-]+)+`)
	ampmRE     = regexp.MustCompile(`(\d)\s?([ap])\.?m\b\.?`)
	ordinalRE  = regexp.MustCompile(`(\d)(?:st|nd|rd|th)\b`)
	thousandRE = regexp.MustCompile(`(\d),(\d{3})\b`)
	phoneRE    = regexp.MustCompile(`\+?\d[\d ]{7,}\d`)
	numberRE   = regexp.MustCompile(`[£$€]?\p{L}*\d[\p{L}\d]*(?:[.:/]\d+[\p{L}\d]*)*%?`)
	wordRE     = regexp.MustCompile(`\p{L}+(?:['’]\p{L}+)*`)
	// apostrophes are dropped inside words: "don't" is "dont".
	apostrophes = strings.NewReplacer("'", "", "’", "")
)

// verbatimTokens returns the numbers, amounts, times, dates, codes, phone
// numbers and email addresses in s, in a canonical form that keeps what a
// resident relies on: "7 am" and "7am" agree, "01234 567890" and
// "01234567890" agree, "£1,200" and "£1200" agree, "7.30am" and "7:30am"
// do not.
func verbatimTokens(s string) []string {
	s = strings.ToLower(s)
	var out []string
	s = emailRE.ReplaceAllStringFunc(s, func(m string) string {
		out = append(out, m)
		return " "
	})
	s = ampmRE.ReplaceAllString(s, "${1}${2}m")
	s = ordinalRE.ReplaceAllString(s, "$1")
	for range 2 {
		s = thousandRE.ReplaceAllString(s, "$1$2")
	}
	s = phoneRE.ReplaceAllStringFunc(s, func(m string) string {
		digits := strings.ReplaceAll(m, " ", "")
		if len(strings.TrimPrefix(digits, "+")) >= 9 && (digits[0] == '0' || digits[0] == '+') {
			return digits
		}
		return m
	})
	out = append(out, numberRE.FindAllString(s, -1)...)
	return out
}

// bareToken strips a currency sign and a trailing unit (am, pm, %, p).
func bareToken(t string) string {
	t = strings.TrimLeft(t, "£$€")
	for _, suf := range []string{"am", "pm", "%", "p"} {
		if b, ok := strings.CutSuffix(t, suf); ok && b != "" && b[len(b)-1] >= '0' && b[len(b)-1] <= '9' {
			return b
		}
	}
	return t
}

// contentStems returns the Porter stems of s's words that carry meaning.
func contentStems(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range wordRE.FindAllString(strings.ToLower(s), -1) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		w = apostrophes.Replace(w)
		if utf8.RuneCountInString(w) < 2 || stopWords[w] {
			continue
		}
		out[porterstemmer.StemString(w)] = true
	}
	return out
}

// stopWords carry no claim of their own: function words, and the verbs
// and pronouns an answer wraps a source's facts in.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at
		be because been before being below between both but by can cannot could did do does doing done
		down during each either else ever every few for from further get gets getting got had has have having
		he her here hers herself him himself his how however i if in into is it its itself just least less
		let like may me might more most much must my myself need needs neither no nor not now of off on once
		one only or other our ours ourselves out over own please same shall she should so some such than that
		the their theirs them themselves then there these they this those through thus to too under until up
		upon us very via was we were what when where whether which while who whom whose why will with within
		without would yes yet you your yours yourself yourselves dont doesnt cant wont isnt arent youll youre
		youve im ive wasnt werent hasnt havent hadnt didnt wouldnt shouldnt couldnt thats theres whats
		able according source sources usually simply`) {
		m[w] = true
	}
	return m
}()
