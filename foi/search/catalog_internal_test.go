package search

import (
	"context"
	"fmt"
	"testing"
	"time"

	bleve "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// TestCatalogAgreesWithBleve checks the catalog's totals and facet counts
// against bleve's own, through replacements and deletions (which leave
// deleted documents in old segments) and across many batches (which make
// many segments).
func TestCatalogAgreesWithBleve(t *testing.T) {
	ctx := context.Background()
	ix, err := Open(t.TempDir()+"/ix", Options{BatchSize: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	statuses := []string{"successful", "not_held", "rejected"}
	var es []Entry
	for i := 0; i < 60; i++ {
		e := Entry{ID: fmt.Sprintf("e%02d", i), Kind: "foi", Title: fmt.Sprintf("Request %d about potholes", i),
			Body: "The council repaired roads.", Status: statuses[i%3], Law: "foia",
			Date: time.Date(2020+i%4, 1, 1+i%28, 0, 0, 0, 0, time.UTC)}
		if i%5 == 0 {
			e.Body += " Names withheld under section 40."
			e.Exemptions = []string{"foia:40"}
		}
		if i%4 == 0 {
			e.Title = fmt.Sprintf("Request %d about bins", i)
		}
		es = append(es, e)
	}
	if err := ix.Put(ctx, es); err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		for _, tc := range []struct {
			q    Query
			bq   query.Query
			name string
		}{
			{Query{Text: "potholes"}, termInTitleOrBody("pothol"), "potholes"},
			{Query{Text: "bins"}, termInTitleOrBody("bin"), "bins"},
			{Query{}, bleve.NewMatchAllQuery(), "all"},
			{Query{Filters: map[Facet][]string{FacetStatus: {"not_held"}}}, func() query.Query {
				q := query.NewTermQuery("not_held")
				q.SetField(fieldStatus)
				return q
			}(), "not held"},
		} {
			got, err := ix.Search(ctx, Query{Text: tc.q.Text, Filters: tc.q.Filters, Facets: true})
			if err != nil {
				t.Fatal(err)
			}
			req := bleve.NewSearchRequestOptions(tc.bq, 0, 0, false)
			req.AddFacet("status", bleve.NewFacetRequest(fieldStatus, 10))
			want, err := ix.idx.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != int(want.Total) {
				t.Errorf("%s, %s: Total = %d, bleve counts %d", stage, tc.name, got.Total, want.Total)
			}
			wantStatus := map[string]int{}
			for _, tf := range want.Facets["status"].Terms.Terms() {
				wantStatus[tf.Term] = tf.Count
			}
			gotStatus := map[string]int{}
			for _, f := range got.Facets {
				if f.Facet == FacetStatus {
					for _, v := range f.Values {
						gotStatus[v.Value] = v.Count
					}
				}
			}
			if fmt.Sprint(gotStatus) != fmt.Sprint(wantStatus) {
				t.Errorf("%s, %s: status counts %v, bleve counts %v", stage, tc.name, gotStatus, wantStatus)
			}
		}
	}
	check("fresh")

	// Replace some entries (new status, no longer about potholes) and
	// delete others.
	var repl []Entry
	for i := 0; i < 60; i += 3 {
		e := es[i]
		e.Status, e.Title, e.Body = "rejected", fmt.Sprintf("Request %d about bins", i), "Refused."
		repl = append(repl, e)
	}
	if err := ix.Put(ctx, repl); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, []string{"e01", "e02", "e59"}); err != nil {
		t.Fatal(err)
	}
	check("after replace and delete")
}
