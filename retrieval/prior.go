package retrieval

import (
	"context"
	"sort"
	"strings"

	"github.com/townhall-civic/townhall/corpus"
)

// Prior wraps a Searcher and rescales each hit's score by a prior weight,
// then re-ranks. It is how knowledge about sources, rather than about the
// words of a query, enters ranking: copies rank below originals, and
// payment records stay out of the way of service questions.
type Prior struct {
	Searcher Searcher
	// Weight returns a factor for a hit, typically in (0, 1]; 1 leaves the
	// hit as it is.
	Weight func(q Query, h Hit) float64
	// Depth is how many hits are fetched before re-ranking, as a multiple
	// of the limit; 0 means 3.
	Depth int
}

var _ Searcher = (*Prior)(nil)

// Search implements Searcher.
func (p *Prior) Search(ctx context.Context, q Query) ([]Hit, error) {
	limit := limitOf(q)
	depth := p.Depth
	if depth <= 0 {
		depth = 3
	}
	sub := q
	sub.Limit = limit * depth
	hits, err := p.Searcher.Search(ctx, sub)
	if err != nil {
		return nil, err
	}
	for i := range hits {
		hits[i].Score *= p.Weight(q, hits[i])
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	return Dedupe(hits, limit, q.PerDocument), nil
}

// recordCues are words that show a question is about the council's own
// money: payments, suppliers, contracts and budgets.
var recordCues = []string{
	"paid", "payment", "payments", "spend", "spent", "spending", "expenditure",
	"supplier", "suppliers", "invoice", "contract", "contracts", "contractor",
	"tender", "procurement", "awarded", "award", "budget", "budgets", "outturn",
	"transparency", "£", "purchase", "bought", "value",
}

// AsksAboutRecords reports whether a question mentions payments, suppliers,
// contracts or budgets.
func AsksAboutRecords(text string) bool {
	t := strings.ToLower(text)
	for _, w := range strings.FieldsFunc(t, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '£')
	}) {
		for _, c := range recordCues {
			if w == c {
				return true
			}
		}
	}
	return strings.Contains(t, "£")
}

// SourcePriors returns the default Prior weight: hits from secondary files
// are scaled by secondaryWeight, and spending and contract records by
// recordWeight unless the question asks about money (see
// AsksAboutRecords) or filters to those kinds explicitly.
func SourcePriors(secondary func(fileID string) bool, secondaryWeight, recordWeight float64) func(Query, Hit) float64 {
	return func(q Query, h Hit) float64 {
		w := 1.0
		if secondary != nil && secondary(corpus.FileID(h.Chunk.DocID)) {
			w *= secondaryWeight
		}
		if (h.Chunk.Kind == corpus.KindSpending || h.Chunk.Kind == corpus.KindContracts) &&
			len(q.Kinds) == 0 && !AsksAboutRecords(q.Text) {
			w *= recordWeight
		}
		return w
	}
}
