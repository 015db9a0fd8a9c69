package retrieval

import "sort"

// RRFK is the rank constant in reciprocal rank fusion. 60 is the value from
// Cormack et al. (2009) and what most hybrid search engines default to.
const RRFK = 60

// Fuse merges ranked lists with weighted reciprocal rank fusion over
// documents: in each list a document's rank is the position of its best
// chunk among the list's distinct documents, and it scores
// sum(w / (RRFK + rank)). Fusing by document rather than by chunk matters:
// the keyword and vector arms often pick different chunks of the same
// page, and those votes must add up. Each document keeps up to perDoc of
// its chunks, best first; results are capped at limit documents' chunks.
func Fuse(lists [][]Hit, weights []float64, limit, perDoc int) []Hit {
	return FuseK(lists, weights, RRFK, limit, perDoc)
}

// FuseK is Fuse with rank constant k: a smaller k rewards the top ranks
// of each list more.
func FuseK(lists [][]Hit, weights []float64, k float64, limit, perDoc int) []Hit {
	if k <= 0 {
		k = RRFK
	}
	if perDoc <= 0 {
		perDoc = 1
	}
	type acc struct {
		hits  []Hit
		seen  map[string]bool
		score float64
		best  int // best rank in any list, for tie breaks
	}
	byDoc := map[string]*acc{}
	var order []string
	for li, list := range lists {
		w := 1.0
		if li < len(weights) {
			w = weights[li]
		}
		rank := 0
		counted := map[string]bool{}
		for _, h := range list {
			doc := h.Chunk.DocID
			a, ok := byDoc[doc]
			if !ok {
				a = &acc{seen: map[string]bool{}, best: rank}
				byDoc[doc] = a
				order = append(order, doc)
			}
			if !a.seen[h.Chunk.ID] {
				a.seen[h.Chunk.ID] = true
				a.hits = append(a.hits, h)
			} else {
				for i := range a.hits {
					if a.hits[i].Chunk.ID == h.Chunk.ID && a.hits[i].Snippet == "" {
						a.hits[i].Snippet = h.Snippet
					}
				}
			}
			if counted[doc] {
				continue
			}
			counted[doc] = true
			a.score += w / (k + float64(rank+1))
			a.best = min(a.best, rank)
			rank++
		}
	}
	all := make([]*acc, 0, len(order))
	for _, d := range order {
		all = append(all, byDoc[d])
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].best < all[j].best
	})
	var out []Hit
	for _, a := range all {
		for i, h := range a.hits {
			if i == perDoc {
				break
			}
			h.Score = a.score
			out = append(out, h)
		}
		if limit > 0 && len(out) >= limit {
			return out[:limit]
		}
	}
	return out
}

// Dedupe caps an already ranked list to perDoc hits per document and limit
// overall (0 means no limit).
func Dedupe(hits []Hit, limit, perDoc int) []Hit {
	if perDoc <= 0 {
		perDoc = 1
	}
	seen := map[string]int{}
	var out []Hit
	for _, h := range hits {
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
