// Package local is Townhall's embedded, on-disk retrieval store: a bleve
// full-text index, a vector index file and a JSON catalog of ingested
// files, all in one folder. It needs no server, and suits a council whose
// content fits on one machine (the shared corpus of ~150k records does).
//
// Layout of the folder:
//
//	meta.json      embedder identity and dimension; a mismatch rebuilds
//	bleve/         retrieval/bleve index of chunks (text and metadata)
//	vectors.bin    retrieval/vector index of chunk embeddings
//	catalog.json   retrieval.Catalog: file hashes and chunk IDs
package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/bleve"
	"github.com/townhall-civic/townhall/retrieval/vector"
)

// Options configures Open.
type Options struct {
	// Embed embeds chunks and queries. Nil gives a keyword-only store.
	Embed retrieval.Embedder
	// EmbedderID names the embedder and its settings (e.g. "glove-100k-sif");
	// when it differs from the one the store was built with, the store is
	// emptied so the next ingest re-embeds everything.
	EmbedderID string
	// Dim is the embedding dimension.
	Dim int
	// Keyword tunes the bleve index.
	Keyword bleve.Options
	// Vector tunes the vector index.
	Vector vector.Options
	// HybridKeyword picks the hybrid retriever's keyword arm: "plain" (the
	// bleve match query over all fields) or "tuned" (field boosts and
	// phrases); empty means plain, which measured better on the
	// development suite so far (docs/retrieval.md).
	HybridKeyword string
	// VectorWeight scales the vector arm in fusion; 0 means 0.5.
	VectorWeight float64
	// FusionK is the reciprocal rank fusion constant; 0 means 10.
	FusionK float64
	// Rerank makes the hybrid retriever re-read its best fused candidates
	// (retrieval.Rerank). Alone (source priors applied after fusion) it
	// lifts recall@5 and MRR on the development suite but not on the
	// held-out check; with the priors applied inside the arms
	// (PriorSearcher) it helps both, and townhall turns it on for that
	// retriever (docs/retrieval.md).
	Rerank bool
	// PriorDepth is how many times its fusion depth each arm fetches for
	// the source priors to choose from (PriorSearcher); 0 means 3.
	PriorDepth int
	// Copies makes PriorSearcher's arms find copies among their
	// candidates before the source priors weigh them
	// (retrieval.Hybrid.Copies): the canonical copy takes the best score
	// of its group.
	Copies bool
	// RerankDepth is how many fused documents are re-read; 0 means 30.
	RerankDepth int
	// RerankWeights weight the reranker's features; the zero value means
	// retrieval.DefaultRerankWeights.
	RerankWeights retrieval.RerankWeights
}

type meta struct {
	Version    int    `json:"version"`
	EmbedderID string `json:"embedder"`
	Dim        int    `json:"dim"`
}

const storeVersion = 2 // 2: whole-document chunks

// Store is an open local store.
type Store struct {
	dir     string
	opt     Options
	keyword *bleve.Index
	vectors *vector.Index
	catalog *Catalog
	// Rebuilt is true when Open found an incompatible store and emptied it.
	Rebuilt bool
}

// Open opens or creates the store in dir.
func Open(dir string, opt Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Store{dir: dir, opt: opt}
	want := meta{Version: storeVersion, EmbedderID: opt.EmbedderID, Dim: opt.Dim}
	var have meta
	data, err := os.ReadFile(s.path("meta.json"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.Rebuilt = s.exists("catalog.json")
	case err != nil:
		return nil, err
	default:
		if json.Unmarshal(data, &have) != nil || have != want {
			s.Rebuilt = true
		}
	}
	if s.Rebuilt {
		for _, name := range []string{"bleve", "vectors.bin", "catalog.json", "meta.json"} {
			if err := os.RemoveAll(s.path(name)); err != nil {
				return nil, err
			}
		}
	}
	s.keyword, err = bleve.Open(s.path("bleve"), opt.Keyword)
	if errors.Is(err, bleve.ErrIncompatible) {
		// An index from an older mapping: rebuild rather than fail.
		os.RemoveAll(s.path("bleve"))
		os.Remove(s.path("catalog.json"))
		s.Rebuilt = true
		s.keyword, err = bleve.Open(s.path("bleve"), opt.Keyword)
	}
	if err != nil {
		return nil, fmt.Errorf("open keyword index: %w", err)
	}
	if opt.Embed != nil {
		s.vectors, err = vector.Load(s.path("vectors.bin"))
		if errors.Is(err, fs.ErrNotExist) {
			s.vectors, err = vector.New(opt.Dim, opt.Vector), nil
		}
		if err != nil {
			s.keyword.Close()
			return nil, fmt.Errorf("open vector index: %w", err)
		}
	}
	s.catalog, err = OpenCatalog(s.path("catalog.json"))
	if err != nil {
		s.keyword.Close()
		return nil, err
	}
	if err := writeFileAtomic(s.path("meta.json"), mustJSON(want)); err != nil {
		s.keyword.Close()
		return nil, err
	}
	return s, nil
}

func (s *Store) path(name string) string { return filepath.Join(s.dir, name) }

func (s *Store) exists(name string) bool {
	_, err := os.Stat(s.path(name))
	return err == nil
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with plain structs
	}
	return b
}

