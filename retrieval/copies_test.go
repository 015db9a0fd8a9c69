package retrieval_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

func TestPriorCopies(t *testing.T) {
	ctx := context.Background()
	const badge = "Find out how to request a replacement for a misplaced, stolen, or seized Blue Badge, including the process for submitting a form."
	chunks := []corpus.Chunk{
		// The export repeats the page under another ID, as a site's
		// search index or knowledge-base JSON does.
		{ID: "export.json#lost~0", DocID: "export.json#lost", Title: "Request a replacement badge", Text: badge},
		{ID: "apply.html~0", DocID: "apply.html", Title: "Apply for a Blue Badge", Text: "You can apply for a Blue Badge if you have a disability."},
		{ID: "lost.html~0", DocID: "lost.html", Title: "Request a  Replacement badge", Text: badge + " There is a £10 charge."},
		// Same title, other words: another council's page, not a copy.
		{ID: "other.html~0", DocID: "other.html", Title: "Apply for a Blue Badge", Text: "Gloucestershire residents apply online through the county council."},
	}
	store := retrievaltest.NewKeyword()
	if err := store.Put(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	order := []string{"export.json#lost~0", "apply.html~0", "lost.html~0", "other.html~0"}
	inner := retrieval.SearcherFunc(func(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
		var hits []retrieval.Hit
		for i, id := range order {
			hits = append(hits, retrieval.Hit{Chunk: corpus.Chunk{ID: id, DocID: corpus.DocIDOfChunk(id)}, Score: 1 - 0.1*float64(i)})
		}
		return hits[:min(len(hits), q.Limit)], nil
	})
	// The export is secondary; other.html's council is not the one asked about.
	weight := func(retrieval.Query) func(retrieval.Hit) float64 {
		return func(h retrieval.Hit) float64 {
			switch h.Chunk.DocID {
			case "export.json#lost":
				return 0.5
			case "other.html":
				return 0.6
			}
			return 1
		}
	}
	tests := []struct {
		name   string
		copies retrieval.ChunkGetter
		want   []string
		scores []float64
	}{
		{"without copies the page stays behind its sibling", nil,
			[]string{"apply.html", "lost.html", "export.json#lost", "other.html"}, []float64{0.9, 0.8, 0.5, 0.42}},
		{"the page takes its copy's score; the copy and the look-alike keep theirs", store,
			[]string{"lost.html", "apply.html", "export.json#lost", "other.html"}, []float64{1, 0.9, 0.5, 0.42}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &retrieval.Prior{Searcher: inner, Weight: weight, Depth: 1, Copies: tt.copies}
			hits, err := p.Search(ctx, retrieval.Query{Text: "lost blue badge", Limit: 4, Bare: true})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, docs(hits)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
			var got []float64
			for _, h := range hits {
				got = append(got, h.Score)
			}
			if diff := cmp.Diff(tt.scores, got, cmpApprox); diff != "" {
				t.Errorf("scores (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("only the first limit documents are read", func(t *testing.T) {
		// All four are fetched, but with a limit of 2 only the first two
		// documents are read for copies: the page, third, is not, so it
		// does not borrow its copy's score and stays behind its sibling.
		p := &retrieval.Prior{Searcher: inner, Weight: weight, Depth: 2, Copies: store}
		hits, err := p.Search(ctx, retrieval.Query{Text: "lost blue badge", Limit: 2, Bare: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"apply.html", "lost.html"}, docs(hits)); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	})
}

var cmpApprox = cmp.Comparer(func(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 })
