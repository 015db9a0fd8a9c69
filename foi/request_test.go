package foi

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func validRequest() *Request {
	return &Request{
		Name:        "Jane Doe",
		Email:       "jane@example.org",
		Description: "Please send the 2025 pothole repair budget.",
		Law:         LawFOIA,
		Nation:      NationEnglandWales,
		Received:    d("2026-01-05"),
		Due:         d("2026-02-02"),
		Status:      StatusWaitingResponse,
	}
}

func TestValidate(t *testing.T) {
	now := d("2026-01-06")
	tests := []struct {
		name   string
		edit   func(r *Request)
		fields []string // fields with errors; nil means valid
	}{
		{"valid", func(r *Request) {}, nil},
		{"postal address instead of email", func(r *Request) { r.Email = ""; r.Address = "10 Mill Lane\nAldermoor\nTV1 2AB" }, nil},
		{"HTML is kept as text", func(r *Request) { r.Description = `<script>alert("x")</script> & <b>budget</b>` }, nil},
		{"tabs and newlines in description", func(r *Request) { r.Description = "Part 1:\n\tbudget\r\nPart 2" }, nil},
		{"no name", func(r *Request) { r.Name = "  " }, []string{"Name"}},
		{"name without letters", func(r *Request) { r.Name = "12345" }, []string{"Name"}},
		{"newline in name", func(r *Request) { r.Name = "Jane\nDoe" }, []string{"Name"}},
		{"no address at all", func(r *Request) { r.Email = ""; r.Address = "" }, []string{"Email"}},
		{"bad email", func(r *Request) { r.Email = "jane at example" }, []string{"Email"}},
		{"email with angle brackets", func(r *Request) { r.Email = "<jane@example.org>" }, []string{"Email"}},
		{"no description", func(r *Request) { r.Description = "" }, []string{"Description"}},
		{"control character", func(r *Request) { r.Description = "budget\x00" }, []string{"Description"}},
		{"bidi override", func(r *Request) { r.Description = "budget \u202Egnp.exe" }, []string{"Description"}},
		{"invalid UTF-8", func(r *Request) { r.Description = "budget \xff" }, []string{"Description"}},
		{"over-long description", func(r *Request) { r.Description = strings.Repeat("a", MaxDescriptionLen+1) }, []string{"Description"}},
		{"over-long name", func(r *Request) { r.Name = strings.Repeat("a", MaxNameLen+1) }, []string{"Name"}},
		{"unknown law", func(r *Request) { r.Law = "gdpr" }, []string{"Law"}},
		{"unknown nation", func(r *Request) { r.Nation = "wessex" }, []string{"Nation"}},
		{"derived status", func(r *Request) { r.Status = StatusOverdue }, []string{"Status"}},
		{"no receipt date", func(r *Request) { r.Received = time.Time{} }, []string{"Received"}},
		{"received in the future", func(r *Request) { r.Received = d("2026-01-07"); r.Due = d("2026-02-04") }, []string{"Received"}},
		{"before FOIA", func(r *Request) { r.Received = d("2004-06-01"); r.Due = time.Time{} }, []string{"Received"}},
		{"due before received", func(r *Request) { r.Due = d("2026-01-04") }, []string{"Due"}},
		{"responded before received", func(r *Request) { r.Responded = d("2026-01-01") }, []string{"Responded"}},
		{"bad reference", func(r *Request) { r.Reference = "42" }, []string{"Reference"}},
		{"bad extension", func(r *Request) { r.ExtendedTo = 60 }, []string{"ExtendedTo"}},
		{"several problems", func(r *Request) { r.Name = ""; r.Email = ""; r.Description = "" }, []string{"Name", "Email", "Description"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validRequest()
			tt.edit(r)
			err := r.ValidateAt(now)
			if tt.fields == nil {
				if err != nil {
					t.Fatalf("ValidateAt() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ValidateAt() = %v, want ErrInvalid", err)
			}
			var ves ValidationErrors
			if !errors.As(err, &ves) {
				t.Fatalf("ValidateAt() = %T, want ValidationErrors", err)
			}
			var got []string
			for _, ve := range ves {
				got = append(got, ve.Field)
				if ve.Message == "" {
					t.Errorf("%s: empty message", ve.Field)
				}
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
	// Validate without a clock does not know about the future.
	r := validRequest()
	r.Received, r.Due = d("2099-01-05"), d("2099-02-02")
	if err := r.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestReference(t *testing.T) {
	if got := FormatReference("FOI", 2026, 42); got != "FOI-2026-00042" {
		t.Errorf("FormatReference = %q, want FOI-2026-00042", got)
	}
	p, y, n, err := ParseReference("EIR-2025-00007")
	if err != nil || p != "EIR" || y != 2025 || n != 7 {
		t.Errorf("ParseReference = %q %d %d %v", p, y, n, err)
	}
	for _, bad := range []string{"FOI-26-1", "XYZ-2026-00001", "FOI-2026-0001", ""} {
		if _, _, _, err := ParseReference(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseReference(%q) error = %v, want ErrInvalid", bad, err)
		}
	}
	if ReferencePrefix(LawEISR) != "EIR" || ReferencePrefix(LawFOISA) != "FOI" {
		t.Error("ReferencePrefix wrong")
	}
}

func TestTransitionRules(t *testing.T) {
	tests := []struct {
		from, to Status
		err      error
	}{
		{StatusWaitingResponse, StatusSuccessful, nil},
		{StatusWaitingResponse, StatusWaitingClarification, nil},
		{StatusWaitingResponse, StatusUserWithdrawn, nil},
		{StatusWaitingClarification, StatusWaitingResponse, nil},
		{StatusWaitingClarification, StatusSuccessful, ErrConflict},
		{StatusRejected, StatusInternalReview, nil},
		{StatusInternalReview, StatusPartiallySuccessful, nil},
		{StatusSuccessful, StatusRejected, ErrConflict},
		{StatusUserWithdrawn, StatusWaitingResponse, ErrConflict},
		{StatusUserWithdrawn, StatusInternalReview, ErrConflict},
		{StatusNotFOI, StatusWaitingResponse, ErrConflict},
		{StatusWaitingResponse, StatusWaitingResponse, ErrConflict},
		{StatusWaitingResponse, StatusOverdue, ErrInvalid},
		{StatusWaitingResponse, StatusGonePostal, ErrInvalid},
		{StatusWaitingResponse, "nonsense", ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(string(tt.from)+"->"+string(tt.to), func(t *testing.T) {
			r := validRequest()
			r.Status = tt.from
			before := r.Clone()
			err := r.Transition(tt.to, d("2026-01-10"), "officer")
			if !errors.Is(err, tt.err) || (tt.err == nil) != (err == nil) {
				t.Fatalf("Transition error = %v, want %v", err, tt.err)
			}
			if err != nil {
				if diff := cmp.Diff(before, r); diff != "" {
					t.Errorf("failed transition changed the request (-want +got):\n%s", diff)
				}
				return
			}
			if r.Status != tt.to {
				t.Errorf("Status = %s, want %s", r.Status, tt.to)
			}
			last := r.Events[len(r.Events)-1]
			if last.From != tt.from || last.To != tt.to || last.Actor != "officer" {
				t.Errorf("last event = %+v", last)
			}
		})
	}
}

// TestTransitionClock follows one request through clarification, reply,
// review and review outcome.
func TestTransitionClock(t *testing.T) {
	r := validRequest()
	r.Received, r.Due = d("2024-03-13"), d("2024-04-15")
	step := func(to Status, at string) {
		t.Helper()
		if err := r.Transition(to, d(at), "officer"); err != nil {
			t.Fatalf("Transition(%s): %v", to, err)
		}
	}
	step(StatusWaitingClarification, "2024-03-20")
	if !r.Due.IsZero() || len(r.Clarifications) != 1 {
		t.Fatalf("after asking: Due = %v, %d clarifications; want zero and 1", r.Due, len(r.Clarifications))
	}
	if got := r.DisplayStatus(d("2024-06-01")); got != StatusWaitingClarification {
		t.Errorf("DisplayStatus while waiting for clarification = %s", got)
	}
	step(StatusWaitingResponse, "2024-04-02")
	if got := dayString(r.Due); got != "2024-04-30" {
		t.Errorf("Due after clarification = %s, want 2024-04-30 (20 working days from 2 April)", got)
	}
	step(StatusPartiallySuccessful, "2024-04-29")
	step(StatusInternalReview, "2024-05-10")
	step(StatusSuccessful, "2024-05-31")
	if dayString(r.Responded) != "2024-04-29" || dayString(r.ReviewRequested) != "2024-05-10" || dayString(r.ReviewResponded) != "2024-05-31" {
		t.Errorf("Responded %s, ReviewRequested %s, ReviewResponded %s", dayString(r.Responded), dayString(r.ReviewRequested), dayString(r.ReviewResponded))
	}
	if len(r.Events) != 5 {
		t.Errorf("%d events, want 5", len(r.Events))
	}
}

func TestExtend(t *testing.T) {
	r := validRequest()
	r.Law, r.Received, r.Due = LawEIR, d("2024-03-13"), d("2024-04-15")
	if err := r.Extend(40, d("2024-04-01"), "officer"); err != nil {
		t.Fatal(err)
	}
	if got := dayString(r.Due); got != "2024-05-14" {
		t.Errorf("Due after EIR extension = %s, want 2024-05-14", got)
	}
	s := validRequest()
	s.Law, s.Nation = LawFOISA, NationScotland
	due := s.Due
	if err := s.Extend(40, d("2026-01-10"), "officer"); !errors.Is(err, ErrInvalid) {
		t.Errorf("FOISA Extend error = %v, want ErrInvalid", err)
	}
	if !s.Due.Equal(due) || s.ExtendedTo != 0 {
		t.Errorf("failed extension changed the request")
	}
	c := validRequest()
	c.Status = StatusSuccessful
	if err := c.Extend(40, d("2026-01-10"), "officer"); !errors.Is(err, ErrConflict) {
		t.Errorf("Extend after reply error = %v, want ErrConflict", err)
	}
}

func TestDisplayStatus(t *testing.T) {
	r := validRequest()
	r.Received, r.Due = d("2024-03-13"), d("2024-04-15")
	tests := []struct {
		now  time.Time
		want Status
	}{
		{d("2024-04-01"), StatusWaitingResponse},
		{time.Date(2024, 4, 15, 23, 59, 0, 0, time.UTC), StatusWaitingResponse}, // due by the end of the day
		{d("2024-04-16"), StatusOverdue},
		{d("2024-05-14"), StatusOverdue},
		{d("2024-05-15"), StatusVeryOverdue},
	}
	for _, tt := range tests {
		if got := r.DisplayStatus(tt.now); got != tt.want {
			t.Errorf("DisplayStatus(%s) = %s, want %s", tt.now.Format(time.DateTime), got, tt.want)
		}
	}
	// now is read in its own zone: 23:30 UTC on the due day is already
	// the next day in London in summer.
	bst := time.FixedZone("BST", 3600)
	r.Received, r.Due = d("2024-06-03"), d("2024-07-01")
	if got := r.DisplayStatus(time.Date(2024, 7, 1, 23, 30, 0, 0, time.UTC).In(bst)); got != StatusOverdue {
		t.Errorf("DisplayStatus(00:30 BST the day after) = %s, want %s", got, StatusOverdue)
	}
	if got := r.DisplayStatus(time.Date(2024, 7, 1, 22, 30, 0, 0, time.UTC).In(bst)); got != StatusWaitingResponse {
		t.Errorf("DisplayStatus(23:30 BST on the due day) = %s, want %s", got, StatusWaitingResponse)
	}
	r.Status = StatusSuccessful
	if got := r.DisplayStatus(d("2025-01-01")); got != StatusSuccessful {
		t.Errorf("answered request shows %s", got)
	}
}

func TestOnTimeStats(t *testing.T) {
	mk := func(status Status, received, due, responded string) *Request {
		r := validRequest()
		r.Status, r.Received, r.Due = status, d(received), d(due)
		if responded != "" {
			r.Responded = d(responded)
		}
		return r
	}
	now := d("2024-06-03")
	reqs := []*Request{
		mk(StatusSuccessful, "2024-03-13", "2024-04-15", "2024-04-15"),          // on time: the due day itself
		mk(StatusPartiallySuccessful, "2024-03-13", "2024-04-15", "2024-04-10"), // on time
		mk(StatusRejected, "2024-03-13", "2024-04-15", "2024-04-16"),            // late
		mk(StatusInternalReview, "2024-03-13", "2024-04-15", "2024-04-12"),      // answered on time, now in review
		mk(StatusWaitingResponse, "2024-04-01", "2024-04-29", ""),               // overdue
		mk(StatusWaitingResponse, "2024-05-20", "2024-06-18", ""),               // still in time
		mk(StatusUserWithdrawn, "2024-03-13", "2024-04-15", ""),                 // closed, not counted
	}
	got := OnTimeStats(reqs, now)
	want := Stats{Total: 7, Closed: 5, OnTime: 3, Late: 1, Overdue: 1, OnTimeRate: 0.6}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OnTimeStats mismatch (-want +got):\n%s", diff)
	}
	if got.MeetsICOTarget() {
		t.Error("60% meets the ICO target, want not")
	}
	if got := OnTimeStats(nil, now); got.OnTimeRate != 0 || got.Total != 0 {
		t.Errorf("OnTimeStats(nil) = %+v", got)
	}
}
