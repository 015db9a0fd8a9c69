package portal

import (
	"context"
	"net/http"
	"time"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/internal/localonly"
	"github.com/townhall-civic/townhall/retrieval"
)

// disclosureView is the permalink page's data.
type disclosureView struct {
	D          *foi.Disclosure
	Exemptions []exemptionView
	Related    []relatedView
	// RelatedChecked is true when the main index was searched, so an
	// empty list means nothing related was found.
	RelatedChecked bool
	// Redaction links officers to the redaction preview and audit.
	Redaction string
}

type exemptionView struct {
	Citation, Title, Type, Explanation string
}

type relatedView struct {
	Title, URL, Kind string
}

// exemptionTypeText explains each kind of exemption in plain English.
var exemptionTypeText = map[foi.ExemptionType]string{
	foi.Absolute:   "Absolute: if it applies, the information is withheld without weighing the public interest.",
	foi.Qualified:  "Qualified: the information is withheld only if the public interest in keeping it outweighs the public interest in releasing it.",
	foi.Procedural: "A reason to refuse the whole request, such as the cost of answering it.",
	foi.Exception:  "An Environmental Information Regulations exception: it applies only if the public interest favours withholding, and the law presumes in favour of release.",
}

// relatedKinds are what counts as a related published dataset: not other
// FOI responses (the log search finds those).
var relatedKinds = []corpus.Kind{corpus.KindSpending, corpus.KindContracts, corpus.KindBudget, corpus.KindPage}

// relatedTimeout keeps a slow main index from holding up the page.
const relatedTimeout = 800 * time.Millisecond

func (p *Portal) handleDisclosure(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	d, err := p.cfg.Service.Store.FindDisclosureByID(r.Context(), id)
	if err != nil {
		p.writeError(w, r, err)
		return
	}
	view := disclosureView{D: d}
	if p.cfg.Redaction != nil && p.cfg.Officers && localonly.Direct(r) {
		view.Redaction = redactionPath(d.ID)
	}
	for _, e := range d.Exemptions {
		view.Exemptions = append(view.Exemptions, exemptionView{Citation: e.Citation(), Title: e.Title,
			Type: string(e.Type), Explanation: exemptionTypeText[e.Type]})
	}
	view.Related, view.RelatedChecked = p.related(r.Context(), d.Title+"\n"+d.RequestText, 5)
	p.render(w, r, http.StatusOK, "disclosure", Page{Title: d.Title, Nav: "search", Data: view})
}

// related finds published datasets and pages about text in the main
// index. ok is false when there is no index or it failed.
func (p *Portal) related(ctx context.Context, text string, n int) (out []relatedView, ok bool) {
	if p.cfg.Related == nil {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(ctx, relatedTimeout)
	defer cancel()
	if len(text) > 400 {
		text = text[:400]
	}
	hits, err := p.cfg.Related.Search(ctx, retrieval.Query{Text: text, Limit: n, Kinds: relatedKinds})
	if err != nil {
		p.cfg.Logger.Warn("foi portal: related datasets", "err", err)
		return nil, false
	}
	seen := map[string]bool{}
	for _, h := range hits {
		if seen[h.Chunk.DocID] {
			continue
		}
		seen[h.Chunk.DocID] = true
		out = append(out, relatedView{Title: h.Chunk.Title, URL: safeURL(h.Chunk.URL), Kind: kindLabel(string(h.Chunk.Kind))})
	}
	return out, true
}
