package foi

import (
	"fmt"
	"strings"
)

// Status is where a request stands, in Alaveteli's vocabulary (the values
// it stores in described_state) so that WhatDoTheyKnow threads and the
// council's own requests share one set of states.
type Status string

// Statuses a request can be put into.
const (
	StatusWaitingResponse      Status = "waiting_response"
	StatusWaitingClarification Status = "waiting_clarification"
	StatusSuccessful           Status = "successful"
	StatusPartiallySuccessful  Status = "partially_successful"
	StatusNotHeld              Status = "not_held"
	// StatusRejected is shown as "Refused"; Alaveteli keeps the old name.
	StatusRejected       Status = "rejected"
	StatusInternalReview Status = "internal_review"
	StatusUserWithdrawn  Status = "user_withdrawn"
	StatusVexatious      Status = "vexatious"
	StatusNotFOI         Status = "not_foi"

	// The remaining stored states occur on WhatDoTheyKnow but are not
	// steps in a council's own handling; ParseStatus reads them so that
	// imported disclosures keep their state.
	StatusGonePostal         Status = "gone_postal"
	StatusErrorMessage       Status = "error_message"
	StatusRequiresAdmin      Status = "requires_admin"
	StatusAttentionRequested Status = "attention_requested"
	// StatusWaitingClassification means a reply arrived and nobody has yet
	// said how it went ("Awaiting classification", "Needs status update").
	StatusWaitingClassification Status = "waiting_classification"
)

// Derived statuses are never stored: they are worked out from the due
// dates of a request that is StatusWaitingResponse.
const (
	// StatusOverdue ("Delayed") is past the statutory deadline.
	StatusOverdue Status = "waiting_response_overdue"
	// StatusVeryOverdue ("Long overdue") is past 40 working days.
	StatusVeryOverdue Status = "waiting_response_very_overdue"
)

// statusInfo holds each status's display string and its Alaveteli phase.
var statusInfo = map[Status]struct{ display, phase string }{
	StatusWaitingResponse:       {"Awaiting response", "awaiting_response"},
	StatusWaitingClarification:  {"Waiting clarification", "clarification_needed"},
	StatusSuccessful:            {"Successful", "complete"},
	StatusPartiallySuccessful:   {"Partially successful", "complete"},
	StatusNotHeld:               {"Information not held", "complete"},
	StatusRejected:              {"Refused", "complete"},
	StatusInternalReview:        {"Awaiting internal review", "other"},
	StatusUserWithdrawn:         {"Withdrawn by the requester", "complete"},
	StatusVexatious:             {"Vexatious", "other"},
	StatusNotFOI:                {"Not an FOI request", "other"},
	StatusGonePostal:            {"Handled by postal mail", "other"},
	StatusErrorMessage:          {"Delivery error", "other"},
	StatusRequiresAdmin:         {"Requires admin attention", "other"},
	StatusAttentionRequested:    {"Reported for administrator attention", "other"},
	StatusWaitingClassification: {"Awaiting classification", "response_received"},
	StatusOverdue:               {"Delayed", "overdue"},
	StatusVeryOverdue:           {"Long overdue", "very_overdue"},
}

// statusAliases maps other spellings seen on WhatDoTheyKnow and in council
// disclosure logs to a status.
var statusAliases = map[string]Status{
	"waiting response":           StatusWaitingResponse,
	"awaiting response":          StatusWaitingResponse,
	"open":                       StatusWaitingResponse,
	"awaiting clarification":     StatusWaitingClarification,
	"clarification needed":       StatusWaitingClarification,
	"released":                   StatusSuccessful,
	"released in full":           StatusSuccessful,
	"information released":       StatusSuccessful,
	"part released":              StatusPartiallySuccessful,
	"partially released":         StatusPartiallySuccessful,
	"released in part":           StatusPartiallySuccessful,
	"not held":                   StatusNotHeld,
	"information not held":       StatusNotHeld,
	"refused":                    StatusRejected,
	"withheld":                   StatusRejected,
	"fully withheld":             StatusRejected,
	"internal review":            StatusInternalReview,
	"awaiting internal review":   StatusInternalReview,
	"withdrawn":                  StatusUserWithdrawn,
	"withdrawn by the requester": StatusUserWithdrawn,
	"not an foi request":         StatusNotFOI,
	"needs status update":        StatusWaitingClassification,
	"awaiting classification":    StatusWaitingClassification,
	"reported":                   StatusAttentionRequested,
	"delayed":                    StatusOverdue,
	"overdue":                    StatusOverdue,
	"long overdue":               StatusVeryOverdue,
	"very overdue":               StatusVeryOverdue,
}

// Valid reports whether s is a known status, stored or derived.
func (s Status) Valid() bool {
	_, ok := statusInfo[s]
	return ok
}

// Derived reports whether s is only ever worked out from dates
// (StatusOverdue, StatusVeryOverdue) and so must not be stored.
func (s Status) Derived() bool { return s == StatusOverdue || s == StatusVeryOverdue }

// Display returns the words WhatDoTheyKnow shows for s, e.g. "Refused".
func (s Status) Display() string {
	if i, ok := statusInfo[s]; ok {
		return i.display
	}
	return string(s)
}

// Phase returns Alaveteli's filter phase for s: "complete",
// "awaiting_response", "clarification_needed", "overdue", "very_overdue",
// "response_received" or "other".
func (s Status) Phase() string {
	if i, ok := statusInfo[s]; ok {
		return i.phase
	}
	return "other"
}

// Responded reports whether s means the authority has given its answer
// (in full, in part, not held, or refused).
func (s Status) Responded() bool {
	switch s {
	case StatusSuccessful, StatusPartiallySuccessful, StatusNotHeld, StatusRejected, StatusVexatious:
		return true
	}
	return false
}

// ParseStatus reads a status from its machine value ("partially_successful")
// or a display string as WhatDoTheyKnow and disclosure logs write it
// ("Partially successful", "Information not held", "Refused", "Long
// overdue", "Withdrawn by the requester"). Case and punctuation are
// ignored. An unknown status gives ErrInvalid.
func ParseStatus(s string) (Status, error) {
	if st := Status(strings.TrimSpace(s)); st.Valid() {
		return st, nil
	}
	k := strings.ToLower(s)
	k = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '.', ',':
			return ' '
		}
		return r
	}, k)
	k = strings.Join(strings.Fields(k), " ")
	if st := Status(strings.ReplaceAll(k, " ", "_")); st.Valid() {
		return st, nil
	}
	if st, ok := statusAliases[k]; ok {
		return st, nil
	}
	for st, i := range statusInfo {
		if strings.EqualFold(i.display, k) {
			return st, nil
		}
	}
	return "", fmt.Errorf("status %q: %w", s, ErrInvalid)
}
