package assistant_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/assistant"
)

// fakeIntake is an in-memory assistant.FOIIntake. Submit checks what the
// law requires, as foi.Service does, and assigns references in turn.
type fakeIntake struct {
	similar []assistant.PublishedItem
	queries []string
	got     []assistant.FOIRequest
	// failNext, if set, is returned by the next Submit.
	failNext error
}

func (f *fakeIntake) Similar(_ context.Context, text string) ([]assistant.PublishedItem, error) {
	f.queries = append(f.queries, text)
	return f.similar, nil
}

func (f *fakeIntake) Submit(_ context.Context, r assistant.FOIRequest) (assistant.FOIReceipt, error) {
	if err := f.failNext; err != nil {
		f.failNext = nil
		return assistant.FOIReceipt{}, err
	}
	switch {
	case r.Name == "":
		return assistant.FOIReceipt{}, &assistant.FOIFieldError{Field: assistant.FOIFieldName, Message: "enter your name"}
	case r.Email == "" && r.Address == "":
		return assistant.FOIReceipt{}, &assistant.FOIFieldError{Field: assistant.FOIFieldEmail, Message: "enter an email or postal address"}
	case r.Description == "":
		return assistant.FOIReceipt{}, &assistant.FOIFieldError{Field: assistant.FOIFieldDescription, Message: "describe the information you want"}
	}
	f.got = append(f.got, r)
	return assistant.FOIReceipt{
		Reference: fmt.Sprintf("FOI-2026-%05d", len(f.got)),
		Law:       "Freedom of Information Act 2000",
		Received:  officeHours,
		Due:       time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC),
	}, nil
}

var libraryDisclosure = assistant.PublishedItem{
	Kind: assistant.PublishedDisclosure, ID: "foi/library-funding.json", Title: "Library funding 2023 to 2025",
	URL: "https://www.thornburyvale.gov.uk/foi/disclosures/library-funding", Reference: "FOI-2025-00012",
}

// foiFixture is the test assistant with a fake FOI intake.
func foiFixture(t *testing.T, similar ...assistant.PublishedItem) (*fixture, *fakeIntake) {
	t.Helper()
	f := newFixture(t)
	in := &fakeIntake{similar: similar}
	f.a.FOI = in
	return f, in
}

func TestFOIRequestFlow(t *testing.T) {
	f, in := foiFixture(t, libraryDisclosure)
	as := f.say(t, assistant.ChannelWeb, nil,
		"I want to make a freedom of information request about library funding in 2025",
		"yes",
		"Sam Jones",
		"sam@example",
		"sam@example.org",
		"yes, send it",
		"what are the library opening hours?",
	)
	for i, a := range as[:6] {
		if a.Intent != assistant.IntentFOIRequest {
			t.Errorf("turn %d: intent %s, want foi_request (%q)", i+1, a.Intent, a.Text)
		}
	}
	// What is published comes first, with its link, and a choice.
	first := as[0]
	if len(first.Citations) != 1 || first.Citations[0].URL != libraryDisclosure.URL || !strings.Contains(first.Text, "Library funding 2023 to 2025") {
		t.Errorf("first reply %q citing %+v, want the earlier disclosure linked", first.Text, first.Citations)
	}
	if !strings.Contains(first.Text, "still want to make a new Freedom of Information request") || len(first.Suggestions) != 2 {
		t.Errorf("first reply %q, suggestions %v: want the question whether to go ahead", first.Text, first.Suggestions)
	}
	if len(in.queries) != 1 || !strings.Contains(in.queries[0], "library funding") {
		t.Errorf("Similar asked %q, want the request's subject", in.queries)
	}
	// The request text was said already: the next question is the name.
	if !strings.Contains(as[1].Text, "full name") {
		t.Errorf("after yes: %q, want the name asked for (the request text is known)", as[1].Text)
	}
	if !strings.Contains(as[2].Text, "email") {
		t.Errorf("after the name: %q, want the email or address asked for", as[2].Text)
	}
	if !strings.Contains(as[3].Text, "does not look right") {
		t.Errorf("invalid email: %q, want it questioned", as[3].Text)
	}
	for _, w := range []string{"library funding in 2025", "Sam Jones", "sam@example.org", "Is this right?"} {
		if !strings.Contains(as[4].Text, w) {
			t.Errorf("summary %q lacks %q", as[4].Text, w)
		}
	}
	want := []assistant.FOIRequest{{
		ConversationID: as[0].ConversationID, Channel: assistant.ChannelWeb,
		Name: "Sam Jones", Email: "sam@example.org",
		Description: "I want to make a freedom of information request about library funding in 2025",
	}}
	if diff := cmp.Diff(want, in.got); diff != "" {
		t.Errorf("submitted (-want +got):\n%s", diff)
	}
	ack := as[5]
	if ack.Reference != "FOI-2026-00001" {
		t.Errorf("reference %q, want FOI-2026-00001", ack.Reference)
	}
	for _, w := range []string{"FOI-2026-00001", "by Wednesday 1 April 2026", "20 working days", "sam@example.org"} {
		if !strings.Contains(ack.Text, w) {
			t.Errorf("acknowledgement %q lacks %q", ack.Text, w)
		}
	}
	if as[6].Intent != assistant.IntentAnswer || !strings.Contains(as[6].Text, "9am to 5pm") {
		t.Errorf("after the request: %s %q, want an ordinary answer", as[6].Intent, as[6].Text)
	}
}

