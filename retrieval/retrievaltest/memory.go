// Package retrievaltest provides real, in-memory implementations of the
// retrieval interfaces for tests: a term-overlap keyword index, an exact
// vector index and a catalog. They are small but behave like the real
// stores, so code under test exercises the same contracts.
package retrievaltest

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Keyword is an in-memory keyword index scoring chunks by the number of
// distinct query words they contain, title words counting double.
type Keyword struct {
	mu     sync.RWMutex
	chunks map[string]corpus.Chunk
}

var (
	_ retrieval.ChunkIndex  = (*Keyword)(nil)
	_ retrieval.ChunkGetter = (*Keyword)(nil)
	_ retrieval.Searcher    = (*Keyword)(nil)
)

// NewKeyword returns an empty index.
func NewKeyword() *Keyword { return &Keyword{chunks: map[string]corpus.Chunk{}} }

// Put implements retrieval.ChunkIndex.
func (k *Keyword) Put(_ context.Context, chunks []corpus.Chunk) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, c := range chunks {
		k.chunks[c.ID] = c
	}
	return nil
}

// DeleteFiles implements retrieval.ChunkIndex.
func (k *Keyword) DeleteFiles(_ context.Context, fileIDs []string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	drop := map[string]bool{}
	for _, f := range fileIDs {
		drop[f] = true
	}
	for id, c := range k.chunks {
		if drop[corpus.FileID(c.DocID)] {
			delete(k.chunks, id)
		}
	}
	return nil
}

// Chunks implements retrieval.ChunkGetter.
func (k *Keyword) Chunks(_ context.Context, ids []string) ([]corpus.Chunk, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	var out []corpus.Chunk
	for _, id := range ids {
		if c, ok := k.chunks[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// Len returns the number of chunks stored.
func (k *Keyword) Len() int {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return len(k.chunks)
}

// Search implements retrieval.Searcher.
func (k *Keyword) Search(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	terms := Words(q.Text)
	if len(terms) == 0 {
		return nil, fmt.Errorf("empty query: %w", retrieval.ErrInvalid)
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	var hits []retrieval.Hit
	for _, c := range k.chunks {
		if !retrieval.Matches(q, c) {
			continue
		}
		body := set(Words(c.Text))
		title := set(Words(c.Title))
		score := 0.0
		for _, t := range terms {
			if body[t] {
				score++
			}
			if title[t] {
				score += 2
			}
		}
		if score > 0 {
			hits = append(hits, retrieval.Hit{Chunk: c, Score: score, Snippet: retrieval.PlainSnippet(c.Text, 200)})
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Chunk.ID < hits[j].Chunk.ID
	})
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	return retrieval.Dedupe(hits, limit, q.PerDocument), nil
}

// Words lower-cases text and splits it into words of two or more letters
// or digits.
func Words(text string) []string {
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if len(w) > 1 {
			out = append(out, w)
		}
	}
	return out
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// Vectors is an exact in-memory vector index.
type Vectors struct {
	mu   sync.RWMutex
	dim  int
	vecs map[string][]float32
}

var _ retrieval.VectorIndex = (*Vectors)(nil)

// NewVectors returns an empty index of the given dimension.
func NewVectors(dim int) *Vectors { return &Vectors{dim: dim, vecs: map[string][]float32{}} }

// Add implements retrieval.VectorIndex.
func (v *Vectors) Add(_ context.Context, ids []string, vecs [][]float32) error {
	if len(ids) != len(vecs) {
		return fmt.Errorf("%d ids for %d vectors: %w", len(ids), len(vecs), retrieval.ErrInvalid)
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for i, x := range vecs {
		if len(x) != v.dim {
			return fmt.Errorf("vector %q has %d dimensions, want %d: %w", ids[i], len(x), v.dim, retrieval.ErrDimension)
		}
		v.vecs[ids[i]] = retrieval.Normalize(append([]float32(nil), x...))
	}
	return nil
}

// Delete implements retrieval.VectorIndex.
func (v *Vectors) Delete(_ context.Context, ids []string) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, id := range ids {
		delete(v.vecs, id)
	}
	return nil
}

// Len returns the number of vectors stored.
func (v *Vectors) Len() int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	return len(v.vecs)
}

// Search implements retrieval.VectorIndex.
func (v *Vectors) Search(_ context.Context, q []float32, k int, accept func(string) bool) ([]retrieval.VectorHit, error) {
	if len(q) != v.dim {
		return nil, fmt.Errorf("query has %d dimensions, want %d: %w", len(q), v.dim, retrieval.ErrDimension)
	}
	q = retrieval.Normalize(append([]float32(nil), q...))
	v.mu.RLock()
	defer v.mu.RUnlock()
	var hits []retrieval.VectorHit
	for id, x := range v.vecs {
		if accept != nil && !accept(id) {
			continue
		}
		var s float32
		for i := range x {
			s += x[i] * q[i]
		}
		hits = append(hits, retrieval.VectorHit{ID: id, Score: s})
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].ID < hits[j].ID
	})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// Catalog is an in-memory retrieval.Catalog.
type Catalog struct {
	mu    sync.Mutex
	files map[string]retrieval.FileState
}

var _ retrieval.Catalog = (*Catalog)(nil)

// NewCatalog returns an empty catalog.
func NewCatalog() *Catalog { return &Catalog{files: map[string]retrieval.FileState{}} }

// Files implements retrieval.Catalog.
func (c *Catalog) Files(context.Context) (map[string]retrieval.FileState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]retrieval.FileState, len(c.files))
	for k, v := range c.files {
		out[k] = v
	}
	return out, nil
}

// PutFile implements retrieval.Catalog.
func (c *Catalog) PutFile(_ context.Context, id string, st retrieval.FileState) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[id] = st
	return nil
}

// DeleteFiles implements retrieval.Catalog.
func (c *Catalog) DeleteFiles(_ context.Context, ids []string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		delete(c.files, id)
	}
	return nil
}

// BagOfWords is a deterministic test embedder: each word hashes to one of
// dim dimensions. Texts sharing words are close; others are not.
func BagOfWords(dim int) retrieval.Embedder {
	return func(_ context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			v := make([]float32, dim)
			for _, w := range Words(t) {
				var h uint32 = 2166136261
				for j := 0; j < len(w); j++ {
					h = (h ^ uint32(w[j])) * 16777619
				}
				v[h%uint32(dim)]++
			}
			var n float64
			for _, x := range v {
				n += float64(x * x)
			}
			if n > 0 {
				for j := range v {
					v[j] /= float32(math.Sqrt(n))
				}
			}
			out[i] = v
		}
		return out, nil
	}
}
