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
	// Weight is called once per query and returns the factor for each of
	// its hits, typically in (0, 1]; 1 leaves a hit as it is. Reading the
	// question once per query keeps that work off the per-hit path.
	Weight func(q Query) func(h Hit) float64
	// Depth is how many hits are fetched before re-ranking, as a multiple
	// of the limit; 0 means 3.
	Depth int
	// Chunks, if set, lets Prior ask for bare hits and fetch only the
	// chunks it returns; Weight then sees hits with only IDs set.
	Chunks ChunkGetter
	// Copies, if set, is read to find copies among the first limit
	// documents fetched, before they are weighed (same title, mostly the
	// same words: a page and its export). The copy with the greatest
	// weight, the primary source over a secondary one, takes the best
	// score of its group, so the canonical copy keeps the better of their
	// ranks rather than losing the evidence its copy gathered.
	Copies ChunkGetter
}

var _ Searcher = (*Prior)(nil)

// Search implements Searcher.
func (p *Prior) Search(ctx context.Context, q Query) ([]Hit, error) {
	ctx = withChunkMemo(ctx)
	limit := limitOf(q)
	depth := p.Depth
	if depth <= 0 {
		depth = 3
	}
	sub := q
	sub.Limit = limit * depth
	sub.Bare = q.Bare || p.Chunks != nil
	hits, err := p.Searcher.Search(ctx, sub)
	if err != nil {
		return nil, err
	}
	weight := p.Weight(q)
	ws := make([]float64, len(hits))
	for i := range hits {
		ws[i] = weight(hits[i])
	}
	if p.Copies != nil {
		if err := lendToCanonical(ctx, p.Copies, hits, ws, limit); err != nil {
			return nil, err
		}
	}
	for i := range hits {
		hits[i].Score *= ws[i]
	}
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	hits = Dedupe(hits, limit, q.PerDocument)
	if q.Bare || p.Chunks == nil {
		return hits, nil
	}
	return Hydrate(ctx, p.Chunks, q.Text, hits)
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

// Priors are the source priors SourcePriors applies. Zero weights mean 1
// (no effect).
type Priors struct {
	// Secondary reports files a manifest marks secondary.
	Secondary       func(fileID string) bool
	SecondaryWeight float64
	// RecordWeight scales spending and contract records for questions that
	// do not ask about money.
	RecordWeight float64
	// Councils recognises council names; when a question names one,
	// documents of other councils are scaled by OtherCouncilWeight.
	Councils           *Councils
	OtherCouncilWeight float64
	// File describes a source file, for bare hits that carry no kind or
	// council of their own.
	File func(fileID string) (kind corpus.Kind, council string)
}

// SourcePriors returns the Prior weight function for p.
func SourcePriors(p Priors) func(Query) func(Hit) float64 {
	w1 := func(w float64) float64 {
		if w == 0 {
			return 1
		}
		return w
	}
	return func(q Query) func(Hit) float64 {
		// What the question says is the same for all its hits.
		demoteRecords := len(q.Kinds) == 0 && !AsksAboutRecords(q.Text)
		var mentioned map[string]bool
		if p.Councils != nil {
			mentioned = p.Councils.Mentioned(q.Text)
		}
		return func(h Hit) float64 {
			file := corpus.FileID(h.Chunk.DocID)
			if h.Chunk.Kind == "" && p.File != nil {
				h.Chunk.Kind, h.Chunk.Council = p.File(file)
			}
			w := 1.0
			if p.Secondary != nil && p.Secondary(file) {
				w *= w1(p.SecondaryWeight)
			}
			if demoteRecords && (h.Chunk.Kind == corpus.KindSpending || h.Chunk.Kind == corpus.KindContracts) {
				w *= w1(p.RecordWeight)
			}
			if len(mentioned) > 0 && h.Chunk.Council != "" && !p.Councils.SameCouncil(mentioned, h.Chunk.Council) {
				w *= w1(p.OtherCouncilWeight)
			}
			return w
		}
	}
}
