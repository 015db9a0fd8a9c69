package assistant

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// contracts answers about contracts named by their subject ("who won the
// skip wagon contract?") or, with no subject, a council's contracts in
// all ("how many contracts has Hyndburn awarded?").
func (a *Records) contracts(ctx context.Context, b *recordDraft, f RecordFilter) (bool, error) {
	text := b.q.contentWords()
	if len(text) == 0 {
		if len(f.Councils) == 0 && !b.q.period.set() {
			return false, nil
		}
		if b.q.awarded {
			f.Status = "awarded"
		}
		return a.contractTotals(ctx, b, f)
	}
	found, n, err := a.matchContracts(ctx, f, text)
	if err != nil || len(found) == 0 {
		return false, err
	}
	if b.q.who {
		var awarded []corpus.Document
		for _, d := range found {
			if d.Record.Supplier != "" {
				awarded = append(awarded, d)
			}
		}
		if len(awarded) > 0 {
			found = awarded
		}
	}
	if len(found) > 3 {
		found = found[:3]
	}
	for i, d := range found {
		r := d.Record
		if i > 0 {
			b.say(fmt.Sprintf("Another match is %q.", d.Title), d)
		} else {
			b.say(fmt.Sprintf("The contract is %q.", d.Title), d)
		}
		switch {
		case r.Supplier != "":
			b.say(fmt.Sprintf("%s awarded it to %s%s.", recOrThe(d.Council), r.Supplier, recOnDate(r.Date)), d)
		default:
			b.say(fmt.Sprintf("The records name no supplier for it%s.", recStatusNote(r.Status)), d)
		}
		if r.AmountPence != 0 {
			b.say(fmt.Sprintf("It is worth %s.", recMoney(r.AmountPence)), d)
		}
		if b.q.end {
			if !r.EndDate.IsZero() {
				b.say(fmt.Sprintf("It runs until %s.", r.EndDate.Format("2 January 2006")), d)
			} else {
				b.say("The records do not give its end date.")
			}
		}
	}
	if n > len(found) {
		b.say(fmt.Sprintf("%d contracts match. These are the closest.", n))
	}
	return true, nil
}

// contractTotals counts and sums a council's contracts.
func (a *Records) contractTotals(ctx context.Context, b *recordDraft, f RecordFilter) (bool, error) {
	tot, err := a.Store.SumRecords(ctx, f, GroupNone)
	if err != nil || len(tot) == 0 || tot[0].Rows == 0 {
		return false, err
	}
	f.Order, f.Limit = OrderAmount, recMaxCited
	top, _, err := a.find(ctx, f)
	if err != nil {
		return false, err
	}
	what := "contract notices"
	if f.Status != "" {
		what = strings.ToLower(f.Status) + " contracts"
	}
	who := "The records hold"
	if len(f.Councils) > 0 {
		who = recDisplay(recShortest(f.Councils)) + " has"
	}
	b.say(fmt.Sprintf("%s %s %s%s.", who, recCount(tot[0].Rows), what, b.periodScope()), top...)
	b.say(fmt.Sprintf("Together they are worth %s.", recMoney(tot[0].Pence)), top...)
	d := top[0]
	b.say(fmt.Sprintf("The largest is worth %s.", recMoney(d.Record.AmountPence)), d)
	b.say(fmt.Sprintf("It is %q.", d.Title), d)
	if d.Record.Supplier != "" {
		b.say(fmt.Sprintf("It went to %s%s.", d.Record.Supplier, recOnDate(d.Record.Date)), d)
	}
	if tot[0].Rows > len(top) {
		b.say(fmt.Sprintf("The %d largest are cited.", len(top)))
	}
	return true, nil
}

// matchContracts finds the contracts whose words best cover text: all of
// them if any contract has them all, else those covering most of the
// words' weight (rarer words weigh more). It returns the matches, best
// first, and how many matched in all.
func (a *Records) matchContracts(ctx context.Context, f RecordFilter, text []string) ([]corpus.Document, int, error) {
	f.Text, f.Order, f.Limit = strings.Join(text, " "), OrderRelevance, 10
	docs, n, err := a.find(ctx, f)
	if err != nil || len(docs) > 0 {
		return docs, n, err
	}
	all, err := a.Store.SumRecords(ctx, RecordFilter{Kind: f.Kind}, GroupNone)
	if err != nil || len(all) == 0 || all[0].Rows == 0 {
		return nil, 0, err
	}
	total := float64(all[0].Rows)
	weight := map[string]float64{}
	sum := 0.0
	for _, w := range text {
		t, err := a.Store.SumRecords(ctx, RecordFilter{Kind: f.Kind, Text: w}, GroupNone)
		if err != nil {
			return nil, 0, err
		}
		df := 0.0
		if len(t) > 0 {
			df = float64(t[0].Rows)
		}
		weight[recStem(w)] = math.Log(1 + total/(df+0.5))
		sum += weight[recStem(w)]
	}
	f.AnyText, f.Limit = true, 30
	docs, _, err = a.find(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	type scored struct {
		d corpus.Document
		c float64
	}
	var best []scored
	for _, d := range docs {
		have := map[string]bool{}
		for _, t := range recTokens(strings.ToLower(d.Title + " " + d.Record.Description + " " + d.Record.Category + " " + d.Record.Supplier)) {
			have[recStem(t.w)] = true
		}
		c := 0.0
		for w, wt := range weight {
			if have[w] {
				c += wt
			}
		}
		if c/sum >= recMinCoverage {
			best = append(best, scored{d, c / sum})
		}
	}
	sort.SliceStable(best, func(i, j int) bool { return best[i].c > best[j].c })
	var out []corpus.Document
	for _, s := range best {
		if s.c < best[0].c-0.1 {
			break
		}
		out = append(out, s.d)
	}
	return out, len(out), nil
}

// recMinCoverage is the share of a question's word weight a contract must
// cover to be named as the one asked about.
const recMinCoverage = 0.6

// recStem is a light suffix stripper, enough to match "skips" with "skip"
// and "centres" with "centre" when weighing how much of a question a
// contract covers.
func recStem(w string) string {
	w = strings.TrimSuffix(strings.Trim(w, ".'-&"), "'s")
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 5 && strings.HasSuffix(w, "ing"):
		return w[:len(w)-3]
	case len(w) > 4 && strings.HasSuffix(w, "ed"):
		return w[:len(w)-2]
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	}
	return w
}
