package search

import (
	"context"
	"fmt"
	"strings"
	"time"

	bleve "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/townhall-civic/townhall/foi"
)

// Facet names a field results can be counted and filtered by.
type Facet string

// The facets, in the order the portal shows them.
const (
	FacetKind       Facet = "kind"
	FacetYear       Facet = "year"
	FacetStatus     Facet = "status"
	FacetLaw        Facet = "law"
	FacetExemption  Facet = "exemption"
	FacetDepartment Facet = "department"
	FacetTopic      Facet = "topic"
)

// Facets lists every Facet in display order.
var Facets = []Facet{FacetKind, FacetYear, FacetStatus, FacetLaw, FacetExemption, FacetDepartment, FacetTopic}

// Valid reports whether f is one of Facets.
func (f Facet) Valid() bool {
	for _, x := range Facets {
		if f == x {
			return true
		}
	}
	return false
}

// Sort is a result order.
type Sort string

// Result orders.
const (
	SortRelevance Sort = "relevance"
	SortNewest    Sort = "newest"
	SortOldest    Sort = "oldest"
)

// ParseSort reads a sort order; "" gives SortRelevance. An unknown order
// gives foi.ErrInvalid.
func ParseSort(s string) (Sort, error) {
	switch Sort(s) {
	case "", SortRelevance:
		return SortRelevance, nil
	case SortNewest, SortOldest:
		return Sort(s), nil
	}
	return "", fmt.Errorf("sort %q: %w", s, foi.ErrInvalid)
}

// MaxLimit caps Query.Limit, and MaxOffset how deep a result list can be
// paged: deep pages cost the index as much as all the pages before them.
const (
	MaxLimit  = 100
	MaxOffset = 10000
)

// Query is a portal search.
type Query struct {
	// Text is what the user typed. Words are matched stemmed; every word
	// must occur (in the title or the text) unless no entry has them all,
	// when entries with any of them are returned and Result.AnyTerms is
	// set. "Quoted phrases" must occur as written. A query equal to an
	// entry's reference finds it. Empty Text lists everything.
	Text string
	// Filters keeps entries whose facet value is one of the given values;
	// all facets must match.
	Filters map[Facet][]string
	// From and To bound the entry's date: From inclusive, To exclusive.
	// Entries without a date are left out when either is set.
	From, To time.Time
	// Sort is the order; "" means relevance, or newest first when Text is
	// empty.
	Sort   Sort
	Offset int
	Limit  int // 0 means 20; at most MaxLimit
	// Facets asks for the facet counts of the matching entries.
	Facets bool
	// NoSnippets skips snippets (exports and feeds do not show them).
	NoSnippets bool
}

// Result is a page of hits.
type Result struct {
	Hits  []Hit
	Total int // matching entries before paging
	// AnyTerms reports that no entry matched every word, so the hits match
	// some of them.
	AnyTerms bool
	Facets   []FacetResult // in Facets order, when asked for
	Took     time.Duration
}

// FacetResult counts the values of one facet among the matching entries,
// most frequent first (years newest first).
type FacetResult struct {
	Facet  Facet
	Values []FacetValue
	Other  int // entries whose value is past the listed ones
}

// FacetValue is one value and how many matching entries have it.
type FacetValue struct {
	Value string
	Count int
}

// Hit is one matching entry.
type Hit struct {
	Entry         // Body is left empty
	Score float64 // relevance; comparable within one result only
	// Snippet is text around the best run of query words, split into
	// parts so that renderers escape every part and mark the matches.
	Snippet Snippet
}

// Snippet is a passage of text with its query matches marked.
type Snippet []Fragment

// Fragment is a run of snippet text; Mark is true for a query match.
type Fragment struct {
	Text string
	Mark bool
}

// String returns the snippet as plain text.
func (s Snippet) String() string {
	var b strings.Builder
	for _, f := range s {
		b.WriteString(f.Text)
	}
	return b.String()
}

// facetSizes is how many values each facet lists.
var facetSizes = map[Facet]int{FacetKind: 10, FacetYear: 40, FacetStatus: 20, FacetLaw: 10,
	FacetExemption: 25, FacetDepartment: 25, FacetTopic: 25}

