package extractive

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
)

// factKind is a kind of fact a question asks for.
type factKind int

const (
	factAmount   factKind = iota // how much: £25, 50p, 25%
	factTime                     // when: 10am, Thursday, 1 April
	factDuration                 // how long: 2 working days, 28 days
	factPhone                    // who do I call: 0114 273 4567, 101
	factCount                    // how many: any figure
	factOrg                      // who: Gloucestershire County Council, Greenway Ltd
	factPlace                    // where: Hempsted Lane, GL2 5JQ; Central Library
	factReason                   // why: because ..., the exemption in section 22
	factOutcome                  // did they give it: not held, refused, released
	numFactKinds
	// factFree is "free" or "no charge": an answer to "does it cost
	// anything?", but only half an answer to "how much is it?". It is
	// never asked for on its own.
	factFree = numFactKinds
)

// factSet is a set of fact kinds.
type factSet uint16

func (s factSet) has(k factKind) bool { return s&(1<<k) != 0 }

// question is what Compose needs to know about the question.
type question struct {
	// terms are the distinct stems and figures of the question's topic:
	// stop words and the words that name the kind of fact asked for
	// ("cost", "phone") are left out.
	terms []string
	asks  factSet
	// wants are the kinds of fact asked for as pseudo-terms, one per
	// kind ("#0" for an amount). A unit holding such a fact "contains"
	// the term, so that "Price: £30" answers "how much does it cost"
	// though it shares no word with it. They weigh like terms, by how
	// rare the fact is among the candidates.
	wants []string
	// aboutRequests is set for questions about FOI requests themselves.
	aboutRequests bool
	// years are the years the question names ("in 2022", "2022/23",
	// "2020-2023" gives 2020 to 2023): a unit that names only other
	// years is about another period.
	years map[int]bool
	// plain is set when the resident asked for plain English or has low
	// literacy: readable sentences count for more.
	plain bool
	// when is set for questions that ask when something is ("when is",
	// "what date", "which days"): only a date or time about the topic
	// answers them.
	when bool
	// whenMay is set for "when should I ...", "when can we ...": a time
	// limit ("within 20 working days") answers them too.
	whenMay bool
}

// whyAsked matches questions that open by asking why.
var whyAsked = regexp.MustCompile(`^\W*(so |but |and )?why\b`)

// whenMayAsked matches questions about when the resident may or should act.
var whenMayAsked = regexp.MustCompile(`\bwhen (should|can|could|must|do|will|would) (i|we)\b`)

// whenAsked matches questions asking for a date or time, not "when it
// snows" (a condition).
var whenAsked = regexp.MustCompile(`\bwhen('s| (is|are|was|were|do|does|did|will|would|can|could|should|shall))\b|^when (is|are|do|does|will)\b|\bwhat (time|date|day)s?\b|\bwhich (days?|dates?)\b|\bby when\b|\bopening (hours|times)\b`)

// all returns the topic terms and the pseudo-terms of the facts asked for.
func (q question) all() []string { return append(q.terms[:len(q.terms):len(q.terms)], q.wants...) }

// wantTerm is the pseudo-term of a kind of fact.
func wantTerm(k factKind) string { return "#" + strconv.Itoa(int(k)) }

// wantKind returns the kind of fact a pseudo-term stands for.
func wantKind(t string) (factKind, bool) {
	if len(t) != 2 || t[0] != '#' {
		return 0, false
	}
	return factKind(t[1] - '0'), true
}

// cueWords name a kind of fact; a question term among them is answered
// by a fact of that kind.
var cueWords = map[factKind][]string{
	factAmount:   {"cost", "costs", "price", "prices", "fee", "fees", "charge", "charges", "charged", "pay", "paid", "spend", "spent", "expensive", "cheap", "cheaper", "afford"},
	factTime:     {"time", "times", "date", "dates", "deadline", "open", "opening", "hours"},
	factDuration: {"quick", "quickly", "fast", "soon", "wait"},
	factPhone:    {"phone", "telephone", "ring", "call", "number", "helpline", "contact"},
	factCount:    {"number", "total"},
	factOrg:      {"company", "companies", "firm", "firms", "organisation", "organization", "contractor", "supplier", "responsible"},
	factPlace:    {"address", "location", "located", "nearest"},
	factReason:   {"why", "reason", "reasons"},
}

