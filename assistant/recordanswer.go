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

// recMaxCited is how many rows an answer cites when it sums more.
const recMaxCited = 5

// AnswerRecords implements RecordAnswerer.
func (a *Records) AnswerRecords(ctx context.Context, question string) (*Draft, bool, error) {
	if a == nil || a.Store == nil || len(question) > MaxMessageBytes {
		return nil, false, nil
	}
	if !recordCues.mayMatch(strings.ToLower(question)) {
		return nil, false, nil // kind would be "": no word of paying or contracts
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

// find is the store's FindRecords with the records shown for reading.
func (a *Records) find(ctx context.Context, f RecordFilter) ([]corpus.Document, int, error) {
	docs, n, err := a.Store.FindRecords(ctx, f)
	return recShow(docs), n, err
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
			b.say(fmt.Sprintf("The records of %s also name them.", recPlural(len(groups)-i, "other council", "other councils")))
			break
		}
		gf := f
		gf.Councils = []string{g.Key}
		if err := a.totalLine(ctx, b, gf, g, recDisplay(m.Name), brief || len(groups) > 1); err != nil {
			return err
		}
	}
	return nil
}

// totalLine is one council's total for one supplier, with the rows cited:
// all of them up to recMaxCited, else the largest; in brief, the two
// largest and one sentence.
func (a *Records) totalLine(ctx context.Context, b *recordDraft, f RecordFilter, g RecordTotal, supplier string, brief bool) error {
	f.Order, f.Limit = OrderAmount, recMaxCited
	if brief {
		f.Limit = 2
	}
	top, _, err := a.find(ctx, f)
	if err != nil || len(top) == 0 {
		return err
	}
	council := recOrThe(g.Key)
	d := top[0]
	if f.Kind == corpus.KindContracts {
		if g.Rows == 1 {
			b.say(fmt.Sprintf("%s awarded %s one contract%s.", council, supplier, recOnDate(d.Record.Date)), d)
			b.say(fmt.Sprintf("It is %q.", d.Title), d)
			b.say(fmt.Sprintf("It is worth %s.", recMoney(d.Record.AmountPence)), d)
			return nil
		}
		b.say(fmt.Sprintf("%s awarded %s %d contracts%s.", council, supplier, g.Rows, b.periodScope()), top...)
		b.say(fmt.Sprintf("Together they are worth %s.", recMoney(g.Pence)), top...)
		if !brief {
			b.say(fmt.Sprintf("The largest is worth %s.", recMoney(d.Record.AmountPence)), d)
			b.say(fmt.Sprintf("It is %q.", d.Title), d)
		}
		return nil
	}
	if g.Rows == 1 {
		b.say(fmt.Sprintf("%s paid %s %s%s.", council, supplier, recMoney(d.Record.AmountPence), recOnDate(d.Record.Date)), d)
		return nil
	}
	if brief {
		b.say(fmt.Sprintf("%s paid %s %s%s, in %s.", council, supplier, recMoney(g.Pence), b.periodScope(), recPlural(g.Rows, "payment", "payments")), top...)
		return nil
	}
	b.say(fmt.Sprintf("%s paid %s %s%s.", council, supplier, recMoney(g.Pence), b.periodScope()), top...)
	b.say(fmt.Sprintf("That is the total of %s.", recPlural(g.Rows, "payment", "payments")))
	if !b.q.period.set() {
		if span := recDateSpan(g); span != "" {
			b.say("They are dated" + span + ".")
		}
	}
	b.say(fmt.Sprintf("The largest was %s%s.", recMoney(d.Record.AmountPence), recOnDate(d.Record.Date)), d)
	if g.Rows > len(top) {
		b.say(fmt.Sprintf("The %d largest are cited.", len(top)))
	}
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
		label := recDisplay(g.Name)
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
	top, n, err := a.find(ctx, f)
	if err != nil || len(top) == 0 {
		return err
	}
	d := top[0]
	what, many := "payment to", "payments"
	if f.Kind == corpus.KindContracts {
		what, many = "contract with", "contracts"
	}
	b.say(fmt.Sprintf("The largest %s %s%s was %s.", what, recDisplay(m.Name), b.scope(), recMoney(d.Record.AmountPence)), d)
	who := ""
	if len(b.councils) == 0 && d.Council != "" {
		who = " by " + d.Council
	}
	if !d.Record.Date.IsZero() || who != "" {
		b.say(fmt.Sprintf("It was made%s%s.", who, recOnDate(d.Record.Date)), d)
	}
	if n > 1 {
		b.say(fmt.Sprintf("It is the largest of %s %s.", recCount(n), many))
	}
	return nil
}

// largest states the largest payment or contract matching f, narrowed by
// any words the question adds ("the biggest payment for agency staff").
func (a *Records) largest(ctx context.Context, b *recordDraft, f RecordFilter, text []string) (bool, error) {
	if len(text) > 0 {
		f.Text = strings.Join(text, " ")
	}
	f.Order, f.Limit = OrderAmount, 2
	top, n, err := a.find(ctx, f)
	if err != nil || len(top) == 0 {
		return false, err
	}
	scope := b.councilScope() + b.periodScope() // an amount bound does not change the largest
	if f.Text != "" {
		scope = fmt.Sprintf(" for %q", f.Text) + scope
	}
	d := top[0]
	// by names the council when the question did not.
	by := ""
	if len(b.councils) == 0 && d.Council != "" {
		by = " by " + d.Council
	}
	if f.Kind == corpus.KindContracts {
		b.say(fmt.Sprintf("The largest contract%s is worth %s.", scope, recMoney(d.Record.AmountPence)), d)
		b.say(fmt.Sprintf("It is %q.", d.Title), d)
		if d.Record.Supplier != "" {
			b.say(fmt.Sprintf("It was awarded to %s%s%s.", d.Record.Supplier, by, recOnDate(d.Record.Date)), d)
		}
		b.say(fmt.Sprintf("That is out of %s.", recPlural(n, "contract", "contracts")))
		return true, nil
	}
	b.say(fmt.Sprintf("The largest payment%s was %s.", scope, recMoney(d.Record.AmountPence)), d)
	b.say(fmt.Sprintf("It went to %s%s%s.", recSupplierOr(d), by, recOnDate(d.Record.Date)), d)
	if len(top) > 1 {
		e := top[1]
		b.say(fmt.Sprintf("The next largest was %s to %s.", recMoney(e.Record.AmountPence), recSupplierOr(e)), e)
	}
	b.say(fmt.Sprintf("That is out of %s.", recPlural(n, "payment", "payments")))
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
		top, _, err := a.find(ctx, gf)
		if err != nil {
			return false, err
		}
		name := recDisplay(g.Name)
		if said == 0 {
			b.say(fmt.Sprintf("The supplier paid the most%s was %s.", b.scope(), name), top...)
			b.say(fmt.Sprintf("It was paid %s in %s.", recMoney(g.Pence), recPlural(g.Rows, "payment", "payments")), top...)
		} else {
			b.say(fmt.Sprintf("Next was %s, with %s.", name, recMoney(g.Pence)), top...)
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
	top, _, err := a.find(ctx, f)
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
