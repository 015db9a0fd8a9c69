package assistant

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// Records answers questions about payments and contracts from a record
// index: "how much did we pay X in March 2017?", "what was the biggest
// payment in 2019/20?", "who won the skip wagon contract?". Every figure
// is computed in pence from the rows it cites; nothing is estimated. When
// a supplier name fits several suppliers it says which, rather than pick.
type Records struct {
	Store RecordQuerier
	// Now anchors "last year" and "this month"; nil means time.Now.
	Now func() time.Time
}

var _ RecordAnswerer = (*Records)(nil)

// maxCited is how many rows an answer cites when it sums more.
const recMaxCited = 5

// AnswerRecords implements RecordAnswerer.
func (a *Records) AnswerRecords(ctx context.Context, question string) (*Draft, bool, error) {
	if a == nil || a.Store == nil || len(question) > MaxMessageBytes {
		return nil, false, nil
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	q := parseRecordQuestion(question, now())
	kind := q.kind()
	if kind == "" {
		return nil, false, nil
	}
	// A supplier named after a cue ("pay X") is looked for before council
	// names are read, so "Oxford Bus Company" keeps its "Oxford"; only a
	// whole or leading-words match counts at this stage.
	sup, err := a.supplierAfterCue(ctx, q, false)
	if err != nil {
		return nil, false, err
	}
	if sup != nil {
		q.blank(sup.span.i, sup.span.j)
	}
	all, err := a.Store.Councils(ctx)
	if err != nil {
		return nil, false, err
	}
	councils := q.matchCouncils(all)
	if q.namesOtherCouncil() {
		return nil, false, nil // a council we hold no records for
	}
	if sup == nil {
		// With council words gone a cue may lead to a name ("how much did
		// Hyndburn council pay to Acme"), and a misspelt one may do.
		if sup, err = a.supplierAfterCue(ctx, q, true); err != nil {
			return nil, false, err
		}
	}
	mentioned := false
	if sup == nil && !q.who {
		// "who ..." asks for the supplier, so a name in it is not one.
		if sup, err = a.supplierMentioned(ctx, q); err != nil {
			return nil, false, err
		}
		mentioned = sup != nil
	}
	f := RecordFilter{Kind: kind, Councils: councils, From: q.period.From, To: q.period.To, MinPence: q.minPence, MaxPence: q.maxPence}
	b := &recordDraft{q: q, councils: councils}
	if sup != nil {
		ok, err := a.supplierAnswer(ctx, b, f, sup)
		if err != nil {
			return nil, false, err
		}
		if ok {
			return &b.d, true, nil
		}
		if !mentioned {
			return nil, false, nil
		}
		// A name found only by scanning the question, with no records,
		// was probably not meant as a supplier: answer without it.
		b = &recordDraft{q: q, councils: councils}
	}
	var ok bool
	switch {
	case q.most && kind == corpus.KindSpending:
		ok, err = a.topSuppliers(ctx, b, f)
	case q.largest:
		ok, err = a.largest(ctx, b, f, q.contentWords())
	case kind == corpus.KindContracts:
		ok, err = a.contracts(ctx, b, f)
	case recRePaymentsWord.MatchString(q.lower) && (len(councils) > 0 || q.period.set()) && len(q.contentWords()) == 0:
		ok, err = a.paymentsTotal(ctx, b, f)
	}
	if err != nil || !ok {
		return nil, false, err
	}
	return &b.d, true, nil
}

// supplierName is a span of the question that names one or more known
// suppliers, with the matches found for it.
type supplierName struct {
	span    recSpan
	matches []SupplierMatch
}

// supplierAfterCue returns the first span after a supplier cue that
// matches a known supplier: wholly or by its leading words, or, with
// fuzzy, by shared words or a close spelling.
func (a *Records) supplierAfterCue(ctx context.Context, q *recordQuestion, fuzzy bool) (*supplierName, error) {
	for _, sp := range q.supplierSpans() {
		ms, err := a.Store.FindSuppliers(ctx, SupplierQuery{Name: sp.text, Fuzzy: fuzzy, Limit: 30})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			strong := m.How == MatchExact || m.How == MatchPrefix
			if strong || (fuzzy && (m.How == MatchContains || m.Score >= recFuzzyMin)) {
				return &supplierName{span: sp, matches: ms}, nil
			}
		}
	}
	return nil, nil
}

