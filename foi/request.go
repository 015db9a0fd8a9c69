package foi

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Request is an FOI or EIR request made to the council and handled
// through the portal: the intake record, its statutory clock and its
// history. Text fields hold what the requester typed, unchanged: HTML or
// script in them is inert data, and every renderer must escape it.
type Request struct {
	ID int64 // assigned by the Store
	// Reference is the council's reference, e.g. "FOI-2026-00042",
	// assigned by the Store from a per-year sequence (see FormatReference).
	Reference string

	// What FOIA s.8(1) requires of a valid request: in writing, the
	// applicant's name, an address for correspondence (email or postal)
	// and a description of the information.
	Name        string
	Email       string // correspondence by email, or
	Address     string // a postal address
	Description string

	Law    Law
	Nation Nation // the council's nation; see CalendarFor

	Received time.Time // when the request arrived; a clarification's receipt is in Clarifications
	Due      time.Time // a date (midnight UTC): due by the end of that day; zero while waiting for clarification
	// ExtendedTo is the extended limit in working days (EIR reg 7, FOIA
	// s.10(3)); 0 when not extended.
	ExtendedTo int

	Status   Status
	Assignee string // officer handling it; "" when unassigned

	Responded       time.Time // first substantive response; zero until then
	ReviewRequested time.Time // latest request for internal review
	ReviewResponded time.Time // latest review outcome

	Events         []Event
	Clarifications []Clarification
}

// Event is one step in a request's history.
type Event struct {
	At    time.Time
	Actor string // who did it: an officer's id, "requester", "system"
	From  Status // "" for the first event
	To    Status
	Note  string
}

// Clarification is one question the council asked the requester (FOIA
// s.1(3)) and when the answer came.
type Clarification struct {
	Requested time.Time
	Received  time.Time // zero while unanswered
	Question  string
	Answer    string
}

// Field limits for intake.
const (
	MaxNameLen        = 200
	MaxEmailLen       = 254 // RFC 5321 path limit
	MaxAddressLen     = 1000
	MaxDescriptionLen = 20000
	MaxAssigneeLen    = 200
)

// ReferencePrefix is "EIR" for the environmental regimes and "FOI"
// otherwise.
func ReferencePrefix(l Law) string {
	if l.Environmental() {
		return "EIR"
	}
	return "FOI"
}

// FormatReference returns a request reference such as "FOI-2026-00042":
// prefix, year of receipt and a sequence number that restarts each year
// for each prefix. Stores use it when they assign references.
func FormatReference(prefix string, year int, seq int64) string {
	return fmt.Sprintf("%s-%04d-%05d", prefix, year, seq)
}

var referenceRE = regexp.MustCompile(`^(FOI|EIR)-(\d{4})-(\d{5,})$`)

// ParseReference splits a reference made by FormatReference. It returns
// ErrInvalid for anything else.
func ParseReference(ref string) (prefix string, year int, seq int64, err error) {
	m := referenceRE.FindStringSubmatch(ref)
	if m == nil {
		return "", 0, 0, fmt.Errorf("reference %q: %w", ref, ErrInvalid)
	}
	year, _ = strconv.Atoi(m[2])
	seq, _ = strconv.ParseInt(m[3], 10, 64)
	return m[1], year, seq, nil
}

// transitions lists the moves a council officer may make. Closed states
// lead only to internal review; a withdrawn request, or one that is not an
// FOI request at all, is final.
var transitions = map[Status][]Status{
	StatusWaitingResponse: {StatusWaitingClarification, StatusSuccessful, StatusPartiallySuccessful,
		StatusNotHeld, StatusRejected, StatusVexatious, StatusNotFOI, StatusUserWithdrawn},
	StatusWaitingClarification: {StatusWaitingResponse, StatusUserWithdrawn, StatusNotFOI},
	StatusSuccessful:           {StatusInternalReview},
	StatusPartiallySuccessful:  {StatusInternalReview},
	StatusNotHeld:              {StatusInternalReview},
	StatusRejected:             {StatusInternalReview},
	StatusVexatious:            {StatusInternalReview},
	StatusInternalReview: {StatusSuccessful, StatusPartiallySuccessful, StatusNotHeld,
		StatusRejected, StatusVexatious, StatusUserWithdrawn},
	StatusUserWithdrawn: nil,
	StatusNotFOI:        nil,
}

