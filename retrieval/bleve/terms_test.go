package bleve_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval/bleve"
)

func TestQueryTerms(t *testing.T) {
	ctx := context.Background()
	idx := MustOpenMem(t, bleve.Options{})
	chunks := []corpus.Chunk{
		{ID: "a~0", DocID: "a", Kind: corpus.KindPage, Title: "Rats", Text: "The council treats rats."},
		{ID: "b~0", DocID: "b", Kind: corpus.KindPage, Title: "Bins", Text: "The council collects bins."},
		{ID: "c~0", DocID: "c", Kind: corpus.KindPage, Title: "Parking", Text: "The council runs car parks."},
	}
	if err := idx.Put(ctx, chunks); err != nil {
		t.Fatal(err)
	}
	terms, err := idx.QueryTerms(ctx, "Please, can the council get rid of the rats?")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	weight := map[string]float64{}
	for _, tm := range terms {
		got = append(got, tm.Text)
		weight[tm.Text] = tm.Weight
	}
	// "please" is chat filler; "the" and "of" are stop words.
	if diff := cmp.Diff([]string{"can", "council", "get", "rid", "rat"}, got); diff != "" {
		t.Errorf("terms (-want +got):\n%s", diff)
	}
	if weight["rat"] <= weight["council"] {
		t.Errorf("rat weighs %v, council %v: want the rarer term heavier", weight["rat"], weight["council"])
	}
	if diff := cmp.Diff([]string{"rat", "treatment"}, idx.Terms("Rats treatment")); diff != "" {
		t.Errorf("Terms (-want +got):\n%s", diff)
	}
}
