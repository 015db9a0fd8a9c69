package portal

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
)

// similarPack is the "similar previous responses" pack on a case page:
// the closest published disclosures to the request, with their outcome
// and exemptions, so an officer can reuse an answer. It is also served
// as JSON at /foi/cases/{id}/similar.json.
type similarPack struct {
	Case  string `json:"case"`
	Query string `json:"query"`
	// PartialMatch reports that no disclosure had every query word, so
	// the results share some of them.
	PartialMatch bool            `json:"partial_match"`
	Results      []similarResult `json:"results"`
}

type similarResult struct {
	ID         string          `json:"id"`
	Title      string          `json:"title"`
	Reference  string          `json:"reference,omitempty"`
	URL        string          `json:"url"` // the portal permalink
	Status     string          `json:"status"`
	Outcome    string          `json:"outcome"` // the status in words
	Received   string          `json:"received,omitempty"`
	Exemptions []similarExempt `json:"exemptions"`
	Snippet    string          `json:"snippet"`
	Marked     search.Snippet  `json:"-"`
}

type similarExempt struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// similarCount is how many previous responses the pack lists.
const similarCount = 5

// similarTimeout keeps a slow search from holding up the case page.
const similarTimeout = 2 * time.Second

// boilerplate are words every FOI request uses; they say nothing about
// what is asked, so the pack's query leaves them out.
var boilerplate = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`please provide send supply give copy copies details detail information
		request requests requested requesting foi freedom act council councils authority would could like
		know tell total number numbers many much following under dear yours faithfully sincerely regards
		thank thanks kind also year years each per can you your the and for with from that this what which
		how who when where any all our about into between including held were was are been has have had did does`) {
		boilerplate[w] = true
	}
}

// maxSimilarWords bounds the query: a long request would otherwise
// become a very wide search.
const maxSimilarWords = 24

// similarQuery reduces a request to the words that say what it is about:
// no boilerplate, no duplicates, no quotes or operators, at most
// maxSimilarWords.
func similarQuery(text string) string {
	seen := map[string]bool{}
	var words []string
	for _, w := range strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		k := strings.ToLower(w)
		if len(k) < 3 || boilerplate[k] || seen[k] {
			continue
		}
		seen[k] = true
		words = append(words, k)
		if len(words) == maxSimilarWords {
			break
		}
	}
	return strings.Join(words, " ")
}

// similar finds the pack for a request's text.
func (p *Portal) similar(ctx context.Context, caseRef, text string) (*similarPack, error) {
	pack := &similarPack{Case: caseRef, Query: similarQuery(text), Results: []similarResult{}}
	if pack.Query == "" {
		return pack, nil
	}
	ctx, cancel := context.WithTimeout(ctx, similarTimeout)
	defer cancel()
	res, err := p.cfg.Search.Search(ctx, search.Query{Text: pack.Query, Limit: similarCount,
		Filters: map[search.Facet][]string{search.FacetKind: {"foi"}}})
	if err != nil {
		return nil, err
	}
	pack.PartialMatch = res.AnyTerms
	for _, h := range res.Hits {
		r := similarResult{ID: h.ID, Title: h.Title, Reference: h.Reference, URL: disclosurePath(h.ID),
			Status: h.Status, Outcome: statusLabel(foi.Status(h.Status)), Snippet: h.Snippet.String(), Marked: h.Snippet,
			Exemptions: []similarExempt{}}
		if !h.Date.IsZero() {
			r.Received = h.Date.Format("2006-01-02")
		}
		for _, k := range h.Exemptions {
			r.Exemptions = append(r.Exemptions, similarExempt{Key: k, Label: exemptionLabel(k)})
		}
		pack.Results = append(pack.Results, r)
	}
	return pack, nil
}

func (p *Portal) handleCaseSimilarJSON(w http.ResponseWriter, r *http.Request) {
	req, ok := p.caseOf(w, r)
	if !ok {
		return
	}
	pack, err := p.similar(r.Context(), req.Reference, req.Description)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, pack)
}
