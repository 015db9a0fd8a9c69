package inbound

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// DeliveryStore is an optional ability of a Store: it keeps providers'
// delivery reports against the outbound jobs that sent the messages.
type DeliveryStore interface {
	// RecordDelivery records d against the outbound job whose send the
	// provider gave d.ProviderID; a report never moves a message back to
	// an earlier state (DeliveryState.Rank). When d is a failure of the
	// job's latest send and the job is done or held, decide gets the
	// job's attempts so far, and the Result it returns (StateQueued with
	// NotBefore to send again, StateDropped, StateDead) is applied in the
	// same transaction; ok false leaves the job. found is false for an id
	// with no recorded send (the report is kept for the send to adopt).
	// Errors wrap channels.ErrInvalid for a report without an id.
	RecordDelivery(ctx context.Context, d channels.Delivery, decide func(attempts int) (r Result, ok bool)) (found bool, err error)
}

// Holder is an optional ability of a Store: HeldSince returns when the
// latest template went for one of resident's messages that is still
// held (waiting for the WhatsApp window to reopen), or the zero time if
// none is. With it, the pool holds later messages behind that template
// instead of sending the resident one template per message.
type Holder interface {
	HeldSince(ctx context.Context, resident string) (time.Time, error)
}

var _ channels.DeliveryHandler = (*Pool)(nil)

// HandleDelivery implements channels.DeliveryHandler for the providers'
// status callbacks. It records d in the store (when the store is a
// DeliveryStore; otherwise reports are ignored) and, for a message that
// did not arrive, decides what becomes of its job:
//
//   - the provider says the WhatsApp window is closed: the job is queued
//     again, and goes as the template (the store forgets the window);
//   - the resident opted out with the provider: dropped;
//   - a cause that passes (Temporary, and the message certainly not
//     delivered): sent again after the job's backoff, while attempts
//     remain;
//   - anything else: dead, with the provider's error, for an operator.
//
// A failure reported for an id with no recorded send is recorded again
// a few times over a second, since the report can overtake the worker
// that is about to record the send.
func (p *Pool) HandleDelivery(ctx context.Context, d channels.Delivery) error {
	ds, ok := p.cfg.Store.(DeliveryStore)
	if !ok {
		return nil
	}
	var after Result
	decide := func(attempts int) (Result, bool) {
		after = p.afterFailure(d, attempts)
		return after, true
	}
	found, err := ds.RecordDelivery(ctx, d, decide)
	// A failure can be reported before the worker that sent the message
	// has recorded its id (the provider answers the send, then calls
	// back at once). Give the worker a moment, then record again: the
	// same report now finds the send and decides its job.
	for i := 0; err == nil && !found && d.State.Failed() && i < 4; i++ {
		select {
		case <-ctx.Done():
			return fmt.Errorf("inbound: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
		found, err = ds.RecordDelivery(ctx, d, decide)
	}
	if err != nil {
		return fmt.Errorf("inbound: %w", err)
	}
	if d.State.Failed() {
		p.cfg.Logger.Warn("inbound: delivery failed", "provider_id", d.ProviderID, "to", d.To.Key(), "status", d.State,
			"error_code", d.ErrorCode, "known", found, "then", after.State)
	}
	if after.State == StateQueued {
		p.poke()
	}
	return nil
}

// afterFailure decides what becomes of a job whose message d reports
// undelivered, after attempts sends. Only the provider's own word makes
// a retry: a failure it does not call temporary may have been delivered
// in part, and is not sent twice.
func (p *Pool) afterFailure(d channels.Delivery, attempts int) Result {
	err := d.Err
	if err == nil {
		err = fmt.Errorf("message %s (error %q)", d.State, d.ErrorCode)
	}
	msg := "delivery failed: " + err.Error()
	temporary := false
	if t, ok := errors.AsType[interface {
		error
		Temporary() bool
	}](err); ok {
		temporary = t.Temporary()
	}
	switch {
	case errors.Is(err, channels.ErrOptedOut):
		return Result{State: StateDropped, Error: msg}
	case (errors.Is(err, channels.ErrOutsideWindow) || temporary) && attempts >= p.cfg.MaxAttempts:
		return Result{State: StateDead, Error: fmt.Sprintf("gave up after %d attempts: %s", attempts, msg)}
	case errors.Is(err, channels.ErrOutsideWindow):
		return Result{State: StateQueued, Error: msg + "; sending the template"}
	case temporary:
		return Result{State: StateQueued, NotBefore: p.now().Add(p.cfg.Backoff(attempts)), Error: msg}
	}
	return Result{State: StateDead, Error: "permanent: " + msg}
}
