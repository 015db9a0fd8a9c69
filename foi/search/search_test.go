package search_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtures is a small disclosure log of our own.
func fixtures() []search.Entry {
	e40, _ := foi.LookupExemption(foi.LawFOIA, "40")
	e43, _ := foi.LookupExemption(foi.LawFOIA, "43")
	ds := []*foi.Disclosure{
		{ID: "pot", Reference: "FOI-2024-0101", Title: "Potholes repaired on Mill Lane", Received: day("2024-03-01"),
			RequestText: "How many potholes were repaired in 2023?", ResponseText: "We repaired 1,204 potholes.",
			Status: foi.StatusSuccessful, Law: foi.LawFOIA, Department: "Highways", Topic: "Roads"},
		{ID: "claims", Reference: "FOI-2023-0555", Title: "Pothole compensation claims", Received: day("2023-06-10"),
			RequestText: "Claims for damage caused by potholes.", ResponseText: "Claimant names are withheld under section 40(2).",
			Status: foi.StatusPartiallySuccessful, Law: foi.LawFOIA, Exemptions: []foi.Exemption{e40},
			Department: "Highways", Topic: "Roads"},
		{ID: "leisure", Reference: "FOI-2022-0042", Title: "Leisure centre management contract", Received: day("2022-11-20"),
			RequestText: "A copy of the leisure contract.", ResponseText: "Pricing is withheld under section 43(2) as commercially sensitive.",
			Status: foi.StatusPartiallySuccessful, Law: foi.LawFOIA, Exemptions: []foi.Exemption{e43}, Department: "Leisure"},
		{ID: "air", Reference: "EIR-2024-0007", Title: "Air quality on the High Street", Received: day("2024-01-15"),
			RequestText: "Nitrogen dioxide readings near the school.", ResponseText: "The readings are attached.",
			Status: foi.StatusSuccessful, Law: foi.LawEIR, Department: "Environmental Health"},
		{ID: "xss", Reference: "FOI-2024-0666", Title: `<script>alert("t")</script> bins`, Received: day("2024-05-05"),
			RequestText: `Bins <img src=x onerror=alert(1)> collected late`, Status: foi.StatusNotHeld, Law: foi.LawFOIA},
		{ID: "undated", Title: "Road gritting routes", RequestText: "Which roads are gritted?", Status: foi.StatusSuccessful, Law: foi.LawFOIA},
	}
	var es []search.Entry
	for _, d := range ds {
		es = append(es, search.EntryFromDisclosure(d))
	}
	return es
}

// MustOpenIndex returns a memory index holding the fixtures.
func MustOpenIndex(tb testing.TB) *search.Index {
	tb.Helper()
	ix, err := search.OpenMem(search.Options{SnippetChars: 80})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	if err := ix.Put(context.Background(), fixtures()); err != nil {
		tb.Fatal(err)
	}
	return ix
}

func hitIDs(r *search.Result) []string {
	out := []string{}
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := MustOpenIndex(t)
	tests := []struct {
		name     string
		q        search.Query
		want     []string
		total    int
		anyTerms bool
	}{
		{"stemmed word, title first", search.Query{Text: "pothole"}, []string{"claims", "pot"}, 2, false},
		{"all words must match", search.Query{Text: "potholes compensation"}, []string{"claims"}, 1, false},
		{"any word when none has all", search.Query{Text: "leisure nitrogen"}, nil, 2, true},
		{"phrase", search.Query{Text: `"air quality"`}, []string{"air"}, 1, false},
		{"reference", search.Query{Text: "foi-2022-0042"}, []string{"leisure"}, 1, false},
		{"empty lists newest first, undated last", search.Query{}, []string{"xss", "pot", "air", "claims", "leisure", "undated"}, 6, false},
		{"oldest", search.Query{Sort: search.SortOldest, Limit: 2}, []string{"leisure", "claims"}, 6, false},
		{"paged", search.Query{Sort: search.SortNewest, Offset: 2, Limit: 2}, []string{"air", "claims"}, 6, false},
		{"filter by exemption", search.Query{Filters: map[search.Facet][]string{search.FacetExemption: {"foia:43"}}}, []string{"leisure"}, 1, false},
		{"filters: any value within, all facets", search.Query{Text: "pothole", Filters: map[search.Facet][]string{
			search.FacetStatus: {"successful", "not_held"}, search.FacetYear: {"2024"}}}, []string{"pot"}, 1, false},
		{"law", search.Query{Filters: map[search.Facet][]string{search.FacetLaw: {"eir"}}}, []string{"air"}, 1, false},
		{"dates: from inclusive, to exclusive", search.Query{From: day("2024-01-15"), To: day("2024-05-05")}, []string{"pot", "air"}, 2, false},
		{"dates with text, by relevance", search.Query{Text: "pothole", From: day("2024-01-01")}, []string{"pot"}, 1, false},
		{"no match", search.Query{Text: "zeppelin"}, []string{}, 0, false},
		{"stop words only", search.Query{Text: "the of"}, []string{}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ix.Search(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want != nil {
				if diff := cmp.Diff(tt.want, hitIDs(got)); diff != "" {
					t.Errorf("hits mismatch (-want +got):\n%s", diff)
				}
			}
			if got.Total != tt.total {
				t.Errorf("Total = %d, want %d", got.Total, tt.total)
			}
			if got.AnyTerms != tt.anyTerms {
				t.Errorf("AnyTerms = %v, want %v", got.AnyTerms, tt.anyTerms)
			}
		})
	}
}

