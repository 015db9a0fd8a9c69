package bleve

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	blevesearch "github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// chatFiller lists words that carry no topic in a resident's message but are
// not in the English stop list. The tuned arm drops them (after stemming, so
// "thanks" and "thank" go together); the plain arm keeps them, as a site
// search box would. Words that are also topics once stemmed stay out of the
// list: "can" (drinks cans), "may" (the month), "need" (special educational
// needs); being common, they only weigh through titles and headings anyway.
var chatFiller = []string{
	"please", "pls", "plz", "u", "ur", "thanks", "thank", "thx", "ty",
	"hi", "hello", "hey", "hiya", "dear", "cheers", "ok", "okay",
	"will", "just", "also", "wondering", "tell", "know", "want", "wanted",
	"like", "im", "ive",
}

const (
	// maxQueryTerms bounds the distinct terms of a tuned query, so a pasted
	// letter costs no more than a long question.
	maxQueryTerms = 32
	// maxPhrases bounds the adjacent-term clauses.
	maxPhrases = 12
	// maxCandidates bounds how far a search pages to fill Limit distinct
	// documents.
	maxCandidates = 2000
)

// Search runs the tuned query (see the package documentation) and returns
// at most q.Limit hits, at most q.PerDocument from any one document, best
// first. Documents are told apart by chunk ID (corpus.DocIDOfChunk), so
// chunk IDs must be made with corpus.ChunkID. Empty text, a negative limit,
// an unknown kind or an empty date range is an error wrapping
// retrieval.ErrInvalid; a question of nothing but stop words and filler
// finds nothing. Chunks without a date never pass a date bound.
func (i *Index) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	return i.search(ctx, q, i.tunedQuery)
}

// SearchPlain runs the baseline: one bleve match query for q.Text against
// the composite _all field with default settings (any term may match, no
// boosts, no phrases, no filler removal). Filters, the per-document cap and
// snippets work as in Search.
func (i *Index) SearchPlain(ctx context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
	return i.search(ctx, q, i.plainQuery)
}

// Plain returns the baseline arm as a Searcher.
func (i *Index) Plain() retrieval.Searcher { return retrieval.SearcherFunc(i.SearchPlain) }

// plan is how one question is searched.
type plan struct {
	match query.Query     // finds and scores the candidates
	terms map[string]bool // analysed query terms, for snippets
}

// planner turns question text into a plan, reading term statistics from r
// if it needs them. A plan with a nil match means nothing can match.
type planner func(r index.IndexReader, text string) (plan, error)

func (i *Index) search(ctx context.Context, q retrieval.Query, build planner) ([]retrieval.Hit, error) {
	if err := validate(q); err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit == 0 {
		limit = 10
	}
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return nil, retrieval.ErrClosed
	}
	r, err := i.reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	p, err := build(r, q.Text)
	if err != nil || p.match == nil {
		return nil, err
	}
	match := p.match
	if f := filter(q); f != nil {
		bq := blevesearch.NewBooleanQuery()
		bq.AddMust(match)
		bq.AddFilter(f)
		match = bq
	}

	// Fetch several chunks per wanted hit, because one document often has
	// many matching chunks, and fetch more if the cap still leaves too few.
	var hits []retrieval.Hit
	for size := limit * i.opts.Candidates; ; size *= 4 {
		res, err := i.idx.SearchInContext(ctx, blevesearch.NewSearchRequestOptions(match, size, 0, false))
		if err != nil {
			return nil, fmt.Errorf("bleve: search: %w", err)
		}
		hits = hits[:0]
		for _, h := range res.Hits {
			// Chunk IDs are DocID~n (corpus.ChunkID), so the document is
			// known without loading the stored fields.
			hits = append(hits, retrieval.Hit{
				Chunk: corpus.Chunk{ID: h.ID, DocID: corpus.DocIDOfChunk(h.ID)},
				Score: h.Score,
			})
		}
		hits = retrieval.Dedupe(hits, limit, q.PerDocument)
		if len(hits) >= limit || uint64(len(res.Hits)) >= res.Total || size >= maxCandidates {
			break
		}
	}

	if q.Bare {
		return hits, nil
	}
	out := hits[:0]
	memo := map[string][]wordTerm{}
	for _, h := range hits {
		c, ok, err := loadChunk(r, h.Chunk.ID)
		if err != nil {
			return nil, err
		}
		if !ok { // deleted since the search
			continue
		}
		h.Chunk = c
		h.Snippet = i.snippet(c.Text, p.terms, memo)
		out = append(out, h)
	}
	return out, nil
}

