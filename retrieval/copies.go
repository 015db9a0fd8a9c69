package retrieval

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// copyOverlap is how much of the smaller of two same-titled documents'
// words the other must hold for them to count as copies: a page and its
// export share nearly all their words; two councils' "Contact us" pages
// share few.
const copyOverlap = 0.6

// copyWords caps the words read from a chunk to compare it with another.
const copyWords = 400

// lendToCanonical finds copies among hits (ranked, best first): documents
// with the same title whose best chunks' words mostly overlap, such as a
// page and the site's search export of it. In each group of copies the
// member with the greatest weight (the primary source over a secondary
// one; the better ranked of equals) takes the best score of the group,
// so after weighting the canonical copy stands where the best of them
// stood and the others keep their own scores. Only the first maxDocs
// documents are read: copies further down would not have led the list.
// Hits and weights are parallel; hits' scores are changed in place.
func lendToCanonical(ctx context.Context, chunks ChunkGetter, hits []Hit, weights []float64, maxDocs int) error {
	type doc struct {
		first  int // index of its best hit
		best   float64
		weight float64
		title  string
		words  map[string]bool
		hits   []int
	}
	var docs []*doc
	byID := map[string]*doc{}
	var ids []string
	for i, h := range hits {
		d, ok := byID[h.Chunk.DocID]
		if !ok && len(docs) == maxDocs {
			continue
		}
		if !ok {
			d = &doc{first: i, best: h.Score, weight: weights[i]}
			byID[h.Chunk.DocID] = d
			docs = append(docs, d)
			ids = append(ids, h.Chunk.ID)
		}
		d.hits = append(d.hits, i)
	}
	if len(docs) < 2 {
		return nil
	}
	got, err := readChunks(ctx, chunks, ids)
	if err != nil {
		return fmt.Errorf("copies: %w", err)
	}
	text := make(map[string]int, len(got))
	for i, c := range got {
		text[c.ID] = i
	}
	byTitle := map[string][]*doc{}
	for _, d := range docs {
		i, ok := text[hits[d.first].Chunk.ID]
		if !ok {
			continue
		}
		d.title = normTitle(got[i].Title)
		if d.title != "" {
			byTitle[d.title] = append(byTitle[d.title], d)
		}
	}
	for _, same := range byTitle {
		if len(same) < 2 {
			continue
		}
		// Groups of copies among the same-titled documents, each led by
		// its first (best-scored) member.
		var groups [][]*doc
		for _, d := range same {
			d.words = wordSet(got[text[hits[d.first].Chunk.ID]].Text)
			joined := false
			for g, members := range groups {
				if overlap(members[0].words, d.words) >= copyOverlap {
					groups[g] = append(members, d)
					joined = true
					break
				}
			}
			if !joined {
				groups = append(groups, []*doc{d})
			}
		}
		for _, members := range groups {
			if len(members) < 2 {
				continue
			}
			canon := members[0]
			for _, d := range members[1:] {
				if d.weight > canon.weight {
					canon = d
				}
			}
			top := members[0].best
			if canon == members[0] || canon.best <= 0 {
				continue
			}
			f := top / canon.best
			for _, i := range canon.hits {
				hits[i].Score *= f
			}
		}
	}
	return nil
}

// normTitle is a title compared case- and space-insensitively.
func normTitle(t string) string {
	return strings.Join(strings.Fields(strings.ToLower(t)), " ")
}

// wordSet is the set of the first copyWords lower-cased words of text.
func wordSet(text string) map[string]bool {
	s := map[string]bool{}
	n := 0
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		s[strings.ToLower(w)] = true
		if n++; n == copyWords {
			break
		}
	}
	return s
}

// overlap is the share of the smaller set's words found in the other.
func overlap(a, b map[string]bool) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	if len(a) == 0 {
		return 0
	}
	in := 0
	for w := range a {
		if b[w] {
			in++
		}
	}
	return float64(in) / float64(len(a))
}