func TestSearchFacets(t *testing.T) {
	ix := MustOpenIndex(t)
	got, err := ix.Search(context.Background(), search.Query{Facets: true})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[search.Facet]map[string]int{}
	var years []string
	for _, f := range got.Facets {
		counts[f.Facet] = map[string]int{}
		for _, v := range f.Values {
			counts[f.Facet][v.Value] = v.Count
			if f.Facet == search.FacetYear {
				years = append(years, v.Value)
			}
		}
	}
	want := map[search.Facet]map[string]int{
		search.FacetKind:       {"foi": 6},
		search.FacetYear:       {"2024": 3, "2023": 1, "2022": 1},
		search.FacetStatus:     {"successful": 3, "partially_successful": 2, "not_held": 1},
		search.FacetLaw:        {"foia": 5, "eir": 1},
		search.FacetExemption:  {"foia:40": 1, "foia:43": 1},
		search.FacetDepartment: {"Highways": 2, "Leisure": 1, "Environmental Health": 1},
		search.FacetTopic:      {"Roads": 2},
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("facet counts mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"2024", "2023", "2022"}, years); diff != "" {
		t.Errorf("years not newest first (-want +got):\n%s", diff)
	}
}

func TestSearchSnippets(t *testing.T) {
	ix := MustOpenIndex(t)
	got, err := ix.Search(context.Background(), search.Query{Text: "withheld commercially"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(got.Hits))
	}
	var marked []string
	for _, f := range got.Hits[0].Snippet {
		if f.Mark {
			marked = append(marked, f.Text)
		}
	}
	if diff := cmp.Diff([]string{"withheld", "commercially"}, marked); diff != "" {
		t.Errorf("marked words mismatch (-want +got):\n%s", diff)
	}
	if s := got.Hits[0].Snippet.String(); !strings.Contains(s, "Pricing is withheld under section 43(2)") {
		t.Errorf("snippet = %q, want the sentence with the match", s)
	}

	// Snippets keep script text as data: the renderer escapes it.
	got, err = ix.Search(context.Background(), search.Query{Text: "bins"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Hits) != 1 || !strings.Contains(got.Hits[0].Snippet.String(), "<img src=x onerror=alert(1)>") {
		t.Errorf("hits = %+v, want the bins entry with its text unchanged", got.Hits)
	}

	// Without a match in the body the snippet is the start of the answer.
	got, _ = ix.Search(context.Background(), search.Query{Filters: map[search.Facet][]string{search.FacetLaw: {"eir"}}})
	if len(got.Hits) != 1 || got.Hits[0].Snippet.String() != "The readings are attached." {
		t.Errorf("browse snippet = %q, want the response's start", got.Hits[0].Snippet.String())
	}
}

func TestSearchHitFields(t *testing.T) {
	ix := MustOpenIndex(t)
	got, err := ix.Search(context.Background(), search.Query{Text: "compensation", NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	want := search.Entry{ID: "claims", Kind: "foi", Title: "Pothole compensation claims", Reference: "FOI-2023-0555",
		Summary: "Claimant names are withheld under section 40(2).", Status: "partially_successful", Law: "foia",
		Exemptions: []string{"foia:40"}, Department: "Highways", Topic: "Roads", Date: day("2023-06-10")}
	if len(got.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(got.Hits))
	}
	if diff := cmp.Diff(want, got.Hits[0].Entry); diff != "" {
		t.Errorf("hit mismatch (-want +got):\n%s", diff)
	}
	if got.Hits[0].Snippet != nil {
		t.Errorf("NoSnippets gave a snippet %q", got.Hits[0].Snippet)
	}
}

func TestSearchInvalid(t *testing.T) {
	ix := MustOpenIndex(t)
	for _, q := range []search.Query{
		{Sort: "cheapest"},
		{Filters: map[search.Facet][]string{"colour": {"red"}}},
		{Limit: search.MaxLimit + 1},
		{Offset: -1},
	} {
		if _, err := ix.Search(context.Background(), q); !errors.Is(err, foi.ErrInvalid) {
			t.Errorf("Search(%+v) error = %v, want ErrInvalid", q, err)
		}
	}
}

func TestPersistDeleteAndReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "foi.bleve")
	ix, err := search.Open(path, search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Put(ctx, fixtures()); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, []string{"air", "unknown"}); err != nil {
		t.Fatal(err)
	}
	ix.Close()
	ix, err = search.Open(path, search.Options{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer ix.Close()
	if n, _ := ix.Count(); n != 5 {
		t.Errorf("Count = %d after reopening, want 5", n)
	}
	// The reopened index rebuilt its catalog: browse totals and facets.
	res, err := ix.Search(ctx, search.Query{Facets: true, Filters: map[search.Facet][]string{search.FacetYear: {"2024"}}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"xss", "pot"}, hitIDs(res)); diff != "" {
		t.Errorf("2024 after reopening mismatch (-want +got):\n%s", diff)
	}
	for _, f := range res.Facets {
		if f.Facet == search.FacetLaw && (len(f.Values) != 1 || f.Values[0] != (search.FacetValue{Value: "foia", Count: 2})) {
			t.Errorf("law facet after reopening = %+v, want foia: 2", f.Values)
		}
	}
	if err := ix.Put(ctx, []search.Entry{{Title: "no id"}}); !errors.Is(err, foi.ErrInvalid) {
		t.Errorf("Put without ID: error = %v, want ErrInvalid", err)
	}
}

// TestSearchRankingUnderFiltersAndPaging checks that relevance order is
// the same whatever the filters and page: a filtered search lists the
// unfiltered ranking's hits that pass the filter, in the same order, and
// pages of one hit join up into the whole list. Ties are broken by ID,
// so the order does not depend on how the index happens to be laid out.
func TestSearchRankingUnderFiltersAndPaging(t *testing.T) {
	ctx := context.Background()
	ix, err := search.OpenMem(search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var es []search.Entry
	statuses := []string{"successful", "not_held", "rejected"}
	for i := 0; i < 30; i++ {
		es = append(es, search.Entry{
			ID: fmt.Sprintf("d%02d", i), Kind: "foi", Title: fmt.Sprintf("Request %d", i),
			// i%5+1 mentions of "parking" among 40 other words, so that
			// scores vary and some tie.
			Body:   strings.Repeat("parking ", i%5+1) + strings.Repeat("words ", 40),
			Status: statuses[i%3], Exemptions: []string{fmt.Sprintf("foia:%d", 40+i%2)},
			Date: day("2024-01-01").AddDate(0, 0, i),
		})
	}
	if err := ix.Put(ctx, es); err != nil {
		t.Fatal(err)
	}
	all, err := ix.Search(ctx, search.Query{Text: "parking", Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != 30 || len(all.Hits) != 30 {
		t.Fatalf("total %d, %d hits; want 30", all.Total, len(all.Hits))
	}
	for i := 1; i < len(all.Hits); i++ {
		a, b := all.Hits[i-1], all.Hits[i]
		if a.Score < b.Score || a.Score == b.Score && a.ID > b.ID {
			t.Errorf("hit %d (%s %.4f) before hit %d (%s %.4f): want score descending, then ID", i-1, a.ID, a.Score, i, b.ID, b.Score)
		}
	}
	byID := map[string]search.Entry{}
	for _, e := range es {
		byID[e.ID] = e
	}
	filters := []map[search.Facet][]string{
		{search.FacetStatus: {"not_held"}},
		{search.FacetStatus: {"successful", "rejected"}},
		{search.FacetExemption: {"foia:41"}},
	}
	for _, f := range filters {
		got, err := ix.Search(ctx, search.Query{Text: "parking", Filters: f, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, h := range all.Hits {
			e := byID[h.ID]
			ok := false
			for _, v := range f[search.FacetStatus] {
				ok = ok || e.Status == v
			}
			for _, v := range f[search.FacetExemption] {
				ok = ok || e.Exemptions[0] == v
			}
			if ok {
				want = append(want, h.ID)
			}
		}
		if diff := cmp.Diff(want, hitIDs(got)); diff != "" {
			t.Errorf("filters %v: hits (-want +got):\n%s", f, diff)
		}
	}
	var paged []string
	for off := 0; off < 30; off++ {
		r, err := ix.Search(ctx, search.Query{Text: "parking", Offset: off, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, hitIDs(r)...)
	}
	if diff := cmp.Diff(hitIDs(all), paged); diff != "" {
		t.Errorf("pages of one hit (-want +got):\n%s", diff)
	}
}
