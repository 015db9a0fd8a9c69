package inbound

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// Kind says what a job does.
type Kind string

// Job kinds.
const (
	// KindInbound answers a resident's message.
	KindInbound Kind = "inbound"
	// KindOutbound sends one message to a resident.
	KindOutbound Kind = "outbound"
)

// State is where a job is in its life.
type State string

// Job states. Queued and leased jobs are pending; the others are final,
// except that a held job is queued again when its resident writes.
const (
	StateQueued  State = "queued"
	StateLeased  State = "leased"
	StateDone    State = "done"
	StateHeld    State = "held"    // outbound: waiting for the WhatsApp window to reopen
	StateDropped State = "dropped" // not sent on purpose (the resident opted out)
	StateDead    State = "dead"    // failed for good; kept for an operator
)

// Source says who wrote an outbound message.
type Source string

// Outbound sources.
const (
	SourceAnswer Source = "answer" // the assistant's answer to an inbound job
	SourceStaff  Source = "staff"  // a reply typed in the staff console
	// SourceKeyword is the confirmation of STOP, START or HELP. It is sent
	// even to a resident who has just opted out.
	SourceKeyword Source = "keyword"
)

// Lease identifies one attempt at a job. Finishing with a lease whose
// attempt is no longer the job's latest (its lease expired and another
// worker took the job) fails with ErrLeaseLost.
type Lease struct {
	Kind    Kind
	ID      int64
	Attempt int
}

// Job is a leased unit of work.
type Job struct {
	Lease
	// Resident is the identity key the job belongs to ("sms:+44…").
	Resident string
	// ConversationID is the conversation an inbound message belongs to,
	// chosen when it was queued (see the store's conversation rule).
	ConversationID string
	// Inbound is set for KindInbound, Outbound and Source for KindOutbound.
	Inbound  *channels.Inbound
	Outbound *channels.Outbound
	Source   Source
	Created  time.Time
}

// Result is how a job attempt ended.
type Result struct {
	// State is StateDone, StateHeld, StateDropped or StateDead to finish
	// the job, or StateQueued to retry it at NotBefore.
	State     State
	NotBefore time.Time
	// Error is the failure, kept on the job for operators.
	Error string
	// ProviderID is the provider's id of a sent message.
	ProviderID string
	// Replies are queued as outbound jobs in the same transaction that
	// finishes an inbound job, so an answer computed is never lost.
	Replies []Reply
}

// Reply is an outbound message to queue.
type Reply struct {
	Message channels.Outbound
	Source  Source
}

// Store keeps jobs durably. Each method is one transaction.
type Store interface {
	// EnqueueInbound stores a resident's message. A message whose
	// ProviderID is already stored is not stored again: created is false
	// and err nil. It also records the resident's WhatsApp window and
	// queues again any answers held for them.
	EnqueueInbound(ctx context.Context, m channels.Inbound) (created bool, err error)
	// EnqueueOutbound stores a message to send.
	EnqueueOutbound(ctx context.Context, r Reply) error
	// Claim leases the oldest due job of kind whose resident has no
	// earlier pending job, until now+lease. It returns ErrEmpty when there
	// is none. A leased job whose lease has expired is due again.
	Claim(ctx context.Context, kind Kind, now time.Time, lease time.Duration) (*Job, error)
	// Finish records the end of an attempt. It returns an error wrapping
	// ErrLeaseLost when l is no longer the job's current lease.
	Finish(ctx context.Context, l Lease, r Result) error
}

// Errors.
var (
	// ErrEmpty reports that no job is due.
	ErrEmpty = errors.New("no job due")
	// ErrLeaseLost reports a lease that expired and was taken over.
	ErrLeaseLost = errors.New("lease lost")
)

// NewJob is a claimed job as a store rebuilds it from its columns: the
// lease, who it is for, and the message decoded from its stored JSON
// (channels.Inbound for inbound jobs, channels.Outbound for outbound).
func NewJob(lease Lease, resident, conversationID string, source Source, body []byte, created time.Time) (*Job, error) {
	j := &Job{Lease: lease, Resident: resident, ConversationID: conversationID, Source: source, Created: created}
	if lease.Kind == KindInbound {
		j.Inbound = &channels.Inbound{}
		return j, json.Unmarshal(body, j.Inbound)
	}
	j.Outbound = &channels.Outbound{}
	return j, json.Unmarshal(body, j.Outbound)
}

// CheckFinish reports whether a job of kind may be finished with r's
// state: queued (again), done, dropped or dead, and held for outbound
// jobs only. Other states wrap channels.ErrInvalid.
func CheckFinish(kind Kind, r Result) error {
	switch r.State {
	case StateQueued, StateDone, StateDropped, StateDead:
		return nil
	case StateHeld:
		if kind != KindOutbound {
			return fmt.Errorf("only outbound jobs are held: %w", channels.ErrInvalid)
		}
		return nil
	}
	return fmt.Errorf("finish in state %q: %w", r.State, channels.ErrInvalid)
}