// askCues say which facts a (lower-cased) question asks for. They are general question
// forms, not words from any particular question.
var askCues = [numFactKinds]*regexp.Regexp{
	factAmount:   regexp.MustCompile(`\bhow much\b|\bcosts?\b|\bcosting\b|\bprices?\b|\bfees?\b|\bcharges?\b|\bcharged\b|\b(have|need|got) to pay\b|\bpay (for|anything|extra|more|less)\b|\bdid \w+( \w+)? pay\b|\bspen[dt]\b|\bexpensive\b|\bcheap(er)?\b|\bafford|£|\bworth\b|\bvalue\b|\bfree\b|\bdiscounts?\b|\breductions?\b|\blimit\b|\bpremium\b`),
	factTime:     regexp.MustCompile(`\bwhen('s| (is|are|was|were|do|does|did|will|would|can|could|should|shall|has|have|must))\b|^when\b|\bwhat time\b|\bopen\b|\bopening\b|\bclos(e|es|ing)\b|\bwhat days?\b|\bwhich days?\b|\bdates?\b|\bdeadline\b|\bcut[ -]?off\b|\bby when\b|\buntil\b|\blast day\b|\bhow (late|early)\b|\bhours\b`),
	factDuration: regexp.MustCompile(`\bhow long\b|\bhow (quick|quickly|fast|soon)\b|\bhow far (ahead|in advance)\b|\bhow much notice\b|\bnotice\b|\bhow many (days|weeks|months|years|hours)\b|\bwithin\b|\bvalid\b|\bturnaround\b|\bwait\b`),
	factPhone:    regexp.MustCompile(`\bphone\b|\btelephone\b|\bring\b|\bcall\b|\bnumber (to|for)\b|\bhelpline\b|\bcontact\b|\bwho (do|should|can) (i|we) (ring|call|contact|phone|speak|talk|tell|report)\b`),
	factCount:    regexp.MustCompile(`\bhow many\b|\bnumber of\b|\btotal\b|\bhow often\b|\bwhat percentage\b`),
	factOrg:      regexp.MustCompile(`\bwho (do|should|can|will|does|did|is|are|was|runs|run|won|collects|owns|manages|decides|deals|handles)\b|\bwho('s| is) responsible\b|\bwhich (company|companies|firm|firms|organisation|organization|contractor|supplier|council|department|team|body)\b`),
	factPlace:    regexp.MustCompile(`\bwhere('s| (is|are|can|could|do|does|should|will|would|to))\b|^where\b|\b(what|which)('s| is) the address\b|\baddress (of|for)\b|\bnearest\b|\bwhere (abouts|about)\b|\bwhat location\b|\bis located\b`),
	factReason:   regexp.MustCompile(`^\W*(so |but |and )?why\b|^\W*what (was|is) the reason\b|^\W*for what reason\b`),
}

// whoToCall matches "who do I ring", which asks for a phone number.
var whoToCall = regexp.MustCompile(`\bwho (do|should|can) (i|we) (ring|call|phone|contact|speak|talk)\b`)

// howMuchOf finds the word after "how much": a noun there ("how much
// salt") asks for a quantity, a verb ("how much is it") for a price.
var howMuchOf = regexp.MustCompile(`\bhow much ([a-z]+)`)

// notQuantity are the words after "how much" that do not name a quantity.
var notQuantity = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "does": true, "do": true, "did": true, "will": true,
	"would": true, "can": true, "could": true, "should": true, "it": true, "its": true, "to": true, "for": true,
	"of": true, "have": true, "has": true, "i": true, "we": true, "they": true, "you": true, "u": true, "the": true,
	"a": true, "an": true, "my": true, "our": true, "in": true, "on": true, "more": true, "less": true, "extra": true,
}

