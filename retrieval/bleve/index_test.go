package bleve_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/bleve"
)

// MustOpenMem returns an empty in-memory index closed at the end of the test.
func MustOpenMem(tb testing.TB, opts bleve.Options) *bleve.Index {
	tb.Helper()
	idx, err := bleve.OpenMem(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = idx.Close() })
	return idx
}

// MustPut puts chunks or fails the test.
func MustPut(tb testing.TB, idx *bleve.Index, chunks ...corpus.Chunk) {
	tb.Helper()
	if err := idx.Put(context.Background(), chunks); err != nil {
		tb.Fatal(err)
	}
}

// chunk is a small page chunk; n is its ordinal within docID.
func chunk(docID string, n int, title, text string) corpus.Chunk {
	return corpus.Chunk{
		ID:    corpus.ChunkID(docID, n),
		DocID: docID,
		Kind:  corpus.KindPage,
		Title: title,
		Text:  text,
	}
}

func ids(chunks []corpus.Chunk) []string {
	out := make([]string, len(chunks))
	for n, c := range chunks {
		out[n] = c.ID
	}
	return out
}

func TestChunksRoundTrip(t *testing.T) {
	london := time.FixedZone("BST", 3600)
	full := corpus.Chunk{
		ID:       "docs/budget.pdf~3",
		DocID:    "docs/budget.pdf",
		Kind:     corpus.KindBudget,
		Title:    "Budget book 2024/25",
		Headings: []string{"Revenue budget", "Adult social care", "Home care"},
		Text:     "Net spend on home care rises by £2.1m <b>after</b> savings.\n\nSee table 4.",
		URL:      "https://example.gov.uk/budget.pdf#page=12",
		Page:     12,
		Date:     time.Date(2024, 2, 27, 9, 30, 15, 123456789, london),
		Council:  "Exampleshire County Council",
	}
	bare := corpus.Chunk{ID: "rows.csv#7~0", DocID: "rows.csv#7", Kind: corpus.KindSpending, Text: "Payment"}
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx, full, bare)

	tests := []struct {
		name string
		ids  []string
		want []corpus.Chunk
	}{
		{"every field", []string{full.ID}, []corpus.Chunk{full}},
		{"empty fields stay empty", []string{bare.ID}, []corpus.Chunk{bare}},
		{"order follows ids", []string{bare.ID, full.ID}, []corpus.Chunk{bare, full}},
		{"missing skipped", []string{"nope~0", full.ID, "nope~1"}, []corpus.Chunk{full}},
		{"none", nil, []corpus.Chunk{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := idx.Chunks(context.Background(), tt.ids)
			if err != nil {
				t.Fatal(err)
			}
			// cmp compares time.Time with Equal: the same instant in UTC
			// counts as equal.
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Chunks mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPutReplacesByID(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	ctx := context.Background()
	MustPut(t, idx, chunk("a.html", 0, "Old", "old text about parking"))
	MustPut(t, idx, chunk("a.html", 0, "New", "new text about libraries"))
	got, err := idx.Chunks(ctx, []string{"a.html~0"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Title != "New" {
		t.Fatalf("got %+v, want the replacement titled New", got)
	}
	if n, _ := idx.DocCount(); n != 1 {
		t.Errorf("got %d chunks, want 1", n)
	}
	hits, err := idx.Search(ctx, retrieval.Query{Text: "parking"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 0 {
		t.Errorf("got %d hits for the replaced text, want 0", len(hits))
	}
}

func TestPutRejectsEmptyID(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	err := idx.Put(context.Background(), []corpus.Chunk{{DocID: "a.html", Text: "x"}})
	if !errors.Is(err, corpus.ErrInvalid) {
		t.Errorf("got %v, want an error wrapping corpus.ErrInvalid", err)
	}
}

func TestDeleteFiles(t *testing.T) {
	var all []corpus.Chunk
	add := func(docID string, n int) {
		for k := range n {
			all = append(all, chunk(docID, k, "Payments", fmt.Sprintf("payment row %d", k)))
		}
	}
	add("spend/jan.csv#1", 3)
	add("spend/jan.csv#2", 2)
	add("spend/jan.csv", 1)
	add("spend/jan.csv.bak#1", 1) // file ID shares a prefix with jan.csv
	add("spend/feb.csv#1", 2)
	add("pages/bins.html", 40) // more than one delete page at BatchSize 16

	tests := []struct {
		name  string
		files []string
		want  []string // doc IDs left
	}{
		{"one file, all its rows", []string{"spend/jan.csv"}, []string{"pages/bins.html", "spend/feb.csv#1", "spend/jan.csv.bak#1"}},
		{"several files", []string{"spend/jan.csv", "spend/feb.csv"}, []string{"pages/bins.html", "spend/jan.csv.bak#1"}},
		{"many chunks", []string{"pages/bins.html"}, []string{"spend/feb.csv#1", "spend/jan.csv", "spend/jan.csv#1", "spend/jan.csv#2", "spend/jan.csv.bak#1"}},
		{"unknown file ignored", []string{"nope.csv"}, []string{"pages/bins.html", "spend/feb.csv#1", "spend/jan.csv", "spend/jan.csv#1", "spend/jan.csv#2", "spend/jan.csv.bak#1"}},
		{"no files", nil, []string{"pages/bins.html", "spend/feb.csv#1", "spend/jan.csv", "spend/jan.csv#1", "spend/jan.csv#2", "spend/jan.csv.bak#1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			idx := MustOpenMem(t, bleve.Options{BatchSize: 16})
			MustPut(t, idx, all...)
			if err := idx.DeleteFiles(ctx, tt.files); err != nil {
				t.Fatal(err)
			}
			left, err := idx.Chunks(ctx, ids(all))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			wantChunks := 0
			for _, c := range left {
				if !slices.Contains(got, c.DocID) {
					got = append(got, c.DocID)
				}
			}
			for _, c := range all {
				if slices.Contains(tt.want, c.DocID) {
					wantChunks++
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("documents left (-want +got):\n%s", diff)
			}
			if len(left) != wantChunks {
				t.Errorf("got %d chunks left, want %d", len(left), wantChunks)
			}
			if n, _ := idx.DocCount(); n != uint64(wantChunks) {
				t.Errorf("DocCount = %d, want %d", n, wantChunks)
			}
		})
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "chunks.bleve")
	idx, err := bleve.Open(path, bleve.Options{BatchSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	var chunks []corpus.Chunk
	for n := range 120 { // several batches
		chunks = append(chunks, chunk("guides/recycling.html", n, "Recycling guide", fmt.Sprintf("Section %d about glass recycling.", n)))
	}
	chunks = append(chunks, chunk("pages/gone.html", 0, "Gone", "glass"))
	MustPut(t, idx, chunks...)
	if err := idx.DeleteFiles(ctx, []string{"pages/gone.html"}); err != nil {
		t.Fatal(err)
	}
	if err := idx.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := idx.Search(ctx, retrieval.Query{Text: "glass"}); !errors.Is(err, retrieval.ErrClosed) {
		t.Errorf("search after close: got %v, want ErrClosed", err)
	}

	idx, err = bleve.Open(path, bleve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if n, err := idx.DocCount(); err != nil || n != 120 {
		t.Errorf("reopened DocCount = %d, %v; want 120", n, err)
	}
	got, err := idx.Chunks(ctx, []string{chunks[119].ID})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]corpus.Chunk{chunks[119]}, got); diff != "" {
		t.Errorf("reopened chunk (-want +got):\n%s", diff)
	}
	hits, err := idx.Search(ctx, retrieval.Query{Text: "glass recycling", PerDocument: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 3 || hits[0].Chunk.DocID != "guides/recycling.html" {
		t.Errorf("reopened search: got %d hits (%v), want 3 from guides/recycling.html", len(hits), hits)
	}
}
