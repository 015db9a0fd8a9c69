package retrieval

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
)

// Vector searches by embedding similarity alone. It is the vector arm of
// Hybrid and a Searcher of its own for comparison runs.
type Vector struct {
	Index  VectorIndex
	Chunks ChunkGetter
	Embed  Embedder
}

var _ Searcher = (*Vector)(nil)

// Search implements Searcher.
func (v *Vector) Search(ctx context.Context, q Query) ([]Hit, error) {
	if strings.TrimSpace(q.Text) == "" {
		return nil, fmt.Errorf("empty query: %w", ErrInvalid)
	}
	limit := limitOf(q)
	vecs, err := v.Embed(ctx, []string{q.Text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embed query: got %d vectors, want 1", len(vecs))
	}
	// Over-fetch: several chunks of one document may be near the query, and
	// kind and date filters are applied to the neighbours found.
	k := limit * 4
	if filtered(q) {
		k = limit * 20
	}
	vh, err := v.Index.Search(ctx, vecs[0], k, nil)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(vh))
	for i, h := range vh {
		ids[i] = h.ID
	}
	screened := !filtered(q)
	if f, ok := v.Chunks.(Filter); ok && !screened {
		// The filters are read from the index, not from each chunk.
		pass, err := f.Pass(ctx, q, ids)
		if err != nil {
			return nil, err
		}
		kept := vh[:0]
		for _, h := range vh {
			if pass[h.ID] {
				kept = append(kept, h)
			}
		}
		vh, screened = kept, true
	}
	if screened {
		hits := make([]Hit, len(vh))
		for i, h := range vh {
			hits[i] = Hit{Chunk: corpus.Chunk{ID: h.ID, DocID: corpus.DocIDOfChunk(h.ID)}, Score: float64(h.Score)}
		}
		hits = Dedupe(hits, limit, q.PerDocument)
		if q.Bare {
			return hits, nil
		}
		return v.load(ctx, hits, nil)
	}
	// No Filter: load every neighbour and filter by its fields.
	hits := make([]Hit, len(vh))
	for i, h := range vh {
		hits[i] = Hit{Chunk: corpus.Chunk{ID: h.ID, DocID: corpus.DocIDOfChunk(h.ID)}, Score: float64(h.Score)}
	}
	hits, err = v.load(ctx, hits, func(c corpus.Chunk) bool { return Matches(q, c) })
	if err != nil {
		return nil, err
	}
	return Dedupe(hits, limit, q.PerDocument), nil
}

// load fills bare hits with their chunks and a plain snippet, keeping
// those that still exist and that keep (if not nil) accepts.
func (v *Vector) load(ctx context.Context, hits []Hit, keep func(corpus.Chunk) bool) ([]Hit, error) {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Chunk.ID
	}
	chunks, err := readChunks(ctx, v.Chunks, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]corpus.Chunk, len(chunks))
	for _, c := range chunks {
		byID[c.ID] = c
	}
	out := hits[:0]
	for _, h := range hits {
		c, ok := byID[h.Chunk.ID]
		if !ok || keep != nil && !keep(c) {
			continue
		}
		out = append(out, Hit{Chunk: c, Score: h.Score, Snippet: PlainSnippet(c.Text, 200)})
	}
	return out, nil
}

// Hybrid fuses a keyword searcher and a vector searcher with weighted
// reciprocal rank fusion. Either arm failing degrades to the other, so a
// broken embedding provider never takes search down.
type Hybrid struct {
	Keyword Searcher
	Vector  Searcher
	// KeywordWeight and VectorWeight scale each arm's RRF contribution;
	// zero means 1.
	KeywordWeight, VectorWeight float64
	// K is the reciprocal rank fusion constant; 0 means RRFK (60).
	K float64
	// Depth is how many candidates each arm contributes; 0 means 30.
	Depth int
	// Chunks fetches the text of hits an arm returned bare (see
	// Query.Bare). Nil means arms are asked for whole chunks.
	Chunks ChunkGetter
	// Prior, if set, weighs each arm's candidates before they are cut to
	// Depth (see Prior and SourcePriors): each arm fetches PriorDepth times
	// Depth documents, rescales their scores and keeps its best Depth for
	// fusion. Applied there rather than to the fused list, the prior
	// chooses which documents are candidates at all: a page at rank 60 of
	// an arm whose first 30 are other councils' payment records can take
	// part in fusion. Fusion then sees only ranks, so the prior is not
	// applied a second time. Nil leaves the arms as they are.
	Prior func(q Query) func(h Hit) float64
	// PriorDepth is how many times Depth each arm fetches when Prior is
	// set; 0 means 3.
	PriorDepth int
	// Copies makes each arm, when Prior is set, find copies among its
	// candidates (Prior.Copies, read through Chunks) before weighing them:
	// the canonical copy takes the best score of its group.
	Copies bool
}

