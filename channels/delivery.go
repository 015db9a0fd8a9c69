package channels

import (
	"context"
	"time"
)

// DeliveryState is a provider's word on where an outbound message is.
// The values are Twilio's MessageStatus words; WhatsApp's Cloud API uses
// the same ones for the states it reports.
type DeliveryState string

// Delivery states, in the order a message passes through them.
const (
	// DeliveryAccepted is the state Townhall records when the provider's
	// API accepts a message, before any report arrives.
	DeliveryAccepted    DeliveryState = "accepted"
	DeliveryQueued      DeliveryState = "queued"
	DeliverySending     DeliveryState = "sending"
	DeliverySent        DeliveryState = "sent" // handed to the carrier
	DeliveryDelivered   DeliveryState = "delivered"
	DeliveryUndelivered DeliveryState = "undelivered" // the carrier could not deliver it
	DeliveryFailed      DeliveryState = "failed"      // it never left the provider
	DeliveryRead        DeliveryState = "read"        // WhatsApp read receipt
)

// Rank orders states so that a late report cannot move a message
// backwards: providers do not promise to report in order, and "sent" may
// arrive after "delivered". Unknown states rank 0.
func (s DeliveryState) Rank() int {
	switch s {
	case DeliveryAccepted, DeliveryQueued, "scheduled":
		return 1
	case DeliverySending:
		return 2
	case DeliverySent:
		return 3
	case DeliveryDelivered, DeliveryUndelivered, DeliveryFailed:
		return 4
	case DeliveryRead:
		return 5
	}
	return 0
}

// Failed reports whether the message did not reach the resident.
func (s DeliveryState) Failed() bool { return s == DeliveryUndelivered || s == DeliveryFailed }

// Delivery is a provider's report on an outbound message, from a status
// callback.
type Delivery struct {
	// ProviderID is the id the provider gave the message when it was sent
	// (Twilio MessageSid, WhatsApp wamid).
	ProviderID string
	To         Identity
	State      DeliveryState
	// ErrorCode is the provider's error code for a failed message, as
	// sent ("30003").
	ErrorCode string
	// Err is set for a failed message: the provider's error, wrapping
	// ErrOutsideWindow, ErrOptedOut or ErrInvalid where it means that,
	// and with a Temporary() bool method saying whether sending again
	// later may succeed.
	Err error
	At  time.Time
}

// DeliveryHandler receives delivery reports from a status callback.
// HandleDelivery records the report and returns quickly. A report for a
// message the handler does not know is not an error. An error makes the
// callback report failure to the provider.
type DeliveryHandler interface {
	HandleDelivery(ctx context.Context, d Delivery) error
}

// Checker is an optional ability of a Sender: CheckSend returns, without
// sending anything, the error Send would fail with at once for m (no way
// to reach the channel, a recipient who has opted out). A caller that
// must record a message before it is sent (a staff reply saved in the
// transcript, then queued) asks first, so it records nothing Send would
// refuse.
type Checker interface {
	CheckSend(ctx context.Context, m Outbound) error
}
