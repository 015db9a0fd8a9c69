package llm

import (
	"context"
	"fmt"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/townhall-civic/townhall/assistant"
)

// ComposerOptions tunes a Composer. The zero value is usable.
type ComposerOptions struct {
	// MaxSources is the number of top hits sent as sources; 0 means 6.
	MaxSources int
	// MaxSourceChars cuts each source's text; 0 means 2400 bytes (a chunk
	// is about 220 words, so this rarely bites).
	MaxSourceChars int
	// MaxSentences keeps at most this many sentences of a grounded answer;
	// 0 means 6.
	MaxSentences int
	// MaxTokens caps the model's reply; 0 means 400.
	MaxTokens int
	// Timeout bounds one call to the model, so that WithFallback still has
	// time to answer; 0 means only the caller's context bounds it.
	Timeout time.Duration
	// Grounding tunes the check every answer passes before it is returned.
	Grounding GroundingOptions
}

// Composer writes answers with a language model from the retrieved chunks,
// and returns them only once Ground has checked them. It implements
// assistant.Composer and assistant.StreamingComposer.
type Composer struct {
	model llms.Model
	opt   ComposerOptions
}

var (
	_ assistant.Composer          = (*Composer)(nil)
	_ assistant.StreamingComposer = (*Composer)(nil)
)

// NewComposer returns a Composer that asks model.
func NewComposer(model llms.Model, opt ComposerOptions) *Composer {
	if opt.MaxSources <= 0 {
		opt.MaxSources = 6
	}
	if opt.MaxSourceChars <= 0 {
		opt.MaxSourceChars = 2400
	}
	if opt.MaxSentences <= 0 {
		opt.MaxSentences = 6
	}
	if opt.MaxTokens <= 0 {
		opt.MaxTokens = 400
	}
	return &Composer{model: model, opt: opt}
}

// Compose answers in.Question from in.Hits. It returns an error wrapping
// assistant.ErrUngrounded when there are no hits, when the model says the
// sources do not answer (ErrNoAnswer) or when the answer fails the
// grounding check (*UngroundedError), and one wrapping ErrProvider when the
// model server fails or times out.
func (c *Composer) Compose(ctx context.Context, in assistant.ComposeInput) (*assistant.Draft, error) {
	return c.compose(ctx, in, nil)
}

// ComposeStream is Compose, passing the model's text to emit as it
// arrives: each call carries the next piece (a delta), in order, with the
// model's [n] markers, whose numbers are the Citation.N of the final
// draft. The whole text is checked once the stream ends; if the check
// fails, the error says so and what was streamed must be withdrawn.
func (c *Composer) ComposeStream(ctx context.Context, in assistant.ComposeInput, emit func(partial string)) (*assistant.Draft, error) {
	return c.compose(ctx, in, emit)
}

func (c *Composer) compose(ctx context.Context, in assistant.ComposeInput, emit func(string)) (*assistant.Draft, error) {
	hits := in.Hits
	if len(hits) == 0 {
		return nil, &UngroundedError{Reason: "no sources retrieved"}
	}
	if len(hits) > c.opt.MaxSources {
		hits = hits[:c.opt.MaxSources]
	}
	msgs := composeMessages(in, hits, promptOptions{maxSourceChars: c.opt.MaxSourceChars})
	opts := []llms.CallOption{llms.WithMaxTokens(c.opt.MaxTokens)}
	if emit != nil {
		opts = append(opts, llms.WithStreamingFunc(func(_ context.Context, chunk []byte) error {
			if len(chunk) > 0 {
				emit(string(chunk))
			}
			return nil
		}))
	}
	text, err := generate(ctx, c.model, c.opt.Timeout, msgs, opts...)
	if err != nil {
		return nil, fmt.Errorf("llm: compose: %w", err)
	}
	draft, err := Ground(text, hits, c.opt.Grounding)
	if err != nil {
		return nil, fmt.Errorf("llm: compose: %w", err)
	}
	if len(draft.Sentences) > c.opt.MaxSentences {
		draft = keepSentences(draft, c.opt.MaxSentences)
	}
	return draft, nil
}

// keepSentences returns the first n sentences of d and the citations they
// still use.
func keepSentences(d *assistant.Draft, n int) *assistant.Draft {
	out := &assistant.Draft{Sentences: d.Sentences[:n]}
	used := map[int]bool{}
	for _, s := range out.Sentences {
		for _, c := range s.Cites {
			used[c] = true
		}
	}
	for _, c := range d.Citations {
		if used[c.N] {
			out.Citations = append(out.Citations, c)
		}
	}
	return out
}

// generate calls the model with an optional timeout and returns the text
// of its first choice. Failures wrap ErrProvider, and the context's error
// when the deadline or a cancellation ended the call (langchaingo replaces
// it with a message of its own).
func generate(ctx context.Context, model llms.Model, timeout time.Duration, msgs []llms.MessageContent, opts ...llms.CallOption) (string, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	resp, err := model.GenerateContent(ctx, msgs, opts...)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return "", fmt.Errorf("%w: %w (%w)", ErrProvider, err, cerr)
		}
		return "", fmt.Errorf("%w: %w", ErrProvider, err)
	}
	if resp == nil || len(resp.Choices) == 0 || resp.Choices[0].Content == "" {
		if cerr := ctx.Err(); cerr != nil {
			return "", fmt.Errorf("%w: empty reply (%w)", ErrProvider, cerr)
		}
		return "", fmt.Errorf("%w: empty reply", ErrProvider)
	}
	return resp.Choices[0].Content, nil
}
