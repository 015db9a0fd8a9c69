package corpus_test

import (
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/corpus"
)

func TestChunkDocument(t *testing.T) {
	long := strings.Repeat("Bins are collected every week. ", 120) // 600 words
	tests := []struct {
		name       string
		doc        corpus.Document
		wantChunks int
		check      func(t *testing.T, cs []corpus.Chunk)
	}{
		{
			name: "small sections under one heading merge",
			doc: corpus.Document{ID: "bins.html", Title: "Bins", Sections: []corpus.Section{
				{Headings: []string{"Bins", "Missed"}, Text: "Report it by 4pm."},
				{Headings: []string{"Bins", "Garden"}, Text: "Costs £48 a year."},
			}},
			wantChunks: 1,
			check: func(t *testing.T, cs []corpus.Chunk) {
				if !strings.Contains(cs[0].Text, "Garden: Costs £48") {
					t.Errorf("merged text = %q, want the second heading kept inline", cs[0].Text)
				}
			},
		},
		{
			name: "different top headings stay apart",
			doc: corpus.Document{ID: "a.html", Title: "A", Sections: []corpus.Section{
				{Headings: []string{"One"}, Text: "alpha"},
				{Headings: []string{"Two"}, Text: "beta"},
			}},
			wantChunks: 2,
		},
		{
			name: "long section splits at sentences",
			doc: corpus.Document{ID: "long.html", Title: "Long", Sections: []corpus.Section{
				{Headings: []string{"Long"}, Text: long},
			}},
			wantChunks: 3,
			check: func(t *testing.T, cs []corpus.Chunk) {
				for _, c := range cs {
					if !strings.HasSuffix(c.Text, ".") {
						t.Errorf("chunk %s ends mid-sentence: %q", c.ID, c.Text[len(c.Text)-20:])
					}
					if c.Title != "Long" || len(c.Headings) != 1 {
						t.Errorf("chunk %s lost its title or headings: %+v", c.ID, c)
					}
				}
			},
		},
		{
			name: "pages never merge",
			doc: corpus.Document{ID: "b.pdf", Title: "Budget", Sections: []corpus.Section{
				{Text: "page one", Page: 1}, {Text: "page two", Page: 2},
			}},
			wantChunks: 2,
			check: func(t *testing.T, cs []corpus.Chunk) {
				if cs[1].Page != 2 {
					t.Errorf("second chunk page = %d, want 2", cs[1].Page)
				}
			},
		},
		{
			name:       "title-only record is still a chunk",
			doc:        corpus.Document{ID: "s.csv#row-1", Title: "Payment to ACME"},
			wantChunks: 1,
		},
		{name: "empty document gives nothing", doc: corpus.Document{ID: "e"}, wantChunks: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs := corpus.ChunkDocument(&tt.doc, corpus.DefaultChunkOptions())
			if len(cs) != tt.wantChunks {
				t.Fatalf("got %d chunks, want %d: %+v", len(cs), tt.wantChunks, cs)
			}
			for i, c := range cs {
				if c.ID != corpus.ChunkID(tt.doc.ID, i) || c.DocID != tt.doc.ID {
					t.Errorf("chunk %d id = %q doc = %q, want %q and %q", i, c.ID, c.DocID, corpus.ChunkID(tt.doc.ID, i), tt.doc.ID)
				}
				if got := corpus.DocIDOfChunk(c.ID); got != tt.doc.ID {
					t.Errorf("DocIDOfChunk(%q) = %q, want %q", c.ID, got, tt.doc.ID)
				}
			}
			if tt.check != nil {
				tt.check(t, cs)
			}
		})
	}
}

func TestFileIDAndCleanRel(t *testing.T) {
	if got := corpus.FileID("spend/a.csv#row-3"); got != "spend/a.csv" {
		t.Errorf("FileID = %q, want spend/a.csv", got)
	}
	for _, bad := range []string{"../x", "/etc/passwd", "a/../../b"} {
		if _, err := corpus.CleanRel(bad); err == nil {
			t.Errorf("CleanRel(%q) succeeded, want ErrOutsideRoot", bad)
		}
	}
	if got, err := corpus.CleanRel("a/./b/../c.html"); err != nil || got != "a/c.html" {
		t.Errorf("CleanRel = %q, %v; want a/c.html", got, err)
	}
}
