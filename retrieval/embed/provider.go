package embed

import (
	"context"
	"fmt"
	"sync"

	"github.com/townhall-civic/townhall/retrieval"
)

// batchFunc embeds one batch of texts with a remote service.
type batchFunc func(ctx context.Context, texts []string) ([][]float32, error)

// batched returns an Embedder that splits its input into batches of at most
// size texts, sends up to conc batches at once, checks that every text got
// a vector and that all vectors share one dimension, and normalises them
// (the vector indexes assume unit vectors; OpenAI's already are, other
// servers' may not be). Errors wrap ErrProvider and, when the context ended
// the call, ctx.Err() too, so callers can tell a timeout from a failure.
func batched(name string, size, conc int, fn batchFunc) retrieval.Embedder {
	size, conc = max(size, 1), max(conc, 1)
	return func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		if len(texts) == 0 {
			return out, nil
		}
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			firstErr error
			sem      = make(chan struct{}, conc)
		)
		fail := func(err error) {
			mu.Lock()
			defer mu.Unlock()
			if firstErr == nil {
				firstErr = err
				cancel()
			}
		}
		for start := 0; start < len(texts); start += size {
			end := min(start+size, len(texts))
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
			}
			if ctx.Err() != nil {
				break
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				vecs, err := fn(ctx, texts[start:end])
				if err != nil {
					if cerr := ctx.Err(); cerr != nil {
						err = fmt.Errorf("%w (%w)", err, cerr)
					}
					fail(fmt.Errorf("%w: %s: texts %d-%d: %w", ErrProvider, name, start, end-1, err))
					return
				}
				if len(vecs) != end-start {
					fail(fmt.Errorf("%w: %s: got %d vectors for %d texts", ErrProvider, name, len(vecs), end-start))
					return
				}
				copy(out[start:end], vecs)
			}()
		}
		wg.Wait()
		if firstErr != nil {
			return nil, firstErr
		}
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrProvider, name, err)
		}
		dim := len(out[0])
		for i, v := range out {
			if len(v) == 0 || len(v) != dim {
				return nil, fmt.Errorf("%w: %s: vector %d has %d dimensions, vector 0 has %d", ErrProvider, name, i, len(v), dim)
			}
			retrieval.Normalize(v)
		}
		return out, nil
	}
}
