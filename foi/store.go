package foi

import (
	"context"
	"strings"
	"time"
)

// RequestStore keeps FOI requests. Each method is one transaction.
type RequestStore interface {
	// FindRequestByID returns the request, or an error wrapping
	// ErrNotFound.
	FindRequestByID(ctx context.Context, id int64) (*Request, error)
	// FindRequests returns the requests matching f, ordered by Received
	// newest first then ID descending, paged by f.Offset and f.Limit, and
	// the total number matching before paging.
	FindRequests(ctx context.Context, f RequestFilter) ([]*Request, int, error)
	// CreateRequest stores r and sets r.ID. When r.Reference is empty it
	// assigns the next reference for ReferencePrefix(r.Law) and the year
	// of r.Received (FormatReference; sequences start at 1 and never
	// repeat, even under concurrent calls). A reference already in use
	// gives ErrConflict.
	CreateRequest(ctx context.Context, r *Request) error
	// UpdateRequest applies u to request id and returns the result. It
	// returns ErrNotFound for an unknown id and ErrConflict when
	// u.ExpectStatus is set and differs from the stored status (nothing is
	// changed then).
	UpdateRequest(ctx context.Context, id int64, u RequestUpdate) (*Request, error)
}

// DisclosureStore keeps the published disclosure log. Each method is one
// transaction.
type DisclosureStore interface {
	// FindDisclosureByID returns the disclosure, or an error wrapping
	// ErrNotFound.
	FindDisclosureByID(ctx context.Context, id string) (*Disclosure, error)
	// FindDisclosures returns the disclosures matching f (see
	// DisclosureFilter.Match for the semantics and order), paged, and the
	// total number matching before paging.
	FindDisclosures(ctx context.Context, f DisclosureFilter) ([]*Disclosure, int, error)
	// PutDisclosures inserts or replaces disclosures by ID, all or none.
	// An empty ID gives ErrInvalid.
	PutDisclosures(ctx context.Context, ds []*Disclosure) error
}

// Store is everything the Service needs.
type Store interface {
	RequestStore
	DisclosureStore
}

// RequestFilter selects requests. Zero fields do not filter.
type RequestFilter struct {
	ID        int64
	Reference string
	Status    []Status // stored status, any of
	Law       Law
	Assignee  *string // "" selects unassigned requests
	Email     string  // exact, case-insensitive
	// ReceivedFrom and ReceivedTo bound Received: From inclusive, To
	// exclusive.
	ReceivedFrom, ReceivedTo time.Time
	// DueBefore selects requests with a due date before it (and not zero).
	DueBefore time.Time
	Offset    int
	Limit     int // 0 means no limit
}

// Match reports whether r passes every field of f except paging. Stores
// without a query language can use it; SQL stores must agree with it.
func (f RequestFilter) Match(r *Request) bool {
	if f.ID != 0 && r.ID != f.ID {
		return false
	}
	if f.Reference != "" && !strings.EqualFold(r.Reference, f.Reference) {
		return false
	}
	if len(f.Status) > 0 && !containsStatus(f.Status, r.Status) {
		return false
	}
	if f.Law != "" && r.Law != f.Law {
		return false
	}
	if f.Assignee != nil && r.Assignee != *f.Assignee {
		return false
	}
	if f.Email != "" && !strings.EqualFold(r.Email, f.Email) {
		return false
	}
	if !f.ReceivedFrom.IsZero() && r.Received.Before(f.ReceivedFrom) {
		return false
	}
	if !f.ReceivedTo.IsZero() && !r.Received.Before(f.ReceivedTo) {
		return false
	}
	if !f.DueBefore.IsZero() && (r.Due.IsZero() || !r.Due.Before(f.DueBefore)) {
		return false
	}
	return true
}

// RequestUpdate changes some fields of a stored request. Nil pointers
// leave a field alone.
type RequestUpdate struct {
	// ExpectStatus makes the update conditional: it fails with
	// ErrConflict unless the stored status equals it. The Service sets it
	// so that two officers cannot both move a request from one state.
	ExpectStatus *Status

	Status          *Status
	Law             *Law
	Assignee        *string
	Due             *time.Time
	ExtendedTo      *int
	Responded       *time.Time
	ReviewRequested *time.Time
	ReviewResponded *time.Time
	// Clarifications, when non-nil, replaces the whole list.
	Clarifications []Clarification
	// AppendEvents are added to the end of the history.
	AppendEvents []Event
}

// Apply applies u to r in memory (ExpectStatus is not checked). Stores
// without a query language can use it.
func (u RequestUpdate) Apply(r *Request) {
	if u.Status != nil {
		r.Status = *u.Status
	}
	if u.Law != nil {
		r.Law = *u.Law
	}
	if u.Assignee != nil {
		r.Assignee = *u.Assignee
	}
	if u.Due != nil {
		r.Due = *u.Due
	}
	if u.ExtendedTo != nil {
		r.ExtendedTo = *u.ExtendedTo
	}
	if u.Responded != nil {
		r.Responded = *u.Responded
	}
	if u.ReviewRequested != nil {
		r.ReviewRequested = *u.ReviewRequested
	}
	if u.ReviewResponded != nil {
		r.ReviewResponded = *u.ReviewResponded
	}
	if u.Clarifications != nil {
		r.Clarifications = append([]Clarification(nil), u.Clarifications...)
	}
	r.Events = append(r.Events, u.AppendEvents...)
}

// Clone returns a deep copy of r, so that stores never share slices with
// callers.
func (r *Request) Clone() *Request {
	c := *r
	c.Events = append([]Event(nil), r.Events...)
	c.Clarifications = append([]Clarification(nil), r.Clarifications...)
	return &c
}

// Clone returns a deep copy of d.
func (d *Disclosure) Clone() *Disclosure {
	c := *d
	c.Exemptions = append([]Exemption(nil), d.Exemptions...)
	c.Attachments = append([]Attachment(nil), d.Attachments...)
	c.Sources = append([]string(nil), d.Sources...)
	return &c
}
