package retrieval

import (
	"context"
	"fmt"
	"sort"
)

// Term is one analysed term of a question.
type Term struct {
	Text   string  // the index term, e.g. the Porter stem "badg"
	Pos    int     // position in the analysed question; neighbours differ by 1
	Weight float64 // how telling the term is, e.g. its inverse document frequency
}

// RerankWeights weight the text features Rerank reads for each candidate
// (see RerankFeatures.Score). Every feature lies in [0, 1].
type RerankWeights struct {
	// Title is the weighted share of the question's terms found in the
	// candidate's title; TitleFit the share of the title's terms found in
	// the question, which prefers "Rat treatment" to "Pest control, fees
	// and charges" for a question about rats.
	Title, TitleFit float64
	// Headings is the weighted share of question terms in the heading path
	// of the candidate's best chunk, Text the weighted share in its text.
	Headings, Text float64
	// Pairs is the share of neighbouring question terms that are also
	// neighbours in the title or headings ("blue badge", "postal vote").
	Pairs float64
}

// DefaultRerankWeights are the weights Rerank uses when none are given.
// Pairwise logistic regression on pseudo-queries made from a corpus's own
// pages (TestLearnRerankWeights in retrieval/local) gives headings and
// pairs positive weight and the title features none; whether text counts
// depends on how the pseudo-queries are read, so it gets a small weight.
// See docs/retrieval.md for the figures.
func DefaultRerankWeights() RerankWeights {
	return RerankWeights{Headings: 0.2, Text: 0.3, Pairs: 0.2}
}

// Rerank wraps a Searcher and re-orders its best candidate documents by
// reading the question against each: how much of the question the title,
// headings and text of the document's best chunk cover, weighted by how
// rare each question word is, and whether neighbouring question words
// appear together in a title or heading. Fusion only sees ranks, so two
// sibling pages ("apply for a blue badge", "lost or stolen blue badge")
// that both arms find are otherwise told apart by chance.
//
// Rerank changes the order of the top Depth documents only; the rest keep
// their order below them. It does not change the scale of the scores:
// the document it puts in place n takes the inner score of place n, so
// consumers that compare scores as ratios to the best (Prior, the
// extractive composer) see the same spread as before. A question with no
// usable terms passes through unchanged.
type Rerank struct {
	Searcher Searcher
	// Chunks fetches the candidates' text; Rerank asks its searcher for
	// bare hits. It must not be nil.
	Chunks ChunkGetter
	// QueryTerms analyses a question into weighted terms.
	QueryTerms func(ctx context.Context, text string) ([]Term, error)
	// Terms analyses a title, heading or text the same way, in order.
	Terms func(text string) []string
	// Depth is how many documents are re-read; 0 means 30.
	Depth int
	// Weights weight the features; the zero value means
	// DefaultRerankWeights.
	Weights RerankWeights
}

var _ Searcher = (*Rerank)(nil)

// Search implements Searcher.
func (r *Rerank) Search(ctx context.Context, q Query) ([]Hit, error) {
	ctx = withChunkMemo(ctx)
	limit := limitOf(q)
	depth := r.Depth
	if depth <= 0 {
		depth = 30
	}
	sub := q
	sub.Limit = max(limit, depth)
	sub.Bare = true
	hits, err := r.Searcher.Search(ctx, sub)
	if err != nil {
		return nil, err
	}
	terms, err := r.QueryTerms(ctx, q.Text)
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	if len(terms) > 0 && len(hits) > 0 {
		hits, err = r.rerank(ctx, terms, hits, depth)
		if err != nil {
			return nil, err
		}
	}
	hits = Dedupe(hits, limit, q.PerDocument)
	if q.Bare {
		return hits, nil
	}
	return Hydrate(ctx, r.Chunks, q.Text, hits)
}

// candidate is one document being re-read.
type candidate struct {
	hits     []Hit // in the inner searcher's order
	score    float64
	features RerankFeatures
}

// Candidate is one document as Rerank read it.
type Candidate struct {
	DocID    string
	Features RerankFeatures
	Score    float64 // with Rerank's weights
}

// Explain returns the top Depth documents for q with the features Rerank
// read, in the inner searcher's order. It is how weights are learned
// (see docs/retrieval.md) and how a ranking is debugged.
func (r *Rerank) Explain(ctx context.Context, q Query) ([]Candidate, error) {
	depth := r.Depth
	if depth <= 0 {
		depth = 30
	}
	sub := q
	sub.Limit = depth
	sub.Bare = true
	hits, err := r.Searcher.Search(ctx, sub)
	if err != nil {
		return nil, err
	}
	terms, err := r.QueryTerms(ctx, q.Text)
	if err != nil || len(terms) == 0 || len(hits) == 0 {
		return nil, err
	}
	docs, err := r.read(ctx, terms, hits, depth)
	if err != nil {
		return nil, err
	}
	out := make([]Candidate, len(docs))
	for i, c := range docs {
		out[i] = Candidate{DocID: c.hits[0].Chunk.DocID, Features: c.features, Score: c.score}
	}
	return out, nil
}

func (r *Rerank) rerank(ctx context.Context, terms []Term, hits []Hit, depth int) ([]Hit, error) {
	docs, err := r.read(ctx, terms, hits, depth)
	if err != nil {
		return nil, err
	}
	top := docs[:min(depth, len(docs))]
	// The inner scores of the top documents, best first: the new order
	// takes them over rank by rank, so that the scale of scores (which
	// consumers compare as ratios to the best) stays the inner searcher's.
	scale := make([]float64, len(top))
	for i, c := range top {
		scale[i] = c.hits[0].Score
	}
	sort.SliceStable(top, func(i, j int) bool { return top[i].score > top[j].score })
	for i, c := range top {
		c.score = scale[i]
	}
	for _, c := range docs[len(top):] {
		c.score = c.hits[0].Score
	}
	out := make([]Hit, 0, len(hits))
	for _, c := range docs {
		for _, h := range c.hits {
			h.Score = c.score
			out = append(out, h)
		}
	}
	return out, nil
}

// read groups hits by document, in order, and reads the top depth
// documents: their features, and their score under r's weights.
func (r *Rerank) read(ctx context.Context, terms []Term, hits []Hit, depth int) ([]*candidate, error) {
	var docs []*candidate
	byDoc := map[string]*candidate{}
	for _, h := range hits {
		c, ok := byDoc[h.Chunk.DocID]
		if !ok {
			c = &candidate{score: h.Score}
			byDoc[h.Chunk.DocID] = c
			docs = append(docs, c)
		}
		c.hits = append(c.hits, h)
	}
	top := docs[:min(depth, len(docs))]
	ids := make([]string, len(top))
	for i, c := range top {
		ids[i] = c.hits[0].Chunk.ID
	}
	chunks, err := readChunks(ctx, r.Chunks, ids)
	if err != nil {
		return nil, fmt.Errorf("rerank: %w", err)
	}
	text := make(map[string]Hit, len(chunks))
	for _, c := range chunks {
		text[c.ID] = Hit{Chunk: c}
	}
	w := r.Weights
	if w == (RerankWeights{}) {
		w = DefaultRerankWeights()
	}
	qs := newQuestion(terms)
	best := top[0].score
	for _, c := range top {
		if best > 0 {
			c.features.Fused = c.score / best
		}
		if h, ok := text[c.hits[0].Chunk.ID]; ok {
			qs.read(&c.features, r.Terms, h.Chunk.Title, h.Chunk.Headings, h.Chunk.Text)
		}
		c.score = c.features.Score(w)
	}
	return docs, nil
}