func TestFOIRequestTellUsOnce(t *testing.T) {
	tests := []struct {
		name  string
		turns []string
		want  assistant.FOIRequest
	}{
		{
			name:  "everything in one message",
			turns: []string{"FOI request please: how much was spent on library staff in 2025? My name is Sam Jones and my email is sam@example.org"},
			want:  assistant.FOIRequest{Name: "Sam Jones", Email: "sam@example.org", Description: "FOI request please: how much was spent on library staff in 2025?"},
		},
		{
			name: "the question asked before",
			turns: []string{
				"how much did the council spend on agency staff in 2025?",
				"can I make an FOI request for that?",
				"my name is alex smith, you can email me at alex.smith@example.co.uk",
			},
			want: assistant.FOIRequest{Name: "Alex Smith", Email: "alex.smith@example.co.uk", Description: "how much did the council spend on agency staff in 2025?"},
		},
		{
			name: "asked for the text, then a postal address",
			turns: []string{
				"I'd like to make a freedom of information request",
				"the number of fixed penalty notices for littering issued in 2024, by month",
				"Priya Patel",
				"12 Elm Road, Thornbury Vale TV1 2AA",
			},
			want: assistant.FOIRequest{Name: "Priya Patel", Address: "12 Elm Road, Thornbury Vale TV1 2AA", Description: "the number of fixed penalty notices for littering issued in 2024, by month"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, in := foiFixture(t)
			as := f.say(t, assistant.ChannelWeb, nil, tt.turns...)
			last := as[len(as)-1]
			if last.Intent != assistant.IntentFOIRequest || !strings.Contains(last.Text, "Is this right?") {
				t.Fatalf("last reply %s %q, want the summary to confirm", last.Intent, last.Text)
			}
			for i, a := range as[1:] {
				if strings.Contains(a.Text, "What information do you want") && i+2 != 2 {
					t.Errorf("turn %d asked again for the request text: %q", i+2, a.Text)
				}
			}
			ack := f.ask(t, "yes") // a new conversation: the summary must not carry over
			if ack.Reference != "" || len(in.got) != 0 {
				t.Fatalf("a yes in another conversation logged %+v", in.got)
			}
			got, err := f.a.Respond(context.Background(), assistant.Request{ConversationID: last.ConversationID, Text: "yes"})
			if err != nil {
				t.Fatal(err)
			}
			if got.Reference == "" || len(in.got) != 1 {
				t.Fatalf("after yes: %q, logged %d", got.Text, len(in.got))
			}
			tt.want.ConversationID, tt.want.Channel = last.ConversationID, assistant.ChannelWeb
			if diff := cmp.Diff(tt.want, in.got[0]); diff != "" {
				t.Errorf("submitted (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFOIRequestCancelAndDecline(t *testing.T) {
	tests := []struct {
		name  string
		turns []string
		want  string // in the last reply
	}{
		{"cancel when asked the name", []string{"I want to make an FOI request about library funding", "yes", "cancel"}, "not sent"},
		{"cancel at the summary", []string{"FOI request: library staff numbers in 2025. My name is Sam Jones, my email is sam@example.org", "cancel"}, "not sent"},
		{"no after seeing what is published", []string{"I want to make an FOI request about library funding", "no thanks"}, "not made a request"},
		{"own personal data", []string{"I want to make an FOI request for all the information you hold about me"}, "subject access request"},
		{"own records later", []string{"I want to make a freedom of information request", "my social care records from 2019"}, "subject access request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, in := foiFixture(t, libraryDisclosure)
			as := f.say(t, assistant.ChannelWeb, nil, tt.turns...)
			last := as[len(as)-1]
			if !strings.Contains(last.Text, tt.want) {
				t.Errorf("last reply %q, want %q", last.Text, tt.want)
			}
			// Nothing is pending: a yes now logs nothing.
			got, err := f.a.Respond(context.Background(), assistant.Request{ConversationID: last.ConversationID, Text: "yes"})
			if err != nil {
				t.Fatal(err)
			}
			if len(in.got) != 0 || got.Reference != "" || got.Intent == assistant.IntentFOIRequest {
				t.Errorf("after %q a yes gave %s %q and logged %d requests", tt.name, got.Intent, got.Text, len(in.got))
			}
		})
	}
}

func TestFOIRequestName(t *testing.T) {
	tests := []struct {
		name  string
		turns []string // after the request text and email are known
		want  string   // in the last reply
		ok    string   // the name taken, "" for none
	}{
		{"anonymous", []string{"I'd rather stay anonymous"}, "needs your real name", ""},
		{"not a name", []string{"there's a pothole on Elm Road"}, "", ""},
		{"one word", []string{"Sam"}, "first name and surname", ""},
		{"one word twice", []string{"Sam", "Sam"}, "Is this right?", "Sam"},
		{"lower case", []string{"my name is sam o'neill"}, "Is this right?", "Sam O'neill"},
		{"digits", []string{"R2D2"}, "just your name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := foiFixture(t)
			turns := append([]string{"FOI request: library staff numbers in 2025, email sam@example.org"}, tt.turns...)
			as := f.say(t, assistant.ChannelWeb, nil, turns...)
			last := as[len(as)-1]
			if tt.want != "" && !strings.Contains(last.Text, tt.want) {
				t.Errorf("reply %q, want %q", last.Text, tt.want)
			}
			conv, err := f.convs.FindConversationByID(context.Background(), last.ConversationID)
			if err != nil {
				t.Fatal(err)
			}
			name := ""
			if conv.FOI != nil {
				name = conv.FOI.Name
			}
			if tt.name == "not a name" {
				// Reported instead: the FOI request is dropped for the report.
				if last.Intent != assistant.IntentServiceRequest || conv.FOI != nil {
					t.Errorf("got %s with FOI draft %+v, want the pothole report started", last.Intent, conv.FOI)
				}
				return
			}
			if name != tt.ok {
				t.Errorf("name %q, want %q", name, tt.ok)
			}
		})
	}
}

func TestFOIRequestCorrectAndRetry(t *testing.T) {
	f, in := foiFixture(t)
	start := "FOI request: library staff numbers in 2025. My name is Sam Jones, my email is sam@example.org"
	as := f.say(t, assistant.ChannelWeb, nil, start,
		"change my email to sam.jones@example.org",
		"the name is wrong",
		"Samantha Jones",
	)
	if !strings.Contains(as[1].Text, "I've updated that") || !strings.Contains(as[1].Text, "sam.jones@example.org") {
		t.Errorf("email change: %q, want the summary again with the new email", as[1].Text)
	}
	if !strings.Contains(as[2].Text, "full name") {
		t.Errorf("name change: %q, want the name asked for", as[2].Text)
	}
	if !strings.Contains(as[3].Text, "Samantha Jones") {
		t.Errorf("after the new name: %q, want it in the summary", as[3].Text)
	}
	id := as[0].ConversationID
	respond := func(text string) *assistant.Answer {
		t.Helper()
		a, err := f.a.Respond(context.Background(), assistant.Request{ConversationID: id, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	// A failed write is not acknowledged, and yes tries again.
	in.failNext = errors.New("disk full")
	if a := respond("yes"); a.Reference != "" || !strings.Contains(a.Text, "has not been sent") {
		t.Errorf("failed write: %q ref %q, want it not acknowledged", a.Text, a.Reference)
	}
	// The intake refuses the email: it is asked for again.
	in.failNext = &assistant.FOIFieldError{Field: assistant.FOIFieldEmail, Message: "enter an email address like name@example.com"}
	if a := respond("yes"); a.Reference != "" || !strings.Contains(a.Text, "email") {
		t.Errorf("refused email: %q, want the email asked for again", a.Text)
	}
	respond("samantha@example.org")
	a := respond("yes")
	if a.Reference != "FOI-2026-00001" || len(in.got) != 1 || in.got[0].Email != "samantha@example.org" || in.got[0].Name != "Samantha Jones" {
		t.Errorf("after fixing: %q, logged %+v", a.Text, in.got)
	}
}

func TestFOIRequestQuestionMidway(t *testing.T) {
	f, in := foiFixture(t)
	as := f.say(t, assistant.ChannelWeb, nil,
		"FOI request: library staff numbers in 2025, email sam@example.org",
		"sorry, what are the opening hours of Aldermoor Library?",
		"Sam Jones",
		"yes")
	if as[1].Intent != assistant.IntentAnswer || !strings.Contains(as[1].Text, "9am to 5pm") {
		t.Errorf("question midway: %s %q, want it answered", as[1].Intent, as[1].Text)
	}
	if as[3].Reference == "" || len(in.got) != 1 || in.got[0].Name != "Sam Jones" {
		t.Errorf("after the question: %q, logged %+v; want the request to carry on", as[3].Text, in.got)
	}
}

func TestFOIRequestSMS(t *testing.T) {
	long := assistant.PublishedItem{Kind: assistant.PublishedDataset, ID: "spending/2025.csv", URL: "https://www.thornburyvale.gov.uk/spending/2025",
		Title: "Spending over £500 by the council in the financial year April 2025 to March 2026, all departments, all suppliers, including agency staff"}
	f, in := foiFixture(t, long, libraryDisclosure)
	as := f.say(t, assistant.ChannelSMS, nil,
		"FOI request: how much was spent on agency staff in libraries in each month of 2025, broken down by agency and by library branch, please include the hours worked",
		"yes", "Sam Jones", "sam@example.org", "yes")
	for i, a := range as {
		if n, _ := assistant.SMSSegments(a.Text); n > assistant.SMSMaxSegments {
			t.Errorf("turn %d: %d segments: %q", i+1, n, a.Text)
		}
	}
	if !strings.Contains(as[0].Text, "Reply YES or NO") || !strings.Contains(as[0].Text, long.URL) {
		t.Errorf("SMS first reply %q, want the question and one link", as[0].Text)
	}
	if !strings.Contains(as[3].Text, "Reply YES") {
		t.Errorf("SMS summary %q, want the question kept", as[3].Text)
	}
	if len(in.got) != 1 || !strings.Contains(as[4].Text, "FOI-2026-00001") || !strings.Contains(as[4].Text, "1 April 2026") {
		t.Errorf("SMS acknowledgement %q, logged %d", as[4].Text, len(in.got))
	}
}

func TestFOIRequestWithoutIntakeUnchanged(t *testing.T) {
	f := newFixture(t)
	got := f.ask(t, "I want to make a freedom of information request about library funding. My name is Sam Jones, my email is sam@example.org")
	if got.Intent != assistant.IntentFOIRequest || got.Reference != "" || !strings.Contains(got.Text, council.FOIURL) {
		t.Errorf("no intake: %s %q ref %q, want guidance with the FOI page", got.Intent, got.Text, got.Reference)
	}
}