// Search runs q. A query with an unknown facet or sort gives
// foi.ErrInvalid.
//
// Bleve finds which entries match the text, scoring them in the same
// pass when the order is by relevance; the catalog filters them, counts
// facets and picks the page by score or date; bleve then supplies the
// page's stored fields. Filters do not change scores: a hit ranks the
// same with or without them.
func (ix *Index) Search(ctx context.Context, q Query) (*Result, error) {
	start := time.Now()
	if q.Limit <= 0 {
		q.Limit = 20
	}
	if q.Limit > MaxLimit || q.Offset < 0 || q.Offset > MaxOffset {
		return nil, fmt.Errorf("search: limit %d offset %d out of range: %w", q.Limit, q.Offset, foi.ErrInvalid)
	}
	if _, err := ParseSort(string(q.Sort)); err != nil {
		return nil, err
	}
	for f := range q.Filters {
		if !f.Valid() {
			return nil, fmt.Errorf("search: facet %q: %w", f, foi.ErrInvalid)
		}
	}
	pq := ix.parse(q.Text)
	ix.mu.RLock()
	defer ix.mu.RUnlock()

	buf, _ := ix.bufs.Get().(*matchBuf)
	if buf == nil {
		buf = new(matchBuf)
	}
	defer ix.bufs.Put(buf)

	out := &Result{}
	srt := q.Sort
	if srt == "" {
		srt = SortRelevance
		if pq.raw == "" {
			srt = SortNewest
		}
	}
	// Relevance order needs each match's score; dates come from the
	// catalog.
	scored := srt == SortRelevance && pq.raw != ""
	var textQ query.Query
	var sel selection
	var scores []float64
	if pq.raw != "" {
		ref, err := ix.isReference(ctx, pq.raw)
		if err != nil {
			return nil, err
		}
		textQ = pq.query(false, ref)
		if sel, scores, err = ix.matchRows(ctx, textQ, scored, buf); err != nil {
			return nil, err
		}
		if len(sel) == 0 && len(pq.terms)+len(pq.phrases) > 1 {
			textQ = pq.query(true, ref)
			if sel, scores, err = ix.matchRows(ctx, textQ, scored, buf); err != nil {
				return nil, err
			}
			out.AnyTerms = len(sel) > 0
		}
	}
	var pageIDs []string
	var pageScores []float64
	func() {
		ix.cat.mu.RLock()
		defer ix.cat.mu.RUnlock()
		if textQ == nil {
			sel = ix.cat.all()
		}
		if f, ok := ix.cat.compile(q.Filters); ok {
			f.setDates(q.From, q.To)
			sel, scores = ix.cat.narrow(sel, scores, &f)
		} else {
			sel, scores = nil, nil
		}
		out.Total = len(sel)
		if q.Facets {
			out.Facets = ix.cat.facets(sel)
		}
		if scored {
			pageIDs, pageScores = ix.cat.byScore(sel, scores, q.Offset, q.Limit)
		} else {
			pageIDs = ix.cat.byDate(sel, srt == SortOldest, q.Offset, q.Limit)
		}
	}()

	var matches []*search.DocumentMatch
	if out.Total > 0 && q.Offset < out.Total {
		var err error
		if matches, err = ix.fetch(ctx, pageIDs, !q.NoSnippets); err != nil {
			return nil, err
		}
	}
	if pageScores != nil {
		score := make(map[string]float64, len(pageIDs))
		for i, id := range pageIDs {
			score[id] = pageScores[i]
		}
		for _, h := range matches {
			h.Score = score[h.ID]
		}
	}
	memo := map[string][]string{}
	for _, h := range matches {
		hit := Hit{Entry: entryFromFields(h), Score: h.Score}
		if !q.NoSnippets {
			body, _ := h.Fields[fieldBody].(string)
			hit.Snippet = ix.snippet(body, pq.highlight, memo)
			if len(hit.Snippet) == 0 {
				summary, _ := h.Fields[fieldSummary].(string)
				hit.Snippet = Snippet{{Text: lead(summary, ix.opts.SnippetChars)}}
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	out.Took = time.Since(start)
	return out, nil
}

// parsedQuery is the query text analysed as the index analyses text.
type parsedQuery struct {
	raw       string
	terms     []string   // analysed terms outside phrases, deduplicated
	phrases   [][]string // analysed terms of each quoted phrase
	highlight map[string]bool
}

func (ix *Index) parse(text string) parsedQuery {
	pq := parsedQuery{raw: strings.TrimSpace(text), highlight: map[string]bool{}}
	seen := map[string]bool{}
	parts := strings.Split(text, `"`)
	for i, part := range parts {
		var terms []string
		for _, tok := range ix.analyzer.Analyze([]byte(part)) {
			terms = append(terms, string(tok.Term))
		}
		for _, t := range terms {
			pq.highlight[t] = true
		}
		if i%2 == 1 && i < len(parts)-1 && len(terms) > 1 { // a closed quote of two or more words
			pq.phrases = append(pq.phrases, terms)
			continue
		}
		for _, t := range terms {
			if !seen[t] {
				seen[t] = true
				pq.terms = append(pq.terms, t)
			}
		}
	}
	return pq
}

// query returns the bleve query for the text: every term (or, with
// anyTerms, any term) in the title or body and every phrase, or, when
// ref is set, the whole text as a reference. Leaving out a reference no
// entry has saves a level of disjunction over every match of a broad
// search and scales all scores alike, so the order is the same.
func (pq parsedQuery) query(anyTerms, ref bool) query.Query {
	var clauses []query.Query
	for _, t := range pq.terms {
		clauses = append(clauses, termInTitleOrBody(t))
	}
	for _, p := range pq.phrases {
		title := query.NewPhraseQuery(p, fieldTitle)
		title.SetBoost(3)
		clauses = append(clauses, query.NewDisjunctionQuery([]query.Query{title, query.NewPhraseQuery(p, fieldBody)}))
	}
	var alts []query.Query
	if ref {
		rq := query.NewTermQuery(strings.ToLower(pq.raw))
		rq.SetField(fieldReference)
		rq.SetBoost(20)
		alts = append(alts, rq)
	}
	switch {
	case len(clauses) == 1:
		alts = append(alts, clauses[0])
	case len(clauses) > 1 && anyTerms:
		alts = append(alts, query.NewDisjunctionQuery(clauses))
	case len(clauses) > 1:
		alts = append(alts, query.NewConjunctionQuery(clauses))
	}
	switch len(alts) {
	case 0:
		return query.NewMatchNoneQuery()
	case 1:
		return alts[0]
	}
	return query.NewDisjunctionQuery(alts)
}

// isReference reports whether some entry's reference is text (compared
// as the reference field is analysed: whole and lower-cased).
func (ix *Index) isReference(ctx context.Context, text string) (bool, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	reader, err := adv.Reader()
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	defer reader.Close()
	tfr, err := reader.TermFieldReader(ctx, []byte(strings.ToLower(text)), fieldReference, false, false, false)
	if err != nil {
		return false, fmt.Errorf("search: %w", err)
	}
	defer tfr.Close()
	return tfr.Count() > 0, nil
}

// hitFields are the stored fields a hit needs.
func hitFields(withBody bool) []string {
	fs := []string{fieldTitle, fieldReference, fieldKind, fieldStatus, fieldLaw, fieldExemption,
		fieldDepartment, fieldTopic, fieldDate, fieldURL, fieldSummary}
	if withBody {
		fs = append(fs, fieldBody)
	}
	return fs
}

// fetch returns the stored fields of the entries ids, in that order.
func (ix *Index) fetch(ctx context.Context, ids []string, withBody bool) ([]*search.DocumentMatch, error) {
	req := bleve.NewSearchRequestOptions(query.NewDocIDQuery(ids), len(ids), 0, false)
	req.Fields = hitFields(withBody)
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	byID := make(map[string]*search.DocumentMatch, len(res.Hits))
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	out := make([]*search.DocumentMatch, 0, len(ids))
	for _, id := range ids {
		if h, ok := byID[id]; ok {
			out = append(out, h)
		}
	}
	return out, nil
}

func termInTitleOrBody(t string) query.Query {
	title := query.NewTermQuery(t)
	title.SetField(fieldTitle)
	title.SetBoost(3)
	body := query.NewTermQuery(t)
	body.SetField(fieldBody)
	return query.NewDisjunctionQuery([]query.Query{title, body})
}

func entryFromFields(h *search.DocumentMatch) Entry {
	str := func(f string) string { s, _ := h.Fields[f].(string); return s }
	e := Entry{
		ID: h.ID, Kind: str(fieldKind), Title: str(fieldTitle), Reference: str(fieldReference),
		Status: str(fieldStatus), Law: str(fieldLaw), Department: str(fieldDepartment),
		Topic: str(fieldTopic), URL: str(fieldURL), Summary: str(fieldSummary),
	}
	switch v := h.Fields[fieldExemption].(type) {
	case string:
		e.Exemptions = []string{v}
	case []any:
		for _, x := range v {
			if s, ok := x.(string); ok {
				e.Exemptions = append(e.Exemptions, s)
			}
		}
	}
	if s := str(fieldDate); s != "" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			e.Date = t
		}
	}
	return e
}
