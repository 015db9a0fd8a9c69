package bleve_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
	"github.com/townhall-civic/townhall/retrieval/bleve"
)

// hitIDs lists hit chunk IDs in rank order.
func hitIDs(hits []retrieval.Hit) []string {
	out := make([]string, len(hits))
	for n, h := range hits {
		out[n] = h.Chunk.ID
	}
	return out
}

func mustSearch(tb testing.TB, s retrieval.Searcher, q retrieval.Query) []retrieval.Hit {
	tb.Helper()
	hits, err := s.Search(context.Background(), q)
	if err != nil {
		tb.Fatal(err)
	}
	return hits
}

func TestSearchAnalysis(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx,
		chunk("bins.html", 0, "Bins", "Your collection day is shown on the calendar."),
		chunk("tax.html", 0, "Council tax", "The council's bills are posted in March."),
		chunk("parks.html", 0, "Parks", "Dogs must be kept on a lead in playgrounds."),
		chunk("cans.html", 0, "Recycling", "Rinse drinks cans before recycling them."),
		chunk("may.csv#1", 0, "Payment", "Paid on 3 May 2024."),
	)
	tests := []struct {
		name, query string
		want        []string
	}{
		{"filler-like topic word kept: can", "cans", []string{"cans.html~0"}},
		{"filler-like topic word kept: may", "may", []string{"may.csv#1~0"}},
		{"plural finds singular", "collections", []string{"bins.html~0"}},
		{"stemmed verb", "posting", []string{"tax.html~0"}},
		{"possessive", "council's", []string{"tax.html~0"}},
		{"case", "DOGS", []string{"parks.html~0"}},
		{"stop words alone match nothing", "how do I", []string{}},
		{"filler alone matches nothing", "hi thanks u", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hitIDs(mustSearch(t, idx, retrieval.Query{Text: tt.query}))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("hits for %q (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestSearchRanking(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx,
		// The body mentions recycling more often, but the title is about it.
		chunk("hours.html", 0, "Opening hours", "Recycling centre hours: recycling of glass, recycling of paper and recycling of card."),
		chunk("centres.html", 0, "Recycling centres", "Find your nearest centre and what it accepts."),
		// Same words, adjacent in one and apart in the other.
		chunk("band.html", 0, "Bands", "Your council tax band depends on the value of your home in 1991."),
		chunk("appeal.html", 0, "Appeals", "A tax on your home is set by the council each year in 1991 values."),
		// Headings count more than body.
		corpus.Chunk{ID: "a.html~0", DocID: "a.html", Kind: corpus.KindPage, Title: "Streets",
			Headings: []string{"Potholes"}, Text: "Tell us where the road is damaged."},
		chunk("b.html", 0, "Streets", "Potholes are filled within 28 days of the report being made."),
	)
	tests := []struct {
		name, query string
		want        string // first hit
	}{
		{"title beats body", "recycling", "centres.html~0"},
		{"adjacent terms beat scattered", "council tax", "band.html~0"},
		{"heading beats body", "potholes", "a.html~0"},
		{"chat filler ignored", "hi can u tell me about recycling centres please thanks", "centres.html~0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := mustSearch(t, idx, retrieval.Query{Text: tt.query})
			if len(hits) == 0 || hits[0].Chunk.ID != tt.want {
				t.Errorf("hits for %q: got %v, want %s first", tt.query, hitIDs(hits), tt.want)
			}
			for n := 1; n < len(hits); n++ {
				if hits[n].Score > hits[n-1].Score {
					t.Errorf("hit %d scores %v above hit %d (%v)", n, hits[n].Score, n-1, hits[n-1].Score)
				}
			}
		})
	}
}