// Indexer returns the corpus.Sink that writes into this store.
func (s *Store) Indexer() *retrieval.Indexer {
	ix := &retrieval.Indexer{Keyword: s.keyword, Catalog: s.catalog, WholeDocuments: true}
	if s.vectors != nil {
		ix.Vectors, ix.Embed = s.vectors, s.opt.Embed
	}
	return ix
}

// Searcher returns the named retriever: "hybrid" (the default), "bm25"
// (the untuned bleve match query a council's site search gives), "keyword"
// (the tuned BM25 arm) or "vector".
func (s *Store) Searcher(name string) (retrieval.Searcher, error) {
	vec := func() (retrieval.Searcher, error) {
		if s.vectors == nil {
			return nil, fmt.Errorf("retriever %q needs an embedder: %w", name, retrieval.ErrInvalid)
		}
		return &retrieval.Vector{Index: s.vectors, Chunks: s.keyword, Embed: s.opt.Embed}, nil
	}
	switch name {
	case "", "hybrid":
		if s.vectors == nil {
			return s.keyword, nil
		}
		if !s.opt.Rerank {
			return s.hybrid(nil), nil
		}
		return s.Reranker()
	case "bm25":
		return s.keyword.Plain(), nil
	case "keyword":
		return s.keyword, nil
	case "vector":
		return vec()
	}
	return nil, fmt.Errorf("unknown retriever %q (want hybrid, bm25, keyword or vector): %w", name, retrieval.ErrInvalid)
}

// PriorSearcher returns the hybrid retriever with source priors (see
// retrieval.SourcePriors) applied inside each arm, where they choose the
// candidates fusion sees (retrieval.Hybrid.Prior), reranked when
// Options.Rerank is set. The caller must not apply the priors again to its
// results. A store without an embedder has only the tuned keyword arm,
// and the priors rescale its results.
func (s *Store) PriorSearcher(prior func(retrieval.Query) func(retrieval.Hit) float64) (retrieval.Searcher, error) {
	if s.vectors == nil {
		return &retrieval.Prior{Searcher: s.keyword, Depth: 5, Chunks: s.keyword, Weight: prior}, nil
	}
	h := s.hybrid(prior)
	if !s.opt.Rerank {
		return h, nil
	}
	return s.rerank(h), nil
}

// hybrid is the fusion of the keyword and vector arms, with prior (if
// not nil) weighing each arm's candidates.
func (s *Store) hybrid(prior func(retrieval.Query) func(retrieval.Hit) float64) *retrieval.Hybrid {
	v := &retrieval.Vector{Index: s.vectors, Chunks: s.keyword, Embed: s.opt.Embed}
	var kw retrieval.Searcher = s.keyword.Plain()
	if s.opt.HybridKeyword == "tuned" {
		kw = s.keyword
	}
	vw, k := s.opt.VectorWeight, s.opt.FusionK
	if vw == 0 {
		vw = 0.5
	}
	if k == 0 {
		k = 10
	}
	return &retrieval.Hybrid{Keyword: kw, Vector: v, VectorWeight: vw, K: k, Chunks: s.keyword, Prior: prior, PriorDepth: s.opt.PriorDepth, Copies: s.opt.Copies}
}

// Reranker returns the hybrid retriever with reranking, whatever
// Options.Rerank says: fusion of the keyword and vector arms, its best
// candidates re-read by retrieval.Rerank. It is an error wrapping
// retrieval.ErrInvalid for a store without an embedder.
func (s *Store) Reranker() (*retrieval.Rerank, error) {
	if s.vectors == nil {
		return nil, fmt.Errorf("the reranker needs an embedder: %w", retrieval.ErrInvalid)
	}
	return s.rerank(s.hybrid(nil)), nil
}

// rerank wraps searcher in the reranker configured by the options.
func (s *Store) rerank(searcher retrieval.Searcher) *retrieval.Rerank {
	return &retrieval.Rerank{
		Searcher: searcher, Chunks: s.keyword, Depth: s.opt.RerankDepth, Weights: s.opt.RerankWeights,
		QueryTerms: s.keyword.QueryTerms, Terms: s.keyword.Terms,
	}
}

// Catalog returns the store's catalog of ingested files.
func (s *Store) Catalog() *Catalog { return s.catalog }

// Chunks gives access to stored chunks by ID.
func (s *Store) Chunks() retrieval.ChunkGetter { return s.keyword }

// Stats reports what the store holds.
type Stats struct {
	Files, Documents, Chunks, Vectors int
}

// Stats counts the store's contents.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	files, err := s.catalog.Files(ctx)
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Files: len(files)}
	for _, f := range files {
		st.Documents += f.Docs
		st.Chunks += len(f.ChunkIDs)
	}
	if s.vectors != nil {
		st.Vectors = s.vectors.Len()
	}
	return st, nil
}

// Commit makes everything ingested so far durable: keyword batches are
// already on disk when Put returns, so the vector file and catalog are
// written atomically. With compact set, the keyword index is first merged
// into one segment, which makes searches faster after a bulk ingest.
func (s *Store) Commit(ctx context.Context, compact bool) error {
	if compact {
		if err := s.keyword.Compact(ctx); err != nil {
			return err
		}
	}
	if s.vectors != nil {
		if err := s.vectors.Save(s.path("vectors.bin")); err != nil {
			return err
		}
	}
	return s.catalog.Save()
}

// Close closes the store without committing.
func (s *Store) Close() error { return s.keyword.Close() }
