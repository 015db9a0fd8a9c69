package ledger_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/foi/ledger"
	"github.com/townhall-civic/townhall/retrieval"
)

// memCatalog is an in-memory catalog and chunk store holding chunked
// documents, as retrieval.Indexer would write them.
type memCatalog struct {
	files  map[string]retrieval.FileState
	chunks map[string]corpus.Chunk
}

func (m *memCatalog) add(fileID string, kind corpus.Kind, docs []corpus.Document) {
	st := retrieval.FileState{Kind: kind, Docs: len(docs)}
	for i := range docs {
		for _, c := range corpus.ChunkDocument(&docs[i], corpus.ChunkOptions{}) {
			m.chunks[c.ID] = c
			st.ChunkIDs = append(st.ChunkIDs, c.ID)
		}
		// The indexer's whole-document chunk, which Budgets skips.
		all := docs[i].ID + "~all"
		m.chunks[all] = corpus.Chunk{ID: all, DocID: docs[i].ID, Title: "whole", Page: 0}
		st.ChunkIDs = append(st.ChunkIDs, all)
	}
	m.files[fileID] = st
}

func (m *memCatalog) Files(context.Context) (map[string]retrieval.FileState, error) {
	return m.files, nil
}

func (m *memCatalog) Chunks(_ context.Context, ids []string) ([]corpus.Chunk, error) {
	var out []corpus.Chunk
	for _, id := range ids {
		if c, ok := m.chunks[id]; ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func TestBudgetsListsPDFPages(t *testing.T) {
	const id = "budget/budget-book-2025-26.pdf"
	data, err := os.ReadFile("../../testdata/demo/" + id)
	if err != nil {
		t.Fatal(err)
	}
	docs, err := pdf.Load(context.Background(), corpus.File{ID: id, Data: data, Source: corpus.Source{Kind: corpus.KindBudget},
		Council: "Thornbury Vale Borough Council", BaseURL: "https://www.thornburyvale.gov.uk/"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range docs {
		docs[i].URL = corpus.URLFor("https://www.thornburyvale.gov.uk/", id)
	}
	pages := map[int]bool{}
	for _, s := range docs[0].Sections {
		pages[s.Page] = true
	}
	m := &memCatalog{files: map[string]retrieval.FileState{}, chunks: map[string]corpus.Chunk{}}
	m.add(id, corpus.KindBudget, docs)
	m.add("spending/x.csv", corpus.KindSpending, []corpus.Document{{ID: "spending/x.csv#row-1", Title: "Payment",
		Sections: []corpus.Section{{Text: "not a budget"}}}})

	got, err := ledger.Budgets(context.Background(), m, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d budget documents, want 1: %+v", len(got), got)
	}
	d := got[0]
	if d.ID != id || d.Title == "" || d.Title == "whole" || d.Council != "Thornbury Vale Borough Council" {
		t.Errorf("document = %q %q %q", d.ID, d.Title, d.Council)
	}
	if len(d.Pages) != len(pages) {
		t.Errorf("got %d pages, want the PDF's %d", len(d.Pages), len(pages))
	}
	for i, p := range d.Pages {
		if p.Number != i+1 || p.Heading == "" {
			t.Errorf("page %d = %+v, want number %d with a heading", i, p, i+1)
		}
		if u := d.PageURL(p); !strings.HasSuffix(u, "budget-book-2025-26.pdf#page="+strconv.Itoa(i+1)) {
			t.Errorf("page %d URL = %q", i+1, u)
		}
	}
}

func TestBudgetsWithoutPagesListSections(t *testing.T) {
	m := &memCatalog{files: map[string]retrieval.FileState{}, chunks: map[string]corpus.Chunk{}}
	m.add("budgets/b.json", corpus.KindBudget, []corpus.Document{{ID: "budgets/b.json", Title: "Budget 2024", URL: "https://x.example/b.json",
		Sections: []corpus.Section{
			{Headings: []string{"Revenue"}, Text: "Revenue budget text."},
			{Headings: []string{"Capital"}, Text: "Capital budget text."},
			{Headings: []string{"Revenue", "More"}, Text: "More revenue."},
		}}})
	got, err := ledger.Budgets(context.Background(), m, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[0].Pages) != 2 {
		t.Fatalf("got %+v, want one document with sections Revenue and Capital", got)
	}
	if p := got[0].Pages[0]; p.Number != 0 || p.Heading != "Revenue" || got[0].PageURL(p) != "https://x.example/b.json" {
		t.Errorf("first section = %+v (URL %q)", p, got[0].PageURL(p))
	}
}
