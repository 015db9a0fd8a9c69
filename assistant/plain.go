package assistant

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// plainWords maps jargon to plain words, after GOV.UK's "words to avoid"
// and the Plain English Campaign's A to Z of alternative words. Keys are
// lower case; longer phrases are tried before shorter ones. Every
// replacement keeps the sentence grammatical in the common case; words
// whose plain form depends on context ("deliver", "facilitate") are left
// out on purpose.
var plainWords = map[string]string{
	"refuse collection":           "bin collection",
	"refuse collections":          "bin collections",
	"in accordance with":          "under",
	"in respect of":               "about",
	"with regard to":              "about",
	"with respect to":             "about",
	"in relation to":              "about",
	"in the event that":           "if",
	"in the event of":             "if there is",
	"prior to":                    "before",
	"subsequent to":               "after",
	"in order to":                 "to",
	"on receipt of":               "when you get",
	"at this point in time":       "now",
	"at the present time":         "now",
	"a number of":                 "some",
	"the majority of":             "most",
	"be required to":              "have to",
	"is required to":              "must",
	"are required to":             "must",
	"commence":                    "start",
	"commences":                   "starts",
	"commenced":                   "started",
	"commencing":                  "starting",
	"residents":                   "people",
	"approximately":               "about",
	"purchase":                    "buy",
	"purchased":                   "bought",
	"require":                     "need",
	"requires":                    "needs",
	"required":                    "needed",
	"assistance":                  "help",
	"dwelling":                    "home",
	"dwellings":                   "homes",
	"premises":                    "building",
	"additional":                  "extra",
	"sufficient":                  "enough",
	"obtain":                      "get",
	"obtained":                    "got",
	"terminate":                   "end",
	"terminated":                  "ended",
	"utilise":                     "use",
	"utilised":                    "used",
	"utilize":                     "use",
	"endeavour":                   "try",
	"ascertain":                   "find out",
	"notify":                      "tell",
	"notified":                    "told",
	"inform":                      "tell",
	"submit":                      "send",
	"submitted":                   "sent",
	"remittance":                  "payment",
	"reside":                      "live",
	"resides":                     "lives",
	"individuals":                 "people",
	"therefore":                   "so",
	"consequently":                "so",
	"furthermore":                 "also",
	"additionally":                "also",
	"whilst":                      "while",
	"amongst":                     "among",
	"correspondence":              "letters and emails",
	"expenditure":                 "spending",
	"entitlement":                 "right",
	"discontinue":                 "stop",
	"discontinued":                "stopped",
	"initiate":                    "start",
	"initiated":                   "started",
	"modify":                      "change",
	"modified":                    "changed",
	"numerous":                    "many",
	"principal":                   "main",
	"proceed":                     "go ahead",
	"retain":                      "keep",
	"retained":                    "kept",
	"issue a refund":              "pay back",
	"at the earliest opportunity": "as soon as you can",
	"regarding":                   "about",
	"in excess of":                "more than",
	"in receipt of":               "getting",
	"per annum":                   "a year",
	"in conjunction with":         "with",
	"with effect from":            "from",
	"due to the fact that":        "because",
	"owing to the fact that":      "because",
	"for the purpose of":          "for",
	"for the purposes of":         "for",
	"in the course of":            "during",
	"with the exception of":       "except",
	"a large number of":           "many",
	"the vast majority of":        "most",
	"in the vicinity of":          "near",
	"adjacent to":                 "next to",
	"ensure":                      "make sure",
	"ensures":                     "makes sure",
	"ensuring":                    "making sure",
	"assist":                      "help",
	"assists":                     "helps",
	"assisted":                    "helped",
	"demonstrate":                 "show",
	"demonstrates":                "shows",
	"participate":                 "take part",
	"particulars":                 "details",
	"supplementary":               "extra",
	"remuneration":                "pay",
	"anticipate":                  "expect",
	"anticipated":                 "expected",
	"expedite":                    "speed up",
	"commencement":                "start",
	"cease":                       "stop",
	"ceased":                      "stopped",
	"reimburse":                   "pay back",
	"reimbursed":                  "paid back",
	"acquire":                     "get",
	"thereafter":                  "after that",
	"utilisation":                 "use",
	// Round 5 (2026-11-23): more of the A to Z, each only in a form
	// whose swap reads right wherever it falls. "received" is left out
	// ("request ..., received 23 May 2011" is a date stamp), as are the
	// bare "reduce" ("reduced fees") and "following" ("the following
	// day"): only "be reduced to/by" and "one of the following" are safe.
	"receive":                      "get",
	"receives":                     "gets",
	"receiving":                    "getting",
	"carry out":                    "do",
	"carries out":                  "does",
	"carrying out":                 "doing",
	"is able to":                   "can",
	"are able to":                  "can",
	"is unable to":                 "cannot",
	"are unable to":                "cannot",
	"am unable to":                 "cannot",
	"be reduced to":                "be cut to",
	"be reduced by":                "be cut by",
	"is reduced to":                "is cut to",
	"is reduced by":                "is cut by",
	"are reduced to":               "are cut to",
	"are reduced by":               "are cut by",
	"one of the following":         "one of these",
	"any of the following":         "any of these",
	"all of the following":         "all of these",
	"each of the following":        "each of these",
	"a minimum of":                 "at least",
	"a maximum of":                 "up to",
	"in the region of":             "about",
	"in lieu of":                   "instead of",
	"pursuant to":                  "under",
	"on a daily basis":             "daily",
	"on a weekly basis":            "weekly",
	"on a monthly basis":           "monthly",
	"on a regular basis":           "regularly",
	"at your earliest convenience": "as soon as you can",
	"in the near future":           "soon",
	"at this moment in time":       "now",
	"should you wish to":           "if you want to",
	"indicate":                     "show",
	"indicates":                    "shows",
}

