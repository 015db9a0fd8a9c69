package llm

import (
	"context"
	"sync/atomic"

	"github.com/townhall-civic/townhall/assistant"
)

// Fallback is a Composer that answers with a primary composer and, when
// that fails for any reason but the caller's own cancellation, with a
// backup: typically the LLM Composer backed by the offline extractive one.
type Fallback struct {
	primary, backup assistant.Composer
	// OnFallback, if set, is told why each fallback happened (for logs
	// and metrics). It must be safe for concurrent use.
	OnFallback func(err error)
}

var (
	_ assistant.Composer          = (*Fallback)(nil)
	_ assistant.StreamingComposer = (*Fallback)(nil)
)

// WithFallback returns a Composer that tries primary and answers with
// fallback on assistant.ErrUngrounded, ErrProvider, a timeout, or any
// other error of primary's.
func WithFallback(primary, fallback assistant.Composer) *Fallback {
	return &Fallback{primary: primary, backup: fallback}
}

// Compose returns primary's draft, or fallback's when primary fails. It
// returns primary's error without trying fallback only when ctx itself is
// done: nobody is waiting for an answer.
func (f *Fallback) Compose(ctx context.Context, in assistant.ComposeInput) (*assistant.Draft, error) {
	d, err := f.primary.Compose(ctx, in)
	if err == nil || ctx.Err() != nil {
		return d, err
	}
	f.note(err)
	return f.backup.Compose(ctx, in)
}

// ComposeStream streams primary's text to emit when primary can stream.
// When primary then fails (its answer ungrounded, or the stream broken)
// the fallback's draft is returned with Replaced set if anything had been
// emitted: the caller must discard the streamed text and show the draft
// instead. The fallback itself does not stream.
func (f *Fallback) ComposeStream(ctx context.Context, in assistant.ComposeInput, emit func(partial string)) (*assistant.Draft, error) {
	sc, ok := f.primary.(assistant.StreamingComposer)
	if !ok {
		return f.Compose(ctx, in)
	}
	var streamed atomic.Bool
	d, err := sc.ComposeStream(ctx, in, func(p string) {
		streamed.Store(true)
		emit(p)
	})
	if err == nil || ctx.Err() != nil {
		return d, err
	}
	f.note(err)
	d, err = f.backup.Compose(ctx, in)
	if err != nil {
		return nil, err
	}
	out := *d // the backup's draft may be shared; do not mark it
	out.Replaced = streamed.Load()
	return &out, nil
}

func (f *Fallback) note(err error) {
	if f.OnFallback != nil {
		f.OnFallback(err)
	}
}
