package retrieval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

func TestCouncils(t *testing.T) {
	c := retrieval.NewCouncils([]string{"Sheffield City Council", "Lancashire County Council", "Lancashire councils", "London Borough of Barking and Dagenham", ""})
	tests := []struct {
		text string
		want []string
	}{
		{"is sheffield tip open?", []string{"Sheffield City Council"}},
		{"why did barking and dagenham refuse", []string{"London Borough of Barking and Dagenham"}},
		{"barking dogs next door", nil},
		{"what did lancashire spend", []string{"Lancashire County Council", "Lancashire councils"}},
		{"when are bins collected", nil},
	}
	for _, tt := range tests {
		var got []string
		for name := range c.Mentioned(tt.text) {
			got = append(got, name)
		}
		if diff := cmp.Diff(tt.want, got, cmpSorted); diff != "" {
			t.Errorf("Mentioned(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

var cmpSorted = cmp.Transformer("sort", func(in []string) []string {
	out := append([]string(nil), in...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
})

func TestPrior(t *testing.T) {
	ch := func(doc string, kind corpus.Kind, council string) retrieval.Hit {
		return retrieval.Hit{Chunk: corpus.Chunk{ID: doc + "~0", DocID: doc, Kind: kind, Council: council}}
	}
	list := []retrieval.Hit{
		ch("export.json#p1", corpus.KindPage, "Sheffield City Council"),
		ch("spend.csv#row-1", corpus.KindSpending, "Sheffield City Council"),
		ch("other.html", corpus.KindPage, "Gloucester City Council"),
		ch("page.html", corpus.KindPage, "Sheffield City Council"),
	}
	for i := range list {
		list[i].Score = 1 - float64(i)*0.1
	}
	inner := retrieval.SearcherFunc(func(context.Context, retrieval.Query) ([]retrieval.Hit, error) {
		return append([]retrieval.Hit(nil), list...), nil
	})
	p := &retrieval.Prior{Searcher: inner, Weight: retrieval.SourcePriors(retrieval.Priors{
		Secondary:          func(f string) bool { return f == "export.json" },
		SecondaryWeight:    0.5,
		RecordWeight:       0.5,
		Councils:           retrieval.NewCouncils([]string{"Sheffield City Council", "Gloucester City Council"}),
		OtherCouncilWeight: 0.5,
	})}
	tests := []struct {
		q    string
		want []string
	}{
		{"sheffield parking permits", []string{"page.html", "export.json#p1", "spend.csv#row-1", "other.html"}},
		{"how much was paid to acme in sheffield", []string{"spend.csv#row-1", "page.html", "export.json#p1", "other.html"}},
		{"parking permits", []string{"other.html", "page.html", "export.json#p1", "spend.csv#row-1"}},
	}
	for _, tt := range tests {
		got, err := p.Search(context.Background(), retrieval.Query{Text: tt.q, Limit: 4})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, docs(got)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.q, diff)
		}
	}
	if !retrieval.AsksAboutRecords("what did we pay for £5 things") || retrieval.AsksAboutRecords("when is my bin day") {
		t.Error("AsksAboutRecords misclassified")
	}
}

func TestPriorBareHits(t *testing.T) {
	ctx := context.Background()
	_, kw, _ := indexed(t,
		page("export.json#a", "Parking permits", "Visitor parking permits cost £19.35."),
		page("permits.html", "Parking permits", "Visitor parking permits cost £19.35."),
	)
	bare := retrieval.SearcherFunc(func(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
		if !q.Bare {
			t.Error("Prior with a chunk getter should ask for bare hits")
		}
		return []retrieval.Hit{
			{Chunk: corpus.Chunk{ID: "export.json#a~0", DocID: "export.json#a"}, Score: 1},
			{Chunk: corpus.Chunk{ID: "permits.html~0", DocID: "permits.html"}, Score: 0.9},
		}, nil
	})
	p := &retrieval.Prior{Searcher: bare, Chunks: kw, Weight: retrieval.SourcePriors(retrieval.Priors{
		Secondary:       func(f string) bool { return f == "export.json" },
		SecondaryWeight: 0.5,
		File:            func(string) (corpus.Kind, string) { return corpus.KindPage, "" },
	})}
	got, err := p.Search(ctx, retrieval.Query{Text: "parking permits", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"permits.html", "export.json#a"}, docs(got)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	if len(got) > 0 && (got[0].Chunk.Text == "" || !strings.Contains(got[0].Snippet, "<mark>")) {
		t.Errorf("top hit not hydrated with a highlighted snippet: %+v", got[0])
	}
}
