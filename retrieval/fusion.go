package retrieval

import (
	"math"
	"sort"
)

func sqrt(x float64) float64 { return math.Sqrt(x) }

// RRFK is the rank constant in reciprocal rank fusion. 60 is the value from
// Cormack et al. (2009) and what most hybrid search engines default to.
const RRFK = 60

// Fuse merges ranked lists with weighted reciprocal rank fusion: each hit
// scores sum(w / (RRFK + rank)). Hits are keyed by chunk ID; the first list
// a chunk appears in supplies its snippet. Results are then capped to
// perDoc chunks per document and limit overall.
func Fuse(lists [][]Hit, weights []float64, limit, perDoc int) []Hit {
	if perDoc <= 0 {
		perDoc = 1
	}
	type acc struct {
		hit   Hit
		score float64
		best  int // best rank in any list, for tie breaks
	}
	byID := map[string]*acc{}
	var order []string
	for li, list := range lists {
		w := 1.0
		if li < len(weights) {
			w = weights[li]
		}
		for r, h := range list {
			a, ok := byID[h.Chunk.ID]
			if !ok {
				a = &acc{hit: h, best: r}
				byID[h.Chunk.ID] = a
				order = append(order, h.Chunk.ID)
			}
			if a.hit.Snippet == "" {
				a.hit.Snippet = h.Snippet
			}
			if a.hit.Chunk.Text == "" {
				a.hit.Chunk = h.Chunk
			}
			a.score += w / float64(RRFK+r+1)
			a.best = min(a.best, r)
		}
	}
	all := make([]*acc, 0, len(order))
	for _, id := range order {
		all = append(all, byID[id])
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].best < all[j].best
	})
	return capPerDoc(all, func(a *acc) Hit { a.hit.Score = a.score; return a.hit }, limit, perDoc)
}

// Dedupe caps an already ranked list to perDoc hits per document and limit
// overall.
func Dedupe(hits []Hit, limit, perDoc int) []Hit {
	if perDoc <= 0 {
		perDoc = 1
	}
	return capPerDoc(hits, func(h Hit) Hit { return h }, limit, perDoc)
}

func capPerDoc[T any](in []T, hit func(T) Hit, limit, perDoc int) []Hit {
	seen := map[string]int{}
	var out []Hit
	for _, x := range in {
		h := hit(x)
		if seen[h.Chunk.DocID] >= perDoc {
			continue
		}
		seen[h.Chunk.DocID]++
		out = append(out, h)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out
}