var _ Searcher = (*Hybrid)(nil)

// Search implements Searcher.
func (h *Hybrid) Search(ctx context.Context, q Query) ([]Hit, error) {
	ctx = withChunkMemo(ctx)
	if strings.TrimSpace(q.Text) == "" {
		return nil, fmt.Errorf("empty query: %w", ErrInvalid)
	}
	limit := limitOf(q)
	depth := h.Depth
	if depth <= 0 {
		depth = 30
	}
	sub := q
	sub.Limit = max(depth, limit)
	sub.PerDocument = max(q.PerDocument, 2)
	sub.Bare = h.Chunks != nil

	type res struct {
		hits []Hit
		err  error
	}
	kw, vec := h.Keyword, h.Vector
	if h.Prior != nil {
		pd := h.PriorDepth
		if pd <= 0 {
			pd = 3
		}
		var copies ChunkGetter
		if h.Copies {
			copies = h.Chunks
		}
		kw = &Prior{Searcher: kw, Depth: pd, Weight: h.Prior, Copies: copies}
		vec = &Prior{Searcher: vec, Depth: pd, Weight: h.Prior, Copies: copies}
	}
	vc := make(chan res, 1)
	go func() {
		hits, err := vec.Search(ctx, sub)
		vc <- res{hits, err}
	}()
	kh, kerr := kw.Search(ctx, sub)
	vr := <-vc
	switch {
	case kerr != nil && vr.err != nil:
		return nil, errors.Join(kerr, vr.err)
	case kerr != nil:
		return Dedupe(vr.hits, limit, q.PerDocument), nil
	case vr.err != nil:
		return Dedupe(kh, limit, q.PerDocument), nil
	}
	fused := FuseK([][]Hit{kh, vr.hits}, []float64{weight(h.KeywordWeight), weight(h.VectorWeight)}, h.K, limit, q.PerDocument)
	if q.Bare {
		return fused, nil
	}
	return Hydrate(ctx, h.Chunks, q.Text, fused)
}

// Hydrate fills in hits that arrived bare (without their chunk's text)
// from chunks, with snippets highlighting the query's words. Hits whose
// chunk has since been deleted are dropped. A nil getter leaves hits as
// they are.
func Hydrate(ctx context.Context, chunks ChunkGetter, query string, hits []Hit) ([]Hit, error) {
	if chunks == nil {
		return hits, nil
	}
	var ids []string
	for _, x := range hits {
		if x.Chunk.Text == "" {
			ids = append(ids, x.Chunk.ID)
		}
	}
	if len(ids) == 0 {
		return hits, nil
	}
	got, err := readChunks(ctx, chunks, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]corpus.Chunk, len(got))
	for _, c := range got {
		byID[c.ID] = c
	}
	out := hits[:0]
	for _, x := range hits {
		if x.Chunk.Text == "" {
			c, ok := byID[x.Chunk.ID]
			if !ok {
				continue // deleted since the vector index was searched
			}
			x.Chunk = c
			x.Snippet = HighlightSnippet(c.Text, query, 200)
		}
		out = append(out, x)
	}
	return out, nil
}

func weight(w float64) float64 {
	if w == 0 {
		return 1
	}
	return w
}

func limitOf(q Query) int {
	if q.Limit <= 0 {
		return 10
	}
	return q.Limit
}

func filtered(q Query) bool { return len(q.Kinds) > 0 || !q.From.IsZero() || !q.To.IsZero() }

// Matches reports whether c passes q's kind and date filters.
func Matches(q Query, c corpus.Chunk) bool {
	if len(q.Kinds) > 0 {
		ok := false
		for _, k := range q.Kinds {
			if c.Kind == k {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if !q.From.IsZero() && (c.Date.IsZero() || c.Date.Before(q.From)) {
		return false
	}
	if !q.To.IsZero() && (c.Date.IsZero() || !c.Date.Before(q.To)) {
		return false
	}
	return true
}

// PlainSnippet returns the first n bytes of text, cut at a word boundary
// and HTML-escaped, for hits that have no highlighted fragment.
func PlainSnippet(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) > n {
		cut := n
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		if i := strings.LastIndexByte(text[:cut], ' '); i > n/2 {
			cut = i
		}
		text = text[:cut] + "…"
	}
	return html.EscapeString(text)
}
