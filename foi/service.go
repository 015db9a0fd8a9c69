package foi

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Service is the FOI desk: it takes requests in, keeps their statutory
// clocks, moves them through the workflow and reports timeliness. It
// holds no state of its own beyond its Store.
type Service struct {
	Store Store
	// Now is the clock; tests pin it.
	Now func() time.Time
	// Location is the council's time zone, which decides the day of
	// receipt (Europe/London for a UK council; the caller loads it, e.g.
	// with time/tzdata imported by cmd). nil means UTC.
	Location *time.Location
	// Nation is where the council is: it picks FOISA for new requests in
	// Scotland and FOIA elsewhere.
	Nation Nation
}

// NewService returns a Service for a council in nation.
func NewService(store Store, nation Nation, now func() time.Time) *Service {
	return &Service{Store: store, Now: now, Nation: nation}
}

func (s *Service) now() time.Time {
	loc := s.Location
	if loc == nil {
		loc = time.UTC
	}
	return s.Now().In(loc)
}

// Intake is what a requester (or an officer logging a letter) submits.
type Intake struct {
	Name        string
	Email       string
	Address     string
	Description string
	// Law is the regime; "" picks FOISA in Scotland and FOIA elsewhere.
	// Officers re-log environmental requests under the EIR/EISR.
	Law Law
	// Received is when a letter or email arrived, for requests logged
	// after the fact; zero means now.
	Received time.Time
	// Actor is who submitted it: "requester" for the public form, or
	// the officer who logged it.
	Actor string
}

// Acknowledgement is what the requester is told on submission.
type Acknowledgement struct {
	ID        int64
	Reference string
	Law       Law
	Received  time.Time
	Due       time.Time
}

// Text is the acknowledgement as a sentence for email, SMS or chat.
func (a Acknowledgement) Text() string {
	return fmt.Sprintf("We received your request on %s and logged it as %s under the %s. "+
		"We will reply by the end of %s (%d working days after the day we received it).",
		a.Received.Format("2 January 2006"), a.Reference, a.Law.Title(), a.Due.Format("Monday 2 January 2006"), ResponseDays)
}

// Submit validates an intake, computes its due date, stores it (the Store
// assigns the reference) and returns the acknowledgement. Form problems
// come back as ValidationErrors (errors.Is ErrInvalid).
func (s *Service) Submit(ctx context.Context, in Intake) (*Acknowledgement, error) {
	now := s.now()
	r := &Request{
		Name:        strings.TrimSpace(in.Name),
		Email:       strings.TrimSpace(in.Email),
		Address:     strings.TrimSpace(in.Address),
		Description: strings.TrimSpace(in.Description),
		Law:         in.Law,
		Nation:      s.Nation,
		Received:    now,
		Status:      StatusWaitingResponse,
	}
	if !in.Received.IsZero() {
		r.Received = in.Received.In(now.Location())
	}
	if r.Law == "" {
		r.Law = LawFOIA
		if s.Nation == NationScotland {
			r.Law = LawFOISA
		}
	}
	if err := r.ValidateAt(now); err != nil {
		return nil, err
	}
	r.Due = DueDate(r.Received, r.Law, r.Nation, DeadlineOptions{})
	actor := in.Actor
	if actor == "" {
		actor = "requester"
	}
	r.Events = []Event{{At: now, Actor: actor, To: StatusWaitingResponse, Note: "request received"}}
	if err := s.Store.CreateRequest(ctx, r); err != nil {
		return nil, fmt.Errorf("submit: %w", err)
	}
	return &Acknowledgement{ID: r.ID, Reference: r.Reference, Law: r.Law, Received: r.Received, Due: r.Due}, nil
}

// Request returns a request by id.
func (s *Service) Request(ctx context.Context, id int64) (*Request, error) {
	return s.Store.FindRequestByID(ctx, id)
}

// Transition moves request id to status to (see Request.Transition),
// recording actor and note, and saves it. It returns ErrConflict when
// the move is not allowed or another officer changed the status first.
func (s *Service) Transition(ctx context.Context, id int64, to Status, actor, note string) (*Request, error) {
	r, err := s.Store.FindRequestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	from, nEvents := r.Status, len(r.Events)
	if err := r.Transition(to, s.now(), actor); err != nil {
		return nil, err
	}
	r.Events[len(r.Events)-1].Note = note
	return s.Store.UpdateRequest(ctx, id, RequestUpdate{
		ExpectStatus:    &from,
		Status:          &r.Status,
		Due:             &r.Due,
		Responded:       &r.Responded,
		ReviewRequested: &r.ReviewRequested,
		ReviewResponded: &r.ReviewResponded,
		Clarifications:  nonNil(r.Clarifications),
		AppendEvents:    r.Events[nEvents:],
	})
}

