package assistant

import (
	"strings"
	"testing"
	"time"
)

func TestHandoffReason(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		failures int
		handed   bool
		want     string
	}{
		{"explicit", "can I speak to a real person please", 0, false, ReasonExplicit},
		{"explicit talk", "I'd like to talk to someone", 0, false, ReasonExplicit},
		{"explicit wins over frustration", "this is useless, put me through to a human", 0, false, ReasonExplicit},
		{"negated", "I don't want to speak to a person, just tell me the tip hours", 0, false, ""},
		{"letting agent is not a request for staff", "my letting agent won't fix the boiler", 0, false, ""},
		{"frustration", "you're not listening, I already told you", 0, false, ReasonFrustration},
		{"frustration marks", "why is my bin STILL not collected!!", 0, false, ReasonFrustration},
		{"shouting", "WHERE IS MY BIN COLLECTION", 0, false, ReasonFrustration},
		{"a postcode is not shouting", "TV1 2AB", 0, false, ""},
		{"rubbish is council business", "when is rubbish collected on Elm Road", 0, false, ""},
		{"angry neighbour is a noise report", "my angry neighbour plays music all night", 0, false, ""},
		{"two failures", "what about the other thing", 2, false, ReasonFailures},
		{"one failure", "what about the other thing", 1, false, ""},
		{"already handed off", "speak to a person", 0, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conv := &Conversation{Failures: tt.failures, HandedOff: tt.handed}
			got, ok := HandoffReason(conv, tt.text)
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("HandoffReason(%q) = %q, %v; want %q", tt.text, got, ok, tt.want)
			}
		})
	}
}

func utcInstant(t *testing.T, s string) time.Time {
	t.Helper()
	// Written as UTC instants so the test does not depend on tzdata.
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}

func TestOutOfHours(t *testing.T) {
	var c Council // default: Monday to Friday, 9am to 5pm
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-07-06T08:30:00Z", false}, // Monday 9:30 BST
		{"2026-01-05T08:30:00Z", true},  // Monday 8:30 GMT
		{"2026-01-05T09:00:00Z", false}, // Monday 9:00 GMT, opening
		{"2026-07-10T15:59:00Z", false}, // Friday 16:59 BST
		{"2026-07-10T16:00:00Z", true},  // Friday 17:00 BST, closed
		{"2026-07-11T10:00:00Z", true},  // Saturday
		{"2026-03-29T09:30:00Z", true},  // Sunday the clocks change
		{"2026-03-30T08:00:00Z", false}, // Monday 9:00 BST, the day after
	}
	for _, tt := range tests {
		if got := OutOfHours(c, utcInstant(t, tt.at), nil); got != tt.want {
			t.Errorf("OutOfHours(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
	saturdays := Council{OpenDays: []int{1, 2, 3, 4, 5, 6}, OpenHour: 8, CloseHour: 20}
	if OutOfHours(saturdays, utcInstant(t, "2026-07-11T18:30:00Z"), nil) {
		t.Error("Saturday 19:30 BST: got out of hours, want open with configured hours")
	}
	bankHoliday := func(d time.Time) bool { return d.Month() == time.August && d.Day() == 31 }
	if !OutOfHours(c, utcInstant(t, "2026-08-31T10:00:00Z"), bankHoliday) {
		t.Error("bank holiday Monday: got open, want out of hours")
	}
}

func TestNextOpen(t *testing.T) {
	bankHoliday := func(d time.Time) bool { return d.Month() == time.August && d.Day() == 31 }
	tests := []struct {
		name, at string
		holiday  func(time.Time) bool
		want     string
	}{
		{"friday evening", "2026-07-10T18:00:00Z", nil, "2026-07-13T08:00:00Z"},
		{"early morning", "2026-01-06T06:00:00Z", nil, "2026-01-06T09:00:00Z"},
		{"after the bank holiday weekend", "2026-08-28T17:00:00Z", bankHoliday, "2026-09-01T08:00:00Z"},
		{"open now", "2026-07-08T10:00:00Z", nil, "2026-07-08T10:00:00Z"},
		{"over the clock change", "2026-10-23T18:00:00Z", nil, "2026-10-26T09:00:00Z"}, // Monday 9:00 GMT
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NextOpen(Council{}, utcInstant(t, tt.at), tt.holiday)
			if want := utcInstant(t, tt.want); !got.Equal(want) {
				t.Errorf("NextOpen(%s) = %s, want %s", tt.at, got.UTC().Format(time.RFC3339), tt.want)
			}
		})
	}
	if got := NextOpen(Council{OpenDays: []int{1}, OpenHour: 9, CloseHour: 9}, utcInstant(t, "2026-07-08T10:00:00Z"), nil); !got.IsZero() {
		t.Errorf("no staffed hours: got %v, want zero", got)
	}
}

