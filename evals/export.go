package evals

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/assistant"
)

// Feedback is a resident's rating of an assistant reply.
type Feedback struct {
	ConversationID string
	// Seq is the rated assistant turn's Turn.Seq; 0 rates the
	// conversation's latest reply.
	Seq     int
	Comment string
	At      time.Time
	// Question and Answer, if the source keeps them, are the resident's
	// turn and the reply rated: a draft is still made from them when the
	// conversation itself has been deleted.
	Question, Answer string
}

// FeedbackSource lists the replies residents marked unhelpful. The web
// chat's feedback store implements it.
type FeedbackSource interface {
	// UnhelpfulFeedback returns the replies marked unhelpful at or after
	// since (all of them for the zero time), oldest first.
	UnhelpfulFeedback(ctx context.Context, since time.Time) ([]Feedback, error)
}

// HandoffLister lists the hand-off queue; assistant.HandoffConsole has
// the method.
type HandoffLister interface {
	ListHandoffs(ctx context.Context, f assistant.HandoffFilter) ([]*assistant.QueuedHandoff, error)
}

// ExportOptions says where draft cases come from.
type ExportOptions struct {
	// Conversations finds the conversations feedback refers to; required
	// with Feedback.
	Conversations assistant.ConversationStore
	// Feedback, if set, contributes every reply marked unhelpful.
	Feedback FeedbackSource
	// Handoffs, if set, contributes every conversation handed to staff.
	Handoffs HandoffLister
	// Since, if set, leaves out feedback and hand-offs before it.
	Since time.Time
	// Redact, if set, is applied to every resident turn and reply, so
	// drafts can be shared without residents' personal data (cmd wires
	// foi.RedactText).
	Redact func(string) string
}

// Draft is a case taken from real use, for staff to complete with the
// sources and facts a good answer needs.
type Draft struct {
	Case Case
	// Origin says why the conversation was picked: "feedback" or
	// "handoff:<reason>".
	Origin string
	// Reply is what the assistant said to the scored turn, with its
	// intent and citations, so staff see what went wrong.
	Reply       string
	ReplyIntent string
	ReplyCites  []string
	At          time.Time
	Comment     string // the resident's feedback comment, if any
}

// ExportDrafts builds draft cases from conversations residents marked
// unhelpful and conversations handed off to staff. Each draft replays the
// resident's turns up to the reply in question; its expected sources and
// facts are left empty. A conversation turn picked twice yields one
// draft. Drafts are ordered by time.
func ExportDrafts(ctx context.Context, opt ExportOptions) ([]Draft, error) {
	if opt.Feedback != nil && opt.Conversations == nil {
		return nil, fmt.Errorf("export: feedback needs a conversation store: %w", ErrInvalid)
	}
	redact := opt.Redact
	if redact == nil {
		redact = func(s string) string { return s }
	}
	var drafts []Draft
	seen := map[string]bool{}
	add := func(d Draft, key string) {
		if seen[key] || len(d.Case.Turns) == 0 {
			return
		}
		seen[key] = true
		drafts = append(drafts, d)
	}
	if opt.Feedback != nil {
		fbs, err := opt.Feedback.UnhelpfulFeedback(ctx, opt.Since)
		if err != nil {
			return nil, fmt.Errorf("export: feedback: %w", err)
		}
		for _, fb := range fbs {
			conv, err := opt.Conversations.FindConversationByID(ctx, fb.ConversationID)
			if errors.Is(err, assistant.ErrNotFound) {
				// Deleted under retention rules since it was rated: what
				// the feedback kept is all there is.
				if strings.TrimSpace(fb.Question) == "" {
					continue
				}
				conv = &assistant.Conversation{ID: fb.ConversationID, Turns: []assistant.Turn{
					{Seq: fb.Seq - 1, Role: assistant.RoleResident, Text: fb.Question},
					{Seq: fb.Seq, Role: assistant.RoleAssistant, Text: fb.Answer},
				}}
			} else if err != nil {
				return nil, fmt.Errorf("export: conversation %s: %w", fb.ConversationID, err)
			}
			d, n := draftFrom(conv.ID, conv.Channel, conv.Needs, conv.Turns, fb.Seq, redact)
			d.Origin, d.At, d.Comment = "feedback", fb.At, redact(fb.Comment)
			d.Case.Tags = append(d.Case.Tags, "from-feedback")
			add(d, fmt.Sprintf("%s/%d", conv.ID, n))
		}
	}
	if opt.Handoffs != nil {
		hs, err := opt.Handoffs.ListHandoffs(ctx, assistant.HandoffFilter{})
		if err != nil {
			return nil, fmt.Errorf("export: hand-offs: %w", err)
		}
		for _, h := range hs {
			if !opt.Since.IsZero() && h.At.Before(opt.Since) {
				continue
			}
			d, n := draftFrom(h.ConversationID, h.Channel, assistant.Needs{}, h.Transcript, -1, redact)
			d.Origin, d.At = "handoff:"+h.Reason, h.At
			d.Case.Tags = append(d.Case.Tags, "from-handoff")
			if h.Reason == assistant.ReasonExplicit {
				d.Case.Expect.Intent = "handoff" // asking for a person is the right answer to get
			}
			add(d, fmt.Sprintf("%s/%d", h.ConversationID, n))
		}
	}
	sort.SliceStable(drafts, func(i, j int) bool { return drafts[i].At.Before(drafts[j].At) })
	ids := map[string]int{}
	for i := range drafts {
		id := drafts[i].Case.ID
		ids[id]++
		if ids[id] > 1 {
			drafts[i].Case.ID = fmt.Sprintf("%s-%d", id, ids[id])
		}
	}
	return drafts, nil
}

