package foitest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/townhall-civic/townhall/foi"
)

// TestStore is the conformance suite for foi.Store. open must return a
// new, empty store for each call; the suite calls it once per subtest.
// Times are whole seconds in UTC, so stores may keep microseconds only.
func TestStore(t *testing.T, open func(t *testing.T) foi.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s foi.Store)
	}{
		{"CreateAssignsReferences", testCreateAssignsReferences},
		{"CreateGivenReference", testCreateGivenReference},
		{"RequestRoundTrip", testRequestRoundTrip},
		{"ReceivedKeepsItsDay", testReceivedKeepsItsDay},
		{"RequestNotFound", testRequestNotFound},
		{"RequestCopies", testRequestCopies},
		{"FindRequestsFilters", testFindRequestsFilters},
		{"FindRequestsPaging", testFindRequestsPaging},
		{"UpdateRequest", testUpdateRequest},
		{"UpdateRequestConflict", testUpdateRequestConflict},
		{"ConcurrentCreate", testConcurrentCreate},
		{"ConcurrentUpdate", testConcurrentUpdate},
		{"DisclosureRoundTrip", testDisclosureRoundTrip},
		{"PutDisclosuresAllOrNone", testPutDisclosuresAllOrNone},
		{"FindDisclosuresFilters", testFindDisclosuresFilters},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

var cmpOpts = []cmp.Option{cmpopts.EquateEmpty()}

func at(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// newRequest returns a valid request received at received.
func newRequest(name, received string, law foi.Law) *foi.Request {
	rcv := at(received)
	return &foi.Request{
		Name:        name,
		Email:       name + "@example.org",
		Description: "Please send the pothole repair budget for " + name,
		Law:         law,
		Nation:      foi.NationEnglandWales,
		Received:    rcv,
		Due:         foi.DueDate(rcv, law, foi.NationEnglandWales, foi.DeadlineOptions{}),
		Status:      foi.StatusWaitingResponse,
		Events:      []foi.Event{{At: rcv, Actor: "requester", To: foi.StatusWaitingResponse}},
	}
}

func mustCreate(t *testing.T, s foi.Store, r *foi.Request) *foi.Request {
	t.Helper()
	if err := s.CreateRequest(context.Background(), r); err != nil {
		t.Fatalf("CreateRequest(%s): %v", r.Name, err)
	}
	return r
}

func testCreateAssignsReferences(t *testing.T, s foi.Store) {
	tests := []struct {
		name, received string
		law            foi.Law
		want           string
	}{
		{"a", "2026-01-05 09:00", foi.LawFOIA, "FOI-2026-00001"},
		{"b", "2026-01-06 09:00", foi.LawFOIA, "FOI-2026-00002"},
		{"c", "2026-01-06 10:00", foi.LawEIR, "EIR-2026-00001"},
		{"d", "2025-12-30 10:00", foi.LawFOIA, "FOI-2025-00001"},
		{"e", "2026-01-07 09:00", foi.LawFOISA, "FOI-2026-00003"},
		{"f", "2026-01-07 11:00", foi.LawEISR, "EIR-2026-00002"},
	}
	ids := map[int64]bool{}
	for _, tt := range tests {
		r := mustCreate(t, s, newRequest(tt.name, tt.received, tt.law))
		if r.Reference != tt.want {
			t.Errorf("%s: Reference = %q, want %q", tt.name, r.Reference, tt.want)
		}
		if r.ID == 0 || ids[r.ID] {
			t.Errorf("%s: ID = %d, want a new non-zero ID", tt.name, r.ID)
		}
		ids[r.ID] = true
	}
}

func testCreateGivenReference(t *testing.T, s foi.Store) {
	r := newRequest("a", "2026-02-02 09:00", foi.LawFOIA)
	r.Reference = "FOI-2026-00001"
	mustCreate(t, s, r)
	dup := newRequest("b", "2026-02-02 10:00", foi.LawFOIA)
	dup.Reference = "FOI-2026-00001"
	if err := s.CreateRequest(context.Background(), dup); !errors.Is(err, foi.ErrConflict) {
		t.Errorf("duplicate reference: error = %v, want ErrConflict", err)
	}
	// The sequence must not hand out a reference already taken.
	next := mustCreate(t, s, newRequest("c", "2026-02-03 09:00", foi.LawFOIA))
	if next.Reference == "FOI-2026-00001" {
		t.Errorf("generated reference %q collides with a given one", next.Reference)
	}
}

func testRequestRoundTrip(t *testing.T, s foi.Store) {
	r := newRequest("Jane Doe", "2026-03-02 14:30", foi.LawEIR)
	r.Name = "Jane Doe <script>alert(1)</script>"
	r.Address = "Flat 2\n10 Mill Lane\nAldermoor TV1 2AB"
	r.Description = "Line one\nLine two with ‘quotes’ and émojis 🚧"
	r.Assignee = "officer-7"
	r.ExtendedTo = 40
	r.Responded = at("2026-03-20 16:00")
	r.ReviewRequested = at("2026-03-25 10:00")
	r.ReviewResponded = at("2026-04-10 11:00")
	r.Status = foi.StatusPartiallySuccessful
	r.Clarifications = []foi.Clarification{{Requested: at("2026-03-03 10:00"), Received: at("2026-03-05 09:00"),
		Question: "Which year?", Answer: "2025"}}
	r.Events = append(r.Events, foi.Event{At: at("2026-03-03 10:00"), Actor: "officer-7",
		From: foi.StatusWaitingResponse, To: foi.StatusWaitingClarification, Note: "asked which year"})
	want := r.Clone()
	mustCreate(t, s, r)
	want.ID, want.Reference = r.ID, r.Reference
	got, err := s.FindRequestByID(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("FindRequestByID mismatch (-want +got):\n%s", diff)
	}
}

// testReceivedKeepsItsDay checks a request received just after midnight
// in British Summer Time keeps its offset, and so its calendar day,
// through the store: deadlines are counted from the day of receipt in the
// council's zone.
func testReceivedKeepsItsDay(t *testing.T, s foi.Store) {
	bst := time.FixedZone("BST", 3600)
	r := &foi.Request{Name: "A", Email: "a@example.org", Description: "x", Law: foi.LawFOIA,
		Nation: foi.NationEnglandWales, Status: foi.StatusWaitingResponse,
		Received: time.Date(2026, 6, 2, 0, 30, 0, 0, bst)} // 1 June 23:30 UTC
	mustCreate(t, s, r)
	got, err := s.FindRequestByID(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if y, m, d := got.Received.Date(); y != 2026 || m != 6 || d != 2 {
		t.Errorf("received on %d-%02d-%02d, want 2026-06-02 (the offset lost?)", y, m, d)
	}
}

func testRequestNotFound(t *testing.T, s foi.Store) {
	ctx := context.Background()
	if _, err := s.FindRequestByID(ctx, 999); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("FindRequestByID(999) error = %v, want ErrNotFound", err)
	}
	st := foi.StatusSuccessful
	if _, err := s.UpdateRequest(ctx, 999, foi.RequestUpdate{Status: &st}); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("UpdateRequest(999) error = %v, want ErrNotFound", err)
	}
}

func testRequestCopies(t *testing.T, s foi.Store) {
	ctx := context.Background()
	r := mustCreate(t, s, newRequest("a", "2026-01-05 09:00", foi.LawFOIA))
	r.Name = "changed after create"
	r.Events[0].Note = "changed after create"
	got, err := s.FindRequestByID(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "a" || got.Events[0].Note != "" {
		t.Errorf("store shares memory with the caller of CreateRequest: %q %q", got.Name, got.Events[0].Note)
	}
	got.Events[0].Actor = "changed after find"
	again, _ := s.FindRequestByID(ctx, r.ID)
	if again.Events[0].Actor != "requester" {
		t.Errorf("store shares memory with the caller of FindRequestByID")
	}
}

func refs(rs []*foi.Request) []string {
	out := []string{}
	for _, r := range rs {
		out = append(out, r.Name)
	}
	return out
}

func testFindRequestsFilters(t *testing.T, s foi.Store) {
	ctx := context.Background()
	a := mustCreate(t, s, newRequest("a", "2026-01-05 09:00", foi.LawFOIA))
	b := newRequest("b", "2026-01-12 09:00", foi.LawEIR)
	b.Assignee = "officer-1"
	mustCreate(t, s, b)
	c := newRequest("c", "2026-02-02 09:00", foi.LawFOIA)
	c.Status = foi.StatusSuccessful
	c.Assignee = "officer-2"
	c.Email = "C@Example.ORG"
	mustCreate(t, s, c)
	d := newRequest("d", "2026-02-16 09:00", foi.LawFOIA)
	d.Status = foi.StatusWaitingClarification
	d.Due = time.Time{}
	mustCreate(t, s, d)

	empty := ""
	officer1 := "officer-1"
	tests := []struct {
		name string
		f    foi.RequestFilter
		want []string // names, newest first
	}{
		{"all", foi.RequestFilter{}, []string{"d", "c", "b", "a"}},
		{"by id", foi.RequestFilter{ID: a.ID}, []string{"a"}},
		{"by reference", foi.RequestFilter{Reference: c.Reference}, []string{"c"}},
		{"by status", foi.RequestFilter{Status: []foi.Status{foi.StatusWaitingResponse}}, []string{"b", "a"}},
		{"by statuses", foi.RequestFilter{Status: []foi.Status{foi.StatusSuccessful, foi.StatusWaitingClarification}}, []string{"d", "c"}},
		{"by law", foi.RequestFilter{Law: foi.LawEIR}, []string{"b"}},
		{"by assignee", foi.RequestFilter{Assignee: &officer1}, []string{"b"}},
		{"unassigned", foi.RequestFilter{Assignee: &empty}, []string{"d", "a"}},
		{"by email ignoring case", foi.RequestFilter{Email: "c@example.org"}, []string{"c"}},
		{"received from (inclusive)", foi.RequestFilter{ReceivedFrom: at("2026-01-12 09:00")}, []string{"d", "c", "b"}},
		{"received to (exclusive)", foi.RequestFilter{ReceivedTo: at("2026-01-12 09:00")}, []string{"a"}},
		{"due before", foi.RequestFilter{DueBefore: at("2026-02-10 00:00")}, []string{"b", "a"}},
		{"nothing", foi.RequestFilter{Law: foi.LawEISR}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.FindRequests(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, refs(got)); diff != "" {
				t.Errorf("FindRequests mismatch (-want +got):\n%s", diff)
			}
			if total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
		})
	}
}

func testFindRequestsPaging(t *testing.T, s foi.Store) {
	ctx := context.Background()
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		mustCreate(t, s, newRequest(name, fmt.Sprintf("2026-03-%02d 09:00", i+2), foi.LawFOIA))
	}
	// Same receipt time: ID breaks the tie, higher first.
	mustCreate(t, s, newRequest("f", "2026-03-06 09:00", foi.LawFOIA))
	tests := []struct {
		offset, limit int
		want          []string
	}{
		{0, 0, []string{"f", "e", "d", "c", "b", "a"}},
		{0, 2, []string{"f", "e"}},
		{2, 2, []string{"d", "c"}},
		{5, 2, []string{"a"}},
		{9, 2, []string{}},
	}
	for _, tt := range tests {
		got, total, err := s.FindRequests(ctx, foi.RequestFilter{Offset: tt.offset, Limit: tt.limit})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, refs(got)); diff != "" {
			t.Errorf("offset %d limit %d mismatch (-want +got):\n%s", tt.offset, tt.limit, diff)
		}
		if total != 6 {
			t.Errorf("offset %d limit %d: total = %d, want 6", tt.offset, tt.limit, total)
		}
	}
}

