package assistant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/retrieval"
)

// Assistant is the conversation engine: it takes one resident message at a
// time, keeps the conversation, routes the turn and answers, acts, hands
// off or declines. The zero value is not usable: Retriever, Composer,
// Router and Conversations are required; the rest are optional.
type Assistant struct {
	Retriever     retrieval.Searcher
	Composer      Composer
	Router        Router
	Conversations ConversationStore
	// Requests stores service requests; nil means service requests are
	// collected but cannot be logged, and the resident is told to phone.
	Requests ServiceRequests
	// Handoffs is the staff queue; nil means hand-offs only signpost.
	Handoffs HandoffQueue
	// Records answers payment and contract questions with exact figures;
	// nil means they are answered from retrieval alone.
	Records RecordAnswerer
	// FOI shows what is already published and logs new FOI requests
	// collected in the conversation (see FOIIntake); nil means residents
	// are shown earlier requests and pointed to Council.FOIURL.
	FOI FOIIntake
	// Services are the service request types; nil means DefaultServices.
	Services *Services
	Council  Council
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Holiday reports UK bank holidays for out-of-hours hand-offs; nil
	// means none.
	Holiday func(day time.Time) bool
	// NewID makes conversation ids; nil means random hex.
	NewID func() string
	// Options tunes retrieval and declining.
	Options Options
}

// Options tunes an Assistant. The zero value gives the defaults.
type Options struct {
	// Limit is how many chunks are retrieved per turn; 0 means 8.
	Limit int
	// ComposeHits is how many of them the composer sees; 0 means 5.
	ComposeHits int
	// MinCoverage is the share of the question's topic words that the
	// best retrieved chunks must contain for the assistant to answer; 0
	// means DefaultMinCoverage.
	MinCoverage float64
}

// DefaultMinCoverage is the retrieval confidence under which the
// assistant declines rather than answer from chunks that do not mention
// what was asked.
const DefaultMinCoverage = 0.25

// coverageHits is how many top hits Coverage pools.
const coverageHits = 5

// ReasonLowConfidence marks a decline because retrieval found nothing
// that covers the question.
const ReasonLowConfidence = "low_confidence"

// Respond handles one resident message and returns the reply. Messages
// over MaxMessageBytes fail with ErrTooLarge and empty ones with
// ErrInvalid; an unknown ConversationID starts a new conversation under
// that id. Store and retrieval failures are returned as errors; a
// composer that cannot ground its answer is a decline, not an error.
func (a *Assistant) Respond(ctx context.Context, req Request) (*Answer, error) {
	if len(req.Text) > MaxMessageBytes {
		return nil, fmt.Errorf("message of %d bytes, limit %d: %w", len(req.Text), MaxMessageBytes, ErrTooLarge)
	}
	text := CleanMessage(req.Text)
	if text == "" && req.Location == nil {
		return nil, fmt.Errorf("empty message: %w", ErrInvalid)
	}
	now := a.now()
	conv, err := a.conversation(ctx, req, now)
	if err != nil {
		return nil, err
	}
	said := text
	if said == "" {
		said = sharedLocationText(req.Location)
	}
	conv.Turns = append(conv.Turns, Turn{Seq: len(conv.Turns) + 1, Role: RoleResident, Text: said, At: now})

	ans, err := a.turn(ctx, conv, req, text, now)
	if err != nil {
		return nil, err
	}
	ans.ConversationID = conv.ID
	if ans.Grade == 0 && ans.Text != "" {
		ans.Grade = Grade(ans.Text)
	}
	conv.Turns = append(conv.Turns, Turn{Seq: len(conv.Turns) + 1, Role: RoleAssistant, Text: ans.Text, Intent: ans.Intent, Citations: ans.Citations, At: now})
	conv.Updated = now
	if err := a.Conversations.SaveConversation(ctx, conv); err != nil {
		return nil, fmt.Errorf("save conversation: %w", err)
	}
	return ans, nil
}