func TestSearchFilters(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	c := func(id string, kind corpus.Kind, date time.Time) corpus.Chunk {
		return corpus.Chunk{ID: id + "~0", DocID: id, Kind: kind, Title: "Missed bins", Text: "missed bin collections", Date: date}
	}
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx,
		c("page", corpus.KindPage, time.Time{}),
		c("foi-2022", corpus.KindFOI, day(2022, 6, 1)),
		c("foi-2023", corpus.KindFOI, day(2023, 6, 1)),
		c("spend-2023", corpus.KindSpending, day(2023, 1, 1)),
		c("spend-2024", corpus.KindSpending, day(2024, 1, 1)),
	)
	tests := []struct {
		name     string
		kinds    []corpus.Kind
		from, to time.Time
		want     []string
	}{
		{"none", nil, time.Time{}, time.Time{}, []string{"foi-2022", "foi-2023", "page", "spend-2023", "spend-2024"}},
		{"one kind", []corpus.Kind{corpus.KindFOI}, time.Time{}, time.Time{}, []string{"foi-2022", "foi-2023"}},
		{"two kinds", []corpus.Kind{corpus.KindFOI, corpus.KindPage}, time.Time{}, time.Time{}, []string{"foi-2022", "foi-2023", "page"}},
		{"kind with no chunks", []corpus.Kind{corpus.KindBudget}, time.Time{}, time.Time{}, []string{}},
		{"from is inclusive", nil, day(2023, 6, 1), time.Time{}, []string{"foi-2023", "spend-2024"}},
		{"to is exclusive", nil, time.Time{}, day(2023, 6, 1), []string{"foi-2022", "spend-2023"}},
		{"range", nil, day(2023, 1, 1), day(2024, 1, 1), []string{"foi-2023", "spend-2023"}},
		{"kind and range", []corpus.Kind{corpus.KindSpending}, day(2023, 1, 1), day(2024, 1, 1), []string{"spend-2023"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, arm := range []struct {
				name string
				s    retrieval.Searcher
			}{{"tuned", idx}, {"plain", idx.Plain()}} {
				hits := mustSearch(t, arm.s, retrieval.Query{Text: "missed bin", Kinds: tt.kinds, From: tt.from, To: tt.to})
				got := []string{}
				for _, h := range hits {
					got = append(got, h.Chunk.DocID)
				}
				// Identical chunks tie on score, so compare as sets.
				if diff := cmp.Diff(tt.want, sorted(got)); diff != "" {
					t.Errorf("%s arm (-want +got):\n%s", arm.name, diff)
				}
				// Pass reads the same filters from the index for IDs a
				// vector search found; an ID not in the index never passes.
				pass, err := idx.Pass(context.Background(), retrieval.Query{Text: "x", Kinds: tt.kinds, From: tt.from, To: tt.to},
					[]string{"page~0", "foi-2022~0", "foi-2023~0", "spend-2023~0", "spend-2024~0", "gone~0"})
				if err != nil {
					t.Fatal(err)
				}
				passed := []string{}
				for id, ok := range pass {
					if ok {
						passed = append(passed, strings.TrimSuffix(id, "~0"))
					}
				}
				if diff := cmp.Diff(tt.want, sorted(passed)); tt.kinds != nil || !tt.from.IsZero() || !tt.to.IsZero() {
					if diff != "" {
						t.Errorf("Pass (-want +got):\n%s", diff)
					}
				} else if len(passed) != 6 {
					t.Errorf("Pass without filters passed %v, want every ID", passed)
				}
				// Filters must not change scores: all these chunks are equal.
				for _, h := range hits {
					if h.Score != hits[0].Score {
						t.Errorf("%s arm: %s scores %v, %s scores %v; filters must not score", arm.name, h.Chunk.ID, h.Score, hits[0].Chunk.ID, hits[0].Score)
					}
				}
			}
		})
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

func TestSearchPerDocument(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	var chunks []corpus.Chunk
	// One long guide whose 30 chunks all outrank the other documents.
	for n := range 30 {
		chunks = append(chunks, chunk("guide.html", n, "Parking permits", "Parking permits for residents and visitors."))
	}
	for _, d := range []string{"a.html", "b.html", "c.html", "d.html"} {
		chunks = append(chunks, chunk(d, 0, "Roads", "Parking on the verge is not allowed."))
	}
	MustPut(t, idx, chunks...)

	tests := []struct {
		name        string
		limit, per  int
		wantHits    int
		wantPerDocs map[string]int
	}{
		{"deduplicated by default", 10, 0, 5, map[string]int{"guide.html": 1, "a.html": 1, "b.html": 1, "c.html": 1, "d.html": 1}},
		{"two per document", 10, 2, 6, map[string]int{"guide.html": 2, "a.html": 1, "b.html": 1, "c.html": 1, "d.html": 1}},
		{"limit still fills past a dominant document", 3, 0, 3, nil},
		{"limit caps", 2, 5, 2, map[string]int{"guide.html": 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range []retrieval.Searcher{idx, idx.Plain()} {
				hits := mustSearch(t, s, retrieval.Query{Text: "parking permits", Limit: tt.limit, PerDocument: tt.per})
				if len(hits) != tt.wantHits {
					t.Fatalf("got %d hits %v, want %d", len(hits), hitIDs(hits), tt.wantHits)
				}
				per := map[string]int{}
				for _, h := range hits {
					per[h.Chunk.DocID]++
				}
				if tt.wantPerDocs != nil {
					if diff := cmp.Diff(tt.wantPerDocs, per); diff != "" {
						t.Errorf("hits per document (-want +got):\n%s", diff)
					}
				}
				max := max(tt.per, 1)
				for d, n := range per {
					if n > max {
						t.Errorf("%s has %d hits, want at most %d", d, n, max)
					}
				}
			}
		})
	}
}

func TestSnippet(t *testing.T) {
	long := strings.Repeat("Other text. ", 60)
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx,
		chunk("xss.html", 0, "Bins", `Put your <script>alert("x")</script> bin & box out by 7am.`),
		chunk("long.html", 0, "Fees", long+"The garden waste fee is £55 a year. "+long),
		chunk("title.html", 0, "Garden waste", "Subscribe online <b>today</b>."),
	)
	tests := []struct {
		name, query, doc string
		contains         []string
		excludes         []string
	}{
		{"marks and escapes", "bins", "xss.html",
			[]string{"<mark>bin</mark>", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "&amp; box"},
			[]string{"<script>", "<mark>box"}},
		{"fragment around the match", "garden fee", "long.html",
			[]string{"<mark>garden</mark> waste <mark>fee</mark>"}, nil},
		{"title-only match gives the escaped start", "garden", "title.html",
			[]string{"Subscribe online &lt;b&gt;today&lt;/b&gt;."}, []string{"<mark>", "<b>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, arm := range []struct {
				name string
				s    retrieval.Searcher
			}{{"tuned", idx}, {"plain", idx.Plain()}} {
				var snip string
				for _, h := range mustSearch(t, arm.s, retrieval.Query{Text: tt.query}) {
					if h.Chunk.DocID == tt.doc {
						snip = h.Snippet
					}
				}
				if snip == "" {
					t.Fatalf("%s arm: no hit for %s", arm.name, tt.doc)
				}
				if n := len([]rune(snip)); n > 260 {
					t.Errorf("%s arm: snippet is %d runes, want about 200", arm.name, n)
				}
				for _, s := range tt.contains {
					if !strings.Contains(snip, s) {
						t.Errorf("%s arm: snippet %q does not contain %q", arm.name, snip, s)
					}
				}
				for _, s := range tt.excludes {
					if strings.Contains(snip, s) {
						t.Errorf("%s arm: snippet %q contains %q", arm.name, snip, s)
					}
				}
			}
		})
	}
}