// CanTransition reports whether a request in status from may move to to.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Transition moves the request to status to at now, by actor, and updates
// the clock:
//
//   - to StatusWaitingClarification: opens a Clarification and clears Due
//     (the clock stops);
//   - from StatusWaitingClarification to StatusWaitingResponse: records
//     the clarification's receipt and recomputes Due from it (the clock
//     restarts: FOIA s.10(6)(b));
//   - to a response (successful, partially successful, not held, refused,
//     vexatious): sets Responded the first time, or ReviewResponded when
//     answering an internal review;
//   - to StatusInternalReview: sets ReviewRequested.
//
// It returns ErrInvalid for a status that is derived or not part of a
// council's workflow, and ErrConflict for a move the workflow forbids
// (e.g. anything out of StatusUserWithdrawn, or to the current status).
func (r *Request) Transition(to Status, now time.Time, actor string) error {
	if _, ok := transitions[to]; !ok {
		return fmt.Errorf("status %q is not a workflow status: %w", to, ErrInvalid)
	}
	from := r.Status
	if !CanTransition(from, to) {
		return fmt.Errorf("request %s: %s to %s: %w", r.Reference, from, to, ErrConflict)
	}
	switch {
	case to == StatusWaitingClarification:
		r.Clarifications = append(r.Clarifications, Clarification{Requested: now})
		r.Due = time.Time{}
	case from == StatusWaitingClarification && to == StatusWaitingResponse:
		if n := len(r.Clarifications); n > 0 && r.Clarifications[n-1].Received.IsZero() {
			r.Clarifications[n-1].Received = now
		}
	case to.Responded() && from == StatusInternalReview:
		r.ReviewResponded = now
	case to.Responded():
		if r.Responded.IsZero() {
			r.Responded = now
		}
	case to == StatusInternalReview:
		r.ReviewRequested = now
	}
	r.Status = to
	if to == StatusWaitingResponse {
		if st, err := r.Clock().State(); err == nil {
			r.Due = st.Due
		}
	}
	r.Events = append(r.Events, Event{At: now, Actor: actor, From: from, To: to})
	return nil
}

// Extend lengthens the deadline to days working days in all: EIR and
// EISR reg 7 (complex and voluminous, at most 40), or the FOIA s.10(3)
// public-interest extension (the ICO's reasonable maximum is also 40).
// FOISA has no extension. It returns ErrConflict unless the request is
// waiting for a response, and ErrInvalid for a disallowed limit.
func (r *Request) Extend(days int, now time.Time, actor string) error {
	if r.Status != StatusWaitingResponse {
		return fmt.Errorf("request %s: extend while %s: %w", r.Reference, r.Status, ErrConflict)
	}
	old := r.ExtendedTo
	r.ExtendedTo = days
	st, err := r.Clock().State()
	if err != nil {
		r.ExtendedTo = old
		return err
	}
	r.Due = st.Due
	r.Events = append(r.Events, Event{At: now, Actor: actor, From: r.Status, To: r.Status,
		Note: fmt.Sprintf("deadline extended to %d working days", days)})
	return nil
}

// Clock returns the request's statutory clock: receipt, each
// clarification and any extension.
func (r *Request) Clock() Clock {
	c := Clock{Law: r.Law, Nation: r.Nation}
	c.Events = append(c.Events, ClockEvent{Kind: ClockReceived, At: r.Received})
	for _, cl := range r.Clarifications {
		c.Events = append(c.Events, ClockEvent{Kind: ClockClarificationRequested, At: cl.Requested})
		if !cl.Received.IsZero() {
			c.Events = append(c.Events, ClockEvent{Kind: ClockClarificationReceived, At: cl.Received})
		}
	}
	if r.ExtendedTo > 0 {
		// An extension is decided while the clock runs; placing it just
		// after receipt makes it apply to the running period.
		c.Events = append(c.Events, ClockEvent{Kind: ClockExtended, At: r.Received, Days: r.ExtendedTo})
	}
	return c
}

// DisplayStatus returns the status to show at now: StatusOverdue or
// StatusVeryOverdue for a request still waiting for a response past its
// due dates, otherwise Status.
func (r *Request) DisplayStatus(now time.Time) Status {
	if r.Status != StatusWaitingResponse || r.Due.IsZero() {
		return r.Status
	}
	if st, err := r.Clock().State(); err == nil && st.Running && dayAfter(now, st.VeryOverdue) {
		return StatusVeryOverdue
	}
	if dayAfter(now, r.Due) {
		return StatusOverdue
	}
	return r.Status
}

// Overdue reports whether the request is waiting for a response after the
// end of its due day.
func (r *Request) Overdue(now time.Time) bool {
	s := r.DisplayStatus(now)
	return s == StatusOverdue || s == StatusVeryOverdue
}