func testUpdateRequest(t *testing.T, s foi.Store) {
	ctx := context.Background()
	r := mustCreate(t, s, newRequest("a", "2026-01-05 09:00", foi.LawFOIA))
	want := r.Clone()

	status, law, assignee := foi.StatusSuccessful, foi.LawEIR, "officer-9"
	due, responded := at("2026-02-10 00:00"), at("2026-01-20 12:00")
	ext := 40
	clar := []foi.Clarification{{Requested: at("2026-01-06 09:00"), Received: at("2026-01-07 09:00"), Question: "q", Answer: "a"}}
	ev := foi.Event{At: responded, Actor: "officer-9", From: foi.StatusWaitingResponse, To: foi.StatusSuccessful, Note: "sent"}
	got, err := s.UpdateRequest(ctx, r.ID, foi.RequestUpdate{
		ExpectStatus: &want.Status, Status: &status, Law: &law, Assignee: &assignee, Due: &due,
		ExtendedTo: &ext, Responded: &responded, Clarifications: clar, AppendEvents: []foi.Event{ev},
	})
	if err != nil {
		t.Fatal(err)
	}
	want.Status, want.Law, want.Assignee, want.Due, want.ExtendedTo, want.Responded = status, law, assignee, due, ext, responded
	want.Clarifications = clar
	want.Events = append(want.Events, ev)
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("UpdateRequest result mismatch (-want +got):\n%s", diff)
	}
	stored, _ := s.FindRequestByID(ctx, r.ID)
	if diff := cmp.Diff(want, stored, cmpOpts...); diff != "" {
		t.Errorf("stored request mismatch (-want +got):\n%s", diff)
	}

	// A second update appends; nil fields stay.
	ev2 := foi.Event{At: at("2026-01-25 09:00"), Actor: "officer-9", From: status, To: status, Note: "note"}
	got, err = s.UpdateRequest(ctx, r.ID, foi.RequestUpdate{AppendEvents: []foi.Event{ev2}})
	if err != nil {
		t.Fatal(err)
	}
	want.Events = append(want.Events, ev2)
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("second UpdateRequest mismatch (-want +got):\n%s", diff)
	}
}