func TestOfferHandoff(t *testing.T) {
	c := Council{Phone: "01632 960000", OutOfHoursPhone: "01632 960999"}
	in := OfferHandoff(c, utcInstant(t, "2026-07-08T10:00:00Z"), nil)
	if in.OutOfHours || len(in.Suggestions) != 0 || !strings.Contains(in.Text, "member of our team") || !strings.Contains(in.Text, c.Phone) {
		t.Errorf("in hours: got %+v", in)
	}
	out := OfferHandoff(c, utcInstant(t, "2026-07-10T18:00:00Z"), nil)
	for _, want := range []string{"Monday to Friday, 9am to 5pm", "next available on Monday at 9am", "call you back", "log your request", "999", c.OutOfHoursPhone} {
		if !strings.Contains(out.Text, want) {
			t.Errorf("out of hours text %q lacks %q", out.Text, want)
		}
	}
	if !out.OutOfHours || len(out.Suggestions) != 2 {
		t.Errorf("out of hours: got %+v", out)
	}
	late := OfferHandoff(c, utcInstant(t, "2026-07-07T20:00:00Z"), nil) // Tuesday 9pm
	if !strings.Contains(late.Text, "tomorrow at 9am") {
		t.Errorf("Tuesday night: got %q, want tomorrow", late.Text)
	}
}

func TestParseOutOfHoursChoice(t *testing.T) {
	tests := map[string]string{
		"Call me back":          ChoiceCallback,
		"please ring me":        ChoiceCallback,
		"Log my request":        ChoiceLogged,
		"just log it":           ChoiceLogged,
		"what time do you open": "",
	}
	for text, want := range tests {
		got, ok := ParseOutOfHoursChoice(text)
		if got != want || ok != (want != "") {
			t.Errorf("ParseOutOfHoursChoice(%q) = %q, %v; want %q", text, got, ok, want)
		}
	}
}

func TestNewHandoff(t *testing.T) {
	conv := &Conversation{ID: "c9", Channel: ChannelSMS, Resident: "+447700900123", Turns: []Turn{{Seq: 1, Role: RoleResident, Text: "help"}}}
	h := NewHandoff(conv, ReasonExplicit, true, srNow)
	conv.Turns[0].Text = "changed"
	if h.ConversationID != "c9" || h.Channel != ChannelSMS || h.Resident != conv.Resident || !h.OutOfHours || h.Reason != ReasonExplicit {
		t.Errorf("got %+v", h)
	}
	if h.Transcript[0].Text != "help" {
		t.Errorf("transcript shares the conversation's turns: got %q", h.Transcript[0].Text)
	}
}

// TestUKTimeByRule checks the fallback used without tzdata against the
// time zone database, every half hour over three years.
func TestUKTimeByRule(t *testing.T) {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for at := start; at.Year() < 2028; at = at.Add(30 * time.Minute) {
		want := at.In(loc)
		got := ukTimeByRule(at)
		if got.Hour() != want.Hour() || got.Day() != want.Day() {
			t.Fatalf("ukTimeByRule(%s) = %s, want %s", at.Format(time.RFC3339), got.Format(time.RFC3339), want.Format(time.RFC3339))
		}
	}
}
