package inbound

import (
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
