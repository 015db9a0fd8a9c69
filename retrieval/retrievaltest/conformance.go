package retrievaltest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// ConformanceDim is the vector dimension TestChunkIndex uses: the Vectors
// of the Index under test must take vectors of this many dimensions.
const ConformanceDim = 32

// Index is one retrieval store under test: its chunk index, catalog,
// vector index and keyword searcher, which may be parts of one store.
type Index struct {
	Chunks interface {
		retrieval.ChunkIndex
		retrieval.ChunkGetter
	}
	Catalog retrieval.Catalog
	Vectors retrieval.VectorIndex
	Keyword retrieval.Searcher
	// Stems is true when Keyword matches inflected forms of a query word
	// ("bins" finds "bin"); the interfaces do not promise it.
	Stems bool
}

// TestChunkIndex runs the conformance suite for the retrieval storage
// interfaces against the stores open returns; each call must return a new,
// empty store. It checks what the interfaces promise and what
// retrieval.Indexer and retrieval.Hybrid rely on. Vectors are only added
// for chunks already put, as retrieval.Indexer does.
func TestChunkIndex(t *testing.T, open func(t *testing.T) Index) {
	t.Run("PutAndGet", func(t *testing.T) { testPutAndGet(t, open(t)) })
	t.Run("PutReplacesByID", func(t *testing.T) { testPutReplaces(t, open(t)) })
	t.Run("DeleteFiles", func(t *testing.T) { testDeleteFiles(t, open(t)) })
	t.Run("Catalog", func(t *testing.T) { testCatalog(t, open(t)) })
	t.Run("Vectors", func(t *testing.T) { testVectors(t, open(t)) })
	t.Run("Keyword", func(t *testing.T) { testKeyword(t, open(t)) })
	t.Run("Hybrid", func(t *testing.T) { testHybrid(t, open(t)) })
}

var day = func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// conformanceChunks are the suite's fixtures: two files, one with two
// single-chunk documents, one page of three chunks.
func conformanceChunks() []corpus.Chunk {
	return []corpus.Chunk{
		{ID: "bins.html~0", DocID: "bins.html", Kind: corpus.KindPage, Title: "Missed bin collection", Headings: []string{"Bins", "Missed collections"},
			Text: "Report a missed bin within two working days. Crews return the next day.", URL: "https://example.gov.uk/bins", Council: "Exampleshire"},
		{ID: "bins.html~1", DocID: "bins.html", Kind: corpus.KindPage, Title: "Missed bin collection", Headings: []string{"Bins", "Garden waste"},
			Text: "Garden waste collection is a paid subscription service; a missed bin is collected again.", URL: "https://example.gov.uk/bins"},
		{ID: "bins.html~2", DocID: "bins.html", Kind: corpus.KindPage, Title: "Missed bin collection",
			Text: "Bulky waste such as sofas needs a special collection booking."},
		{ID: "foi.csv#12~0", DocID: "foi.csv#12", Kind: corpus.KindFOI, Title: "Pothole repairs 2023", Page: 2,
			Text: "Request: how many pothole complaints were received? Response: 1,204 complaints about road surfaces.", Date: day(2023, 3, 14)},
		{ID: "foi.csv#13~0", DocID: "foi.csv#13", Kind: corpus.KindFOI, Title: "Parking fines income",
			Text: "Request: parking fines income for 2024. Response: <b>£2.1m</b> from penalty charge notices & appeals.", Date: day(2024, 6, 1)},
	}
}

func mustPut(t *testing.T, ix Index, chunks ...corpus.Chunk) {
	t.Helper()
	if err := ix.Chunks.Put(context.Background(), chunks); err != nil {
		t.Fatalf("Put: %v", err)
	}
}

func ids(hits []retrieval.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Chunk.ID
	}
	return out
}