// plainOnly are the plainWords swaps made only for residents who asked
// for plain English: the jargon is also part of a name or a legal term
// ("premises licence", "residents' parking", "principal council", "a
// dwelling" for council tax, "entitlement" to a benefit) or the plain
// word is vaguer ("correspondence"). Every other swap is made in every
// answer (see Everyday).
var plainOnly = map[string]bool{
	"residents": true, "premises": true, "dwelling": true, "dwellings": true,
	"principal": true, "entitlement": true, "correspondence": true, "individuals": true,
}

// plainKeys is plainWords' keys, longest first, so that "refuse
// collection" wins over shorter keys that overlap it.
var plainKeys = func() []string {
	keys := make([]string, 0, len(plainWords))
	for k := range plainWords {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if c := cmp.Compare(len(b), len(a)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	return keys
}()

// acronyms are expanded on first use when the text does not already
// spell them out.
var acronyms = map[string]string{
	"HMO":  "house in multiple occupation",
	"HMOs": "houses in multiple occupation",
	"PCN":  "penalty charge notice",
	"PCNs": "penalty charge notices",
	"CTR":  "Council Tax Reduction",
	"CTS":  "Council Tax Support",
	"DHP":  "Discretionary Housing Payment",
	"DHPs": "Discretionary Housing Payments",
	"EHCP": "education, health and care plan",
	"EHC":  "education, health and care",
	"SEND": "special educational needs and disabilities",
	"SEN":  "special educational needs",
	"FOI":  "Freedom of Information",
	"EIR":  "Environmental Information Regulations",
	"DLA":  "Disability Living Allowance",
	"PIP":  "Personal Independence Payment",
	"LHA":  "Local Housing Allowance",
	"ASB":  "anti-social behaviour",
	"TEN":  "temporary event notice",
	"TENs": "temporary event notices",
	"HWRC": "household waste recycling centre",
	"CAZ":  "Clean Air Zone",
	"ANPR": "number plate cameras",
	"DBS":  "Disclosure and Barring Service",
	"DVLA": "Driver and Vehicle Licensing Agency",
	"HMRC": "HM Revenue and Customs",
	"NNDR": "business rates",
	"SMI":  "severe mental impairment",
	"UC":   "Universal Credit",
}

// PlainEnglish rewrites text in plainer English: it swaps jargon for plain
// words ("refuse collection" becomes "bin collection"), expands acronyms
// on first use ("HMO" becomes "house in multiple occupation (HMO)") and
// splits long sentences at semicolons and at ", and", ", but" and
// ", which" where both halves stand alone. It never changes a number, a
// price, a time, a phone number, a link or an email address: it only
// replaces whole words that contain no digits, and only inserts or removes
// words around them.
func PlainEnglish(text string) string {
	if strings.TrimSpace(text) == "" {
		return text
	}
	return plainText(text, map[string]bool{})
}

// plainText is PlainEnglish with the set of acronyms already expanded, so
// that a text passed in pieces expands each acronym once.
func plainText(text string, seen map[string]bool) string {
	lines := strings.Split(text, "\n")
	for i, line := range lines {
		line = swapJargon(line)
		line = expandAcronyms(line, seen)
		lines[i] = splitLong(line)
	}
	return strings.Join(lines, "\n")
}

// swapJargon replaces plainWords phrases at word boundaries, keeping an
// initial capital.
func swapJargon(s string) string { return swapWords(s, true) }

// swapWords replaces plainWords phrases at word boundaries, keeping an
// initial capital; all of them when plain is set, else all but plainOnly.
func swapWords(s string, plain bool) string {
	lower := strings.ToLower(s)
	var b strings.Builder
	i := 0
	for i < len(s) {
		if i > 0 && isWordByte(s[i-1]) || !isWordByte(s[i]) {
			b.WriteByte(s[i])
			i++
			continue
		}
		matched := false
		for _, k := range plainKeys {
			if !strings.HasPrefix(lower[i:], k) || !plain && plainOnly[k] {
				continue
			}
			end := i + len(k)
			if end < len(s) && (isWordByte(s[end]) || s[end] == '\'') || strings.HasPrefix(s[end:], "’") {
				continue // inside a longer word, or a possessive ("residents' parking")
			}
			if inToken(s, i, end) {
				continue // part of a link or an email address
			}
			rep := plainWords[k]
			if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsUpper(r) {
				rep = capitalise(rep)
			}
			b.WriteString(rep)
			i = end
			matched = true
			break
		}
		if !matched {
			// Copy the rest of this word.
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			b.WriteString(s[i:j])
			i = j
		}
	}
	return b.String()
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// inToken reports whether s[i:j] sits inside a link or an email address.
func inToken(s string, i, j int) bool {
	start := strings.LastIndexAny(s[:i], " \t\n") + 1
	end := strings.IndexAny(s[j:], " \t\n")
	if end < 0 {
		end = len(s)
	} else {
		end += j
	}
	tok := s[start:end]
	return strings.Contains(tok, "://") || strings.HasPrefix(tok, "www.") || strings.Contains(tok, "@") ||
		strings.Contains(tok, "/") || strings.Contains(tok, ".gov")
}

// expandAcronyms spells out each known acronym the first time it appears,
// unless its expansion is already in the text or the text around it is in
// capitals (a heading shouted in capitals, where "SEND" is a verb).
func expandAcronyms(s string, seen map[string]bool) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return s
	}
	var b strings.Builder
	pos := 0
	lower := strings.ToLower(s)
	for _, w := range words {
		idx := strings.Index(s[pos:], w) + pos
		b.WriteString(s[pos:idx])
		pos = idx + len(w)
		core := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		exp, ok := acronyms[core]
		if !ok || seen[core] || shouting(s) || strings.Contains(lower, strings.ToLower(exp)) {
			b.WriteString(w)
			continue
		}
		seen[core] = true
		at := strings.Index(w, core)
		b.WriteString(w[:at] + exp + " (" + core + ")" + w[at+len(core):])
	}
	b.WriteString(s[pos:])
	return b.String()
}

// shouting reports text mostly in capitals.
func shouting(s string) bool {
	up, low := 0, 0
	for _, r := range s {
		if unicode.IsUpper(r) {
			up++
		} else if unicode.IsLower(r) {
			low++
		}
	}
	return up > 8 && up > low
}

// Everyday is the plain-English pass Format gives every answer, whatever
// the resident asked for: jargon swapped for plain words (all of
// plainWords but the few kept for plain English, see plainOnly) and long
// sentences split where both halves stand alone. It is the text's shape as
// shown, so the composer grades units with it. Like PlainEnglish it never
// changes a figure, a link or an email address, and it expands no acronyms
// (a longer answer is not plainer for someone who knows them).
func Everyday(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = splitLong(swapWords(l, false))
	}
	return strings.Join(lines, "\n")
}