func validate(q retrieval.Query) error {
	switch {
	case strings.TrimSpace(q.Text) == "":
		return fmt.Errorf("bleve: empty query text: %w", retrieval.ErrInvalid)
	case q.Limit < 0:
		return fmt.Errorf("bleve: negative limit %d: %w", q.Limit, retrieval.ErrInvalid)
	case q.PerDocument < 0:
		return fmt.Errorf("bleve: negative per-document cap %d: %w", q.PerDocument, retrieval.ErrInvalid)
	case !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To):
		return fmt.Errorf("bleve: empty date range %v to %v: %w", q.From, q.To, retrieval.ErrInvalid)
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return fmt.Errorf("bleve: unknown kind %q: %w", k, retrieval.ErrInvalid)
		}
	}
	return nil
}

// filter is the non-scoring restriction for q's kinds and dates, or nil.
// Chunks without a date never pass a date bound.
func filter(q retrieval.Query) query.Query {
	var fs []query.Query
	if len(q.Kinds) > 0 {
		ks := make([]query.Query, len(q.Kinds))
		for n, k := range q.Kinds {
			tq := blevesearch.NewTermQuery(string(k))
			tq.SetField(fieldKind)
			ks[n] = tq
		}
		fs = append(fs, blevesearch.NewDisjunctionQuery(ks...))
	}
	if !q.From.IsZero() || !q.To.IsZero() {
		incl, excl := true, false
		dq := blevesearch.NewDateRangeInclusiveQuery(q.From, q.To, &incl, &excl)
		dq.SetField(fieldDate)
		fs = append(fs, dq)
	}
	switch len(fs) {
	case 0:
		return nil
	case 1:
		return fs[0]
	}
	return blevesearch.NewConjunctionQuery(fs...)
}

// plainQuery is the baseline: bleve's match query on the default field.
func (i *Index) plainQuery(_ index.IndexReader, text string) (plan, error) {
	terms := map[string]bool{}
	for _, tok := range i.analyzer.Analyze([]byte(text)) {
		terms[string(tok.Term)] = true
	}
	if len(terms) == 0 {
		return plan{}, nil
	}
	return plan{match: blevesearch.NewMatchQuery(text), terms: terms}, nil
}

// minCommonDocs is the document frequency below which a term is never
// treated as common: scanning that many postings is cheap anyway.
const minCommonDocs = 1000

// tunedQuery analyses the question once and scores chunks with
//
//	must:   any term in title (×TitleBoost), headings (×HeadingsBoost) or
//	        text (×TextBoost)
//	should: each pair of neighbouring terms found next to each other in the
//	        text (×PhraseBoost)
//
// Stop words and chat filler are dropped. No single term is required:
// bleve's disjunction scores the sum of the matching clauses times the
// fraction that match, so chunks covering more of the question rank higher.
//
// Common terms (see Options.CommonTerms) have long posting lists, and
// scorch walks a posting list linearly even to skip, so they would dominate
// query time. As in Lucene's CommonTermsQuery they do not find candidates:
// only the rarer terms do, and common terms add to the score from the short
// title and headings fields (the text keeps the bigram bonus). If every
// term is common, the rarer half find candidates.
func (i *Index) tunedQuery(r index.IndexReader, text string) (plan, error) {
	var toks analysis.TokenStream
	for _, tok := range i.analyzer.Analyze([]byte(text)) {
		if !i.filler[string(tok.Term)] {
			toks = append(toks, tok)
		}
	}
	terms := map[string]bool{}
	var distinct []string
	for _, tok := range toks {
		t := string(tok.Term)
		if !terms[t] && len(distinct) < maxQueryTerms {
			terms[t] = true
			distinct = append(distinct, t)
		}
	}
	if len(distinct) == 0 {
		return plan{}, nil
	}

	o := i.opts
	var bigrams []query.Query
	if o.PhraseBoost > 0 {
		// Neighbouring terms of the question, as indexed by bigramAnalyzer.
		// Pairs across a removed stop word are skipped: the index has "_"
		// there.
		seen := map[string]bool{}
		for n := 1; n < len(toks) && len(seen) < maxPhrases; n++ {
			a, b := toks[n-1], toks[n]
			bigram := string(a.Term) + " " + string(b.Term)
			if b.Position-a.Position != 1 || seen[bigram] {
				continue
			}
			seen[bigram] = true
			tq := blevesearch.NewTermQuery(bigram)
			tq.SetField(fieldBigrams)
			tq.SetBoost(o.PhraseBoost)
			bigrams = append(bigrams, tq)
		}
	}
	type field struct {
		name  string
		boost float64
	}
	termQueries := func(ts []string, fields ...field) []query.Query {
		var qs []query.Query
		for _, f := range fields {
			if f.boost <= 0 {
				continue
			}
			for _, t := range ts {
				tq := blevesearch.NewTermQuery(t)
				tq.SetField(f.name)
				tq.SetBoost(f.boost)
				qs = append(qs, tq)
			}
		}
		return qs
	}
	title, headings, body := field{fieldTitle, o.TitleBoost}, field{fieldHeadings, o.HeadingsBoost}, field{fieldText, o.TextBoost}

	rare, common, err := i.splitCommon(r, distinct)
	if err != nil {
		return plan{}, err
	}
	bq := blevesearch.NewBooleanQuery()
	bq.AddMust(blevesearch.NewDisjunctionQuery(termQueries(rare, title, headings, body)...))
	if should := append(termQueries(common, title, headings), bigrams...); len(should) > 0 {
		bq.AddShould(should...)
	}
	return plan{match: bq, terms: terms}, nil
}

