package channels

import "errors"

// Sentinel errors. Adapters wrap them with %w so callers can classify a
// failure without matching strings.
var (
	// ErrSignature reports a webhook whose provider signature is missing or
	// does not verify. Nothing from such a request is stored or handed on.
	ErrSignature = errors.New("invalid webhook signature")
	// ErrDuplicate reports a provider message id that was already handled.
	ErrDuplicate = errors.New("duplicate message")
	// ErrInvalid reports input that cannot be used: a malformed payload, a
	// missing field, an address the channel cannot reach.
	ErrInvalid = errors.New("invalid message")
	// ErrTooLarge reports a request body or an outbound message over the
	// channel's size limit.
	ErrTooLarge = errors.New("message too large")
	// ErrOutsideWindow reports a free-form WhatsApp message to a user whose
	// last message is more than 24 hours old, when no template is
	// configured to send instead.
	ErrOutsideWindow = errors.New("outside the customer service window")
	// ErrOptedOut reports a message to an address that has opted out (for
	// example by texting STOP).
	ErrOptedOut = errors.New("recipient has opted out")
)
