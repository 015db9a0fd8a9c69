package local_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/local"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

// MustOpenStore opens a store in a temporary folder with the given
// embedder (nil for keyword only) and ingests docs, grouped by file.
func MustOpenStore(tb testing.TB, emb retrieval.Embedder, rerank bool, docs ...corpus.Document) *local.Store {
	tb.Helper()
	st, err := local.Open(tb.TempDir(), local.Options{Embed: emb, EmbedderID: "test", Dim: 64, Rerank: rerank})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	ctx := context.Background()
	byFile := map[string][]corpus.Document{}
	var files []string
	for _, d := range docs {
		f := corpus.FileID(d.ID)
		if byFile[f] == nil {
			files = append(files, f)
		}
		byFile[f] = append(byFile[f], d)
	}
	for _, f := range files {
		if err := st.Indexer().PutFile(ctx, f, "h", byFile[f]); err != nil {
			tb.Fatal(err)
		}
	}
	if err := st.Commit(ctx, false); err != nil {
		tb.Fatal(err)
	}
	return st
}

func TestPriorSearcher(t *testing.T) {
	doc := func(id string, kind corpus.Kind, title, text string) corpus.Document {
		return corpus.Document{ID: id, Kind: kind, Title: title, Sections: []corpus.Section{{Text: text}}}
	}
	// Forty payment rows match the question better than the page does,
	// more than the hybrid retriever's fusion depth of 30.
	var docs []corpus.Document
	for i := range 40 {
		docs = append(docs, doc(fmt.Sprintf("spend.csv#row-%d", i), corpus.KindSpending,
			"Payment for garden waste bins", fmt.Sprintf("Garden waste bins payment %d to a supplier.", i)))
	}
	docs = append(docs, doc("garden-waste.html", corpus.KindPage, "Garden waste collection",
		"Subscribe to the garden waste collection. Bins are emptied every two weeks."))
	demote := func(retrieval.Query) func(retrieval.Hit) float64 {
		return func(h retrieval.Hit) float64 {
			if strings.HasPrefix(h.Chunk.DocID, "spend.csv") {
				return 0.1
			}
			return 1
		}
	}
	neutral := func(retrieval.Query) func(retrieval.Hit) float64 {
		return func(retrieval.Hit) float64 { return 1 }
	}
	tests := []struct {
		name   string
		emb    retrieval.Embedder
		rerank bool
		prior  func(retrieval.Query) func(retrieval.Hit) float64
		// wantRank is the page's rank in the first 5; 0 means absent,
		// -1 anywhere in the 5.
		wantRank int
	}{
		{"keyword only, neutral prior", nil, false, neutral, 0},
		{"hybrid, neutral prior", retrievaltest.BagOfWords(64), false, neutral, 0},
		{"hybrid", retrievaltest.BagOfWords(64), false, demote, 1},
		// The reranker reads the question against the candidates the
		// priors chose, and the rows repeat the question's words.
		{"hybrid reranked", retrievaltest.BagOfWords(64), true, demote, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := MustOpenStore(t, tt.emb, tt.rerank, docs...)
			s, err := st.PriorSearcher(tt.prior)
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Search(context.Background(), retrieval.Query{Text: "garden waste bins payment", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			rank := 0
			var ids []string
			for i, h := range got {
				ids = append(ids, h.Chunk.DocID)
				if h.Chunk.DocID == "garden-waste.html" {
					rank = i + 1
					if h.Chunk.Text == "" || h.Snippet == "" {
						t.Errorf("page hit not hydrated: %+v", h)
					}
				}
			}
			if (tt.wantRank >= 0 && rank != tt.wantRank) || (tt.wantRank < 0 && rank == 0) {
				t.Errorf("page at rank %d of %v, want %d", rank, ids, tt.wantRank)
			}
		})
	}
}