// splitCommon separates the common terms from the rarer ones. If every
// term is common, the rarer half of them count as rare, so that the
// question's most specific words still choose the candidates.
func (i *Index) splitCommon(r index.IndexReader, terms []string) (rare, common []string, err error) {
	if i.opts.CommonTerms <= 0 || len(terms) < 2 {
		return terms, nil, nil
	}
	n, err := r.DocCount()
	if err != nil {
		return nil, nil, fmt.Errorf("bleve: doc count: %w", err)
	}
	cutoff := max(uint64(i.opts.CommonTerms*float64(n)), minCommonDocs)
	dfs := make(map[string]uint64, len(terms))
	for _, t := range terms {
		df, err := docFreq(r, t, fieldTitle, fieldHeadings, fieldText)
		if err != nil {
			return nil, nil, err
		}
		dfs[t] = df
		if df <= cutoff {
			rare = append(rare, t)
		} else {
			common = append(common, t)
		}
	}
	if len(rare) == 0 {
		// Stable, so that equal frequencies keep question order.
		slices.SortStableFunc(common, func(a, b string) int { return cmp.Compare(dfs[a], dfs[b]) })
		half := (len(common) + 1) / 2
		rare, common = common[:half], common[half:]
	}
	return rare, common, nil
}

// docFreq is the number of postings of term summed over fields: what a
// search for it would have to scan.
func docFreq(r index.IndexReader, term string, fields ...string) (uint64, error) {
	var df uint64
	for _, f := range fields {
		tfr, err := r.TermFieldReader(context.Background(), []byte(term), f, false, false, false)
		if err != nil {
			return 0, fmt.Errorf("bleve: term %q in %s: %w", term, f, err)
		}
		df += tfr.Count()
		if err := tfr.Close(); err != nil {
			return 0, fmt.Errorf("bleve: term %q in %s: %w", term, f, err)
		}
	}
	return df, nil
}

// Pass reports which of the chunks ids pass q's kind and date filters,
// reading the index's terms rather than the chunks' stored fields, so
// the vector arm of a filtered search (see retrieval.Filter) can drop
// the chunks it will not return without loading them. Chunks that no
// longer exist do not pass; a query without filters passes every ID.
func (i *Index) Pass(ctx context.Context, q retrieval.Query, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	f := filter(q)
	if f == nil {
		for _, id := range ids {
			out[id] = true
		}
		return out, nil
	}
	if len(ids) == 0 {
		return out, nil
	}
	i.mu.RLock()
	defer i.mu.RUnlock()
	if i.closed {
		return nil, retrieval.ErrClosed
	}
	req := blevesearch.NewSearchRequestOptions(blevesearch.NewConjunctionQuery(blevesearch.NewDocIDQuery(ids), f), len(ids), 0, false)
	req.Score = "none"
	res, err := i.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve: filter: %w", err)
	}
	for _, h := range res.Hits {
		out[h.ID] = true
	}
	return out, nil
}
