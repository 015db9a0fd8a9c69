package assistant

import (
	"context"
	"time"
)

// MaxMessageBytes bounds a resident message; longer ones are refused with
// ErrTooLarge before any processing.
const MaxMessageBytes = 4096

// Request is one resident message to the assistant.
type Request struct {
	ConversationID string // empty starts a new conversation
	Channel        Channel
	Resident       string // channel identity key
	Needs          *Needs // set when the channel learned something new
	Text           string
	Location       *Location // a shared location (WhatsApp), if any
}

// Location is a place a resident gave us.
type Location struct {
	Lat, Lon float64
	Address  string
	Postcode string
}

// ServiceRequest is a report a resident asks the council to act on.
type ServiceRequest struct {
	Reference      string // e.g. "TV-PH-2026-000123"; set when logged
	Service        string // pothole, missed_bin, fly_tipping, street_light, graffiti, noise
	Location       Location
	Description    string
	Answers        map[string]string // the service's own questions, by key
	Contact        string            // how to reach the resident, if given
	Channel        Channel
	ConversationID string
	Status         string // open, ...
	Created        time.Time
	// Confirmed is set once the resident agreed to submit.
	Confirmed bool
	// Asked is what the assistant last asked for while collecting the
	// request (a Slot* constant or a question key; "" before the first
	// question), so the next reply is read as the answer to it.
	Asked string
}

// ServiceRequests stores service requests durably. CreateServiceRequest
// returns only once the request is committed, so an acknowledged request
// is never lost.
type ServiceRequests interface {
	CreateServiceRequest(ctx context.Context, r *ServiceRequest) error
	FindServiceRequestByReference(ctx context.Context, ref string) (*ServiceRequest, error)
}

// Handoff is a conversation waiting for a member of staff.
type Handoff struct {
	ConversationID string
	Channel        Channel
	Resident       string
	Reason         string // explicit request, repeated failures, frustration, ...
	Transcript     []Turn
	OutOfHours     bool
	At             time.Time
}

// HandoffQueue is where hand-offs wait for staff. The channels issue
// serves it to the staff console.
type HandoffQueue interface {
	EnqueueHandoff(ctx context.Context, h Handoff) error
}