func testUpdateRequestConflict(t *testing.T, s foi.Store) {
	ctx := context.Background()
	r := mustCreate(t, s, newRequest("a", "2026-01-05 09:00", foi.LawFOIA))
	stale, to := foi.StatusWaitingClarification, foi.StatusSuccessful
	_, err := s.UpdateRequest(ctx, r.ID, foi.RequestUpdate{ExpectStatus: &stale, Status: &to,
		AppendEvents: []foi.Event{{At: at("2026-01-06 09:00"), To: to}}})
	if !errors.Is(err, foi.ErrConflict) {
		t.Fatalf("UpdateRequest with stale status: error = %v, want ErrConflict", err)
	}
	got, _ := s.FindRequestByID(ctx, r.ID)
	if got.Status != foi.StatusWaitingResponse || len(got.Events) != 1 {
		t.Errorf("failed update changed the request: status %s, %d events", got.Status, len(got.Events))
	}
}

func testConcurrentCreate(t *testing.T, s foi.Store) {
	const workers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	refsCh := make(chan string, workers*each)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				r := newRequest(fmt.Sprintf("w%di%d", w, i), "2026-04-01 09:00", foi.LawFOIA)
				if err := s.CreateRequest(context.Background(), r); err != nil {
					errs <- err
					return
				}
				refsCh <- r.Reference
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	close(refsCh)
	for err := range errs {
		t.Fatalf("concurrent CreateRequest: %v", err)
	}
	var got []string
	for r := range refsCh {
		got = append(got, r)
	}
	sort.Strings(got)
	var want []string
	for i := 1; i <= workers*each; i++ {
		want = append(want, foi.FormatReference("FOI", 2026, int64(i)))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("concurrent references mismatch (-want +got):\n%s", diff)
	}
}