// moneyWords say that a "how much" question is about money; without one,
// "how much salt" asks for a quantity, any figure.
var moneyWords = regexp.MustCompile(`\bcosts?\b|\bpay|\bpaid\b|\bprice|\bfees?\b|\bcharg|\bspen[dt]|£|\bmoney\b|\bbudget|\bworth\b|\bis it\b|\bafford|\bgrant|\bfine\b|\bfines\b|\brent\b|\bsave\b`)

// factPatterns find each kind of fact in a unit's lower-cased text; a
// nil entry is checked in code.
var factPatterns = [numFactKinds]*regexp.Regexp{
	factAmount:   regexp.MustCompile(`£\s?\d|\b\d+(\.\d{2})?\s?(p|pence|pounds)\b|\d\s?%|\b\d+ per ?cent\b`),
	factTime:     regexp.MustCompile(`\b\d{1,2}([:.]\d{2})?\s?(am|pm)\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}(st|nd|rd|th)\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b`),
	factDuration: regexp.MustCompile(`\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|twenty|thirty)\s(working |calendar |clear |full )?(days?|weeks?|months?|years?|hours?|minutes?|mins)\b|\bwithin\b|\buntil\b|\bvalid (for|until)\b`),
	factPhone:    regexp.MustCompile(`\b0\d{2,4}[ -]?\d{3,4}[ -]?\d{3,4}\b|\b0\d{9,10}\b|\b(999|101|111)\b`),
	// A UK postcode, or a numbered street address.
	factPlace: regexp.MustCompile(`\b[a-z]{1,2}\d[a-z\d]? ?\d[a-z]{2}\b|\b\d{1,4}[a-z]? [a-z'’-]+( [a-z'’-]+)? (road|street|lane|avenue|way|drive|place|square|close|crescent|terrace|walk|parade|row|gate|park|hill)\b`),
}

// freeRx finds "free" as a word ("free of charge", not "freedom").
var freeRx = regexp.MustCompile(`\bfree\b`)

// timeNames finds times and dates written in words; factPatterns[factTime]
// finds those written in figures.
var timeNames = regexp.MustCompile(`\bnoon\b|\bmidday\b|\bmidnight\b|\b(mon|tues|wednes|thurs|fri|satur|sun)days?\b|\b(january|february|march|april|june|july|august|september|october|november|december)\b|\bbank holidays?\b|\bweekends?\b`)

// factHints are substrings one of which a text must hold before its
// pattern is tried: most sentences hold no fact, and a substring test is
// far cheaper than a regular expression.
var factHints = [numFactKinds][]string{
	factAmount:   {"£", "p ", "p.", "pence", "pound", "free", "charge", "cost", "fee"},
	factTime:     {"noon", "midday", "midnight", "day", "jan", "feb", "march", "april", "june", "july", "aug", "sept", "oct", "nov", "dec", "weekend"},
	factDuration: {"day", "week", "month", "year", "hour", "min"},
}

