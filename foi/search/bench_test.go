package search_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/corpus/html"
	"github.com/townhall-civic/townhall/corpus/jsondoc"
	"github.com/townhall-civic/townhall/corpus/manifest"
	"github.com/townhall-civic/townhall/corpus/pdf"
	"github.com/townhall-civic/townhall/corpus/tabular"
	"github.com/townhall-civic/townhall/corpus/text"
	"github.com/townhall-civic/townhall/foi/importer"
	"github.com/townhall-civic/townhall/foi/search"
)

// sharedManifest is the shared-corpus manifest, whose root is the shared
// corpus beside the repository.
const sharedManifest = "../../evals/shared-corpus.yaml"

// benchQueries are portal searches of the kinds residents and journalists
// make, some with filters and sorts, including the most expensive one:
// the empty search, which counts every facet over the whole log.
var benchQueries = []search.Query{
	{Text: "potholes"},
	{Text: "parking fines"},
	{Text: "council tax arrears"},
	{Text: "children in care"},
	{Text: "temporary accommodation"},
	{Text: "cctv cameras"},
	{Text: "agency staff spend"},
	{Text: "school transport"},
	{Text: "contract"},
	{Text: "library closures"},
	{Text: "fly tipping fines"},
	{Text: "tree felling"},
	{Text: "business rates"},
	{Text: "social workers caseload"},
	{Text: "consultants"},
	{Text: `"bus lane"`},
	{Text: "foster carers allowances"},
	{Text: "HMO licence register"},
	{Text: "council"},
	{Text: "information"},
	{Text: "unaccompanied asylum seeking children"},
	{Text: "care leavers", Sort: search.SortNewest},
	{Text: "housing", Filters: map[search.Facet][]string{search.FacetStatus: {"successful"}}},
	{Text: "budget", Filters: map[search.Facet][]string{search.FacetYear: {"2019", "2020"}}},
	{Filters: map[search.Facet][]string{search.FacetExemption: {"foia:40"}}},
	{Filters: map[search.Facet][]string{search.FacetDepartment: {"Highways"}}, Sort: search.SortOldest},
	{},
	{Offset: 200},
	{Text: "education health care plans", Offset: 40},
	{Text: "zzyzx unmatched words"},
}

// departments are spread over the synthetic copies so that the
// department facet has a realistic number of values.
var departments = []string{"Highways", "Housing", "Children's Services", "Adult Social Care", "Finance",
	"Environmental Health", "Planning", "Waste", "Legal and Democratic Services", "Human Resources",
	"Revenues and Benefits", "Libraries and Leisure"}

// BenchmarkPortalSearch measures portal searches (facets and snippets
// on, 20 hits a page) over a synthetic disclosure log of at least 100,000
// entries built from every FOI disclosure in the shared corpus: each is
// copied with its date moved back by whole years plus a few days and a
// department assigned, so that term statistics and facet spreads stay
// those of real requests. It reports p50 and p95 latency over every
// query of benchQueries, run ten times each.
func BenchmarkPortalSearch(b *testing.B) {
	if _, err := os.Stat(filepath.Join("..", "..", "..", "shared", "corpus", "sheffield_foi_wdtk")); err != nil {
		b.Skip("shared corpus not present")
	}
	ctx := context.Background()
	m, err := manifest.Load(sharedManifest)
	if err != nil {
		b.Fatal(err)
	}
	loaders := corpus.Loaders{"html": html.Load, "wdtk-html": html.LoadWDTK, "pdf": pdf.Load, "csv": tabular.Load,
		"json": jsondoc.Load, "wdtk": jsondoc.Load, "markdown": text.LoadMarkdown, "text": text.LoadPlain}
	batch, err := importer.Load(ctx, m, importer.Options{Loaders: loaders, SkipBadFiles: true})
	if err != nil {
		b.Fatal(err)
	}
	published := batch.Published()
	base := make([]search.Entry, len(published))
	for i, d := range published {
		base[i] = search.EntryFromDisclosure(d)
	}
	const target = 100_000
	var entries []search.Entry
	for copyN := 0; len(entries) < target; copyN++ {
		for i, e := range base {
			e.ID = fmt.Sprintf("%s~%d", e.ID, copyN)
			if !e.Date.IsZero() {
				e.Date = e.Date.AddDate(-copyN%8, 0, -3*copyN)
			}
			if e.Department == "" {
				e.Department = departments[(i+copyN)%len(departments)]
			}
			entries = append(entries, e)
		}
	}
	ix, err := search.Open(filepath.Join(b.TempDir(), "foi.bleve"), search.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	start := time.Now()
	if err := ix.Put(ctx, entries); err != nil {
		b.Fatal(err)
	}
	build := time.Since(start)
	b.Logf("indexed %d entries (%d distinct disclosures) in %s", len(entries), len(base), build.Round(time.Millisecond))
	for _, q := range benchQueries { // warm the index's caches
		q.Facets = true
		if _, err := ix.Search(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	perQuery := make([][]time.Duration, len(benchQueries))
	b.ResetTimer()
	for b.Loop() {
		for round := 0; round < 10; round++ {
			for i, q := range benchQueries {
				q.Facets = true
				t0 := time.Now()
				if _, err := ix.Search(ctx, q); err != nil {
					b.Fatal(err)
				}
				d := time.Since(t0)
				lat = append(lat, d)
				perQuery[i] = append(perQuery[i], d)
			}
		}
	}
	b.StopTimer()
	if testing.Verbose() {
		for i, ds := range perQuery {
			sort.Slice(ds, func(a, c int) bool { return ds[a] < ds[c] })
			b.Logf("%8s  %+v", ds[len(ds)/2].Round(10*time.Microsecond), benchQueries[i])
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(len(entries)), "entries")
	b.ReportMetric(build.Seconds(), "build-s")
}
