package assistant

import (
	"context"
	"fmt"
	"sort"

	"github.com/townhall-civic/townhall/corpus"
)

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
	// recFuzzyMin is the least score a misspelt name is taken at, and
	// fuzzyMargin how much closer than the next it must be.
	recFuzzyMin    = 0.42
	recFuzzyMargin = 0.08
	// recMaxFamily is how many suppliers one name is answered for, each
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
			b.say(fmt.Sprintf("I took %q to mean %s, the closest name in the records.", sup.span.text, recDisplay(chosen[0].Name)))
		}
		if k != kinds[0] {
			b.say(fmt.Sprintf("I found no payments to %s%s, only contracts.", recNames(chosen), b.scope()))
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
			b.say(fmt.Sprintf("%d suppliers match %q, so each is given separately.", len(chosen), sup.span.text))
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
	recent, _, err := a.find(ctx, wide)
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
	b.say(fmt.Sprintf("I found no %s to %s%s.", many, recDisplay(m.Name), b.scope()))
	b.say(fmt.Sprintf("The records hold %s to them%s.", recPlural(g.Rows, one, many), by), recent...)
	if span := recDateSpan(g); span != "" {
		b.say("They are dated" + span + ".")
	}
	b.say(fmt.Sprintf("Together they come to %s. The latest are cited.", recMoney(g.Pence)))
	return true, nil
}
