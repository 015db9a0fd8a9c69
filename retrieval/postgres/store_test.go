package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/internal/pgtest"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/postgres"
	"github.com/townhall-civic/townhall/retrieval/retrievaltest"
)

// mustOpen opens a store in a schema of its own, closed when the test ends.
func mustOpen(t *testing.T, opt postgres.Options) *postgres.Store {
	t.Helper()
	url := pgtest.URL(t)
	if opt.Schema == "" {
		opt.Schema = pgtest.Schema(t, url, "test_")
	}
	s, err := postgres.Open(context.Background(), url, opt)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

func TestConformance(t *testing.T) {
	retrievaltest.TestChunkIndex(t, func(t *testing.T) retrievaltest.Index {
		s := mustOpen(t, postgres.Options{Dim: retrievaltest.ConformanceDim})
		return retrievaltest.Index{Chunks: s.Chunks(), Catalog: s.Catalog(), Vectors: s.Vectors(), Keyword: s.Keyword(), Stems: true}
	})
}

func TestOpenRebuildsOnEmbedderChange(t *testing.T) {
	url := pgtest.URL(t)
	schema := pgtest.Schema(t, url, "test_")
	ctx := context.Background()
	open := func(id string, dim int) *postgres.Store {
		t.Helper()
		s, err := postgres.Open(ctx, url, postgres.Options{Dim: dim, EmbedderID: id, Schema: schema})
		if err != nil {
			t.Fatalf("Open(%s, %d): %v", id, dim, err)
		}
		return s
	}
	s := open("a", 4)
	chunk := corpus.Chunk{ID: "a.html~0", DocID: "a.html", Kind: corpus.KindPage, Title: "A", Text: "alpha"}
	if err := s.Chunks().Put(ctx, []corpus.Chunk{chunk}); err != nil {
		t.Fatal(err)
	}
	if err := s.Vectors().Add(ctx, []string{chunk.ID}, [][]float32{{1, 0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	tests := []struct {
		id          string
		dim         int
		wantRebuilt bool
		wantChunks  int
	}{
		{"a", 4, false, 1},
		{"b", 4, true, 0},
		{"b", 8, true, 0},
	}
	for _, tt := range tests {
		s := open(tt.id, tt.dim)
		st, err := s.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if s.Rebuilt != tt.wantRebuilt || st.Chunks != tt.wantChunks {
			t.Errorf("Open(%s, %d): got rebuilt %v with %d chunks, want %v with %d", tt.id, tt.dim, s.Rebuilt, st.Chunks, tt.wantRebuilt, tt.wantChunks)
		}
		if tt.dim == 8 {
			if err := s.Chunks().Put(ctx, []corpus.Chunk{chunk}); err != nil {
				t.Fatal(err)
			}
			if err := s.Vectors().Add(ctx, []string{chunk.ID}, [][]float32{make([]float32, 8)}); err != nil {
				t.Errorf("Add of an 8-dimension vector after the change: %v", err)
			}
		}
		s.Close()
	}
}

func TestVectorsAddUnknownChunk(t *testing.T) {
	s := mustOpen(t, postgres.Options{Dim: 2})
	err := s.Vectors().Add(context.Background(), []string{"nowhere~0"}, [][]float32{{1, 0}})
	if !errors.Is(err, retrieval.ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestIndexerAndSearchers(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, postgres.Options{Dim: 64, Embed: retrievaltest.BagOfWords(64), EmbedderID: "bag"})
	ix := s.Indexer()
	docs := []corpus.Document{
		{ID: "council-tax.html", Kind: corpus.KindPage, Title: "Council Tax discounts", Sections: []corpus.Section{{Text: "A single person discount cuts your bill by 25 percent."}}},
		{ID: "bins.html", Kind: corpus.KindPage, Title: "Bin collections", Sections: []corpus.Section{{Text: "Collections are weekly. Report a missed bin online."}}},
	}
	for _, d := range docs {
		if err := ix.PutFile(ctx, d.ID, "h-"+d.ID, []corpus.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Files != 2 || st.Documents != 2 || st.Chunks < 2 || st.Vectors != st.Chunks {
		t.Errorf("Stats = %+v, want 2 files, 2 documents, a vector per chunk", st)
	}
	for _, name := range []string{"hybrid", "keyword", "vector"} {
		t.Run(name, func(t *testing.T) {
			sr, err := s.Searcher(name)
			if err != nil {
				t.Fatal(err)
			}
			hits, err := sr.Search(ctx, retrieval.Query{Text: "single person discount", Limit: 5})
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) == 0 || hits[0].Chunk.DocID != "council-tax.html" || hits[0].Chunk.Text == "" {
				t.Errorf("got %+v, want council-tax.html first with its text", hits)
			}
		})
	}
	if err := ix.DeleteFiles(ctx, []string{"bins.html"}); err != nil {
		t.Fatal(err)
	}
	hashes, err := ix.FileHashes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(hashes) != 1 || hashes["council-tax.html"] != "h-council-tax.html" {
		t.Errorf("FileHashes after delete = %v, want only council-tax.html", hashes)
	}
	if _, err := s.Searcher("nonsense"); !errors.Is(err, retrieval.ErrInvalid) {
		t.Errorf("Searcher(nonsense): got %v, want ErrInvalid", err)
	}
}

// TestKeywordIDF checks rare words outweigh common ones, before and after
// RefreshStats, and that a word added after the refresh is still found.
func TestKeywordIDF(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, postgres.Options{Dim: 2})
	var chunks []corpus.Chunk
	// "council" is in every chunk; "hedgehog" in one, which mentions
	// "council" once to the others' three times.
	for i := range 8 {
		text := "The council council council publishes its council tax bands."
		if i == 0 {
			text = "The council rescues a hedgehog."
		}
		chunks = append(chunks, corpus.Chunk{ID: fmt.Sprintf("d%d.html~0", i), DocID: fmt.Sprintf("d%d.html", i), Kind: corpus.KindPage, Text: text})
	}
	if err := s.Chunks().Put(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	top := func(q string) string {
		t.Helper()
		hits, err := s.Keyword().Search(ctx, retrieval.Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 {
			return ""
		}
		return hits[0].Chunk.DocID
	}
	if got := top("council hedgehog"); got != "d0.html" {
		t.Errorf("before RefreshStats: got %q first, want d0.html (the rare word)", got)
	}
	if err := s.RefreshStats(ctx); err != nil {
		t.Fatal(err)
	}
	if got := top("council hedgehog"); got != "d0.html" {
		t.Errorf("after RefreshStats: got %q first, want d0.html", got)
	}
	late := corpus.Chunk{ID: "late.html~0", DocID: "late.html", Kind: corpus.KindPage, Text: "The council adopts an otter."}
	if err := s.Chunks().Put(ctx, []corpus.Chunk{late}); err != nil {
		t.Fatal(err)
	}
	if got := top("council otter"); got != "late.html" {
		t.Errorf("word added after the refresh: got %q first, want late.html", got)
	}
	if got := top("the and of"); got != "" {
		t.Errorf("stop words alone: got %q, want no hits", got)
	}
}

// TestKeywordLongQuestion checks the narrowing steps of a question with
// more rare lexemes than the first step takes (pairLexemes, 9): pairs of
// its rarest lexemes first, then pairs of any of its rare lexemes before
// chunks holding one. kw01..kw12 are rare, kw01 the rarest; filler chunks
// hold one of them each (kwNN in 2*NN fillers) so their document
// frequencies follow their numbers.
func TestKeywordLongQuestion(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, postgres.Options{Dim: 2})
	var chunks []corpus.Chunk
	add := func(id, text string) {
		chunks = append(chunks, corpus.Chunk{ID: id + "~0", DocID: id, Kind: corpus.KindPage, Text: text})
	}
	for i := 1; i <= 12; i++ {
		for j := range 2 * i {
			add(fmt.Sprintf("filler-%02d-%02d", i, j), fmt.Sprintf("A notice about kw%02d and other matters of the parish.", i))
		}
	}
	for i := range 40 {
		add(fmt.Sprintf("plain-%02d", i), "A notice about other matters of the parish.")
	}
	// Each of these holds two of the rarest lexemes.
	for i := range 3 {
		add(fmt.Sprintf("rarest-%d", i), "Minutes on kw01 and kw02 for the parish.")
	}
	// Each of these holds two of the commonest of the twelve (kw10 and
	// kw11 are outside the nine rarest of either question below).
	for i := range 3 {
		add(fmt.Sprintf("common-%d", i), "Minutes on kw10 and kw11 for the parish.")
	}
	// One short chunk holds kw03 three times: the best single-lexeme
	// match, left out while three documents hold a pair.
	add("single", "kw03 kw03 kw03")
	if err := s.Chunks().Put(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	if err := s.RefreshStats(ctx); err != nil {
		t.Fatal(err)
	}
	docs := func(q string) []string {
		t.Helper()
		hits, err := s.Keyword().Search(ctx, retrieval.Query{Text: q, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Chunk.DocID)
		}
		slices.Sort(ids)
		return ids
	}
	tests := []struct {
		name, q string
		want    []string
	}{
		{"pairs of the rarest", "kw01 kw02 kw03 kw04 kw05 kw06 kw07 kw08 kw09 kw10 kw11 kw12", []string{"rarest-0", "rarest-1", "rarest-2"}},
		// No chunk holds two of kw03..kw09, kw10 and kw12 (the nine
		// rarest); the common-* documents hold kw10 and kw11.
		{"pairs of any rare lexemes next", "kw03 kw04 kw05 kw06 kw07 kw08 kw09 kw10 kw11 kw12", []string{"common-0", "common-1", "common-2"}},
		// Nine rare lexemes or fewer: one step of pairs, then single
		// lexemes, where the short chunk ranks first.
		{"single lexemes last", "kw03 kw04 kw05", []string{"filler-03-00", "filler-03-01", "single"}},
	}
	for _, tt := range tests {
		if got := docs(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