func testPutAndGet(t *testing.T, ix Index) {
	ctx := context.Background()
	all := conformanceChunks()
	mustPut(t, ix, all...)
	got, err := ix.Chunks.Chunks(ctx, []string{"foi.csv#13~0", "missing~0", "bins.html~0", "foi.csv#12~0"})
	if err != nil {
		t.Fatal(err)
	}
	want := []corpus.Chunk{all[4], all[0], all[3]}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Chunks (-want +got):\n%s", diff)
	}
	if got, err := ix.Chunks.Chunks(ctx, []string{"missing~0"}); err != nil || len(got) != 0 {
		t.Errorf("Chunks(missing) = %v, %v; want none, nil", got, err)
	}
	if err := ix.Chunks.Put(ctx, nil); err != nil {
		t.Errorf("Put(nil) = %v, want nil", err)
	}
}

func testPutReplaces(t *testing.T, ix Index) {
	ctx := context.Background()
	all := conformanceChunks()
	mustPut(t, ix, all...)
	repl := all[3]
	repl.Title, repl.Text = "Streetlight outages", "Streetlight faults reported in 2023: 311."
	mustPut(t, ix, repl)
	got, err := ix.Chunks.Chunks(ctx, []string{repl.ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Chunk{repl}, got); diff != "" {
		t.Errorf("Chunks after replace (-want +got):\n%s", diff)
	}
	hits, err := ix.Keyword.Search(ctx, retrieval.Query{Text: "pothole"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("search for the replaced text: got %v, want no hits", ids(hits))
	}
	hits, err = ix.Keyword.Search(ctx, retrieval.Query{Text: "streetlight"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{repl.ID}, ids(hits)); diff != "" {
		t.Errorf("search for the new text (-want +got):\n%s", diff)
	}
}

func testDeleteFiles(t *testing.T, ix Index) {
	ctx := context.Background()
	all := conformanceChunks()
	mustPut(t, ix, all...)
	if err := ix.Chunks.DeleteFiles(ctx, []string{"foi.csv", "unknown.pdf"}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Chunks.Chunks(ctx, []string{"bins.html~0", "bins.html~1", "bins.html~2", "foi.csv#12~0", "foi.csv#13~0"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all[:3], got); diff != "" {
		t.Errorf("Chunks after deleting foi.csv (-want +got):\n%s", diff)
	}
	hits, err := ix.Keyword.Search(ctx, retrieval.Query{Text: "parking fines"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("search after delete: got %v, want no hits", ids(hits))
	}
	if err := ix.Chunks.DeleteFiles(ctx, nil); err != nil {
		t.Errorf("DeleteFiles(nil) = %v, want nil", err)
	}
}

func testCatalog(t *testing.T, ix Index) {
	ctx := context.Background()
	a := retrieval.FileState{Hash: "aaa", Kind: corpus.KindPage, Docs: 1, ChunkIDs: []string{"bins.html~0", "bins.html~1"}}
	b := retrieval.FileState{Hash: "bbb", Kind: corpus.KindFOI, Docs: 2, ChunkIDs: []string{"foi.csv#12~0", "foi.csv#13~0"}}
	empty := retrieval.FileState{Hash: "ccc", Kind: corpus.KindBudget}
	for id, st := range map[string]retrieval.FileState{"bins.html": a, "foi.csv": b, "empty.csv": empty} {
		if err := ix.Catalog.PutFile(ctx, id, st); err != nil {
			t.Fatal(err)
		}
	}
	b.Hash, b.ChunkIDs = "bbb2", []string{"foi.csv#12~0"}
	if err := ix.Catalog.PutFile(ctx, "foi.csv", b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Catalog.DeleteFiles(ctx, []string{"empty.csv", "unknown.pdf"}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Catalog.Files(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]retrieval.FileState{"bins.html": a, "foi.csv": b}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Files (-want +got):\n%s", diff)
	}
}

// unit returns a ConformanceDim vector with the given leading components.
func unit(xs ...float32) []float32 {
	v := make([]float32, ConformanceDim)
	copy(v, xs)
	return v
}

func testVectors(t *testing.T, ix Index) {
	ctx := context.Background()
	all := conformanceChunks()
	mustPut(t, ix, all...)
	search := func(q []float32, k int, accept func(string) bool) []string {
		t.Helper()
		hits, err := ix.Vectors.Search(ctx, q, k, accept)
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		out := make([]string, len(hits))
		for i, h := range hits {
			out[i] = h.ID
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("hit %d scores %v, above hit %d's %v", i, h.Score, i-1, hits[i-1].Score)
			}
		}
		return out
	}
	if err := ix.Vectors.Add(ctx,
		[]string{"bins.html~0", "bins.html~1", "foi.csv#12~0", "foi.csv#13~0"},
		[][]float32{unit(1, 0, 0), unit(0.8, 0.6, 0), unit(0, 1, 0), unit(0, 0, 2)}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"bins.html~0", "bins.html~1", "foi.csv#12~0"}, search(unit(1, 0.1, 0), 3, nil)); diff != "" {
		t.Errorf("Search order (-want +got):\n%s", diff)
	}
	hits, err := ix.Vectors.Search(ctx, unit(0, 0, 1), 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 1 || hits[0].ID != "foi.csv#13~0" || hits[0].Score < 0.99 || hits[0].Score > 1.01 {
		t.Errorf("Search for a scaled vector: got %+v, want foi.csv#13~0 with cosine 1", hits)
	}
	notBins := func(id string) bool { return !strings.HasPrefix(id, "bins.html") }
	if diff := cmp.Diff([]string{"foi.csv#12~0", "foi.csv#13~0"}, search(unit(1, 0.1, 0), 2, notBins)); diff != "" {
		t.Errorf("Search with accept (-want +got):\n%s", diff)
	}
	// Replace one vector, delete another.
	if err := ix.Vectors.Add(ctx, []string{"foi.csv#13~0"}, [][]float32{unit(1, 0.05, 0)}); err != nil {
		t.Fatal(err)
	}
	if err := ix.Vectors.Delete(ctx, []string{"bins.html~0", "unknown~0"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"foi.csv#13~0", "bins.html~1", "foi.csv#12~0"}, search(unit(1, 0.1, 0), 10, nil)); diff != "" {
		t.Errorf("Search after replace and delete (-want +got):\n%s", diff)
	}
	if err := ix.Vectors.Add(ctx, []string{"bins.html~2"}, [][]float32{{1, 2}}); !errors.Is(err, retrieval.ErrDimension) {
		t.Errorf("Add of a short vector: got %v, want ErrDimension", err)
	}
	if _, err := ix.Vectors.Search(ctx, []float32{1, 2}, 3, nil); !errors.Is(err, retrieval.ErrDimension) {
		t.Errorf("Search with a short vector: got %v, want ErrDimension", err)
	}
}

func testKeyword(t *testing.T, ix Index) {
	ctx := context.Background()
	mustPut(t, ix, conformanceChunks()...)
	search := func(q retrieval.Query) []retrieval.Hit {
		t.Helper()
		hits, err := ix.Keyword.Search(ctx, q)
		if err != nil {
			t.Fatalf("Search(%+v): %v", q, err)
		}
		for i, h := range hits {
			if h.Score <= 0 {
				t.Errorf("hit %s has score %v, want > 0", h.Chunk.ID, h.Score)
			}
			if i > 0 && h.Score > hits[i-1].Score {
				t.Errorf("hit %d scores %v, above hit %d's %v", i, h.Score, i-1, hits[i-1].Score)
			}
		}
		return hits
	}
	tests := []struct {
		name string
		q    retrieval.Query
		want []string
	}{
		{"one word", retrieval.Query{Text: "pothole"}, []string{"foi.csv#12~0"}},
		{"title outranks text", retrieval.Query{Text: "parking fines"}, []string{"foi.csv#13~0"}},
		{"deduplicated by document", retrieval.Query{Text: "collection"}, []string{"bins.html"}},
		{"two per document", retrieval.Query{Text: "garden waste collection", PerDocument: 2}, []string{"bins.html~1", "bins.html~2"}},
		{"kind filter", retrieval.Query{Text: "request response collection", Kinds: []corpus.Kind{corpus.KindFOI}, PerDocument: 3},
			[]string{"foi.csv#12~0", "foi.csv#13~0"}},
		{"from date", retrieval.Query{Text: "request response collection", From: day(2024, 1, 1)}, []string{"foi.csv#13~0"}},
		{"to date", retrieval.Query{Text: "request response collection", To: day(2024, 1, 1)}, []string{"foi.csv#12~0"}},
		{"to is exclusive", retrieval.Query{Text: "request response", To: day(2023, 3, 14)}, []string{}},
		{"no match", retrieval.Query{Text: "zeppelin"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := search(tt.q)
			got := ids(hits)
			if tt.name == "deduplicated by document" {
				// All three chunks match; which one represents the
				// document is the store's business.
				got = got[:0]
				for _, h := range hits {
					got = append(got, h.Chunk.DocID)
				}
			}
			if tt.name == "kind filter" {
				// Both FOI chunks match both words; their order is the
				// store's business.
				if len(got) == 2 && got[0] > got[1] {
					got[0], got[1] = got[1], got[0]
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Search(%q) (-want +got):\n%s", tt.q.Text, diff)
			}
		})
	}
	t.Run("limit", func(t *testing.T) {
		if got := search(retrieval.Query{Text: "request response collection", Limit: 2, PerDocument: 5}); len(got) != 2 {
			t.Errorf("got %d hits, want 2", len(got))
		}
	})
	t.Run("hits carry chunks and escaped snippets", func(t *testing.T) {
		hits := search(retrieval.Query{Text: "penalty charge"})
		if len(hits) != 1 {
			t.Fatalf("got %v, want foi.csv#13~0", ids(hits))
		}
		want := conformanceChunks()[4]
		if diff := cmp.Diff(want, hits[0].Chunk); diff != "" {
			t.Errorf("hit chunk (-want +got):\n%s", diff)
		}
		s := hits[0].Snippet
		if s == "" || strings.Contains(s, "<b>") || strings.Contains(strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", ""), "<") {
			t.Errorf("snippet %q: want non-empty with only <mark> tags unescaped", s)
		}
	})
	t.Run("bare hits carry IDs", func(t *testing.T) {
		hits := search(retrieval.Query{Text: "pothole", Bare: true})
		if len(hits) != 1 || hits[0].Chunk.ID != "foi.csv#12~0" || hits[0].Chunk.DocID != "foi.csv#12" {
			t.Errorf("got %+v, want bare hit foi.csv#12~0 of foi.csv#12", hits)
		}
	})
	t.Run("empty query", func(t *testing.T) {
		if _, err := ix.Keyword.Search(ctx, retrieval.Query{Text: "  "}); !errors.Is(err, retrieval.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
	})
	if ix.Stems {
		t.Run("stemmed word", func(t *testing.T) {
			if diff := cmp.Diff([]string{"foi.csv#12~0"}, ids(search(retrieval.Query{Text: "potholes"}))); diff != "" {
				t.Errorf("Search(potholes) (-want +got):\n%s", diff)
			}
		})
	}
}

// testHybrid checks that the store's parts compose into retrieval.Hybrid
// the way the stores wire them: bare keyword and vector arms, hydrated.
func testHybrid(t *testing.T, ix Index) {
	ctx := context.Background()
	all := conformanceChunks()
	mustPut(t, ix, all...)
	embed := BagOfWords(ConformanceDim)
	texts := make([]string, len(all))
	chunkIDs := make([]string, len(all))
	for i, c := range all {
		texts[i], chunkIDs[i] = retrieval.EmbedText(c), c.ID
	}
	vecs, err := embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Vectors.Add(ctx, chunkIDs, vecs); err != nil {
		t.Fatal(err)
	}
	h := &retrieval.Hybrid{
		Keyword: ix.Keyword,
		Vector:  &retrieval.Vector{Index: ix.Vectors, Chunks: ix.Chunks, Embed: embed},
		Chunks:  ix.Chunks,
	}
	hits, err := h.Search(ctx, retrieval.Query{Text: "pothole complaints", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 || hits[0].Chunk.ID != "foi.csv#12~0" || hits[0].Chunk.Text != all[3].Text || hits[0].Snippet == "" {
		t.Errorf("Hybrid: got %+v, want foi.csv#12~0 first, hydrated with a snippet", hits)
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.Chunk.DocID] {
			t.Errorf("Hybrid: document %s twice", h.Chunk.DocID)
		}
		seen[h.Chunk.DocID] = true
	}
}