func testConcurrentUpdate(t *testing.T, s foi.Store) {
	r := mustCreate(t, s, newRequest("a", "2026-01-05 09:00", foi.LawFOIA))
	const n = 6
	var wg sync.WaitGroup
	results := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			from, to := foi.StatusWaitingResponse, foi.StatusSuccessful
			if i%2 == 1 {
				to = foi.StatusRejected
			}
			_, err := s.UpdateRequest(context.Background(), r.ID, foi.RequestUpdate{ExpectStatus: &from, Status: &to,
				AppendEvents: []foi.Event{{At: at("2026-01-06 09:00"), Actor: fmt.Sprint(i), From: from, To: to}}})
			results <- err
		}(i)
	}
	wg.Wait()
	close(results)
	ok := 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, foi.ErrConflict):
			t.Errorf("concurrent UpdateRequest: error = %v, want nil or ErrConflict", err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent moves out of waiting_response succeeded, want exactly 1", ok)
	}
	got, _ := s.FindRequestByID(context.Background(), r.ID)
	if len(got.Events) != 2 {
		t.Errorf("request has %d events, want 2 (creation and the one winning move)", len(got.Events))
	}
}

func newDisclosure(id, received string) *foi.Disclosure {
	return &foi.Disclosure{
		ID:        id,
		Reference: "FOI-2025-" + id,
		Title:     "Disclosure " + id,
		Received:  at(received),
		Status:    foi.StatusSuccessful,
		Law:       foi.LawFOIA,
	}
}

func testDisclosureRoundTrip(t *testing.T, s foi.Store) {
	ctx := context.Background()
	e40, _ := foi.LookupExemption(foi.LawFOIA, "40")
	e40.Cited = "40(2)"
	d := newDisclosure("a", "2025-05-01 10:00")
	d.RequestText = "Please send the contract."
	d.ResponseText = "Attached, with names withheld under section 40(2)."
	d.Responded = at("2025-05-20 10:00")
	d.Status = foi.StatusPartiallySuccessful
	d.Exemptions = []foi.Exemption{e40}
	d.Department = "Highways"
	d.Topic = "Roads"
	d.Attachments = []foi.Attachment{{Name: "contract.pdf", URL: "https://example.org/c.pdf", Text: "Contract text"}}
	d.SourceID = "foi/requests/a.json"
	d.Sources = []string{"foi/requests/a.json", "foi/log.csv#row-3"}
	d.Authority = "Thornbury Vale Borough Council"
	d.URL = "https://example.org/foi/a"
	want := d.Clone()
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{d}); err != nil {
		t.Fatal(err)
	}
	d.Title = "changed after put"
	got, err := s.FindDisclosureByID(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("FindDisclosureByID mismatch (-want +got):\n%s", diff)
	}
	// Put again replaces.
	repl := newDisclosure("a", "2025-05-01 10:00")
	repl.Title = "Replaced"
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{repl}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.FindDisclosureByID(ctx, "a")
	if diff := cmp.Diff(repl, got, cmpOpts...); diff != "" {
		t.Errorf("replaced disclosure mismatch (-want +got):\n%s", diff)
	}
	if _, err := s.FindDisclosureByID(ctx, "missing"); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("FindDisclosureByID(missing) error = %v, want ErrNotFound", err)
	}
}

