package inbound

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/townhall-civic/townhall/channels"
)

// JobInfo describes a stored job, as a store's operator views
// (FindJobs, FindJobsBy) report it to `townhall messaging` and tests.
type JobInfo struct {
	Kind           Kind
	ID             int64
	Resident       string
	ConversationID string // inbound jobs
	ProviderID     string // inbound: the message's id; outbound: the sent message's id
	Source         Source
	State          State
	Attempts       int
	LastError      string
	Message        string // the stored JSON
	// Delivery and DeliveryError are the provider's latest report on an
	// outbound job's latest send ("" before any).
	Delivery      channels.DeliveryState
	DeliveryError string
	Created       time.Time
	Updated       time.Time
}

// JobFilter selects jobs for a store's FindJobsBy.
type JobFilter struct {
	// States keeps jobs in one of these states; none means all.
	States []State
	// ID, if not 0, keeps only that job.
	ID int64
}

// DeliveryRecord is one provider report on a sent message, as a store's
// FindDeliveries returns it.
type DeliveryRecord struct {
	ProviderID string
	Status     channels.DeliveryState
	ErrorCode  string
	Updated    time.Time
}

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