// Extend lengthens request id's deadline to days working days in all
// (see Request.Extend).
func (s *Service) Extend(ctx context.Context, id int64, days int, actor, note string) (*Request, error) {
	r, err := s.Store.FindRequestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	from, nEvents := r.Status, len(r.Events)
	if err := r.Extend(days, s.now(), actor); err != nil {
		return nil, err
	}
	if note != "" {
		r.Events[len(r.Events)-1].Note += ": " + note
	}
	return s.Store.UpdateRequest(ctx, id, RequestUpdate{
		ExpectStatus: &from, ExtendedTo: &r.ExtendedTo, Due: &r.Due, AppendEvents: r.Events[nEvents:],
	})
}

// Assign gives request id to an officer ("" to unassign).
func (s *Service) Assign(ctx context.Context, id int64, assignee, actor string) (*Request, error) {
	r := &Request{Assignee: assignee}
	var es ValidationErrors
	checkText(func(f, m string) { es = append(es, ValidationError{f, m}) }, "Assignee", r.Assignee, MaxAssigneeLen, false)
	if len(es) > 0 {
		return nil, es
	}
	cur, err := s.Store.FindRequestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	note := "assigned to " + assignee
	if assignee == "" {
		note = "unassigned"
	}
	return s.Store.UpdateRequest(ctx, id, RequestUpdate{
		Assignee:     &assignee,
		AppendEvents: []Event{{At: s.now(), Actor: actor, From: cur.Status, To: cur.Status, Note: note}},
	})
}

// Overdue returns the requests waiting for a response after their due
// day, oldest due first.
func (s *Service) Overdue(ctx context.Context) ([]*Request, error) {
	now := s.now()
	rs, _, err := s.Store.FindRequests(ctx, RequestFilter{
		Status:    []Status{StatusWaitingResponse},
		DueBefore: civilDay(now),
	})
	if err != nil {
		return nil, err
	}
	var out []*Request
	for _, r := range rs {
		if r.Overdue(now) {
			out = append(out, r)
		}
	}
	for i := 1; i < len(out); i++ { // insertion sort by Due: lists are short
		for j := i; j > 0 && out[j].Due.Before(out[j-1].Due); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out, nil
}

// Stats returns timeliness figures for the requests matching f (paging
// is ignored).
func (s *Service) Stats(ctx context.Context, f RequestFilter) (Stats, error) {
	f.Offset, f.Limit = 0, 0
	rs, _, err := s.Store.FindRequests(ctx, f)
	if err != nil {
		return Stats{}, err
	}
	return OnTimeStats(rs, s.now()), nil
}

// Publish redacts disclosures (Prepare with opts and the rules that
// apply to each) and stores them, all or none. When the Store is also a
// Publisher, the drafts and the audit trail are stored with them;
// otherwise only the published text is. It returns the audit trail,
// which holds the removed text and must be kept away from the public.
func (s *Service) Publish(ctx context.Context, ds []*Disclosure, opts DetectOptions, rules []Rule) ([]AuditEntry, error) {
	pubs := make([]Publication, 0, len(ds))
	var audit []AuditEntry
	for _, d := range ds {
		p, err := Prepare(d, opts, rules)
		if err != nil {
			return nil, fmt.Errorf("publish %s: %w", d.ID, err)
		}
		pubs = append(pubs, p)
		audit = append(audit, p.Audit...)
	}
	if pub, ok := s.Store.(Publisher); ok {
		if err := pub.PublishDisclosures(ctx, pubs); err != nil {
			return nil, fmt.Errorf("publish: %w", err)
		}
		return audit, nil
	}
	out := make([]*Disclosure, len(pubs))
	for i, p := range pubs {
		out[i] = p.Published
	}
	if err := s.Store.PutDisclosures(ctx, out); err != nil {
		return nil, fmt.Errorf("publish: %w", err)
	}
	return audit, nil
}

func nonNil(cs []Clarification) []Clarification {
	if cs == nil {
		return []Clarification{}
	}
	return cs
}