// CleanMessage makes a resident's message safe to process: invalid UTF-8
// becomes U+FFFD, control and format characters (zero-width spaces,
// bidirectional overrides) are dropped, line breaks and tabs become
// spaces, and surrounding space is trimmed.
func CleanMessage(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// sharedLocationText records a location shared without words, so the
// transcript staff read says what happened.
func sharedLocationText(l *Location) string {
	if l.Address != "" || l.Postcode != "" {
		return strings.TrimSpace("(shared a location: " + l.Address + " " + l.Postcode + ")")
	}
	return fmt.Sprintf("(shared a location: %.5f, %.5f)", l.Lat, l.Lon)
}

func (a *Assistant) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// conversation loads the request's conversation or starts one.
func (a *Assistant) conversation(ctx context.Context, req Request, now time.Time) (*Conversation, error) {
	if req.ConversationID != "" {
		c, err := a.Conversations.FindConversationByID(ctx, req.ConversationID)
		switch {
		case err == nil:
			if req.Needs != nil {
				c.Needs = *req.Needs
			}
			return c, nil
		case !errors.Is(err, ErrNotFound):
			return nil, fmt.Errorf("find conversation: %w", err)
		}
	}
	id := req.ConversationID
	if id == "" {
		id = a.newID()
	}
	c := &Conversation{ID: id, Channel: req.Channel, Resident: req.Resident, Created: now, Updated: now}
	if c.Channel == "" {
		c.Channel = ChannelWeb
	}
	if req.Needs != nil {
		c.Needs = *req.Needs
	}
	return c, nil
}

func (a *Assistant) newID() string {
	if a.NewID != nil {
		return a.NewID()
	}
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// turn routes the message and dispatches it.
func (a *Assistant) turn(ctx context.Context, conv *Conversation, req Request, text string, now time.Time) (*Answer, error) {
	// A reply to an out-of-hours hand-off offer.
	if a.awaitingHandoffChoice(conv) {
		if choice, ok := ParseOutOfHoursChoice(text); ok {
			return a.handoff(ctx, conv, choice, now, true)
		}
	}
	// A shared location with no words (WhatsApp) belongs to a report:
	// the one being collected, or a new one whose service is asked for.
	if text == "" && req.Location != nil {
		service := ""
		if conv.Pending != nil {
			service = conv.Pending.Service
		}
		return a.serviceRequest(ctx, conv, req, text, Route{Intent: IntentServiceRequest, Service: service, Reason: ReasonPending}, now)
	}
	// An FOI request being collected takes the replies to its questions.
	if conv.FOI != nil && a.FOI != nil && conv.Pending == nil {
		if ans, ok, err := a.continueFOI(ctx, conv, text, now); ok || err != nil {
			return ans, err
		}
	}
	route, err := a.Router.Route(ctx, RouteInput{Text: text, Conversation: conv})
	if err != nil {
		return nil, fmt.Errorf("route: %w", err)
	}
	if route.Intent == IntentServiceRequest || route.Intent == IntentHandoff {
		conv.FOI = nil // the resident has moved on to something else
	}
	switch route.Intent {
	case IntentEmergency:
		conv.Failures = 0
		return a.emergency(ctx, conv, Emergency(strings.TrimPrefix(route.Reason, ReasonEmergency+":")), text), nil
	case IntentRefuse:
		conv.Failures = 0
		return a.decline(conv, route.Reason), nil
	case IntentHandoff:
		reason := route.Reason
		if reason == "" || reason == ReasonClassifier {
			reason = ReasonExplicit
		}
		return a.handoff(ctx, conv, reason, now, false)
	case IntentServiceRequest:
		return a.serviceRequest(ctx, conv, req, text, route, now)
	case IntentFOIRequest:
		conv.Failures = 0
		return a.foiRequest(ctx, conv, text, now)
	}
	if route.Reason == ReasonSmallTalk {
		return a.smallTalk(conv, text), nil
	}
	return a.answer(ctx, conv, text, now)
}

// answer retrieves and composes a grounded answer, or declines.
func (a *Assistant) answer(ctx context.Context, conv *Conversation, text string, now time.Time) (*Answer, error) {
	turns := conv.ResidentTurns()
	query := Rewrite(turns[:len(turns)-1], text)

	if a.Records != nil {
		d, ok, err := a.Records.AnswerRecords(ctx, query)
		if err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		if ok && d != nil && len(d.Sentences) > 0 {
			ans := a.draftAnswer(conv, IntentAnswer, SafeDraft(d), 0)
			for _, c := range ans.Citations {
				ans.Retrieved = append(ans.Retrieved, c.DocID)
			}
			conv.Failures = 0
			return ans, nil
		}
	}

	hits, err := a.Retriever.Search(ctx, retrieval.Query{Text: query, Limit: a.limit()})
	if err != nil && !errors.Is(err, retrieval.ErrInvalid) {
		return nil, fmt.Errorf("retrieve: %w", err)
	}
	hits = SanitizeHits(hits)
	retrieved := docIDs(hits)
	if Coverage(query, hits, coverageHits) < a.minCoverage() {
		return a.failed(ctx, conv, ReasonLowConfidence, retrieved, now)
	}
	in := ComposeInput{Question: query, Hits: hits[:min(len(hits), a.composeHits())], Needs: conv.Needs, Channel: conv.Channel}
	d, err := a.Composer.Compose(ctx, in)
	switch {
	case errors.Is(err, ErrUngrounded):
		return a.failed(ctx, conv, ReasonLowConfidence, retrieved, now)
	case err != nil:
		return nil, fmt.Errorf("compose: %w", err)
	}
	d = SafeDraft(d)
	if d == nil || len(d.Sentences) == 0 {
		return a.failed(ctx, conv, ReasonLowConfidence, retrieved, now)
	}
	conv.Failures = 0
	ans := a.draftAnswer(conv, IntentAnswer, d, 0)
	ans.Retrieved = retrieved
	return ans, nil
}

// failed declines a question the assistant could not answer and, on the
// second failure in a row, hands the conversation to staff.
func (a *Assistant) failed(ctx context.Context, conv *Conversation, reason string, retrieved []string, now time.Time) (*Answer, error) {
	conv.Failures++
	if conv.Failures >= FailuresBeforeHandoff && !conv.HandedOff {
		ans, err := a.handoff(ctx, conv, ReasonFailures, now, false)
		if err != nil {
			return nil, err
		}
		ans.Retrieved = retrieved
		return ans, nil
	}
	ans := a.decline(conv, reason)
	ans.Retrieved = retrieved
	return ans, nil
}

// Coverage is the retrieval confidence signal: the share of the query's
// topic words (see IsFollowUp) found in the top k hits taken together
// (titles, headings and text). Words are compared on their first five
// letters after light stemming, which forgives plurals and most typos'
// endings. It does not depend on a retriever's scores, which are not
// comparable across queries, and it is 1 for a query with no topic
// words. Measured on the development suites, answerable questions score
// 0.33 or more over five hits while chatty ones score low on a single
// hit, which is why the hits are pooled.
func Coverage(query string, hits []retrieval.Hit, k int) float64 {
	topics := topicWords(query)
	if len(topics) == 0 {
		return 1
	}
	have := map[string]bool{}
	for i, h := range hits {
		if i == k {
			break
		}
		for _, w := range strings.Fields(normText(h.Chunk.Title + " " + strings.Join(h.Chunk.Headings, " ") + " " + h.Chunk.Text)) {
			have[prefix5(w)] = true
		}
	}
	found := 0
	for _, t := range topics {
		if have[prefix5(t)] {
			found++
		}
	}
	return float64(found) / float64(len(topics))
}

func prefix5(w string) string {
	w = stemWord(w)
	if utf8.RuneCountInString(w) <= 5 {
		return w
	}
	return string([]rune(w)[:5])
}

func docIDs(hits []retrieval.Hit) []string {
	out := make([]string, 0, len(hits))
	for _, h := range hits {
		out = append(out, h.Chunk.DocID)
	}
	return out
}

func (a *Assistant) limit() int {
	if a.Options.Limit > 0 {
		return a.Options.Limit
	}
	return 8
}

func (a *Assistant) composeHits() int {
	if a.Options.ComposeHits > 0 {
		return a.Options.ComposeHits
	}
	return 5
}

func (a *Assistant) minCoverage() float64 {
	if a.Options.MinCoverage > 0 {
		return a.Options.MinCoverage
	}
	return DefaultMinCoverage
}

// draftAnswer formats a draft for the conversation's channel and needs.
// maxSentences 0 keeps Format's default limit.
func (a *Assistant) draftAnswer(conv *Conversation, intent Intent, d *Draft, maxSentences int) *Answer {
	text, cites := Format(d, conv.Channel, conv.Needs, FormatOptions{Council: a.Council, MaxSentences: maxSentences})
	return &Answer{Intent: intent, Text: text, Citations: cites, Grade: Grade(text)}
}

// say builds an uncited reply from fixed sentences, formatted like any
// other answer so the channel and the resident's needs still apply.
func (a *Assistant) say(conv *Conversation, intent Intent, sentences ...string) *Answer {
	d := &Draft{}
	for _, s := range sentences {
		if s = strings.TrimSpace(s); s != "" {
			d.Sentences = append(d.Sentences, Sentence{Text: s})
		}
	}
	return a.draftAnswer(conv, intent, d, len(d.Sentences))
}

// citedKinds is used by the FOI intent to look for previous disclosures.
var citedKinds = []corpus.Kind{corpus.KindFOI}
