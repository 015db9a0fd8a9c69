package assistant

import (
	"context"
	"fmt"
	"strings"

	"github.com/townhall-civic/townhall/retrieval"
)

// foiStop are words that make a message an FOI request but say nothing of
// what it is about, dropped before searching previous disclosures.
var foiStop = wordSet(`foi foia freedom information request requests requesting act 2000 environmental regulations eir make submit file put new want like would please under send log council councils borough city county district data figures number numbers details ask asking know find`)

// foiGuidance is the FOI reply when no FOIIntake is configured: it shows
// previous FOI responses like the request (found by retrieval) before
// telling the resident how to make a new one, since the answer may
// already be public.
func (a *Assistant) foiGuidance(ctx context.Context, conv *Conversation, text string) (*Answer, error) {
	topic := foiTopic(text)
	d := &Draft{}
	var retrieved []string
	if len(topic) > 0 {
		hits, err := a.Retriever.Search(ctx, retrieval.Query{Text: strings.Join(topic, " "), Limit: 3, Kinds: citedKinds})
		if err != nil {
			return nil, fmt.Errorf("retrieve disclosures: %w", err)
		}
		hits = SanitizeHits(hits)
		retrieved = docIDs(hits)
		for _, h := range hits {
			// An earlier request is similar when its title, which says
			// what was asked, shares the subject of this one.
			if titleShare(topic, h.Chunk.Title) < 0.5 || Coverage(strings.Join(topic, " "), []retrieval.Hit{h}, 1) < 0.4 {
				continue
			}
			n := len(d.Citations) + 1
			if n == 1 {
				d.Sentences = append(d.Sentences, Sentence{Text: "The answer may already be public. These earlier requests look similar:"})
			}
			d.Citations = append(d.Citations, Citation{N: n, DocID: h.Chunk.DocID, Title: h.Chunk.Title, URL: h.Chunk.URL, Page: h.Chunk.Page})
			d.Sentences = append(d.Sentences, Sentence{Text: strings.TrimSuffix(h.Chunk.Title, ".") + ".", Cites: []int{n}})
		}
	}
	how := "You can make a Freedom of Information request to " + a.councilName() + "."
	if a.Council.FOIURL != "" {
		how = "To make a new Freedom of Information request, go to " + a.Council.FOIURL + "."
	}
	d.Sentences = append(d.Sentences,
		Sentence{Text: how},
		Sentence{Text: "Say what information you want, and give your name and an address or email for the reply."},
		Sentence{Text: "We must reply within 20 working days."})
	ans := a.draftAnswer(conv, IntentFOIRequest, d, len(d.Sentences))
	ans.Retrieved = retrieved
	return ans, nil
}

// titleShare is the share of a title's topic words that are among
// topic, compared as Coverage compares them: "Litter" is about littering
// fines, "Clean Air Zone" is not about cleaning toilets.
func titleShare(topic []string, title string) float64 {
	want := map[string]bool{}
	for _, t := range topic {
		if !isNumberWord(t) {
			want[prefix5(t)] = true
		}
	}
	words := topicWords(title)
	if len(words) == 0 {
		return 0
	}
	n := 0
	for _, w := range words {
		if want[prefix5(w)] {
			n++
		}
	}
	return float64(n) / float64(len(words))
}
