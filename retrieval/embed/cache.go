package embed

import (
	"container/list"
	"context"
	"fmt"
	"sync"

	"github.com/townhall-civic/townhall/retrieval"
)

// Cached wraps e with a least-recently-used cache of up to size vectors
// keyed by text. It suits query embedding, where residents repeat the same
// questions and a remote provider costs a round trip. Only the texts not in
// the cache are passed to e, in one call; returned vectors are copies, so
// callers may modify them. Safe for concurrent use.
func Cached(e retrieval.Embedder, size int) retrieval.Embedder {
	c := &lru{size: max(size, 1), items: map[string]*list.Element{}, order: list.New()}
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		var missIdx []int
		var missTexts []string
		pending := map[string]int{} // text → index in missTexts, so a batch's duplicates are embedded once
		c.mu.Lock()
		for i, t := range texts {
			if v, ok := c.get(t); ok {
				out[i] = append([]float32(nil), v...)
				continue
			}
			if _, ok := pending[t]; !ok {
				pending[t] = len(missTexts)
				missTexts = append(missTexts, t)
			}
			missIdx = append(missIdx, i)
		}
		c.mu.Unlock()
		if len(missTexts) == 0 {
			return out, nil
		}
		vecs, err := e(ctx, missTexts)
		if err != nil {
			return nil, err
		}
		if len(vecs) != len(missTexts) {
			return nil, fmt.Errorf("embed: cached embedder got %d vectors for %d texts", len(vecs), len(missTexts))
		}
		c.mu.Lock()
		for j, t := range missTexts {
			c.put(t, append([]float32(nil), vecs[j]...))
		}
		c.mu.Unlock()
		for _, i := range missIdx {
			out[i] = append([]float32(nil), vecs[pending[texts[i]]]...)
		}
		return out, nil
	}
}

type lru struct {
	mu    sync.Mutex
	size  int
	items map[string]*list.Element
	order *list.List // front is most recently used
}

type lruEntry struct {
	key string
	vec []float32
}

func (c *lru) get(k string) ([]float32, bool) {
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruEntry).vec, true
}

func (c *lru) put(k string, v []float32) {
	if el, ok := c.items[k]; ok {
		el.Value.(*lruEntry).vec = v
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruEntry{key: k, vec: v})
	for c.order.Len() > c.size {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruEntry).key)
	}
}
