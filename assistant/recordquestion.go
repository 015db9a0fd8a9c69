package assistant

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// recordQuestion is what a question about payments or contracts asks, as
// far as the words show. Spans the parser has used (periods, amounts,
// councils) are blanked in lower and orig, which keep their offsets.
type recordQuestion struct {
	orig  string // the question, spans used blanked
	lower string // lower-cased orig

	payment  bool // pay, paid, payment, spend ...
	contract bool // contract, tender, awarded ...
	awarded  bool // awarded, won, let
	largest  bool // largest, biggest, highest ...
	most     bool // "paid the most": the top supplier by total
	count    bool // how many
	who      bool // who, which company ...
	end      bool // when does it end / how long

	period   recPeriod
	minPence int64
	maxPence int64
	group    RecordGroup
}

// period is a date range asked about, From inclusive and To exclusive.
type recPeriod struct {
	From, To time.Time
	Label    string // "in March 2017", "in 2019/20 (April 2019 to March 2020)"
}

func (p recPeriod) set() bool { return !p.From.IsZero() || !p.To.IsZero() }

var (
	recReContract = regexp.MustCompile(`\b(contracts?|tenders?|tendered|procurement|awarded|award|won|framework|contractors?)\b`)
	recRePayment  = regexp.MustCompile(`\b(pay|paid|pays|paying|payments?|spend|spent|spending|invoices?|invoiced|expenditure|transactions?)\b`)
	recReAwarded  = regexp.MustCompile(`\b(awarded|award|won|win|let)\b`)
	// rePaymentsWord marks a question about payments in general, not
	// about spending on a subject ("total payments in March 2017").
	// reResidentPays marks a resident's own payment ("do I pay", "I paid
	// for"), which the council's spending records do not cover.
	recReResidentPays = regexp.MustCompile(`\bi\s+(?:have\s+to\s+|need\s+to\s+|must\s+|should\s+|would\s+|will\s+|'ll\s+|'d\s+|'ve\s+|already\s+|just\s+)?(?:pay|paid|spend|spent|owe)\b|\b(?:do|did|would|should|can|could|will|must|shall|have)\s+i\s+(?:\w+\s+){0,2}?(?:pay|paid|spend|spent|owe)\b`)
	recRePaymentsWord = regexp.MustCompile(`\b(payments|invoices|transactions)\b`)
	recRePaid         = regexp.MustCompile(`\b(pay|paid|pays|paying|payments?|invoices?|invoiced|transactions?)\b`)
	recReLargest      = regexp.MustCompile(`\b(largest|biggest|highest|most expensive|priciest|costliest)\b`)
	recReMost         = regexp.MustCompile(`\b(paid|pay|spent|spend|spend with|spent with)\s+(the\s+)?most\b|\b(top|biggest|largest|main)\s+suppliers?\b`)
	recReCount        = regexp.MustCompile(`\bhow many\b|\bnumber of\b`)
	recReWho          = regexp.MustCompile(`\bwho\b|\bwhich\s+(company|companies|firm|firms|supplier|suppliers|contractor|contractors|organisation|organisations|business|businesses)\b`)
	recReEnd          = regexp.MustCompile(`\b(end|ends|ending|expire|expires|expiry|run until|runs until|how long)\b`)
	recReByMonth      = regexp.MustCompile(`\b(by|each|per|every)\s+month\b|\bmonthly\b|\bmonth by month\b`)
	recReByDept       = regexp.MustCompile(`\bby\s+(department|directorate|service area|service)\b`)

	// Phrases removed before the remaining words are read: the name of
	// the government's tender portal and spending-list jargon.
	recReNoise = regexp.MustCompile(`\bcontracts\s*finder\b|\bspend(ing)?\s+over\s+£?\s?\d+\s*(list|data|file|report)?\b`)
)

const recMonthRx = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

