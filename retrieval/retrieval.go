package retrieval

import (
	"context"
	"math"
	"time"

	"github.com/townhall-civic/townhall/corpus"
)

// Query is a search request.
type Query struct {
	Text  string
	Limit int           // maximum hits; 0 means 10
	Kinds []corpus.Kind // restrict to these kinds; empty means all
	From  time.Time     // documents dated on or after; zero means no bound
	To    time.Time     // documents dated before; zero means no bound
	// PerDocument caps hits per document; 0 means 1 (deduplicated).
	PerDocument int
	// Bare lets a searcher return hits with only Chunk.ID, Chunk.DocID and
	// Score set. Wrappers that re-rank many candidates ask their inner
	// searchers for bare hits and fetch only the chunks they keep.
	Bare bool
}

// Hit is one retrieved chunk.
type Hit struct {
	Chunk   corpus.Chunk
	Score   float64 // higher is better; comparable only within one result list
	Snippet string  // short extract; matched terms wrapped in <mark>…</mark>
}

// Searcher answers queries. Search returns hits best first, at most
// q.Limit, or an error wrapping ErrInvalid for an unusable query.
type Searcher interface {
	Search(ctx context.Context, q Query) ([]Hit, error)
}

// SearcherFunc adapts a function to Searcher.
type SearcherFunc func(ctx context.Context, q Query) ([]Hit, error)

// Search calls f.
func (f SearcherFunc) Search(ctx context.Context, q Query) ([]Hit, error) { return f(ctx, q) }

// Embedder turns texts into vectors of one fixed dimension. It is the whole
// contract an embedding model must meet.
type Embedder func(ctx context.Context, texts []string) ([][]float32, error)

// ChunkIndex is a store of chunks, updated a source file at a time:
// ingestion deletes a changed file's chunks and puts its new ones.
type ChunkIndex interface {
	// Put inserts or replaces chunks by chunk ID.
	Put(ctx context.Context, chunks []corpus.Chunk) error
	// DeleteFiles removes every chunk whose document comes from one of the
	// given files (corpus.FileID of the chunk's DocID). Unknown files are
	// ignored.
	DeleteFiles(ctx context.Context, fileIDs []string) error
}

// Filter is an optional ability of a ChunkGetter: it reports which of
// the chunks ids pass q's kind and date filters (see Matches) without
// loading them. The vector arm uses it to filter its neighbours.
type Filter interface {
	Pass(ctx context.Context, q Query, ids []string) (map[string]bool, error)
}

// ChunkGetter fetches stored chunks by ID. Missing IDs are skipped, so the
// result may be shorter than ids; order follows ids.
type ChunkGetter interface {
	Chunks(ctx context.Context, ids []string) ([]corpus.Chunk, error)
}

// VectorHit is one nearest neighbour.
type VectorHit struct {
	ID    string  // chunk ID
	Score float32 // cosine similarity, higher is closer
}

// VectorIndex is an approximate or exact nearest-neighbour index over unit
// vectors keyed by chunk ID.
type VectorIndex interface {
	// Add inserts or replaces vectors. Vectors must all have the index's
	// dimension, or Add returns an error wrapping ErrDimension.
	Add(ctx context.Context, ids []string, vecs [][]float32) error
	// Delete removes vectors by ID; unknown IDs are ignored.
	Delete(ctx context.Context, ids []string) error
	// Search returns up to k nearest vectors to q that accept allows
	// (nil accepts all), closest first.
	Search(ctx context.Context, q []float32, k int, accept func(id string) bool) ([]VectorHit, error)
}

// Normalize scales v to unit length in place and returns it. A zero vector
// is returned unchanged.
func Normalize(v []float32) []float32 {
	var s float64
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	if s == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(s))
	for i := range v {
		v[i] *= inv
	}
	return v
}
