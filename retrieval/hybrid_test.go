package retrieval_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

func hit(doc string, n int) retrieval.Hit {
	return retrieval.Hit{Chunk: corpus.Chunk{ID: corpus.ChunkID(doc, n), DocID: doc, Text: doc}}
}

func docs(hits []retrieval.Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Chunk.DocID)
	}
	return out
}

func TestFuse(t *testing.T) {
	tests := []struct {
		name    string
		lists   [][]retrieval.Hit
		weights []float64
		limit   int
		want    []string
	}{
		{
			name:  "agreement beats a single first place",
			lists: [][]retrieval.Hit{{hit("a", 0), hit("b", 0), hit("c", 0)}, {hit("b", 0), hit("d", 0), hit("a", 0)}},
			limit: 10,
			want:  []string{"b", "a", "d", "c"},
		},
		{
			name:  "votes for different chunks of one document add up",
			lists: [][]retrieval.Hit{{hit("a", 0), hit("b", 0)}, {hit("a", 1), hit("b", 0)}},
			limit: 10,
			want:  []string{"a", "b"},
		},
		{
			name:  "one document once",
			lists: [][]retrieval.Hit{{hit("a", 0), hit("a", 1), hit("b", 0)}},
			limit: 10,
			want:  []string{"a", "b"},
		},
		{
			name:    "weights tip the balance",
			lists:   [][]retrieval.Hit{{hit("a", 0)}, {hit("b", 0)}},
			weights: []float64{1, 2},
			limit:   10,
			want:    []string{"b", "a"},
		},
		{
			name:  "limit",
			lists: [][]retrieval.Hit{{hit("a", 0), hit("b", 0), hit("c", 0)}},
			limit: 2,
			want:  []string{"a", "b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := docs(retrieval.Fuse(tt.lists, tt.weights, tt.limit, 1))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("fused order (-want +got):\n%s", diff)
			}
		})
	}
}

// indexed builds an Indexer over the in-memory fakes and ingests docs.
func indexed(t *testing.T, docs ...corpus.Document) (*retrieval.Indexer, *retrievaltest.Keyword, *retrievaltest.Vectors) {
	t.Helper()
	kw := retrievaltest.NewKeyword()
	vec := retrievaltest.NewVectors(64)
	ix := &retrieval.Indexer{Keyword: kw, Vectors: vec, Embed: retrievaltest.BagOfWords(64), Catalog: retrievaltest.NewCatalog()}
	byFile := map[string][]corpus.Document{}
	for _, d := range docs {
		byFile[corpus.FileID(d.ID)] = append(byFile[corpus.FileID(d.ID)], d)
	}
	for f, ds := range byFile {
		if err := ix.PutFile(context.Background(), f, "h1", ds); err != nil {
			t.Fatal(err)
		}
	}
	return ix, kw, vec
}

func page(id, title, text string) corpus.Document {
	return corpus.Document{ID: id, Kind: corpus.KindPage, Title: title, Sections: []corpus.Section{{Text: text}}}
}

func TestIndexerReplacesAndDeletesFiles(t *testing.T) {
	ctx := context.Background()
	rows := []corpus.Document{page("s.csv#row-1", "Row 1", "paid acme"), page("s.csv#row-2", "Row 2", "paid beta")}
	ix, kw, vec := indexed(t, page("a.html", "Bins", "missed bin"), rows[0], rows[1])
	if kw.Len() != 3 || vec.Len() != 3 {
		t.Fatalf("indexed %d chunks and %d vectors, want 3 and 3", kw.Len(), vec.Len())
	}
	// Re-putting a file with fewer rows leaves no stale chunks behind.
	if err := ix.PutFile(ctx, "s.csv", "h2", rows[:1]); err != nil {
		t.Fatal(err)
	}
	if kw.Len() != 2 || vec.Len() != 2 {
		t.Errorf("after shrinking s.csv: %d chunks, %d vectors; want 2 and 2", kw.Len(), vec.Len())
	}
	hashes, _ := ix.FileHashes(ctx)
	if diff := cmp.Diff(map[string]string{"a.html": "h1", "s.csv": "h2"}, hashes); diff != "" {
		t.Errorf("hashes (-want +got):\n%s", diff)
	}
	if err := ix.DeleteFiles(ctx, []string{"s.csv", "never-seen.html"}); err != nil {
		t.Fatal(err)
	}
	if kw.Len() != 1 || vec.Len() != 1 {
		t.Errorf("after delete: %d chunks, %d vectors; want 1 and 1", kw.Len(), vec.Len())
	}
}

