package llm

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
)

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