func testPutDisclosuresAllOrNone(t *testing.T, s foi.Store) {
	ctx := context.Background()
	err := s.PutDisclosures(ctx, []*foi.Disclosure{newDisclosure("ok", "2025-01-01 09:00"), {Title: "no id"}})
	if !errors.Is(err, foi.ErrInvalid) {
		t.Fatalf("PutDisclosures with an empty ID: error = %v, want ErrInvalid", err)
	}
	if _, total, _ := s.FindDisclosures(ctx, foi.DisclosureFilter{}); total != 0 {
		t.Errorf("failed PutDisclosures stored %d disclosures, want 0", total)
	}
}

func ids(ds []*foi.Disclosure) []string {
	out := []string{}
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func testFindDisclosuresFilters(t *testing.T, s foi.Store) {
	ctx := context.Background()
	e40, _ := foi.LookupExemption(foi.LawFOIA, "40")
	e43, _ := foi.LookupExemption(foi.LawFOIA, "43")
	eir13, _ := foi.LookupExemption(foi.LawEIR, "13")
	a := newDisclosure("a", "2025-01-10 09:00")
	a.ResponseText = "The POTHOLE budget was £1.2m."
	a.Department = "Highways"
	b := newDisclosure("b", "2025-02-10 09:00")
	b.Status = foi.StatusPartiallySuccessful
	b.Exemptions = []foi.Exemption{e40, e43}
	b.Topic = "Contracts"
	c := newDisclosure("c", "2025-03-10 09:00")
	c.Law = foi.LawEIR
	c.Exemptions = []foi.Exemption{eir13}
	c.Title = "Air quality pothole survey"
	c.Department = "highways"
	d := newDisclosure("d", "2025-03-10 09:00") // same day as c: ID breaks the tie
	d.Status = foi.StatusNotHeld
	d.RequestText = "How many potholes?"
	if err := s.PutDisclosures(ctx, []*foi.Disclosure{a, b, c, d}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    foi.DisclosureFilter
		want []string
	}{
		{"all, newest first then ID", foi.DisclosureFilter{}, []string{"c", "d", "b", "a"}},
		{"by id", foi.DisclosureFilter{ID: "b"}, []string{"b"}},
		{"by reference", foi.DisclosureFilter{Reference: "foi-2025-a"}, []string{"a"}},
		{"query in any text, any case", foi.DisclosureFilter{Query: "pothole"}, []string{"c", "d", "a"}},
		{"status", foi.DisclosureFilter{Status: []foi.Status{foi.StatusPartiallySuccessful, foi.StatusNotHeld}}, []string{"d", "b"}},
		{"law", foi.DisclosureFilter{Law: foi.LawEIR}, []string{"c"}},
		{"exemption", foi.DisclosureFilter{Exemption: "foia:43"}, []string{"b"}},
		{"EIR exemption", foi.DisclosureFilter{Exemption: "eir:13"}, []string{"c"}},
		{"department ignoring case", foi.DisclosureFilter{Department: "HIGHWAYS"}, []string{"c", "a"}},
		{"topic", foi.DisclosureFilter{Topic: "contracts"}, []string{"b"}},
		{"from inclusive", foi.DisclosureFilter{From: at("2025-02-10 09:00")}, []string{"c", "d", "b"}},
		{"to exclusive", foi.DisclosureFilter{To: at("2025-02-10 09:00")}, []string{"a"}},
		{"paged", foi.DisclosureFilter{Offset: 1, Limit: 2}, []string{"d", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.FindDisclosures(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("FindDisclosures mismatch (-want +got):\n%s", diff)
			}
			wantTotal := len(tt.want)
			if tt.f.Limit > 0 {
				wantTotal = 4
			}
			if total != wantTotal {
				t.Errorf("total = %d, want %d", total, wantTotal)
			}
		})
	}
}
