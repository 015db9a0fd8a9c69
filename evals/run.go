package evals

import (
	"context"
	"strings"
	"time"

	"github.com/townhall-civic/townhall/retrieval"
)

// Target is the system under test. Run plays a case's turns and reports
// what happened on the last one. Latency is measured by the caller unless
// the Outcome sets it (a remote target may report server time).
type Target interface {
	Run(ctx context.Context, c Case) (Outcome, error)
}

// TargetFunc adapts a function to Target.
type TargetFunc func(ctx context.Context, c Case) (Outcome, error)

// Run calls f.
func (f TargetFunc) Run(ctx context.Context, c Case) (Outcome, error) { return f(ctx, c) }

// RunOptions configures Run.
type RunOptions struct {
	// Progress, if set, is called after each case.
	Progress func(done, total int, c Case)
	// Now is the clock used for latency; nil means time.Now.
	Now func() time.Time
}

// Run plays every case against target, one at a time so latencies are not
// skewed by contention, and scores the outcomes.
func Run(ctx context.Context, cases []Case, target Target, opt RunOptions) (*Report, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	outs := make([]Outcome, len(cases))
	errs := make([]error, len(cases))
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := now()
		o, err := target.Run(ctx, c)
		if o.Latency == 0 {
			o.Latency = now().Sub(start)
		}
		outs[i], errs[i] = o, err
		if opt.Progress != nil {
			opt.Progress(i+1, len(cases), c)
		}
	}
	return Score(cases, outs, errs), nil
}

// Retriever is a retrieval-only Target: it searches for the case's
// question and reports the documents found. Earlier turns are prepended to
// the query so that a follow-up keeps its topic; answer-level metrics are
// left to answering targets.
type Retriever struct {
	Searcher retrieval.Searcher
	Limit    int // documents retrieved; 0 means 10
}

// Run implements Target.
func (r *Retriever) Run(ctx context.Context, c Case) (Outcome, error) {
	limit := r.Limit
	if limit <= 0 {
		limit = 10
	}
	hits, err := r.Searcher.Search(ctx, retrieval.Query{Text: strings.Join(c.Turns, " "), Limit: limit})
	if err != nil {
		return Outcome{}, err
	}
	o := Outcome{Retrieved: make([]string, len(hits))}
	for i, h := range hits {
		o.Retrieved[i] = h.Chunk.DocID
	}
	return o, nil
}
