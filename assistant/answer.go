package assistant

import (
	"context"

	"github.com/townhall-civic/townhall/retrieval"
)

// Citation is a source an answer relies on.
type Citation struct {
	N     int    // 1-based number used in the answer text, e.g. [1]
	DocID string // corpus document id
	Title string
	URL   string
	Page  int // PDF page, 0 if none
}

// Answer is the assistant's reply to one resident turn.
type Answer struct {
	ConversationID string
	Intent         Intent
	// Text is the reply formatted for the channel: plain text for SMS,
	// WhatsApp emphasis for WhatsApp, and plain text with numbered source
	// markers for the web (HTML is rendered from it by the channel).
	Text      string
	Citations []Citation
	// Grade is the Flesch-Kincaid grade of Text.
	Grade float64
	// Service is the service code for service requests.
	Service string
	// Reference is set once a service or FOI request has been logged.
	Reference string
	// Suggestions are quick replies the channel may offer.
	Suggestions []string
	// Retrieved lists the document ids retrieved for this turn, best first.
	Retrieved []string
	// Handoff is true when the conversation was put in the staff queue.
	Handoff bool
}

// Draft is a composer's grounded answer before channel formatting.
type Draft struct {
	Sentences []Sentence
	Citations []Citation
	// Replaced is set by a StreamingComposer when the text it had already
	// passed to emit was withdrawn (it failed the grounding check, or the
	// stream broke) and this draft, from a fallback composer, stands in
	// its place: the caller must discard what was streamed and show this.
	Replaced bool
}

// Sentence is one claim and the citations (Citation.N) that support it.
type Sentence struct {
	Text  string
	Cites []int
}

// ComposeInput is what a composer answers from.
type ComposeInput struct {
	Question string // standalone question (follow-ups already rewritten)
	Hits     []retrieval.Hit
	Needs    Needs
	Channel  Channel
}

// Composer writes a grounded answer from retrieved chunks. It returns
// ErrUngrounded when it cannot answer from them.
type Composer interface {
	Compose(ctx context.Context, in ComposeInput) (*Draft, error)
}

// StreamingComposer is an optional ability of a Composer: it calls emit
// with partial text as it is produced, then returns the final draft.
type StreamingComposer interface {
	ComposeStream(ctx context.Context, in ComposeInput, emit func(partial string)) (*Draft, error)
}