func TestHybrid(t *testing.T) {
	ctx := context.Background()
	_, kw, vec := indexed(t,
		page("bins.html", "Missed bin collections", "Report a missed bin by 4pm the day after collection."),
		page("tax.html", "Council tax bands", "Band D is £2,100 a year."),
		page("parking.html", "Visitor parking permits", "A book of ten visitor permits costs £19.35."),
	)
	vs := &retrieval.Vector{Index: vec, Chunks: kw, Embed: retrievaltest.BagOfWords(64)}
	h := &retrieval.Hybrid{Keyword: kw, Vector: vs}

	got, err := h.Search(ctx, retrieval.Query{Text: "visitor permits price", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].Chunk.DocID != "parking.html" {
		t.Errorf("top hit = %v, want parking.html", docs(got))
	}

	t.Run("lazy vector arm is hydrated", func(t *testing.T) {
		lazy := &retrieval.Vector{Index: vec, Chunks: kw, Embed: retrievaltest.BagOfWords(64)}
		h := &retrieval.Hybrid{Keyword: kw, Vector: lazy, Chunks: kw}
		got, err := h.Search(ctx, retrieval.Query{Text: "band d council tax", Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range got {
			if x.Chunk.Text == "" || x.Chunk.Title == "" || x.Snippet == "" {
				t.Errorf("hit %s not hydrated: %+v", x.Chunk.ID, x)
			}
		}
		if len(got) == 0 || got[0].Chunk.DocID != "tax.html" {
			t.Errorf("top hit = %v, want tax.html", docs(got))
		}
	})
	t.Run("kind filter", func(t *testing.T) {
		got, err := h.Search(ctx, retrieval.Query{Text: "visitor permits", Kinds: []corpus.Kind{corpus.KindFOI}})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 0 {
			t.Errorf("got %v, want no FOI hits", docs(got))
		}
	})
	t.Run("vector arm filters through the index", func(t *testing.T) {
		pg := &passingGetter{ChunkGetter: kw}
		vp := &retrieval.Vector{Index: vec, Chunks: pg, Embed: retrievaltest.BagOfWords(64)}
		q := retrieval.Query{Text: "visitor permits price", Kinds: []corpus.Kind{corpus.KindPage}, Limit: 2}
		want, err := vs.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := vp.Search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(docs(got), docs(want)) || len(got) != 2 || got[0].Snippet == "" {
			t.Errorf("with Pass %v, loading every neighbour %v; want the same hydrated hits", docs(got), docs(want))
		}
		pg.loads = 0
		q.Bare = true
		if _, err := vp.Search(ctx, q); err != nil {
			t.Fatal(err)
		}
		if pg.loads != 0 {
			t.Errorf("a bare filtered search loaded %d chunks; Pass should make loading unnecessary", pg.loads)
		}
	})
	t.Run("empty query", func(t *testing.T) {
		if _, err := h.Search(ctx, retrieval.Query{Text: "  "}); !errors.Is(err, retrieval.ErrInvalid) {
			t.Errorf("err = %v, want ErrInvalid", err)
		}
	})
	t.Run("a failing arm degrades to the other", func(t *testing.T) {
		broken := retrieval.SearcherFunc(func(context.Context, retrieval.Query) ([]retrieval.Hit, error) {
			return nil, errors.New("embedding service down")
		})
		h := &retrieval.Hybrid{Keyword: kw, Vector: broken}
		got, err := h.Search(ctx, retrieval.Query{Text: "missed bin"})
		if err != nil || len(got) == 0 || got[0].Chunk.DocID != "bins.html" {
			t.Errorf("got %v, %v; want bins.html from the keyword arm", docs(got), err)
		}
	})
}

func TestPlainSnippet(t *testing.T) {
	got := retrieval.PlainSnippet("<b>Bins</b> are   collected weekly on Mondays and Thursdays", 30)
	want := "&lt;b&gt;Bins&lt;/b&gt; are collected…"
	if got != want {
		t.Errorf("PlainSnippet = %q, want %q", got, want)
	}
}

func TestIndexerWholeDocuments(t *testing.T) {
	ctx := context.Background()
	kw := retrievaltest.NewKeyword()
	ix := &retrieval.Indexer{Keyword: kw, Catalog: retrievaltest.NewCatalog(), WholeDocuments: true}
	long := corpus.Document{ID: "guide.html", Title: "Guide", Sections: []corpus.Section{
		{Headings: []string{"Apply"}, Text: "Apply online."},
		{Headings: []string{"Fees"}, Text: "It costs £10."},
	}}
	short := page("short.html", "Short", "One section.")
	if err := ix.PutFile(ctx, "guide.html", "h", []corpus.Document{long}); err != nil {
		t.Fatal(err)
	}
	if err := ix.PutFile(ctx, "short.html", "h", []corpus.Document{short}); err != nil {
		t.Fatal(err)
	}
	got, _ := kw.Chunks(ctx, []string{"guide.html" + retrieval.WholeDocSuffix, "short.html" + retrieval.WholeDocSuffix})
	if len(got) != 1 || got[0].Text != "Apply: Apply online.\n\nFees: It costs £10." || got[0].DocID != "guide.html" {
		t.Fatalf("whole-document chunks = %+v, want one for guide.html only", got)
	}
	if err := ix.DeleteFiles(ctx, []string{"guide.html"}); err != nil {
		t.Fatal(err)
	}
	if kw.Len() != 1 {
		t.Errorf("after delete %d chunks remain, want 1", kw.Len())
	}
}

func TestHybridPriorChoosesCandidates(t *testing.T) {
	ctx := context.Background()
	// The keyword arm ranks six payment records above the page; the
	// vector arm finds nothing.
	ranked := []string{"rec1", "rec2", "rec3", "rec4", "rec5", "rec6", "page"}
	var asked []int
	keyword := retrieval.SearcherFunc(func(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
		asked = append(asked, q.Limit)
		var out []retrieval.Hit
		for i, d := range ranked {
			if i == q.Limit {
				break
			}
			h := hit(d, 0)
			h.Score = float64(len(ranked) - i)
			out = append(out, h)
		}
		return out, nil
	})
	none := retrieval.SearcherFunc(func(context.Context, retrieval.Query) ([]retrieval.Hit, error) { return nil, nil })
	demoteRecords := func(retrieval.Query) func(retrieval.Hit) float64 {
		return func(h retrieval.Hit) float64 {
			if h.Chunk.DocID[:3] == "rec" {
				return 0.1
			}
			return 1
		}
	}
	tests := []struct {
		name      string
		prior     func(retrieval.Query) func(retrieval.Hit) float64
		wantFirst string
		wantAsked int
		wantPage  bool
	}{
		{name: "without a prior the arm's first five are the candidates", wantFirst: "rec1", wantAsked: 5},
		{name: "the prior picks the page from three times as many", prior: demoteRecords, wantFirst: "page", wantAsked: 15, wantPage: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			h := &retrieval.Hybrid{Keyword: keyword, Vector: none, Depth: 5, Prior: tt.prior}
			got, err := h.Search(ctx, retrieval.Query{Text: "how much did the council pay", Limit: 3})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 3 || got[0].Chunk.DocID != tt.wantFirst {
				t.Errorf("got %v, want 3 hits starting with %s", docs(got), tt.wantFirst)
			}
			if len(asked) != 1 || asked[0] != tt.wantAsked {
				t.Errorf("keyword arm asked for %v hits, want [%d]", asked, tt.wantAsked)
			}
			all, _ := h.Search(ctx, retrieval.Query{Text: "how much did the council pay", Limit: 5})
			hasPage := false
			for _, d := range docs(all) {
				hasPage = hasPage || d == "page"
			}
			if hasPage != tt.wantPage {
				t.Errorf("page among %v: %v, want %v", docs(all), hasPage, tt.wantPage)
			}
		})
	}
}

// passingGetter is a ChunkGetter with the Filter ability that counts the
// chunks it loads (Pass itself reads them directly, as an index would).
type passingGetter struct {
	retrieval.ChunkGetter
	loads int
}

func (g *passingGetter) Chunks(ctx context.Context, ids []string) ([]corpus.Chunk, error) {
	g.loads += len(ids)
	return g.ChunkGetter.Chunks(ctx, ids)
}

func (g *passingGetter) Pass(ctx context.Context, q retrieval.Query, ids []string) (map[string]bool, error) {
	cs, err := g.ChunkGetter.Chunks(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, c := range cs {
		out[c.ID] = retrieval.Matches(q, c)
	}
	return out, nil
}
