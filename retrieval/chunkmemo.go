package retrieval

import (
	"context"
	"sync"

	"github.com/townhall-civic/townhall/corpus"
)

// A search reads the same chunks several times: each arm reads its first
// documents to find copies (Prior.Copies), the reranker reads the fused
// candidates, and Hydrate the final hits, mostly the same few dozen
// chunks. withChunkMemo makes the reads of one search share their
// results; a chunk read once is not decoded again until the search ends.
// The memo lives in the context of one search, so a later search (after
// an ingest, say) never sees a chunk from before it.

type chunkMemoKey struct{}

type chunkMemo struct {
	mu     sync.Mutex
	chunks map[string]corpus.Chunk
	absent map[string]bool
}

// withChunkMemo returns ctx with a memo of chunk reads (see readChunks),
// or ctx itself if it already has one.
func withChunkMemo(ctx context.Context) context.Context {
	if _, ok := ctx.Value(chunkMemoKey{}).(*chunkMemo); ok {
		return ctx
	}
	return context.WithValue(ctx, chunkMemoKey{}, &chunkMemo{chunks: map[string]corpus.Chunk{}, absent: map[string]bool{}})
}

// readChunks is g.Chunks through the context's memo, if it has one: only
// the IDs not read before in this search are fetched. As for
// ChunkGetter, missing IDs are skipped and the order follows ids.
func readChunks(ctx context.Context, g ChunkGetter, ids []string) ([]corpus.Chunk, error) {
	m, ok := ctx.Value(chunkMemoKey{}).(*chunkMemo)
	if !ok {
		return g.Chunks(ctx, ids)
	}
	var missing []string
	m.mu.Lock()
	for _, id := range ids {
		if _, have := m.chunks[id]; !have && !m.absent[id] {
			missing = append(missing, id)
		}
	}
	m.mu.Unlock()
	if len(missing) > 0 {
		got, err := g.Chunks(ctx, missing)
		if err != nil {
			return nil, err
		}
		m.mu.Lock()
		for _, c := range got {
			m.chunks[c.ID] = c
		}
		for _, id := range missing {
			if _, have := m.chunks[id]; !have {
				m.absent[id] = true
			}
		}
		m.mu.Unlock()
	}
	out := make([]corpus.Chunk, 0, len(ids))
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		if c, have := m.chunks[id]; have {
			out = append(out, c)
		}
	}
	return out, nil
}