func TestPlainArm(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	MustPut(t, idx,
		chunk("centres.html", 0, "Recycling centres", "Find your nearest centre."),
		chunk("hours.html", 0, "Opening hours", "Recycling centre hours: recycling of glass, recycling of paper and recycling of card."),
		chunk("please.html", 0, "Contact", "Please call us."),
	)
	tests := []struct {
		name, query string
		plain       []string
		tuned       []string
	}{
		// _all merges fields, so the plain arm has no title boost: the body
		// with four mentions wins.
		{"no field boosts", "recycling", []string{"hours.html~0", "centres.html~0"}, []string{"centres.html~0", "hours.html~0"}},
		{"filler is a search term", "please", []string{"please.html~0"}, []string{}},
		{"stemmed like the fields", "centres", []string{"centres.html~0", "hours.html~0"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hitIDs(mustSearch(t, idx.Plain(), retrieval.Query{Text: tt.query}))
			if diff := cmp.Diff(tt.plain, got); diff != "" {
				t.Errorf("plain hits for %q (-want +got):\n%s", tt.query, diff)
			}
			if tt.tuned != nil {
				got := hitIDs(mustSearch(t, idx, retrieval.Query{Text: tt.query}))
				if diff := cmp.Diff(tt.tuned, got); diff != "" {
					t.Errorf("tuned hits for %q (-want +got):\n%s", tt.query, diff)
				}
			}
		})
	}
}