// supplierMentioned looks for a supplier's whole name anywhere in the
// question ("what did Civica get in 2019?"), taking exact matches only,
// and blanks it.
func (a *Records) supplierMentioned(ctx context.Context, q *recordQuestion) (*supplierName, error) {
	for _, sp := range q.mentionSpans() {
		ms, err := a.Store.FindSuppliers(ctx, SupplierQuery{Name: sp.text, Limit: 1})
		if err != nil {
			return nil, err
		}
		if len(ms) > 0 && ms[0].How == MatchExact {
			q.blank(sp.i, sp.j)
			return &supplierName{span: sp, matches: ms[:1]}, nil
		}
	}
	return nil, nil
}

// Choosing among suppliers.
const (
	// fuzzyMin is the least score a misspelt name is taken at, and
	// fuzzyMargin how much closer than the next it must be.
	recFuzzyMin    = 0.42
	recFuzzyMargin = 0.08
	// maxFamily is how many suppliers one name is answered for, each
	// separately; when more have records the answer asks which is meant.
	recMaxFamily = 3
)

// chooseSuppliers picks the suppliers a name means among those with
// records in scope (totals by normalised name): an exact match if it has
// any, else those whose names start with the name, else those containing
// it, else the closest misspellings. others are the other in-scope
// matches, for the answer to mention.
func chooseSuppliers(ms []SupplierMatch, inScope map[string]RecordTotal) (chosen, others []SupplierMatch, fuzzy bool) {
	for _, how := range []MatchKind{MatchExact, MatchPrefix, MatchContains, MatchFuzzy} {
		for _, m := range ms {
			if m.How != how || inScope[m.Norm].Rows == 0 {
				continue
			}
			if how == MatchFuzzy && (m.Score < recFuzzyMin || (len(chosen) > 0 && chosen[0].Score-m.Score >= recFuzzyMargin)) {
				continue
			}
			chosen = append(chosen, m)
		}
		if len(chosen) > 0 {
			fuzzy = how == MatchFuzzy
			for _, m := range ms {
				if m.How != how && m.How != MatchFuzzy && inScope[m.Norm].Rows > 0 {
					others = append(others, m)
				}
			}
			// Biggest first, so the answer leads with the main one.
			sort.SliceStable(chosen, func(i, j int) bool { return inScope[chosen[i].Norm].Pence > inScope[chosen[j].Norm].Pence })
			return chosen, others, fuzzy
		}
	}
	return nil, nil, false
}

// supplierAnswer answers for a named supplier: what was paid to it, or
// what contracts it was awarded, within the question's council, period
// and amounts. With no payments in scope it says so and what the records
// do hold.
func (a *Records) supplierAnswer(ctx context.Context, b *recordDraft, f RecordFilter, sup *supplierName) (bool, error) {
	kinds := []corpus.Kind{f.Kind}
	if f.Kind == corpus.KindSpending {
		kinds = append(kinds, corpus.KindContracts) // no payments: say what contracts there are
	}
	var norms []string
	for _, m := range sup.matches {
		norms = append(norms, m.Norm)
	}
	asked := f
	for _, k := range kinds {
		f.Kind, f.Suppliers = k, norms
		groups, err := a.Store.SumRecords(ctx, f, GroupSupplier)
		if err != nil {
			return false, err
		}
		inScope := map[string]RecordTotal{}
		for _, g := range groups {
			inScope[g.Key] = g
		}
		chosen, others, fuzzy := chooseSuppliers(sup.matches, inScope)
		if len(chosen) == 0 {
			continue
		}
		// A name that is no supplier's whole name and fits several with
		// records (a common surname, say) is asked about, not guessed.
		if len(chosen) > recMaxFamily || (chosen[0].How != MatchExact && len(chosen)+len(others) > recMaxFamily) {
			b.ambiguous(sup.span.text, append(chosen, others...), inScope)
			return true, nil
		}
		if fuzzy {
			b.say(fmt.Sprintf("I took %q to mean %s, the closest supplier name in the records.", sup.span.text, chosen[0].Name))
		}
		if k != kinds[0] {
			b.say(fmt.Sprintf("I found no payments to %s%s in the records, only contracts.", recNames(chosen), b.scope()))
		}
		for _, m := range chosen {
			f.Suppliers = []string{m.Norm}
			if b.q.largest {
				err = a.largestFor(ctx, b, f, m)
			} else {
				err = a.totalFor(ctx, b, f, m, len(chosen) > 1)
			}
			if err != nil {
				return false, err
			}
		}
		if len(chosen) > 1 {
			b.say(fmt.Sprintf("%d suppliers in the records match %q, so each is given separately.", len(chosen), sup.span.text))
		} else if len(others) > 0 {
			b.say("Other suppliers with similar names: " + recNames(others) + ".")
		}
		return len(b.d.Sentences) > 0, nil
	}
	return a.noneInScope(ctx, b, asked, sup)
}

