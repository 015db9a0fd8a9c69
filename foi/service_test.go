package foi_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/foitest"
)

// clock is a settable Now.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

func newService(t *testing.T, nation foi.Nation, now string) (*foi.Service, *clock) {
	t.Helper()
	tm, err := time.Parse(time.DateTime, now)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{tm}
	return foi.NewService(foitest.NewMemoryStore(), nation, c.Now), c
}

func (c *clock) set(t *testing.T, s string) {
	t.Helper()
	tm, err := time.Parse(time.DateTime, s)
	if err != nil {
		t.Fatal(err)
	}
	c.t = tm
}

var intake = foi.Intake{
	Name:        "  Jane Doe ",
	Email:       "jane@example.org",
	Description: "How many potholes were reported on Mill Lane in 2025?",
}

func TestSubmit(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, foi.NationEnglandWales, "2026-01-05 10:00:00")
	ack, err := svc.Submit(ctx, intake)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Reference != "FOI-2026-00001" || ack.Law != foi.LawFOIA {
		t.Errorf("ack = %+v, want FOI-2026-00001 under FOIA", ack)
	}
	if got := ack.Due.Format("2006-01-02"); got != "2026-02-02" {
		t.Errorf("Due = %s, want 2026-02-02 (20 working days after Monday 5 January)", got)
	}
	for _, want := range []string{"FOI-2026-00001", "Monday 2 February 2026", "5 January 2026"} {
		if !strings.Contains(ack.Text(), want) {
			t.Errorf("acknowledgement %q lacks %q", ack.Text(), want)
		}
	}
	r, err := svc.Request(ctx, ack.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "Jane Doe" || r.Status != foi.StatusWaitingResponse || len(r.Events) != 1 || r.Events[0].Actor != "requester" {
		t.Errorf("stored request = %+v", r)
	}
	second, err := svc.Submit(ctx, intake)
	if err != nil || second.Reference != "FOI-2026-00002" {
		t.Errorf("second Submit = %+v, %v; want FOI-2026-00002", second, err)
	}
}

func TestSubmitScotland(t *testing.T) {
	svc, _ := newService(t, foi.NationScotland, "2009-03-12 10:00:00")
	ack, err := svc.Submit(context.Background(), intake)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Law != foi.LawFOISA || ack.Due.Format("2006-01-02") != "2009-04-09" {
		t.Errorf("ack = %s %s, want FOISA due 2009-04-09", ack.Law, ack.Due.Format("2006-01-02"))
	}
}

func TestSubmitInvalid(t *testing.T) {
	svc, _ := newService(t, foi.NationEnglandWales, "2026-01-05 10:00:00")
	tests := []struct {
		name   string
		in     foi.Intake
		fields []string
	}{
		{"empty form", foi.Intake{}, []string{"Name", "Email", "Description"}},
		{"no contact", foi.Intake{Name: "Jane", Description: "x"}, []string{"Email"}},
		{"letter dated tomorrow", foi.Intake{Name: "Jane", Address: "1 High St", Description: "x",
			Received: time.Date(2026, 1, 6, 9, 0, 0, 0, time.UTC)}, []string{"Received"}},
		{"unknown law", foi.Intake{Name: "Jane", Email: "j@example.org", Description: "x", Law: "gdpr"}, []string{"Law"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.Submit(context.Background(), tt.in)
			var ves foi.ValidationErrors
			if !errors.Is(err, foi.ErrInvalid) || !errors.As(err, &ves) {
				t.Fatalf("Submit error = %v, want ValidationErrors", err)
			}
			for _, f := range tt.fields {
				if ves.Field(f) == "" {
					t.Errorf("no error for %s in %v", f, ves)
				}
			}
		})
	}
	if _, total, _ := svc.Store.FindRequests(context.Background(), foi.RequestFilter{}); total != 0 {
		t.Errorf("invalid submissions stored %d requests", total)
	}
}