// SplitLong splits text's long sentences where both halves stand alone,
// as Format does for every answer. It never changes a figure, a link or
// an email address.
func SplitLong(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = splitLong(l)
	}
	return strings.Join(lines, "\n")
}

// longSentence is the word count past which a sentence is split.
const longSentence = 16

// splitLong splits long sentences in a line.
func splitLong(line string) string {
	sents := sentencesOf(line)
	for i, s := range sents {
		if wordCount(s) > longSentence {
			sents[i] = splitSentence(s)
		}
	}
	return strings.Join(sents, " ")
}

// sentencesOf splits a line after ".", "!" or "?" followed by a space,
// leaving abbreviations whole.
func sentencesOf(line string) []string {
	var out []string
	start := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		if (c == '.' || c == '!' || c == '?') && i+1 < len(line) && line[i+1] == ' ' {
			word := line[strings.LastIndexByte(line[:i], ' ')+1 : i]
			if c == '.' && isAbbreviation(strings.ToLower(word)) {
				continue
			}
			out = append(out, line[start:i+1])
			start = i + 2
		}
	}
	if start < len(line) {
		out = append(out, line[start:])
	}
	return out
}

func wordCount(s string) int { return len(strings.Fields(s)) }

// splitters are the places a long sentence may be cut, tried in order.
// The text before the cut gets a full stop; then gives what starts the
// second sentence ("" keeps the next word, capitalised).
var splitters = []struct{ at, then string }{
	{"; ", ""},
	{", but ", "But "},
	{" — ", ""},
	{" – ", ""},
	{" - ", ""},
	{", and ", ""},
	{", or ", "Or "},
	{", which ", "This "},
	{", so ", "So "},
	{", then ", "Then "},
	{", because ", "This is because "},
	{", meaning ", "This means "},
	{", including ", "This includes "},
	{", although ", "But "},
	{", whereas ", "But "},
	{", however, ", "However, "},
	{", for example, ", "For example, "},
	{", otherwise ", "Otherwise, "},
	{": ", ""},
}

