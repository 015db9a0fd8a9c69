package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/retrieval"
)

// foiIntake is the FOI desk as the assistant sees it: foi.Service logs
// the requests, the disclosure search finds earlier responses and the
// main index finds published datasets. It implements
// assistant.FOIIntake.
type foiIntake struct {
	svc         *foi.Service
	disclosures disclosureSearcher
	// datasets searches the main index for spending, contracts and
	// budgets; nil means disclosures only.
	datasets retrieval.Searcher
	// portalURL is the portal's public origin (TOWNHALL_PUBLIC_URL) for
	// links to disclosure pages; "" links to the source's own page.
	portalURL string
}

var _ assistant.FOIIntake = (*foiIntake)(nil)

// disclosureSearcher is the part of the FOI search index the intake uses.
type disclosureSearcher interface {
	Search(ctx context.Context, q search.Query) (*search.Result, error)
}

// How many published items the intake offers, and how long it may take:
// the resident is waiting for the first reply of the flow.
const (
	similarDisclosures = 3
	similarDatasets    = 2
	similarTimeout     = 2 * time.Second
)

// datasetKinds are the published datasets worth showing before a request.
var datasetKinds = []corpus.Kind{corpus.KindSpending, corpus.KindContracts, corpus.KindBudget}

// newFOIService is the FOI desk for a council in the environment's
// nation, receiving on the Europe/London calendar.
func newFOIService(store foi.Store, env config, now func() time.Time) (*foi.Service, error) {
	nation, err := foi.ParseNation(env.FOI.Nation)
	if err != nil {
		return nil, usageError("TOWNHALL_FOI_NATION=%q: want england-and-wales, scotland or northern-ireland", env.FOI.Nation)
	}
	svc := foi.NewService(store, nation, now)
	if loc, err := time.LoadLocation("Europe/London"); err == nil {
		svc.Location = loc
	}
	return svc, nil
}

// Similar implements assistant.FOIIntake: the closest earlier disclosures
// that match every word of the subject (or, failing that, whose title
// shares at least half of it), then the published datasets that cover at
// least half of it.
func (in *foiIntake) Similar(ctx context.Context, text string) ([]assistant.PublishedItem, error) {
	text = strings.TrimSpace(strings.ReplaceAll(text, `"`, " ")) // a stray quote must not make a phrase search
	if text == "" {
		return nil, nil
	}
	if r := []rune(text); len(r) > 300 {
		text = string(r[:300])
	}
	ctx, cancel := context.WithTimeout(ctx, similarTimeout)
	defer cancel()
	res, err := in.disclosures.Search(ctx, search.Query{Text: text, Limit: similarDisclosures, NoSnippets: true})
	if err != nil {
		return nil, fmt.Errorf("similar disclosures: %w", err)
	}
	var out []assistant.PublishedItem
	for _, h := range res.Hits {
		if res.AnyTerms && titleOverlap(text, h.Title) < 0.5 {
			continue
		}
		out = append(out, assistant.PublishedItem{
			Kind: assistant.PublishedDisclosure, ID: h.ID, Title: h.Title, URL: in.disclosureURL(h.Entry),
			Reference: h.Reference, Date: h.Date,
		})
	}
	if in.datasets == nil {
		return out, nil
	}
	hits, err := in.datasets.Search(ctx, retrieval.Query{Text: text, Limit: 2 * similarDatasets, Kinds: datasetKinds})
	if err != nil {
		return out, nil // disclosures are the main thing; datasets are a bonus
	}
	// A dataset is indexed row by row; the resident is shown the file
	// once, titled by its best matching row.
	seen := map[string]bool{}
	n := 0
	for _, h := range hits {
		if n == similarDatasets || seen[h.Chunk.URL] || h.Chunk.URL == "" {
			continue
		}
		if assistant.Coverage(text, []retrieval.Hit{h}, 1) < 0.5 {
			continue
		}
		seen[h.Chunk.URL] = true
		out = append(out, assistant.PublishedItem{Kind: assistant.PublishedDataset, ID: h.Chunk.DocID, Title: h.Chunk.Title, URL: h.Chunk.URL})
		n++
	}
	return out, nil
}

// titleOverlap is the share of text's words (of three letters or more)
// found in title.
func titleOverlap(text, title string) float64 {
	have := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(title), notWordRune) {
		have[stem5(w)] = true
	}
	n, found := 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), notWordRune) {
		if len(w) < 3 {
			continue
		}
		n++
		if have[stem5(w)] {
			found++
		}
	}
	if n == 0 {
		return 0
	}
	return float64(found) / float64(n)
}

func notWordRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
}

// stem5 compares words on their first five letters, which forgives
// plurals and most endings ("librarians", "library").
func stem5(w string) string {
	if r := []rune(w); len(r) > 5 {
		return string(r[:5])
	}
	return w
}

// disclosureURL links to the portal's page for a disclosure when the
// portal's public address is known, else to the source's page, else to
// the portal page on this server.
func (in *foiIntake) disclosureURL(e search.Entry) string {
	segs := strings.Split(e.ID, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	path := "/foi/disclosures/" + strings.Join(segs, "/")
	switch {
	case in.portalURL != "":
		return strings.TrimSuffix(in.portalURL, "/") + path
	case e.URL != "":
		return e.URL
	}
	return path
}

// Submit implements assistant.FOIIntake through foi.Service.Submit, which
// validates the request, assigns the reference and computes the due day.
// The law is chosen from the description as the portal's request form
// chooses it (foi.DetectLaw), so a request for environmental information
// is logged under the EIR (the EISR in Scotland) with an EIR reference.
// Form problems become an *assistant.FOIFieldError for the first field
// at fault.
func (in *foiIntake) Submit(ctx context.Context, r assistant.FOIRequest) (assistant.FOIReceipt, error) {
	law, _ := foi.DetectLaw(r.Description, in.svc.Nation)
	ack, err := in.svc.Submit(ctx, foi.Intake{
		Name: r.Name, Email: r.Email, Address: r.Address, Description: r.Description,
		Law: law, Actor: "requester",
	})
	var ves foi.ValidationErrors
	if errors.As(err, &ves) && len(ves) > 0 {
		return assistant.FOIReceipt{}, &assistant.FOIFieldError{Field: foiField(ves[0].Field), Message: ves[0].Message}
	}
	if err != nil {
		return assistant.FOIReceipt{}, err
	}
	return assistant.FOIReceipt{Reference: ack.Reference, Law: ack.Law.Title(), Received: ack.Received, Due: ack.Due}, nil
}

// foiField maps a foi.Request field to the assistant's name for it.
func foiField(f string) string {
	switch f {
	case "Name":
		return assistant.FOIFieldName
	case "Email":
		return assistant.FOIFieldEmail
	case "Address":
		return assistant.FOIFieldAddress
	}
	return assistant.FOIFieldDescription
}

// foiIntake is the assistant's FOI intake over the server's FOI stores,
// with datasets from the main index, or nil (no intake: the assistant
// gives guidance and the portal's link) when the FOI database is not
// open. mountFOI has already checked the environment's nation.
func (s *Server) foiIntake(env config, datasets retrieval.Searcher) assistant.FOIIntake {
	if s.foi == nil || s.foi.store == nil || s.foi.index == nil {
		return nil
	}
	svc, err := newFOIService(s.foi.store, env, time.Now)
	if err != nil {
		return nil
	}
	return &foiIntake{svc: svc, disclosures: s.foi.index, datasets: datasets, portalURL: env.FOI.PublicURL}
}
