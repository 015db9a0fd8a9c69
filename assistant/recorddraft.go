package assistant

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/townhall-civic/townhall/corpus"
)

// recordDraft assembles a records answer, numbering each cited record
// once.
type recordDraft struct {
	q        *recordQuestion
	councils []string // councils the question named
	d        Draft
	cited    map[string]int
}

// say adds a sentence citing docs.
func (b *recordDraft) say(text string, docs ...corpus.Document) {
	s := Sentence{Text: text}
	for _, d := range docs {
		if b.cited == nil {
			b.cited = map[string]int{}
		}
		n, ok := b.cited[d.ID]
		if !ok {
			n = len(b.d.Citations) + 1
			b.cited[d.ID] = n
			b.d.Citations = append(b.d.Citations, Citation{N: n, DocID: d.ID, Title: d.Title, URL: d.URL})
		}
		s.Cites = append(s.Cites, n)
	}
	b.d.Sentences = append(b.d.Sentences, s)
}

// ambiguous says which suppliers a name could mean, with what each was
// paid or awarded in scope, and asks which.
func (b *recordDraft) ambiguous(name string, ms []SupplierMatch, totals map[string]RecordTotal) {
	var parts []string
	for i, m := range ms {
		if i == 6 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ms)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", recDisplay(m.Name), recMoney(totals[m.Norm].Pence)))
	}
	b.say(fmt.Sprintf("%d suppliers in the records match %q%s: %s.", len(ms), name, b.scope(), strings.Join(parts, "; ")))
	b.say("Which one do you mean?")
}

// scope describes what the question limited the records to: " by Oxford
// City Council in March 2017 over £500.00".
func (b *recordDraft) scope() string {
	s := b.councilScope() + b.periodScope()
	if b.q.minPence != 0 {
		s += " of " + recMoney(b.q.minPence) + " or more"
	}
	if b.q.maxPence != 0 {
		s += " of " + recMoney(b.q.maxPence) + " or less"
	}
	return s
}

// councilScope is " by <council>" when the question named one.
func (b *recordDraft) councilScope() string {
	if len(b.councils) == 0 {
		return ""
	}
	return " by " + recDisplay(recShortest(b.councils))
}

// periodScope is the period asked about, " in March 2017", or "".
func (b *recordDraft) periodScope() string {
	if b.q.period.set() {
		return " " + b.q.period.Label
	}
	return ""
}

// when describes the period of a total: the one asked about, else the
// span of its dates.
func (b *recordDraft) when(t RecordTotal) string {
	if b.q.period.set() {
		return " " + b.q.period.Label
	}
	return recDateSpan(t)
}

// recDateSpan is " between <first> and <last>", " on <date>" or "".
func recDateSpan(t RecordTotal) string {
	switch {
	case t.First.IsZero():
		return ""
	case t.First.Equal(t.Last):
		return " on " + t.First.Format("2 January 2006")
	}
	return " between " + t.First.Format("2 January 2006") + " and " + t.Last.Format("2 January 2006")
}

// recCouncilOf names the council of docs when they share one, else "".
func recCouncilOf(docs []corpus.Document) string {
	if len(docs) == 0 {
		return ""
	}
	c := docs[0].Council
	for _, d := range docs[1:] {
		if d.Council != c {
			return ""
		}
	}
	return c
}

// recShortest returns the shortest of names, "Hyndburn Borough Council"
// rather than "Hyndburn Borough Council Environmental Services", and of
// equal ones the one not in capitals.
func recShortest(names []string) string {
	best := names[0]
	for _, n := range names[1:] {
		if len(n) < len(best) || (len(n) == len(best) && best == strings.ToUpper(best) && n != strings.ToUpper(n)) {
			best = n
		}
	}
	return best
}

func recOrThe(council string) string {
	if council == "" {
		return "The council"
	}
	return recDisplay(council)
}

func recSupplierOr(d corpus.Document) string {
	if d.Record.Supplier == "" {
		return "an unnamed supplier"
	}
	return d.Record.Supplier
}

func recStatusNote(status string) string {
	if status == "" {
		return ""
	}
	return " (status: " + status + ")"
}

func recOnDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return " on " + t.Format("2 January 2006")
}

func recNames(ms []SupplierMatch) string {
	var ns []string
	for i, m := range ms {
		if i == 5 {
			ns = append(ns, fmt.Sprintf("%d more", len(ms)-i))
			break
		}
		ns = append(ns, recDisplay(m.Name))
	}
	return recJoinAnd(ns)
}

func recJoinAnd(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// recMoney formats pence as pounds: 123456789 is "£1,234,567.89". The sum
// behind it was added in whole pence, so nothing is rounded.
func recMoney(pence int64) string {
	sign := ""
	if pence < 0 {
		sign, pence = "-", -pence
	}
	return fmt.Sprintf("%s£%s.%02d", sign, recThousands(pence/100), pence%100)
}

// recCount formats a number of rows: 17460 is "17,460".
func recCount(n int) string { return recThousands(int64(n)) }

func recThousands(n int64) string {
	digits := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// recPlural is "1 payment" or "3 payments".
func recPlural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return recCount(n) + " " + many
}

// recKeepCaps are short words kept in capitals when a name written all in
// capitals is shown in title case.
var recKeepCaps = recWordSet(`UK GB NHS BBC HMRC DWP PLC LLP CIC CVS ICT IT CCTV VAT PFI HGV RCV LED EV TV HM DC CC BC MBC CBC
	YMCA RSPCA RNLI NSPCC ICO PCC PCSO LGA`)

// recDisplay shows a name written all in capitals ("WILLMOTT DIXON
// CONSTRUCTION LTD") in title case ("Willmott Dixon Construction Ltd"),
// keeping initials and known abbreviations: capitals are hard to read and
// a screen reader may spell them out. Other names are left as written.
func recDisplay(name string) string {
	if name == "" || strings.ToUpper(name) != name || strings.ToLower(name) == name {
		return name
	}
	var b strings.Builder
	word := func(w string) {
		letters := strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
		switch {
		case len([]rune(letters)) <= 2 || recKeepCaps[strings.ToUpper(letters)] || strings.IndexFunc(w, unicode.IsDigit) >= 0:
			b.WriteString(w)
		default:
			first := true
			for _, r := range w {
				if unicode.IsLetter(r) {
					if first {
						b.WriteRune(unicode.ToUpper(r))
						first = false
					} else {
						b.WriteRune(unicode.ToLower(r))
					}
					continue
				}
				b.WriteRune(r)
				first = r == '-' || r == '/' || r == '(' // a new part: "SMITH-JONES", "(LEEDS)"
			}
		}
	}
	for i, w := range strings.Split(name, " ") {
		if i > 0 {
			b.WriteByte(' ')
		}
		word(w)
	}
	return b.String()
}

// recShow returns a copy of docs with their supplier, council and title
// shown for reading (recDisplay).
func recShow(docs []corpus.Document) []corpus.Document {
	out := make([]corpus.Document, len(docs))
	for i, d := range docs {
		r := *d.Record
		r.Supplier = recDisplay(r.Supplier)
		d.Record = &r
		d.Council = recDisplay(d.Council)
		d.Title = recDisplay(d.Title)
		out[i] = d
	}
	return out
}