// noneInScope answers when a supplier has records, but none for the
// council, period or amounts asked about: it says so and what there is.
func (a *Records) noneInScope(ctx context.Context, b *recordDraft, f RecordFilter, sup *supplierName) (bool, error) {
	if !b.q.period.set() && len(f.Councils) == 0 && f.MinPence == 0 && f.MaxPence == 0 {
		return false, nil
	}
	wide := RecordFilter{Kind: f.Kind}
	var norms []string
	for _, m := range sup.matches {
		if m.How != MatchFuzzy {
			norms = append(norms, m.Norm)
		}
	}
	wide.Suppliers = norms
	groups, err := a.Store.SumRecords(ctx, wide, GroupSupplier)
	if err != nil {
		return false, err
	}
	inScope := map[string]RecordTotal{}
	for _, g := range groups {
		inScope[g.Key] = g
	}
	chosen, _, _ := chooseSuppliers(sup.matches, inScope)
	if len(chosen) != 1 {
		return false, nil
	}
	m := chosen[0]
	g := inScope[m.Norm]
	wide.Suppliers, wide.Order, wide.Limit = []string{m.Norm}, OrderDate, 2
	recent, _, err := a.Store.FindRecords(ctx, wide)
	if err != nil || len(recent) == 0 {
		return false, err
	}
	one, many := "payment", "payments"
	if f.Kind == corpus.KindContracts {
		one, many = "contract awarded", "contracts awarded"
	}
	by := ""
	if c := recCouncilOf(recent); c != "" && (g.Rows <= len(recent) || len(b.councils) > 0) {
		by = " by " + c
	}
	b.say(fmt.Sprintf("I found no %s to %s%s.", many, m.Name, b.scope()))
	b.say(fmt.Sprintf("The records hold %s to them%s%s.", recPlural(g.Rows, one, many), by, recDateSpan(g)), recent...)
	b.say(fmt.Sprintf("Together they come to %s; the latest are cited.", recMoney(g.Pence)))
	return true, nil
}

// totalFor states the total paid to, or contracted with, one supplier,
// per council when the records hold several. brief keeps to one sentence
// a council, for answers that cover several suppliers.
func (a *Records) totalFor(ctx context.Context, b *recordDraft, f RecordFilter, m SupplierMatch, brief bool) error {
	groups, err := a.Store.SumRecords(ctx, f, GroupCouncil)
	if err != nil {
		return err
	}
	for i, g := range groups {
		if i == recMaxFamily {
			b.say(fmt.Sprintf("The records of %s also name %s.", recPlural(len(groups)-i, "other council", "other councils"), m.Name))
			break
		}
		gf := f
		gf.Councils = []string{g.Key}
		if err := a.totalLine(ctx, b, gf, g, m.Name, brief || len(groups) > 1); err != nil {
			return err
		}
	}
	return nil
}