// startsClause reports a tail that opens with a capitalised word, as a
// sentence after a dash does in council pages ("— Every two weeks").
func startsClause(tail string) bool {
	r, _ := utf8.DecodeRuneInString(tail)
	return unicode.IsUpper(r)
}

// endsInFigure reports text whose last word holds a digit: a dash after
// it is most likely a range ("9am - 5pm", "2022 - 2023").
func endsInFigure(s string) bool {
	f := strings.Fields(s)
	return len(f) > 0 && strings.IndexFunc(f[len(f)-1], unicode.IsDigit) >= 0
}

// appositive are the splitters whose second half adds to the whole first
// half, so the first must be a sentence already.
var appositive = map[string]bool{", meaning ": true, ", including ": true, ", for example, ": true}

// subordinators open a clause that cannot stand alone.
var subordinators = map[string]bool{
	"if": true, "when": true, "whenever": true, "although": true, "though": true, "because": true, "while": true,
	"whilst": true, "unless": true, "as": true, "once": true, "before": true, "after": true, "where": true,
	"since": true, "until": true, "whether": true, "provided": true,
}

// subordinate reports text that opens with a subordinate clause and has
// no comma after which a main clause could start.
func subordinate(head string) bool {
	f := strings.Fields(head)
	return len(f) > 0 && subordinators[strings.ToLower(strings.Trim(f[0], "\"'“‘("))] && !strings.Contains(head, ", ")
}

// subjectStarts are words that can open a sentence of their own, so a
// ", and" before them joins two clauses rather than the end of a list.
var subjectStarts = map[string]bool{
	"you": true, "we": true, "they": true, "it": true, "this": true, "that": true, "these": true,
	"the": true, "your": true, "our": true, "their": true, "there": true, "he": true, "she": true,
	"i": true, "if": true, "a": true, "an": true, "some": true, "most": true, "all": true,
	"any": true, "each": true, "every": true, "no": true, "then": true,
}

// questionStarts are words that open a question: after a colon, a
// question is a sentence of its own.
var questionStarts = map[string]bool{
	"how": true, "what": true, "when": true, "where": true, "why": true, "who": true, "which": true,
	"can": true, "could": true, "do": true, "does": true, "did": true, "is": true, "are": true,
	"will": true, "would": true, "has": true, "have": true, "please": true,
}

