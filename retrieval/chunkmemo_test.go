package retrieval

import (
	"context"
	"slices"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
)

// countingGetter serves chunks from a map and records every ID asked for.
type countingGetter struct {
	chunks map[string]corpus.Chunk
	asked  []string
}

func (g *countingGetter) Chunks(_ context.Context, ids []string) ([]corpus.Chunk, error) {
	g.asked = append(g.asked, ids...)
	var out []corpus.Chunk
	for _, id := range ids {
		if c, ok := g.chunks[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func TestReadChunksMemo(t *testing.T) {
	g := &countingGetter{chunks: map[string]corpus.Chunk{
		"a~0": {ID: "a~0", Text: "A"}, "b~0": {ID: "b~0", Text: "B"}, "c~0": {ID: "c~0", Text: "C"},
	}}
	ids := func(cs []corpus.Chunk) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}

	// Without a memo every read goes to the getter.
	ctx := context.Background()
	for range 2 {
		if _, err := readChunks(ctx, g, []string{"a~0"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(g.asked) != 2 {
		t.Fatalf("without a memo the getter was asked %v, want a~0 twice", g.asked)
	}

	g.asked = nil
	ctx = withChunkMemo(ctx)
	if withChunkMemo(ctx) != ctx {
		t.Error("a second withChunkMemo replaced the memo")
	}
	got, err := readChunks(ctx, g, []string{"b~0", "gone~0", "a~0"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b~0", "a~0"}; !slices.Equal(ids(got), want) {
		t.Errorf("first read %v, want %v (missing skipped, order kept)", ids(got), want)
	}
	got, err = readChunks(ctx, g, []string{"c~0", "a~0", "gone~0", "b~0"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"c~0", "a~0", "b~0"}; !slices.Equal(ids(got), want) {
		t.Errorf("second read %v, want %v", ids(got), want)
	}
	if want := []string{"b~0", "gone~0", "a~0", "c~0"}; !slices.Equal(g.asked, want) {
		t.Errorf("getter asked for %v, want each ID once: %v", g.asked, want)
	}
}