// draftFrom makes a draft of the resident turns before the assistant turn
// numbered seq, or before the last assistant turn when seq is 0. When seq
// is -1 (a hand-off) every resident turn is kept, and the reply is the
// assistant's answer to the last of them, if any. It returns the number of
// resident turns kept.
func draftFrom(convID string, ch assistant.Channel, needs assistant.Needs, turns []assistant.Turn, seq int, redact func(string) string) (Draft, int) {
	cut, reply := len(turns), -1
	if seq < 0 {
		for i := len(turns) - 1; i >= 0; i-- {
			if turns[i].Role == assistant.RoleResident {
				cut = i + 1
				break
			}
		}
		for i := cut; i < len(turns); i++ {
			if turns[i].Role == assistant.RoleAssistant {
				reply = i
				break
			}
		}
	} else {
		for i := len(turns) - 1; i >= 0; i-- {
			if turns[i].Role == assistant.RoleAssistant && (seq == 0 || turns[i].Seq == seq) {
				cut, reply = i, i
				break
			}
		}
		// A rated turn that is gone keeps the whole exchange.
	}
	var d Draft
	for _, t := range turns[:cut] {
		if t.Role == assistant.RoleResident && strings.TrimSpace(t.Text) != "" {
			d.Case.Turns = append(d.Case.Turns, redact(t.Text))
		}
	}
	if reply >= 0 {
		t := turns[reply]
		d.Reply, d.ReplyIntent = redact(t.Text), string(t.Intent)
		for _, c := range t.Citations {
			d.ReplyCites = append(d.ReplyCites, c.DocID)
		}
	}
	d.Case.ID = "draft-" + slug(convID) + fmt.Sprintf("-%d", len(d.Case.Turns))
	d.Case.Channel = string(ch)
	if d.Case.Channel == "" {
		d.Case.Channel = "web"
	}
	d.Case.Needs = needsList(needs)
	d.Case.Tags = []string{"draft"}
	return d, len(d.Case.Turns)
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	s = strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(s) > 24 {
		s = s[:24]
	}
	return s
}

// needsList writes needs in the suite format (the inverse of
// assistant.ParseNeeds).
func needsList(n assistant.Needs) []string {
	var out []string
	if n.ScreenReader {
		out = append(out, "screen_reader")
	}
	if n.PlainEnglish {
		out = append(out, "plain_english")
	}
	if n.LowLiteracy {
		out = append(out, "low_literacy")
	}
	if n.BSL {
		out = append(out, "bsl")
	}
	if n.Language != "" {
		out = append(out, "other_language:"+n.Language)
	}
	return out
}

// draftLine is a case in the FORMAT.md shape with every field written,
// empty ones included, so staff see what to fill in.
type draftLine struct {
	ID      string      `json:"id"`
	Turns   []string    `json:"turns"`
	Channel string      `json:"channel"`
	Needs   []string    `json:"needs"`
	Expect  draftExpect `json:"expect"`
	Tags    []string    `json:"tags"`
}

type draftExpect struct {
	Intent   string   `json:"intent"`
	Sources  []string `json:"sources"`
	Facts    []string `json:"facts"`
	Not      []string `json:"not"`
	Service  string   `json:"service"`
	MaxGrade float64  `json:"max_grade"`
}

// WriteDrafts writes drafts as a suite (JSON Lines). Before each case a
// "//" comment line, which ReadSuite skips, says where it came from and
// what the assistant replied.
func WriteDrafts(w io.Writer, drafts []Draft) error {
	ew := &errWriter{w: w}
	ew.printf("// Draft eval cases from real conversations (townhall eval export).\n")
	ew.printf("// Fill in expect.intent, expect.sources and expect.facts, check the turns hold no personal data, then move them into a suite.\n")
	for _, d := range drafts {
		c := d.Case
		line := draftLine{
			ID: c.ID, Turns: c.Turns, Channel: c.Channel, Needs: orEmpty(c.Needs), Tags: orEmpty(c.Tags),
			Expect: draftExpect{
				Intent: c.Expect.Intent, Sources: orEmpty(c.Expect.Sources), Facts: orEmpty(c.Expect.Facts),
				Not: orEmpty(c.Expect.Not), Service: c.Expect.Service, MaxGrade: c.Expect.MaxGrade,
			},
		}
		data, err := json.Marshal(line)
		if err != nil {
			return err
		}
		ew.printf("\n// %s", d.Origin)
		if !d.At.IsZero() {
			ew.printf(" on %s", d.At.UTC().Format("2006-01-02 15:04"))
		}
		if d.Comment != "" {
			ew.printf("; resident said: %s", oneLine(d.Comment, 200))
		}
		ew.printf("\n")
		if d.Reply != "" {
			ew.printf("// replied (%s", d.ReplyIntent)
			if len(d.ReplyCites) > 0 {
				ew.printf(", citing %s", strings.Join(d.ReplyCites, ", "))
			}
			ew.printf("): %s\n", oneLine(d.Reply, 400))
		}
		ew.printf("%s\n", data)
	}
	return ew.err
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// oneLine folds text onto one line (a comment must not spill into the
// next JSON line) and shortens it to at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