var (
	recReMonthRange = regexp.MustCompile(`\b(?:between\s+|from\s+)?` + recMonthRx + `(?:\s+(\d{4}))?\s*(?:-|–|to|until|till|through|and)\s*` + recMonthRx + `\s+(\d{4})\b`)
	recReQuarter    = regexp.MustCompile(`\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)\s*(?:of\s+)?(\d{4})\b`)
	recReFinYear    = regexp.MustCompile(`\b(?:(?:financial|fiscal)\s+year\s+)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})\b`)
	recReDay        = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + recMonthRx + `\s+(\d{4})\b`)
	recReMonth      = regexp.MustCompile(`\b` + recMonthRx + `\.?\s+(\d{4})\b`)
	recReSince      = regexp.MustCompile(`\bsince\s+(?:` + recMonthRx + `\s+)?(\d{4})\b`)
	recReYear       = regexp.MustCompile(`\b(?:in|during|for|of|over)?\s*((?:19|20)\d{2})\b`)
	recReRelative   = regexp.MustCompile(`\b(last|this|previous|past)\s+(financial year|fiscal year|year|month|quarter)\b`)
	recReBareMonth  = regexp.MustCompile(`\b(?:in|during|for|of|last)\s+` + recMonthRx + `\b`)
	recReAmount     = regexp.MustCompile(`\b(over|above|more than|greater than|exceeding|at least|under|below|less than)\s+£\s?(\d[\d,]*(?:\.\d{1,2})?)\s*(k|m|million|thousand)?\b`)
)

// parseRecordQuestion reads what a question asks of the records. now
// anchors relative periods ("last year").
func parseRecordQuestion(question string, now time.Time) *recordQuestion {
	orig := strings.NewReplacer("’", "'", "‘", "'", "–", "-", "—", "-").Replace(question)
	q := &recordQuestion{orig: orig, lower: strings.ToLower(orig)}
	if len(q.lower) != len(q.orig) { // lower-casing changed byte widths: offsets must agree
		q.orig = q.lower
	}
	q.blankAll(recReNoise)
	q.parseAmounts()
	q.parsePeriod(now)

	q.contract = recReContract.MatchString(q.lower)
	q.payment = recRePayment.MatchString(q.lower)
	q.awarded = recReAwarded.MatchString(q.lower)
	q.largest = recReLargest.MatchString(q.lower)
	q.most = recReMost.MatchString(q.lower)
	q.count = recReCount.MatchString(q.lower)
	q.who = recReWho.MatchString(q.lower)
	q.end = recReEnd.MatchString(q.lower)
	switch {
	case recReByMonth.MatchString(q.lower):
		q.group = GroupMonth
	case recReByDept.MatchString(q.lower):
		q.group = GroupDepartment
	}
	return q
}

// kind is the kind of record asked about: payments when the question
// speaks of paying, contracts when it speaks of contracts and not of
// paying, and "" when it speaks of neither.
func (q *recordQuestion) kind() corpus.Kind {
	if recReResidentPays.MatchString(q.lower) {
		return ""
	}
	paid := recRePaid.MatchString(q.lower)
	switch {
	case q.contract && !paid:
		return corpus.KindContracts
	case q.payment:
		return corpus.KindSpending
	case q.contract:
		return corpus.KindContracts
	}
	return ""
}

// blank replaces lower[i:j] and orig[i:j] with spaces.
func (q *recordQuestion) blank(i, j int) {
	sp := strings.Repeat(" ", j-i)
	q.lower = q.lower[:i] + sp + q.lower[j:]
	q.orig = q.orig[:i] + sp + q.orig[j:]
}

func (q *recordQuestion) blankAll(re *regexp.Regexp) {
	for _, m := range re.FindAllStringIndex(q.lower, -1) {
		q.blank(m[0], m[1])
	}
}

// parseAmounts reads "over £500" and "under £1,000" as amount bounds.
func (q *recordQuestion) parseAmounts() {
	for _, m := range recReAmount.FindAllStringSubmatchIndex(q.lower, -1) {
		word := q.lower[m[2]:m[3]]
		pence, ok := recParsePounds(q.lower[m[4]:m[5]])
		if !ok {
			continue
		}
		if m[6] >= 0 {
			switch q.lower[m[6]:m[7]] {
			case "k", "thousand":
				pence *= 1000
			case "m", "million":
				pence *= 1000000
			}
		}
		switch word {
		case "under", "below", "less than":
			q.maxPence = pence
		default:
			q.minPence = pence
		}
		q.blank(m[0], m[1])
	}
}

