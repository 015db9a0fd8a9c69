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

var (
	recReContract = regexp.MustCompile(`\b(contracts?|tenders?|tendered|procurement|awarded|award|won|framework|contractors?)\b`)
	recRePayment  = regexp.MustCompile(`\b(pay|paid|pays|paying|payments?|spend|spent|spending|invoices?|invoiced|expenditure|transactions?)\b`)
	// recordCues holds the words of recReContract and recRePayment: a
	// question with none of them has no record kind, and is not parsed.
	// The parser only blanks spans, which cannot add a word.
	recordCues   = newPrefiltered(recReContract.String(), recRePayment.String())
	recReAwarded = regexp.MustCompile(`\b(awarded|award|won|win|let)\b`)
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

// recParsePounds reads "1,234.5" as 123450 pence.
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

// recReSupplierCue finds the words that introduce a supplier's name.
var recReSupplierCue = regexp.MustCompile(`\b(?:(?:paid|pay|pays|paying|payments?|invoices?|money|spend|spent|spending|contracts?|awarded|let|given|gave|give)\s+(?:made\s+)?(?:to|with|from)|(?:have|has|had|hold|holds|held|signed|agreed)\s+with|(?:paid|pay|pays|paying|give|gave|owe|owed))\s+`)

// recSpanStop are words that end a supplier's name in a question.
var recSpanStop = recWordSet(`in on during between for from since over under last this that and or altogether overall total totals
	so to by each per before after until when who what how which why where is was were are be been has have had did do does
	the a an , . ! ? : ; ( ) every year years month months up`)

// recSpanNotStart are words that show a cue was not followed by a name:
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

// recSpan is a piece of the question with its offsets.
type recSpan struct {
	text string
	i, j int
}

// recTok is a word of the question with its offsets.
type recTok struct {
	w    string
	i, j int
}

// recTokens splits s into words (letters, digits, '&', inner apostrophes and
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

// recStopWords are words that say nothing about which contract or payment is
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