// totalLine is one council's total for one supplier, with the rows cited:
// all of them up to maxCited, else the largest; in brief, the two largest.
func (a *Records) totalLine(ctx context.Context, b *recordDraft, f RecordFilter, g RecordTotal, supplier string, brief bool) error {
	f.Order, f.Limit = OrderAmount, recMaxCited
	if brief {
		f.Limit = 2
	}
	top, _, err := a.Store.FindRecords(ctx, f)
	if err != nil || len(top) == 0 {
		return err
	}
	council := recOrThe(g.Key)
	d := top[0]
	if f.Kind == corpus.KindContracts {
		if g.Rows == 1 {
			b.say(fmt.Sprintf("%s awarded %s the contract %q%s.", council, supplier, d.Title, recOnDate(d.Record.Date)), d)
			b.say(fmt.Sprintf("It is worth %s.", recMoney(d.Record.AmountPence)), d)
			return nil
		}
		b.say(fmt.Sprintf("%s awarded %s %d contracts%s.", council, supplier, g.Rows, b.when(g)), top...)
		b.say(fmt.Sprintf("Together they are worth %s.", recMoney(g.Pence)), top...)
		if !brief {
			b.say(fmt.Sprintf("The largest is %q, worth %s.", d.Title, recMoney(d.Record.AmountPence)), d)
		}
		return nil
	}
	if g.Rows == 1 {
		b.say(fmt.Sprintf("%s paid %s %s%s.", council, supplier, recMoney(d.Record.AmountPence), recOnDate(d.Record.Date)), d)
		return nil
	}
	if brief {
		b.say(fmt.Sprintf("%s paid %s %s%s, in %s.", council, supplier, recMoney(g.Pence), b.when(g), recPlural(g.Rows, "payment", "payments")), top...)
		return nil
	}
	b.say(fmt.Sprintf("%s paid %s %s%s.", council, supplier, recMoney(g.Pence), b.when(g)), top...)
	if g.Rows > len(top) {
		b.say(fmt.Sprintf("That is the total of %s payments; the %d largest are cited.", recCount(g.Rows), len(top)))
	} else {
		b.say(fmt.Sprintf("That is the total of %s payments.", recCount(g.Rows)))
	}
	b.say(fmt.Sprintf("The largest was %s%s.", recMoney(d.Record.AmountPence), recOnDate(d.Record.Date)), d)
	if b.q.group != GroupNone {
		return a.breakdown(ctx, b, f)
	}
	return nil
}

// breakdown adds the totals by month or department.
func (a *Records) breakdown(ctx context.Context, b *recordDraft, f RecordFilter) error {
	groups, err := a.Store.SumRecords(ctx, f, b.q.group)
	if err != nil {
		return err
	}
	if b.q.group == GroupMonth {
		sort.Slice(groups, func(i, j int) bool { return groups[i].Key < groups[j].Key })
	}
	var parts []string
	for i, g := range groups {
		if i == 12 {
			parts = append(parts, fmt.Sprintf("and %d more", len(groups)-i))
			break
		}
		label := g.Name
		if b.q.group == GroupMonth {
			if t, err := time.Parse("2006-01", g.Key); err == nil {
				label = t.Format("January 2006")
			}
		}
		if label == "" {
			label = "not stated"
		}
		parts = append(parts, label+" "+recMoney(g.Pence))
	}
	if len(parts) > 0 {
		b.say("By " + string(b.q.group) + ": " + strings.Join(parts, "; ") + ".")
	}
	return nil
}

// largestFor states the largest payment to, or contract with, a supplier.
func (a *Records) largestFor(ctx context.Context, b *recordDraft, f RecordFilter, m SupplierMatch) error {
	f.Order, f.Limit = OrderAmount, 1
	top, n, err := a.Store.FindRecords(ctx, f)
	if err != nil || len(top) == 0 {
		return err
	}
	d := top[0]
	what, many := "payment to", "payments"
	if f.Kind == corpus.KindContracts {
		what, many = "contract with", "contracts"
	}
	who := ""
	if len(b.councils) == 0 && d.Council != "" {
		who = ", by " + d.Council
	}
	b.say(fmt.Sprintf("The largest %s %s%s was %s.", what, m.Name, b.scope(), recMoney(d.Record.AmountPence)), d)
	if !d.Record.Date.IsZero() || who != "" {
		b.say(fmt.Sprintf("It was made%s%s.", recOnDate(d.Record.Date), who), d)
	}
	if n > 1 {
		b.say(fmt.Sprintf("It is the largest of %s %s to them.", recCount(n), many))
	}
	return nil
}

