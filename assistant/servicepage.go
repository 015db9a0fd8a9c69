package assistant

import (
	"context"
	"strings"
	"unicode"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// servicePage finds the council's own page about a service, which the
// first step of a request links to: residents can read the service
// standard there while the assistant collects the report. It searches
// the service's Topic ("report a missed bin collection") among pages,
// not the resident's words, which name a street and a bin rather than
// the service, and takes the first page whose title or web address holds
// every word of the service's title, so that a page about a missed
// council tax payment is never offered for a missed bin. Search errors
// only mean no link.
func (a *Assistant) servicePage(ctx context.Context, svc *Service) (retrieval.Hit, bool) {
	if svc == nil || svc.Topic == "" || a.Retriever == nil {
		return retrieval.Hit{}, false
	}
	hits, err := a.Retriever.Search(ctx, retrieval.Query{Text: svc.Topic, Limit: servicePageDepth, Kinds: []corpus.Kind{corpus.KindPage}})
	if err != nil {
		return retrieval.Hit{}, false
	}
	want := titleWords(svc.Title)
	var record retrieval.Hit
	for _, h := range SanitizeHits(hits) {
		if h.Chunk.URL == "" || !namesAll(titleWords(h.Chunk.Title+" "+h.Chunk.URL), want) {
			continue
		}
		// A page saved as its own file is what the council publishes; a
		// record inside a file (an export of the site, path#key) has an
		// address made up from its file's, so it is linked only when
		// there is no page.
		if !strings.Contains(h.Chunk.DocID, "#") {
			return h, true
		}
		if record.Chunk.DocID == "" {
			record = h
		}
	}
	return record, record.Chunk.DocID != ""
}

// servicePageDepth is how many pages servicePage reads: the page is
// either near the top for its own topic or not worth a link.
const servicePageDepth = 5

// titleWords are the lower-cased words of s of three letters or more.
func titleWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if len(w) >= 3 {
			out = append(out, w)
		}
	}
	return out
}

// namesAll reports whether every word of want begins a word of have, up
// to its first five letters ("lighting" names "light", "potholes"
// names "pothole").
func namesAll(have, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		p := w[:min(5, len(w))]
		found := false
		for _, h := range have {
			if strings.HasPrefix(h, p) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// withServicePage adds a cited line linking the service's own page to
// the first step of a request, before the step's question.
func (a *Assistant) withServicePage(ctx context.Context, conv *Conversation, svc *Service, sentences []string) *Answer {
	h, ok := a.servicePage(ctx, svc)
	if !ok {
		return a.say(conv, IntentServiceRequest, sentences...)
	}
	d := &Draft{Citations: []Citation{{N: 1, DocID: h.Chunk.DocID, Title: h.Chunk.Title, URL: h.Chunk.URL, Page: h.Chunk.Page}}}
	d.Sentences = append(d.Sentences, Sentence{Text: "Our page about this is " + strings.TrimRight(h.Chunk.Title, ". ") + ".", Cites: []int{1}})
	for _, s := range sentences {
		if s = strings.TrimSpace(s); s != "" {
			d.Sentences = append(d.Sentences, Sentence{Text: s})
		}
	}
	ans := a.draftAnswer(conv, IntentServiceRequest, d, len(d.Sentences))
	ans.Retrieved = []string{h.Chunk.DocID}
	return ans
}
