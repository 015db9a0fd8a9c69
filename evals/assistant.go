package evals

import (
	"context"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/assistant"
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
	}
	return o, nil
}
