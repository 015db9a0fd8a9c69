package embed

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// countingEmbedder embeds a text as [len(text), calls so far] and records
// what it was asked for.
type countingEmbedder struct {
	asked [][]string
}

func (c *countingEmbedder) embed(_ context.Context, texts []string) ([][]float32, error) {
	c.asked = append(c.asked, append([]string(nil), texts...))
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t)), float32(len(c.asked))}
	}
	return out, nil
}

func TestCached(t *testing.T) {
	inner := &countingEmbedder{}
	e := Cached(inner.embed, 2)
	ctx := context.Background()

	got := must(e(ctx, []string{"a", "bb", "a"}))
	want := [][]float32{{1, 1}, {2, 1}, {1, 1}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first call (-want +got):\n%s", diff)
	}
	got[0][0] = 99 // callers own their vectors

	got = must(e(ctx, []string{"bb", "a", "ccc"}))
	want = [][]float32{{2, 1}, {1, 1}, {3, 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second call (-want +got):\n%s", diff)
	}
	// "ccc" evicted the least recently used entry, "bb".
	must(e(ctx, []string{"bb"}))
	wantAsked := [][]string{{"a", "bb"}, {"ccc"}, {"bb"}}
	if diff := cmp.Diff(wantAsked, inner.asked); diff != "" {
		t.Errorf("texts passed to the inner embedder (-want +got):\n%s", diff)
	}
}

func TestCachedPassesErrors(t *testing.T) {
	boom := errors.New("boom")
	e := Cached(func(context.Context, []string) ([][]float32, error) { return nil, boom }, 8)
	if _, err := e(context.Background(), []string{"a"}); !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
	short := Cached(func(context.Context, []string) ([][]float32, error) { return [][]float32{{1}}, nil }, 8)
	if _, err := short(context.Background(), []string{"a", "b"}); err == nil {
		t.Error("inner embedder returned too few vectors: got no error")
	}
}