func TestSearchInvalid(t *testing.T) {
	idx := MustOpenMem(t, bleve.Options{})
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		q    retrieval.Query
	}{
		{"empty text", retrieval.Query{Text: "  "}},
		{"negative limit", retrieval.Query{Text: "bins", Limit: -1}},
		{"negative per document", retrieval.Query{Text: "bins", PerDocument: -1}},
		{"unknown kind", retrieval.Query{Text: "bins", Kinds: []corpus.Kind{"blog"}}},
		{"empty date range", retrieval.Query{Text: "bins", From: day, To: day}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, s := range []retrieval.Searcher{idx, idx.Plain()} {
				if _, err := s.Search(context.Background(), tt.q); !errors.Is(err, retrieval.ErrInvalid) {
					t.Errorf("got %v, want an error wrapping ErrInvalid", err)
				}
			}
		})
	}
}

func TestSearchCommonTerms(t *testing.T) {
	// "council" is in every chunk, well past the common-term cutoff (it
	// needs more than 1000 chunks); "bins" is in three.
	var chunks []corpus.Chunk
	for n := range 1200 {
		chunks = append(chunks, chunk(fmt.Sprintf("notices/%d.html", n), 0, "Public notice", fmt.Sprintf("The council gives notice number %d.", n)))
	}
	chunks = append(chunks,
		chunk("bins/a.html", 0, "Bins", "The council empties bins weekly."),
		chunk("bins/b.html", 0, "Bins", "Bins are emptied weekly by the council."),
		chunk("bins/c.html", 0, "Council bins", "Bins are emptied weekly by the council."),
	)
	tests := []struct {
		name     string
		opts     bleve.Options
		query    string
		wantHits int
		first    string
	}{
		{"common term only adds to rarer matches", bleve.Options{}, "council bins", 3, "bins/c.html~0"},
		{"split disabled", bleve.Options{CommonTerms: -1}, "council bins", 10, "bins/c.html~0"},
		{"all terms common", bleve.Options{}, "council notice", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			idx := MustOpenMem(t, tt.opts)
			MustPut(t, idx, chunks...)
			hits := mustSearch(t, idx, retrieval.Query{Text: tt.query})
			if len(hits) != tt.wantHits {
				t.Errorf("got %d hits %v, want %d", len(hits), hitIDs(hits), tt.wantHits)
			}
			if tt.first != "" && (len(hits) == 0 || hits[0].Chunk.ID != tt.first) {
				t.Errorf("got %v, want %s first", hitIDs(hits), tt.first)
			}
		})
	}
}
