package evals

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/retrieval"
)

// Assistant is a Target that plays a case through an assistant in
// process: every turn, in order, in one new conversation, on the case's
// channel and with its stated needs. The last reply is scored. Latency is
// the last turn's alone, as FORMAT.md defines it.
type Assistant struct {
	Assistant *assistant.Assistant
	// Resident is the identity key conversations are opened under; ""
	// means "eval".
	Resident string
	// Evidence, if set, must be the assistant's Composer; the target then
	// reports the text behind the scored answer's citations, for a Judge.
	Evidence *EvidenceRecorder
}

// Run implements Target.
func (t *Assistant) Run(ctx context.Context, c Case) (Outcome, error) {
	needs := assistant.ParseNeeds(c.Needs)
	resident := t.Resident
	if resident == "" {
		resident = "eval"
	}
	var (
		ans     *assistant.Answer
		convID  string
		elapsed time.Duration
	)
	for i, text := range c.Turns {
		req := assistant.Request{ConversationID: convID, Channel: assistant.Channel(c.Channel), Resident: resident, Text: text}
		if i == 0 {
			req.Needs = &needs
		}
		if t.Evidence != nil {
			t.Evidence.reset()
		}
		start := time.Now()
		a, err := t.Assistant.Respond(ctx, req)
		elapsed = time.Since(start)
		if err != nil {
			return Outcome{}, fmt.Errorf("turn %d: %w", i+1, err)
		}
		ans, convID = a, a.ConversationID
	}
	o := Outcome{
		Answered:  true,
		Intent:    string(ans.Intent),
		Service:   ans.Service,
		Answer:    ans.Text,
		Grade:     ans.Grade,
		Retrieved: ans.Retrieved,
		Latency:   max(elapsed, time.Nanosecond),
	}
	for _, cite := range ans.Citations {
		o.Citations = append(o.Citations, cite.DocID)
		o.Cited = append(o.Cited, Cited{ID: cite.DocID, Title: cite.Title, URL: cite.URL})
	}
	if t.Evidence != nil && len(ans.Citations) > 0 {
		o.Evidence = t.Evidence.evidence(ctx, ans.Citations)
	}
	return o, nil
}

// EvidenceRecorder is a Composer that passes every call to Composer and
// keeps the hits of the latest, so that a judge can read the text an
// answer's citations point at. Install it as the assistant's Composer and
// set it as Assistant.Evidence. It is for evaluation only: it hides the
// wrapped composer's optional abilities (streaming).
type EvidenceRecorder struct {
	Composer assistant.Composer
	// Chunks, if set, supplies the opening chunks of cited documents the
	// hits did not include: answers built from whole documents or from
	// spending records cite text the retriever did not return as a hit.
	Chunks retrieval.ChunkGetter
	// PerDocument caps the evidence text per document; 0 means 6000
	// bytes.
	PerDocument int

	mu   sync.Mutex
	hits []retrieval.Hit
}

var _ assistant.Composer = (*EvidenceRecorder)(nil)

// Compose implements assistant.Composer.
func (e *EvidenceRecorder) Compose(ctx context.Context, in assistant.ComposeInput) (*assistant.Draft, error) {
	e.mu.Lock()
	e.hits = append(e.hits, in.Hits...)
	e.mu.Unlock()
	return e.Composer.Compose(ctx, in)
}

func (e *EvidenceRecorder) reset() {
	e.mu.Lock()
	e.hits = nil
	e.mu.Unlock()
}

// openingChunks is how many leading chunks of a cited document are read
// through Chunks.
const openingChunks = 6

// evidence gathers the text of each cited document: its chunks among the
// hits first, then its opening chunks.
func (e *EvidenceRecorder) evidence(ctx context.Context, cites []assistant.Citation) []Evidence {
	e.mu.Lock()
	hits := e.hits
	e.mu.Unlock()
	limit := e.PerDocument
	if limit <= 0 {
		limit = 6000
	}
	var out []Evidence
	done := map[string]bool{}
	for _, c := range cites {
		if done[c.DocID] {
			continue
		}
		done[c.DocID] = true
		ev := Evidence{DocID: c.DocID, Title: c.Title}
		var b strings.Builder
		seen := map[string]bool{}
		add := func(id, text string) {
			if seen[id] || b.Len() >= limit {
				return
			}
			seen[id] = true
			if b.Len() > 0 {
				b.WriteString("\n")
			}
			b.WriteString(text)
		}
		for _, h := range hits {
			if h.Chunk.DocID == c.DocID {
				add(h.Chunk.ID, h.Chunk.Text)
				if ev.Title == "" {
					ev.Title = h.Chunk.Title
				}
			}
		}
		if e.Chunks != nil && b.Len() < limit {
			ids := make([]string, openingChunks)
			for i := range ids {
				ids[i] = c.DocID + "~" + strconv.Itoa(i)
			}
			if chunks, err := e.Chunks.Chunks(ctx, ids); err == nil {
				for _, ch := range chunks {
					add(ch.ID, ch.Text)
				}
			}
		}
		ev.Text = b.String()
		if len(ev.Text) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(ev.Text[cut]) {
				cut--
			}
			ev.Text = ev.Text[:cut]
		}
		out = append(out, ev)
	}
	return out
}