// stopWords are left out of question terms: function words, question
// words and words every council question shares.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all am an and any are aren't as at be
		because been before being below between both but by can can't cannot could couldn't did didn't do does
		doesn't doing don't down during each few for from further get gets getting got had hadn't has hasn't have
		haven't having he her here hers herself him himself his how i i'd i'll i'm i've if in into is isn't it it's
		its itself just let's me more most much my myself no nor not now of off on once only or other ought our ours
		ourselves out over own same she should shouldn't so some such than that that's the their theirs them
		themselves then there there's these they they'd they'll they're they've this those through to too under
		until up very was wasn't we we'd we'll we're we've were weren't what what's when where which while who
		whom why will with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
		please thanks thank hi hello ok okay u ur im ive id r y dont cant wont whats hows theres theyre youre isnt doesnt didnt n cos gonna wanna yes yeah also still
		want wanted wants need needs know tell like really just many long often able anything something someone
		anyone way thing things lot bit actually think sort say said one ones go going council councils`) {
		m[w] = true
	}
	return m
}()

// tokens splits text into lower-case words and figures.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	})
}

// stem returns the Snowball (Porter2) English stem of a lower-case word;
// figures are kept as they are.
func stem(w string) string {
	w = strings.Trim(w, "'")
	if w == "" || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
		return w
	}
	env := snowballstem.NewEnv(w)
	english.Stem(env)
	return env.Current()
}

// termsOf returns the stems of the content words of s, in order, with
// repeats.
func termsOf(s string) []string {
	var out []string
	eachTerm(s, func(st, _ string) { out = append(out, st) })
	return out
}

// numericDate matches a date written in figures ("10/04/2024").
var numericDate = regexp.MustCompile(`\b\d{1,2}/\d{1,2}/\d{2,4}\b`)

// eachTerm calls fn with the stem of each content word of s, in order,
// and the word it came from.
func eachTerm(s string, fn func(stem, word string)) {
	if strings.Contains(s, "/") {
		// A date in figures is one term: "10/04/2024" does not hold the
		// "10" of "10 months".
		s = numericDate.ReplaceAllStringFunc(s, func(d string) string { return strings.ReplaceAll(d, "/", "'") })
	}
	for _, w := range tokens(s) {
		w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
		if stopWords[w] {
			continue
		}
		if st := stem(w); st != "" {
			fn(truncate(st), w)
		}
	}
}

// truncate cuts a stem to six letters, so that forms the stemmer keeps
// apart ("respons" for responses, "respond" for responded) still match.
func truncate(st string) string {
	if len(st) <= 6 || isDigit(st) {
		return st
	}
	n := 0
	for i := range st {
		if n == 6 {
			return st[:i]
		}
		n++
	}
	return st
}

func isDigit(w string) bool { return w != "" && w[0] >= '0' && w[0] <= '9' }

// parseQuestion finds a question's terms and the facts it asks for.
func parseQuestion(text string) question {
	var q question
	seen := map[string]bool{}
	for _, t := range termsOf(text) {
		if !seen[t] {
			seen[t] = true
			q.terms = append(q.terms, t)
		}
	}
	q.asks = asksIn(text)
	if whyAsked.MatchString(strings.ToLower(text)) {
		// "Why can't the council say how much it spends on potholes?"
		// asks for a reason; the amount is what it is about.
		q.asks = 1 << factReason
	}
	q.aboutRequests = aboutRequests.MatchString(text)
	if q.aboutRequests && outcomeAsked.MatchString(strings.ToLower(text)) {
		// "Did the ministry ever give one out?", "what happened to the
		// FOI ...?": what became of a request.
		q.asks |= 1 << factOutcome
	}
	q.years = yearsIn(text, true)
	q.when = whenAsked.MatchString(strings.ToLower(text))
	q.whenMay = whenMayAsked.MatchString(strings.ToLower(text))
	cue := map[string]bool{}
	for k := range numFactKinds {
		if !q.asks.has(k) {
			continue
		}
		q.wants = append(q.wants, wantTerm(k))
		for _, w := range cueWords[k] {
			for _, t := range termsOf(w) {
				cue[t] = true
			}
		}
	}
	var topic []string
	for _, t := range q.terms {
		if !cue[t] {
			topic = append(topic, t)
		}
	}
	if len(topic) > 0 {
		// Unless the cue is all there is ("what's the phone number?").
		q.terms = topic
	}
	return q
}

// askHints hold a substring of every cue in askCues, by kind.
var askHints = [numFactKinds][]string{
	factAmount:   {"much", "cost", "pric", "fee", "charg", "pay", "spen", "expens", "cheap", "afford", "£", "worth", "valu", "free", "discount", "reduction", "limit", "premium"},
	factTime:     {"when", "time", "open", "clos", "day", "date", "deadline", "cut", "until", "how late", "how early", "hours"},
	factDuration: {"how long", "quick", "fast", "soon", "how far", "notice", "how many", "within", "valid", "turnaround", "wait"},
	factPhone:    {"phone", "ring", "call", "number", "helpline", "contact", "who "},
	factCount:    {"how many", "number of", "total", "how often", "percentage"},
	factOrg:      {"who", "which"},
	factPlace:    {"where", "address", "nearest", "locat"},
	factReason:   {"why", "reason"},
}

// asksIn returns the kinds of fact text asks for.
func asksIn(text string) factSet {
	text = strings.ToLower(text)
	var s factSet
	for k := range numFactKinds {
		hinted := false
		for _, h := range askHints[k] {
			if strings.Contains(text, h) {
				hinted = true
				break
			}
		}
		if hinted && askCues[k].MatchString(text) {
			s |= 1 << k
		}
	}
	if s.has(factOrg) && whoToCall.MatchString(text) {
		s &^= 1 << factOrg // "who do I ring": a number, not a name
	}
	if m := howMuchOf.FindStringSubmatch(text); m != nil && !notQuantity[m[1]] && !moneyWords.MatchString(text) {
		s |= 1 << factCount // "how much salt": a quantity
	}
	return s
}

// factsIn returns the kinds of fact text holds. Cheap substring tests
// settle most units before any regular expression runs.
func factsIn(text string) factSet {
	lower := strings.ToLower(text)
	digit := strings.IndexFunc(lower, unicode.IsDigit) >= 0
	var s factSet
	if digit {
		s |= 1 << factCount
	}
	if poundFigure(lower) || digit && (strings.Contains(lower, "p") || strings.Contains(lower, "%") || strings.Contains(lower, "cent")) && factPatterns[factAmount].MatchString(lower) {
		s |= 1 << factAmount
	}
	if strings.Contains(lower, "no charge") || strings.Contains(lower, "not charge") || strings.Contains(lower, "no cost") ||
		strings.Contains(lower, "no fee") || strings.Contains(lower, "free") && freeRx.MatchString(lower) {
		s |= 1 << factFree
	}
	if digit && factPatterns[factTime].MatchString(lower) || hinted(lower, factHints[factTime]) && timeNames.MatchString(lower) {
		s |= 1 << factTime
	}
	if strings.Contains(lower, "within") || strings.Contains(lower, "until") || strings.Contains(lower, "valid for") ||
		hinted(lower, factHints[factDuration]) && factPatterns[factDuration].MatchString(lower) {
		s |= 1 << factDuration
	}
	if digit && factPatterns[factPlace].MatchString(lower) {
		s |= 1 << factPlace
	}
	if digit && factPatterns[factPhone].MatchString(lower) {
		s |= 1 << factPhone
	}
	if hinted(text, orgHints) && orgName.MatchString(text) {
		s |= 1 << factOrg
	}
	if hinted(lower, reasonHints) && reasonRx.MatchString(lower) {
		s |= 1 << factReason
	}
	if hinted(lower, outcomeHints) && outcomeRx.MatchString(lower) {
		s |= 1 << factOutcome
	}
	return s
}

// reasonRx finds a reason given: "because", "due to", an exemption or
// the section of the Act it is under, information withheld, a cost limit
// exceeded, "as it is ...".
var reasonRx = regexp.MustCompile(`\bbecause\b|\bdue to\b|\bowing to\b|\bexempt(ion|ions|ed)?\b|\bsection \d+|\bs\. ?\d{2}\b|\breasons? (is|was|for|why)\b|\bwithheld\b|\bexceed(s|ed)? the (appropriate |cost )?limit\b|\bas (it|this|they) (is|are|was|were|would|falls?|has|have)\b`)

// reasonHints hold a substring of every reason reasonRx finds.
var reasonHints = []string{"because", "due to", "owing", "exempt", "section", "s.", "reason", "withheld", "exceed", "as it", "as this", "as they"}

// outcomeAsked matches a yes/no question about what became of an FOI
// request, or what happened to one: "did the ministry ever hand one
// out?", "was it refused?", "has the council released it?". It is read
// only in questions about requests (question.aboutRequests).
var outcomeAsked = regexp.MustCompile(`\b(did|does|has|have|was|were|is)\b[^?.]{0,60}?\b(give|gave|given|hand|handed|send|sent|provide|provided|release|released|disclose|disclosed|publish|published|share|shared|answer|answered|reply|replied|respond|responded|refuse|refused|reject|rejected|hold|held|have|had)\b|\bwhat happened (to|with)\b|\bwhat (was|is) the (outcome|result|answer|response)\b`)

// outcomeRx finds what became of a request: the information is not held,
// was refused or withheld, or is released or attached.
var outcomeRx = regexp.MustCompile(`\bnot held\b|\b(do|does|did) not (hold|have|keep|record)\b|\bno (information|records?|data) (is |are |was |were )?held\b|\b(unable|not able) to (provide|supply|disclose|release)\b|\brefused\b|\bwithheld\b|\b(please find|i have|we have|is|are) attached\b|\b(is|are|was|were|has been|have been|being) (released|disclosed)\b`)

// outcomeHints hold a substring of every outcome outcomeRx finds.
var outcomeHints = []string{"held", "not hold", "not have", "not keep", "not record", "able to", "refused", "withheld", "attached", "released", "disclosed"}

// orgName finds the name of an organisation: capitalised words ending in
// a word that says what sort of body it is.
var orgName = regexp.MustCompile(`\b(?:[A-Z][A-Za-z&'’.-]+ ){1,5}(?:Council|Ltd|Limited|plc|PLC|LLP|Police|Agency|Trust|Services?|Department|Office|Authority|Team|Board|Commission|Commissioner|Group|Association|Partnership|Service)\b`)

// orgHints hold the last word of every name orgName finds.
var orgHints = []string{"Council", "Ltd", "Limited", "plc", "PLC", "LLP", "Police", "Agency", "Trust", "Service", "Department",
	"Office", "Authority", "Team", "Board", "Commission", "Group", "Association", "Partnership"}

// poundFigure reports a "£" followed by a figure, as in "£25" or "£ 25".
func poundFigure(s string) bool {
	for {
		i := strings.Index(s, "£")
		if i < 0 {
			return false
		}
		s = strings.TrimLeft(s[i+len("£"):], " ")
		if s != "" && s[0] >= '0' && s[0] <= '9' {
			return true
		}
	}
}

func hinted(s string, hints []string) bool {
	for _, h := range hints {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// yearRx finds years from 1990 to 2039, and a range or financial year
// after one: "2020-2023", "2022/23", "2024-25".
var yearRx = regexp.MustCompile(`\b(19[89]\d|20[0-3]\d)(?:\s?[-–/]\s?(\d{4}|\d{2})\b)?`)

// yearsIn returns the years text names, or nil. With ranges set, a range
// names every year in it; otherwise only its ends.
func yearsIn(text string, ranges bool) map[int]bool {
	if !strings.ContainsAny(text, "12") {
		return nil
	}
	var ys map[int]bool
	for _, loc := range yearRx.FindAllStringSubmatchIndex(text, -1) {
		if before := text[:loc[0]]; strings.HasSuffix(before, "£") || strings.HasSuffix(before, "$") ||
			strings.HasSuffix(before, "€") || strings.HasSuffix(before, ",") || strings.HasSuffix(before, ".") {
			continue // an amount ("£2000") or part of a figure ("1,2000")
		}
		if after := text[loc[3]:]; strings.HasPrefix(after, "%") || strings.HasPrefix(after, ",") && len(after) > 1 && after[1] >= '0' && after[1] <= '9' {
			continue // "2000%", "2025,000"
		}
		m := []string{"", text[loc[2]:loc[3]], ""}
		if loc[4] >= 0 {
			m[2] = text[loc[4]:loc[5]]
		}
		from, _ := strconv.Atoi(m[1])
		to := from
		if m[2] != "" {
			n, _ := strconv.Atoi(m[2])
			if len(m[2]) == 2 {
				n += from / 100 * 100
			}
			if n >= from && n-from <= 10 {
				to = n
			}
		}
		if ys == nil {
			ys = map[int]bool{}
		}
		for y := from; y <= to; y++ {
			if ranges || y == from || y == to {
				ys[y] = true
			}
		}
	}
	return ys
}
