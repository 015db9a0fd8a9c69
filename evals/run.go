package evals

import (
	"context"
	"fmt"
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

// Progress is how far a run has got.
type Progress struct {
	Done, Total int    // cases played, over every configuration
	Config      string // the configuration playing
	Case        string // the case just played
}

// RunOptions configures Run and RunMatrix.
type RunOptions struct {
	// Progress, if set, is called after each case.
	Progress func(Progress)
	// Judge, if set, judges every grounded answer after it is timed.
	Judge Judge
	// Now is the clock used for latency; nil means time.Now.
	Now func() time.Time
}

// Run plays every case against target, one at a time so latencies are not
// skewed by contention, and scores the outcomes.
func Run(ctx context.Context, cases []Case, target Target, opt RunOptions) (*Report, error) {
	return runOne(ctx, cases, Configuration{Target: target}, opt, 0, len(cases))
}

// Configuration is one column of a matrix: a named target and the
// settings that describe it.
type Configuration struct {
	Name   string
	Config map[string]string
	Target Target
}

// RunMatrix plays the cases against each configuration in turn and
// returns their reports side by side, with ratios taken against the
// configuration named baseline ("" means the first).
func RunMatrix(ctx context.Context, cases []Case, configs []Configuration, baseline string, opt RunOptions) (*Matrix, error) {
	if len(configs) == 0 {
		return nil, fmt.Errorf("no configurations: %w", ErrInvalid)
	}
	seen := map[string]bool{}
	found := baseline == ""
	for _, c := range configs {
		if seen[c.Name] {
			return nil, fmt.Errorf("configuration %q given twice: %w", c.Name, ErrInvalid)
		}
		seen[c.Name] = true
		found = found || c.Name == baseline
	}
	if !found {
		return nil, fmt.Errorf("baseline %q is not one of the configurations: %w", baseline, ErrInvalid)
	}
	reps := make([]*Report, len(configs))
	total := len(cases) * len(configs)
	for i, c := range configs {
		r, err := runOne(ctx, cases, c, opt, i*len(cases), total)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Name, err)
		}
		reps[i] = r
	}
	return NewMatrix(reps, baseline)
}

func runOne(ctx context.Context, cases []Case, cfg Configuration, opt RunOptions, doneBefore, total int) (*Report, error) {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	began := now()
	var targetTime, judgeTime time.Duration
	outs := make([]Outcome, len(cases))
	errs := make([]error, len(cases))
	for i, c := range cases {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		start := now()
		o, err := cfg.Target.Run(ctx, c)
		took := now().Sub(start)
		targetTime += took
		if o.Latency == 0 {
			o.Latency = took
		}
		if opt.Judge != nil && err == nil && shouldJudge(o) {
			js := now()
			v, jerr := opt.Judge.Judge(ctx, JudgeInput{Turns: c.Turns, Answer: o.Answer, Evidence: o.Evidence})
			if jerr != nil {
				v = &Verdict{Error: jerr.Error()}
			}
			o.Judge = v
			judgeTime += now().Sub(js)
		}
		outs[i], errs[i] = o, err
		if opt.Progress != nil {
			opt.Progress(Progress{Done: doneBefore + i + 1, Total: total, Config: cfg.Name, Case: c.ID})
		}
	}
	rep := Score(cases, outs, errs)
	rep.Name, rep.Config = cfg.Name, cfg.Config
	elapsed := now().Sub(began)
	rep.Timing = &Timing{
		TargetMS:  ms(targetTime),
		HarnessMS: ms(elapsed - targetTime - judgeTime),
		JudgeMS:   ms(judgeTime),
	}
	return rep, nil
}

func ms(d time.Duration) float64 { return round(float64(d)/float64(time.Millisecond), 3) }

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