// parsePounds reads "1,234.5" as 123450 pence.
func recParsePounds(s string) (int64, bool) {
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	p, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || p > 1e12 {
		return 0, false
	}
	pence := p * 100
	if frac != "" {
		if len(frac) == 1 {
			frac += "0"
		}
		f, err := strconv.ParseInt(frac, 10, 64)
		if err != nil {
			return 0, false
		}
		pence += f
	}
	return pence, true
}

func recMonthOf(s string) time.Month {
	s = strings.TrimSuffix(s, ".")
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s)) {
			return m
		}
	}
	return 0
}

func recAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func recDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// parsePeriod finds the first period the question names, most specific
// form first, and blanks it.
func (q *recordQuestion) parsePeriod(now time.Time) {
	s := q.lower
	if m := recReDay.FindStringSubmatchIndex(s); m != nil {
		d, mon, y := recAtoi(s[m[2]:m[3]]), recMonthOf(s[m[4]:m[5]]), recAtoi(s[m[6]:m[7]])
		if mon != 0 && d >= 1 && d <= 31 {
			from := recDay(y, mon, d)
			q.period = recPeriod{From: from, To: from.AddDate(0, 0, 1), Label: "on " + from.Format("2 January 2006")}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReMonthRange.FindStringSubmatchIndex(s); m != nil {
		m1, m2, y2 := recMonthOf(s[m[2]:m[3]]), recMonthOf(s[m[6]:m[7]]), recAtoi(s[m[8]:m[9]])
		y1 := y2
		if m[4] >= 0 {
			y1 = recAtoi(s[m[4]:m[5]])
		} else if m1 > m2 {
			y1 = y2 - 1
		}
		from, to := recDay(y1, m1, 1), recDay(y2, m2, 1).AddDate(0, 1, 0)
		if m1 != 0 && m2 != 0 && from.Before(to) {
			q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January 2006") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
			if from.Year() == to.AddDate(0, -1, 0).Year() {
				q.period.Label = "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")
			}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReQuarter.FindStringSubmatchIndex(s); m != nil {
		n := 0
		if m[2] >= 0 {
			n = recAtoi(s[m[2]:m[3]])
		} else {
			n = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[s[m[4]:m[5]]]
		}
		y := recAtoi(s[m[6]:m[7]])
		from := recDay(y, time.Month(3*(n-1)+1), 1)
		to := from.AddDate(0, 3, 0)
		q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
		q.blank(m[0], m[1])
		return
	}
	if m := recReFinYear.FindStringSubmatchIndex(s); m != nil {
		y1, y2s := recAtoi(s[m[2]:m[3]]), s[m[4]:m[5]]
		y2 := recAtoi(y2s)
		if len(y2s) == 2 {
			y2 += y1 / 100 * 100
		}
		if y2 == y1+1 {
			q.period = recFinancialYear(y1)
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReSince.FindStringSubmatchIndex(s); m != nil {
		mon := time.January
		if m[2] >= 0 {
			mon = recMonthOf(s[m[2]:m[3]])
		}
		from := recDay(recAtoi(s[m[4]:m[5]]), mon, 1)
		q.period = recPeriod{From: from, Label: "since " + from.Format("January 2006")}
		q.blank(m[0], m[1])
		return
	}
	if m := recReMonth.FindStringSubmatchIndex(s); m != nil {
		if mon := recMonthOf(s[m[2]:m[3]]); mon != 0 {
			from := recDay(recAtoi(s[m[4]:m[5]]), mon, 1)
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReRelative.FindStringSubmatchIndex(s); m != nil {
		last := s[m[2]:m[3]] != "this"
		unit := s[m[4]:m[5]]
		y, mon, _ := now.Date()
		switch unit {
		case "year":
			if last {
				y--
			}
			from := recDay(y, time.January, 1)
			q.period = recPeriod{From: from, To: from.AddDate(1, 0, 0), Label: "in " + strconv.Itoa(y)}
		case "month":
			from := recDay(y, mon, 1)
			if last {
				from = from.AddDate(0, -1, 0)
			}
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
		case "quarter":
			from := recDay(y, time.Month((int(mon)-1)/3*3+1), 1)
			if last {
				from = from.AddDate(0, -3, 0)
			}
			to := from.AddDate(0, 3, 0)
			q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
		default: // financial year, April to March
			fy := y
			if mon < time.April {
				fy--
			}
			if last {
				fy--
			}
			q.period = recFinancialYear(fy)
		}
		q.blank(m[0], m[1])
		return
	}
	if m := recReYear.FindStringSubmatchIndex(s); m != nil {
		y := recAtoi(s[m[2]:m[3]])
		from := recDay(y, time.January, 1)
		q.period = recPeriod{From: from, To: from.AddDate(1, 0, 0), Label: "in " + strconv.Itoa(y)}
		q.blank(m[0], m[1])
		return
	}
	if m := recReBareMonth.FindStringSubmatchIndex(s); m != nil {
		// A month without a year: the latest one that has begun.
		if mon := recMonthOf(s[m[2]:m[3]]); mon != 0 {
			y := now.Year()
			if mon > now.Month() {
				y--
			}
			from := recDay(y, mon, 1)
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
			q.blank(m[2], m[3])
		}
	}
}

// financialYear is the UK local-government year from April of y.
func recFinancialYear(y int) recPeriod {
	from := recDay(y, time.April, 1)
	return recPeriod{From: from, To: from.AddDate(1, 0, 0),
		Label: "in " + strconv.Itoa(y) + "/" + strconv.Itoa((y+1)%100 + 100)[1:] + " (April " + strconv.Itoa(y) + " to March " + strconv.Itoa(y+1) + ")"}
}

// councilKey is the part of a council's name residents use: "hyndburn"
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
	// reCouncilNamed finds "<name> council"; reSubject finds a capitalised
	// payer, "did Northbury pay".
	recReCouncilNamed = regexp.MustCompile(`\b([a-z][a-z'-]+)\s+(?:(?:borough|city|county|district|town|metropolitan|parish)\s+)?council\b`)
	recReSubject      = regexp.MustCompile(`\b(?:did|does|do|has|have|had)\s+([A-Z][a-zA-Z'-]+(?:\s+[A-Z][a-zA-Z'-]+)?)\s+(?:pay|paid|spend|spent|award|awarded|give|gave|let)\b`)
	// notCouncil are words before "council" that do not name one.
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

// indexWord finds phrase in s at word boundaries, allowing a trailing
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

// reSupplierCue finds the words that introduce a supplier's name.
var recReSupplierCue = regexp.MustCompile(`\b(?:(?:paid|pay|pays|paying|payments?|invoices?|money|spend|spent|spending|contracts?|awarded|let|given|gave|give)\s+(?:made\s+)?(?:to|with|from)|(?:have|has|had|hold|holds|held|signed|agreed)\s+with|(?:paid|pay|pays|paying|give|gave|owe|owed))\s+`)

// spanStop are words that end a supplier's name in a question.
var recSpanStop = recWordSet(`in on during between for from since over under last this that and or altogether overall total totals
	so to by each per before after until when who what how which why where is was were are be been has have had did do does
	the a an , . ! ? : ; ( ) every year years month months up`)

// spanNotStart are words that show a cue was not followed by a name:
// "pay out", "pay for", "paid us".
var recSpanNotStart = recWordSet(`out back off up us me my you them him her it its our their your much more less most any anything all
	each every per a an on in for to by money what how who which this that these those there here some`)

func recWordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// supplierSpans returns the phrases after supplier cues ("pay X", "paid to
// X", "awarded to X"), in the question's own spelling, longest first for
// each cue.
func (q *recordQuestion) supplierSpans() []recSpan {
	var out []recSpan
	for _, m := range recReSupplierCue.FindAllStringIndex(q.lower, -1) {
		start := m[1]
		toks := recTokens(q.lower[start:])
		var kept []recTok
		for _, t := range toks {
			if t.w == "." && len(kept) > 0 && len(kept[len(kept)-1].w) == 1 {
				continue // an initial: "J. Smith"
			}
			if recSpanStop[t.w] || len(kept) >= 6 {
				break
			}
			kept = append(kept, t)
		}
		if len(kept) == 0 && len(toks) > 0 && toks[0].w == "the" {
			// "pay the Acme Group": allow a leading "the".
			kept = nil
			for _, t := range toks[1:] {
				if recSpanStop[t.w] || len(kept) >= 6 {
					break
				}
				kept = append(kept, t)
			}
		}
		if len(kept) == 0 || recSpanNotStart[kept[0].w] {
			continue
		}
		i, j := start+kept[0].i, start+kept[len(kept)-1].j
		out = append(out, recSpan{text: strings.Join(strings.Fields(q.orig[i:j]), " "), i: i, j: j})
	}
	return out
}

// span is a piece of the question with its offsets.
type recSpan struct {
	text string
	i, j int
}

// tok is a word of the question with its offsets.
type recTok struct {
	w    string
	i, j int
}

// tokens splits s into words (letters, digits, '&', inner apostrophes and
// dots) and single punctuation marks that end a name.
func recTokens(s string) []recTok {
	var out []recTok
	i := 0
	for i < len(s) {
		r := rune(s[i])
		size := 1
		if r >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '&':
			j := i
			for j < len(s) {
				r2, sz := utf8.DecodeRuneInString(s[j:])
				inner := (r2 == '\'' || r2 == '.' || r2 == '-') && j+sz < len(s) && recWordByte(s[j+sz]) && j > i
				if !(unicode.IsLetter(r2) || unicode.IsDigit(r2) || r2 == '&' || inner) {
					break
				}
				j += sz
			}
			out = append(out, recTok{w: s[i:j], i: i, j: j})
			i = j
		case strings.ContainsRune(",.!?:;()", r):
			out = append(out, recTok{w: string(r), i: i, j: i + 1})
			i += size
		default:
			i += size
		}
	}
	return out
}

// stopWords are words that say nothing about which contract or payment is
// meant.
var recStopWords = recWordSet(`a an the of to in on at for from by with and or but is are was were be been being has have had do does did
	doing done what whats which who whom whose when where why how much many this that these those there their
	they them we us our you your i me my he she his her it its council councils borough city county district town
	contract contracts contracted contractor contractors tender tenders tendered procurement awarded award awards won win
	worth value valued cost costs costed price total totals altogether overall sum amount amounts money pounds
	pay paid pays paying payment payments spend spent spending invoice invoices expenditure transaction transactions
	company companies firm firms supplier suppliers organisation organisations business businesses provider providers
	largest biggest highest most single top main new old current currently recent recently latest
	get got gets getting give gave given run runs running ran built build builds building provide provides provided
	supply supplies supplied hold holds held make made makes deliver delivers delivered carry carried
	out end ends ending expire expires expiry long until can could would should will shall may might please tell know
	find show list about any all some each every per also just only still yet so than then over under into onto up
	didn't doesn't isn't wasn't s d ll re ve name named called`)

// contentWords returns the question's remaining words that may name a
// contract or a payment's purpose.
func (q *recordQuestion) contentWords() []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range recTokens(q.lower) {
		w := strings.TrimSuffix(t.w, "'s")
		w = strings.Trim(w, ".'-&")
		if len(w) < 2 || recStopWords[w] || seen[w] {
			continue
		}
		if _, err := strconv.Atoi(w); err == nil {
			continue
		}
		seen[w] = true
		out = append(out, w)
	}
	return out
}

// mentionSpans returns the question's runs of one to five words that may
// be a supplier's whole name, longest first: they neither start nor end
// with a stop word, hold no punctuation, and a single word must be
// capitalised and not open the question.
func (q *recordQuestion) mentionSpans() []recSpan {
	toks := recTokens(q.lower)
	var out []recSpan
	for n := 5; n >= 1; n-- {
		for a := 0; a+n <= len(toks); a++ {
			first, last := toks[a], toks[a+n-1]
			if recStopWords[first.w] || recStopWords[last.w] || recSpanStop[first.w] || recSpanStop[last.w] {
				continue
			}
			ok := true
			for _, t := range toks[a : a+n] {
				if len(t.w) == 1 && strings.ContainsRune(",.!?:;()", rune(t.w[0])) {
					ok = false
				}
			}
			if !ok {
				continue
			}
			if n == 1 {
				c := q.orig[first.i]
				if first.i == 0 || c < 'A' || c > 'Z' {
					continue
				}
			}
			out = append(out, recSpan{text: strings.Join(strings.Fields(q.orig[first.i:last.j]), " "), i: first.i, j: last.j})
		}
	}
	return out
}