// largest states the largest payments or contracts matching f, narrowed
// by any words the question adds ("the biggest payment for agency staff").
func (a *Records) largest(ctx context.Context, b *recordDraft, f RecordFilter, text []string) (bool, error) {
	if len(text) > 0 {
		f.Text = strings.Join(text, " ")
	}
	f.Order, f.Limit = OrderAmount, 3
	top, n, err := a.Store.FindRecords(ctx, f)
	if err != nil || len(top) == 0 {
		return false, err
	}
	scope := b.councilScope() + b.periodScope() // an amount bound does not change the largest
	if f.Text != "" {
		scope = fmt.Sprintf(" matching %q", f.Text) + scope
	}
	// by names a row's council when the question did not name one.
	by := func(d corpus.Document) string {
		if len(b.councils) > 0 || d.Council == "" {
			return ""
		}
		return " (" + d.Council + ")"
	}
	d := top[0]
	if f.Kind == corpus.KindContracts {
		b.say(fmt.Sprintf("The largest contract%s is %q%s, worth %s.", scope, d.Title, by(d), recMoney(d.Record.AmountPence)), d)
		if s := recAwardedTo(d); s != "" {
			b.say("It was"+strings.TrimPrefix(s, ",")+".", d)
		}
		if len(top) > 1 {
			b.say(fmt.Sprintf("Next is %q%s, worth %s.", top[1].Title, by(top[1]), recMoney(top[1].Record.AmountPence)), top[1])
		}
		return true, nil
	}
	b.say(fmt.Sprintf("The largest payment%s was %s.", scope, recMoney(d.Record.AmountPence)), d)
	b.say(fmt.Sprintf("It went to %s%s%s.", recSupplierOr(d), recOnDate(d.Record.Date), by(d)), d)
	if len(top) > 1 {
		var next []string
		for _, e := range top[1:] {
			next = append(next, recMoney(e.Record.AmountPence)+" to "+recSupplierOr(e)+by(e))
		}
		b.say("The next largest were "+recJoinAnd(next)+".", top[1:]...)
	}
	b.say(fmt.Sprintf("That is out of %s payments.", recCount(n)))
	return true, nil
}

// topSuppliers states which suppliers were paid the most.
func (a *Records) topSuppliers(ctx context.Context, b *recordDraft, f RecordFilter) (bool, error) {
	groups, err := a.Store.SumRecords(ctx, f, GroupSupplier)
	if err != nil {
		return false, err
	}
	said := 0
	for _, g := range groups {
		if g.Key == "" {
			continue
		}
		gf := f
		gf.Suppliers, gf.Order, gf.Limit = []string{g.Key}, OrderAmount, 2
		top, _, err := a.Store.FindRecords(ctx, gf)
		if err != nil {
			return false, err
		}
		if said == 0 {
			b.say(fmt.Sprintf("The supplier paid the most%s was %s.", b.scope(), g.Name), top...)
			b.say(fmt.Sprintf("It was paid %s in %s.", recMoney(g.Pence), recPlural(g.Rows, "payment", "payments")), top...)
		} else {
			b.say(fmt.Sprintf("Next was %s: %s in %s.", g.Name, recMoney(g.Pence), recPlural(g.Rows, "payment", "payments")), top...)
		}
		if said++; said == 3 {
			break
		}
	}
	return said > 0, nil
}

// paymentsTotal states the total of all payments published for the
// council and period asked about.
func (a *Records) paymentsTotal(ctx context.Context, b *recordDraft, f RecordFilter) (bool, error) {
	tot, err := a.Store.SumRecords(ctx, f, GroupNone)
	if err != nil || len(tot) == 0 || tot[0].Rows == 0 {
		return false, err
	}
	f.Order, f.Limit = OrderAmount, recMaxCited
	top, _, err := a.Store.FindRecords(ctx, f)
	if err != nil {
		return false, err
	}
	b.say(fmt.Sprintf("The published payments%s%s add up to %s.", b.councilScope(), b.when(tot[0]), recMoney(tot[0].Pence)), top...)
	b.say(fmt.Sprintf("That is the total of %s.", recPlural(tot[0].Rows, "payment", "payments")))
	if tot[0].Rows > len(top) {
		b.say(fmt.Sprintf("The %d largest are cited.", len(top)))
	}
	return true, nil
}