func TestServiceWorkflow(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t, foi.NationEnglandWales, "2024-03-13 09:30:00")
	ack, err := svc.Submit(ctx, intake)
	if err != nil {
		t.Fatal(err)
	}
	clk.set(t, "2024-03-20 11:00:00")
	r, err := svc.Transition(ctx, ack.ID, foi.StatusWaitingClarification, "officer-1", "which part of Mill Lane?")
	if err != nil {
		t.Fatal(err)
	}
	if !r.Due.IsZero() || r.Events[len(r.Events)-1].Note != "which part of Mill Lane?" {
		t.Errorf("after clarification request: Due %v, last event %+v", r.Due, r.Events[len(r.Events)-1])
	}
	clk.set(t, "2024-04-02 15:00:00")
	r, err = svc.Transition(ctx, ack.ID, foi.StatusWaitingResponse, "officer-1", "clarified: the north end")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Due.Format("2006-01-02"); got != "2024-04-30" {
		t.Errorf("Due after clarification = %s, want 2024-04-30", got)
	}
	if _, err := svc.Assign(ctx, ack.ID, "officer-2", "manager"); err != nil {
		t.Fatal(err)
	}
	clk.set(t, "2024-04-29 16:00:00")
	r, err = svc.Transition(ctx, ack.ID, foi.StatusSuccessful, "officer-2", "sent")
	if err != nil {
		t.Fatal(err)
	}
	if r.Assignee != "officer-2" || r.Responded.Format("2006-01-02") != "2024-04-29" || len(r.Events) != 5 {
		t.Errorf("after reply: %+v", r)
	}
	// A second officer acting on the old state is refused.
	if _, err := svc.Transition(ctx, ack.ID, foi.StatusRejected, "officer-3", ""); !errors.Is(err, foi.ErrConflict) {
		t.Errorf("Transition from a closed state error = %v, want ErrConflict", err)
	}
	if _, err := svc.Transition(ctx, 999, foi.StatusRejected, "officer-3", ""); !errors.Is(err, foi.ErrNotFound) {
		t.Errorf("Transition(999) error = %v, want ErrNotFound", err)
	}
	stats, err := svc.Stats(ctx, foi.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(foi.Stats{Total: 1, Closed: 1, OnTime: 1, OnTimeRate: 1}, stats); diff != "" {
		t.Errorf("Stats mismatch (-want +got):\n%s", diff)
	}
}

func TestServiceExtendAndOverdue(t *testing.T) {
	ctx := context.Background()
	svc, clk := newService(t, foi.NationEnglandWales, "2024-03-13 09:30:00")
	eir := intake
	eir.Law = foi.LawEIR
	a, _ := svc.Submit(ctx, eir)
	b, _ := svc.Submit(ctx, intake)
	clk.set(t, "2024-03-14 09:30:00")
	c, _ := svc.Submit(ctx, intake)
	r, err := svc.Extend(ctx, a.ID, 40, "officer-1", "complex and voluminous")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Due.Format("2006-01-02"); got != "2024-05-14" {
		t.Errorf("extended Due = %s, want 2024-05-14", got)
	}
	if _, err := svc.Extend(ctx, b.ID, 60, "officer-1", ""); !errors.Is(err, foi.ErrInvalid) {
		t.Errorf("Extend to 60 error = %v, want ErrInvalid", err)
	}
	clk.set(t, "2024-04-17 09:00:00")
	over, err := svc.Overdue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range over {
		got = append(got, r.Reference)
	}
	if diff := cmp.Diff([]string{b.Reference, c.Reference}, got); diff != "" {
		t.Errorf("Overdue mismatch (-want +got):\n%s", diff)
	}
	stats, _ := svc.Stats(ctx, foi.RequestFilter{})
	if stats.Overdue != 2 || stats.OnTimeRate != 0 {
		t.Errorf("Stats = %+v, want 2 overdue and a 0 rate", stats)
	}
}

func TestPublish(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t, foi.NationEnglandWales, "2025-04-01 09:00:00")
	d := &foi.Disclosure{
		ID:           "FOI-2025-00007",
		Title:        "Potholes on Mill Lane",
		RequestText:  "Dear Thornbury Vale Borough Council,\nHow many potholes?\nYours faithfully,\nMarta Nowak",
		ResponseText: "Dear Ms Nowak,\nThere were 41. Call 01632 960123 with questions.\nKind regards,\nPaul Reed\nFOI Officer",
		Status:       foi.StatusSuccessful,
		Law:          foi.LawFOIA,
	}
	audit, err := svc.Publish(ctx, []*foi.Disclosure{d}, foi.DetectOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(audit) != 4 {
		t.Errorf("%d audit entries, want 4 (two names, a name, a phone): %+v", len(audit), audit)
	}
	got, err := svc.Store.FindDisclosureByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := "Dear [name removed],\nThere were 41. Call [phone number removed] with questions.\nKind regards,\n[name removed]\nFOI Officer"
	if got.ResponseText != want {
		t.Errorf("published response = %q\nwant %q", got.ResponseText, want)
	}
	if strings.Contains(got.RequestText, "Nowak") {
		t.Errorf("published request keeps the requester's name: %q", got.RequestText)
	}
	if _, err := svc.Publish(ctx, []*foi.Disclosure{{ID: "x"}}, foi.DetectOptions{}, []foi.Rule{{Pattern: "(", Regexp: true}}); !errors.Is(err, foi.ErrInvalid) {
		t.Errorf("Publish with a bad rule error = %v, want ErrInvalid", err)
	}
}
