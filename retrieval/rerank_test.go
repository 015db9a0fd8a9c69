package retrieval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

// analyse is a stand-in for the index's analyzer: lower case, a few stop
// words, and a plural "s" removed.
func analyse(text string) []string {
	stop := map[string]bool{"a": true, "or": true, "for": true, "my": true, "i": true, "how": true, "do": true, "the": true, "have": true}
	var out []string
	for _, w := range strings.Fields(strings.ToLower(strings.NewReplacer("?", " ", ".", " ", ",", " ").Replace(text))) {
		if stop[w] {
			continue
		}
		out = append(out, strings.TrimSuffix(w, "s"))
	}
	return out
}

func queryTerms(_ context.Context, text string) ([]retrieval.Term, error) {
	var out []retrieval.Term
	pos := 0
	for _, w := range strings.Fields(text) {
		pos++
		for _, t := range analyse(w) {
			weight := 1.0
			if t == "lost" || t == "stolen" {
				weight = 3 // rarer than "badge"
			}
			out = append(out, retrieval.Term{Text: t, Pos: pos, Weight: weight})
		}
	}
	return out, nil
}

func TestRerank(t *testing.T) {
	ctx := context.Background()
	chunks := []corpus.Chunk{
		{ID: "apply~0", DocID: "apply", Title: "Apply for a blue badge", Headings: []string{"Apply for a blue badge", "Who can apply"}, Text: "You can apply for a blue badge if you have a disability."},
		{ID: "lost~0", DocID: "lost", Title: "Lost or stolen blue badge", Headings: []string{"Lost or stolen blue badge", "Replacing a lost badge"}, Text: "If your badge is lost or stolen, report it and order a replacement badge."},
		{ID: "bins~0", DocID: "bins", Title: "Bin collections", Text: "Collections are weekly."},
	}
	store := retrievaltest.NewKeyword()
	if err := store.Put(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	// The inner order puts the sibling page first, as fusion often does.
	inner := retrieval.SearcherFunc(func(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
		var hits []retrieval.Hit
		for i, id := range []string{"apply~0", "lost~0", "bins~0"} {
			hits = append(hits, retrieval.Hit{Chunk: corpus.Chunk{ID: id, DocID: corpus.DocIDOfChunk(id)}, Score: 1 - 0.05*float64(i)})
		}
		return hits[:min(len(hits), q.Limit)], nil
	})
	rr := &retrieval.Rerank{Searcher: inner, Chunks: store, QueryTerms: queryTerms, Terms: analyse}

	t.Run("the page that reads like the question moves up", func(t *testing.T) {
		hits, err := rr.Search(ctx, retrieval.Query{Text: "I have lost my blue badge, how do I get a replacement?", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"lost", "apply", "bins"}, docs(hits)); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
		if hits[0].Chunk.Text == "" || hits[0].Snippet == "" {
			t.Errorf("top hit not hydrated: %+v", hits[0])
		}
		// The new order takes over the inner scores rank by rank.
		if diff := cmp.Diff([]float64{1, 0.95, 0.9}, []float64{hits[0].Score, hits[1].Score, hits[2].Score}); diff != "" {
			t.Errorf("scores (-want +got):\n%s", diff)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("scores out of order at %d: %v > %v", i, hits[i].Score, hits[i-1].Score)
			}
		}
	})
	t.Run("explain reports the features", func(t *testing.T) {
		cs, err := rr.Explain(ctx, retrieval.Query{Text: "lost blue badge"})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 3 || cs[1].DocID != "lost" {
			t.Fatalf("got %+v, want the inner order with lost second", cs)
		}
		f := cs[1].Features
		// The text lacks "blue" (weight 1 of 5); the title has "blue badge"
		// but not "lost blue".
		want := retrieval.RerankFeatures{Fused: 0.95, Title: 1, TitleFit: 0.75, Headings: 0.8, Text: 0.8, Pairs: 0.5}
		if diff := cmp.Diff(want, f); diff != "" {
			t.Errorf("lost page features (-want +got):\n%s", diff)
		}
		if f.Fused >= 1 || cs[0].Features.Fused != 1 {
			t.Errorf("fused shares %v, %v: want 1 for the inner first and less after", cs[0].Features.Fused, f.Fused)
		}
		if g := cs[2].Features; g.Title != 0 || g.Text != 0 {
			t.Errorf("bins page features %+v: want no coverage", g)
		}
	})
	t.Run("the depth bounds what is re-read", func(t *testing.T) {
		shallow := *rr
		shallow.Depth = 1
		hits, err := shallow.Search(ctx, retrieval.Query{Text: "lost blue badge", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"apply", "lost", "bins"}, docs(hits)); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	})
	t.Run("a question of stop words passes through", func(t *testing.T) {
		hits, err := rr.Search(ctx, retrieval.Query{Text: "how do I", Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"apply", "lost"}, docs(hits)); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	})
	t.Run("errors are returned", func(t *testing.T) {
		boom := errors.New("boom")
		bad := *rr
		bad.QueryTerms = func(context.Context, string) ([]retrieval.Term, error) { return nil, boom }
		if _, err := bad.Search(ctx, retrieval.Query{Text: "lost badge"}); !errors.Is(err, boom) {
			t.Errorf("got %v, want %v", err, boom)
		}
	})
}

func TestCoverage(t *testing.T) {
	q := []retrieval.Term{{Text: "rat", Weight: 3}, {Text: "garden", Weight: 1}}
	tests := []struct {
		name  string
		terms []string
		want  float64
	}{
		{"none", []string{"bin"}, 0},
		{"the rare term", []string{"rat", "rat", "treatment"}, 0.75},
		{"both", []string{"garden", "rat"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retrieval.Coverage(q, tt.terms); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
