package foi

import (
	"errors"
	"testing"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		want Status
	}{
		{"waiting_response", StatusWaitingResponse},
		{"Awaiting response", StatusWaitingResponse},
		{"Waiting clarification", StatusWaitingClarification},
		{"Successful", StatusSuccessful},
		{"Partially successful", StatusPartiallySuccessful},
		{"partially-successful", StatusPartiallySuccessful},
		{"Information not held", StatusNotHeld},
		{"Refused", StatusRejected},
		{"rejected", StatusRejected},
		{"Awaiting internal review", StatusInternalReview},
		{"Withdrawn by the requester", StatusUserWithdrawn},
		{"Withdrawn", StatusUserWithdrawn},
		{"Long overdue", StatusVeryOverdue},
		{"Delayed", StatusOverdue},
		{"waiting_response_overdue", StatusOverdue},
		{"Awaiting classification", StatusWaitingClassification},
		{"Reported for administrator attention", StatusAttentionRequested},
		{"Handled by postal mail", StatusGonePostal},
		{"Not an FOI request", StatusNotFOI},
		{"  SUCCESSFUL  ", StatusSuccessful},
		{"Released in part", StatusPartiallySuccessful},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseStatus(tt.in)
			if err != nil || got != tt.want {
				t.Errorf("ParseStatus(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
	if _, err := ParseStatus("on fire"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseStatus(on fire) error = %v, want ErrInvalid", err)
	}
}

// TestStatusRoundTrip checks every status's display string parses back.
func TestStatusRoundTrip(t *testing.T) {
	for s := range statusInfo {
		got, err := ParseStatus(s.Display())
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", s.Display(), got, err, s)
		}
	}
}

func TestStatusPhase(t *testing.T) {
	tests := map[Status]string{
		StatusSuccessful: "complete", StatusUserWithdrawn: "complete", StatusWaitingClarification: "clarification_needed",
		StatusOverdue: "overdue", StatusVeryOverdue: "very_overdue", StatusInternalReview: "other",
		StatusWaitingResponse: "awaiting_response",
	}
	for s, want := range tests {
		if got := s.Phase(); got != want {
			t.Errorf("%s.Phase() = %q, want %q", s, got, want)
		}
	}
}

func TestParseLaw(t *testing.T) {
	tests := []struct {
		in   string
		want Law
	}{
		{"foi", LawFOIA}, {"FOIA", LawFOIA}, {"Freedom of Information Act 2000", LawFOIA},
		{"FOI(S)A", LawFOISA}, {"foisa", LawFOISA}, {"Freedom of Information (Scotland) Act 2002", LawFOISA},
		{"eir", LawEIR}, {"Environmental Information Regulations 2004", LawEIR},
		{"EISR", LawEISR}, {"Environmental Information (Scotland) Regulations 2004", LawEISR},
	}
	for _, tt := range tests {
		if got, err := ParseLaw(tt.in); err != nil || got != tt.want {
			t.Errorf("ParseLaw(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := ParseLaw("data protection"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseLaw(data protection) error = %v, want ErrInvalid", err)
	}
	if !LawEISR.Scottish() || !LawEISR.Environmental() || LawFOIA.Scottish() || LawFOISA.Environmental() {
		t.Error("Scottish/Environmental flags wrong")
	}
}