// splitSentence cuts one long sentence at the first splitter that leaves
// both halves at least five words long and the second able to stand
// alone, then splits the halves again if they are still long.
func splitSentence(s string) string {
	for _, sp := range splitters {
		from := 0
		for {
			k := strings.Index(s[from:], sp.at)
			if k < 0 {
				break
			}
			k += from
			from = k + len(sp.at)
			head, tail := s[:k], s[k+len(sp.at):]
			if wordCount(head) < 5 || wordCount(tail) < 5 {
				continue
			}
			if appositive[sp.at] && subordinate(head) {
				// "If the person died here, including at the
				// hospital, register ...": no main clause yet.
				continue
			}
			first := strings.ToLower(strings.Fields(tail)[0])
			switch sp.at {
			case "; ":
				// Not inside a list after a colon, nor a table row
				// ("Band: D; Annual charge: £2,173.24").
				if strings.Contains(head, ": ") {
					continue
				}
			case ", and ", ", or ":
				if !subjectStarts[first] {
					continue
				}
			case " — ", " – ", " - ":
				// A dash before a clause of its own ("quick and easy —
				// most people finish in 2 minutes"), not a range ("9am -
				// 5pm"), an aside between two dashes or a list after a
				// colon.
				if !subjectStarts[first] && !startsClause(tail) || strings.Contains(tail, sp.at) ||
					strings.Contains(head, ": ") || endsInFigure(head) {
					continue
				}
			case ", so ":
				if first == "that" || first == "as" || first == "far" || first == "long" {
					continue // "so that you can ...", "so long as": not a clause of its own
				}
			case ": ":
				// A colon before a sentence of its own ("..., received
				// 25 January 2012: How many parking tickets ..."), not
				// before a figure, a name or a list ("fees: £25",
				// "agents: Marstons; Equita"), nor a second colon.
				if !startsClause(tail) || !subjectStarts[first] && !questionStarts[first] ||
					strings.Contains(head, ": ") || strings.Contains(tail, ": ") {
					continue
				}
			case ", which ":
				// Only a clause that runs to the end of the sentence:
				// "the fee, which is £25." not "the form, which you can
				// download, must be signed".
				if strings.Contains(strings.TrimRight(tail, ".!?"), ",") {
					continue
				}
			}
			var second string
			if sp.then == "" {
				second = capitalise(tail)
			} else {
				second = sp.then + tail
			}
			head = strings.TrimRight(head, ",;: ")
			if wordCount(head) > longSentence {
				head = splitSentence(head + ".")
				head = strings.TrimSuffix(head, ".")
			}
			if wordCount(second) > longSentence {
				second = splitSentence(second)
			}
			return head + ". " + second
		}
	}
	return s
}

// capitalise upper-cases the first letter of s.
func capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// asideRx matches a bracketed aside that may add nothing to the sentence
// around it: an acronym ("(EHC)", "(HRCs)") or another name for what was
// just said ("(also called council tax reduction)").
var asideRx = regexp.MustCompile(`\s\(([A-Z]{2,6}s?|(?:also|sometimes) (?:called|known as) [^()0-9]{1,60})\)`)

// dropAsides removes from sentence s the bracketed aliases and the
// bracketed acronyms that whole (the answer s is part of) does not use
// again: the words they stand for are already there, so they only make
// the sentence longer to read. An acronym used again keeps the bracket
// that defines it; asides holding figures, conditions or links are kept.
func dropAsides(s, whole string) string {
	if !strings.Contains(s, "(") {
		return s
	}
	return asideRx.ReplaceAllStringFunc(s, func(m string) string {
		inner := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(m), "("), ")")
		if inner[0] >= 'A' && inner[0] <= 'Z' && !strings.Contains(inner, " ") && wordsIn(whole, strings.TrimSuffix(inner, "s")) > 1 {
			return m
		}
		return ""
	})
}

// wordsIn counts the words of text that are w, or w with a plural "s".
func wordsIn(text, w string) int {
	n := 0
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if f == w || f == w+"s" {
			n++
		}
	}
	return n
}
