package foi

import (
	"errors"
	"testing"
	"time"
)

// TestDueDateAlaveteli runs Alaveteli's holiday_spec vectors (20 working
// days, UK-wide holidays).
func TestDueDateAlaveteli(t *testing.T) {
	tests := []struct{ received, want string }{
		{"2008-10-01", "2008-10-29"},
		{"2007-02-01", "2007-03-01"},
		{"2008-02-01", "2008-02-29"},
		{"2009-03-12", "2009-04-14"}, // Thursday
		{"2009-03-13", "2009-04-15"}, // Friday
		{"2009-03-14", "2009-04-15"}, // Saturday: as if received Friday
		{"2009-03-15", "2009-04-15"}, // Sunday
		{"2009-03-16", "2009-04-16"}, // Monday
	}
	for _, tt := range tests {
		t.Run(tt.received, func(t *testing.T) {
			got := DueDate(d(tt.received), LawFOIA, NationEnglandWales, DeadlineOptions{})
			if want := d(tt.want); !got.Equal(want) {
				t.Errorf("DueDate(%s) = %s, want %s", tt.received, got.Format("Mon 2006-01-02"), want.Format("Mon 2006-01-02"))
			}
		})
	}
}

// TestDueDateByLawAndNation covers each regime's calendar over Easter,
// Christmas, St Andrew's Day and the Boyne holiday. The dates were
// counted by hand from the holiday lists.
func TestDueDateByLawAndNation(t *testing.T) {
	tests := []struct {
		name     string
		received string
		law      Law
		nation   Nation
		opts     DeadlineOptions
		want     string
	}{
		{"FOIA counts St Patrick's Day 2009", "2009-03-12", LawFOIA, NationEnglandWales, DeadlineOptions{}, "2009-04-14"},
		{"FOISA ignores it", "2009-03-12", LawFOISA, NationScotland, DeadlineOptions{}, "2009-04-09"},
		{"EIR is UK-wide like FOIA", "2009-03-12", LawEIR, NationEnglandWales, DeadlineOptions{}, "2009-04-14"},
		{"EISR is Scottish like FOISA", "2009-03-12", LawEISR, NationScotland, DeadlineOptions{}, "2009-04-09"},
		{"FOISA is Scottish whatever the nation", "2009-03-12", LawFOISA, NationEnglandWales, DeadlineOptions{}, "2009-04-09"},
		{"FOIA E&W-only internal target", "2009-03-12", LawFOIA, NationEnglandWales, DeadlineOptions{NationOnly: true}, "2009-04-09"},

		{"Easter 2024 FOIA", "2024-03-13", LawFOIA, NationEnglandWales, DeadlineOptions{}, "2024-04-15"},
		{"Easter 2024 FOISA (no Easter Monday, no St Patrick)", "2024-03-13", LawFOISA, NationScotland, DeadlineOptions{}, "2024-04-11"},
		{"Easter 2024 NI only", "2024-03-13", LawFOIA, NationNorthernIreland, DeadlineOptions{NationOnly: true}, "2024-04-15"},

		{"Christmas 2025 FOIA (Scottish 2 Jan counts)", "2025-12-12", LawFOIA, NationEnglandWales, DeadlineOptions{}, "2026-01-15"},
		{"Christmas 2025 E&W only", "2025-12-12", LawFOIA, NationEnglandWales, DeadlineOptions{NationOnly: true}, "2026-01-14"},
		{"Christmas 2025 FOISA", "2025-12-12", LawFOISA, NationScotland, DeadlineOptions{}, "2026-01-15"},
		{"received on Christmas Day", "2025-12-25", LawFOIA, NationEnglandWales, DeadlineOptions{}, "2026-01-27"},

		{"St Andrew's substitute 2024 FOISA", "2024-11-25", LawFOISA, NationScotland, DeadlineOptions{}, "2024-12-24"},
		{"St Andrew's substitute 2024 FOIA", "2024-11-25", LawFOIA, NationEnglandWales, DeadlineOptions{}, "2024-12-24"},
		{"St Andrew's ignored E&W only", "2024-11-25", LawFOIA, NationEnglandWales, DeadlineOptions{NationOnly: true}, "2024-12-23"},

		{"Boyne substitute 2025 FOIA (and Scottish August)", "2025-07-04", LawFOIA, NationNorthernIreland, DeadlineOptions{}, "2025-08-05"},
		{"Boyne 2025 NI only", "2025-07-04", LawFOIA, NationNorthernIreland, DeadlineOptions{NationOnly: true}, "2025-08-04"},
		{"Boyne 2025 E&W only", "2025-07-04", LawFOIA, NationEnglandWales, DeadlineOptions{NationOnly: true}, "2025-08-01"},
		{"Boyne 2025 FOISA", "2025-07-04", LawFOISA, NationScotland, DeadlineOptions{}, "2025-08-01"},

		{"EIR extended to 40", "2024-03-13", LawEIR, NationEnglandWales, DeadlineOptions{Days: 40}, "2024-05-14"},
		{"own calendar", "2024-03-13", LawFOIA, NationEnglandWales, DeadlineOptions{Calendar: NewCalendar("none", nil)}, "2024-04-10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DueDate(d(tt.received), tt.law, tt.nation, tt.opts)
			if want := d(tt.want); !got.Equal(want) {
				t.Errorf("DueDate(%s, %s, %s) = %s, want %s", tt.received, tt.law, tt.nation,
					got.Format("Mon 2006-01-02"), want.Format("Mon 2006-01-02"))
			}
		})
	}
}

// TestDueDateLocalDay checks that the day of receipt is read in the
// caller's zone: 23:30 UTC on 30 June 2024 is 00:30 on 1 July in London.
// (12 July 2024, the Boyne holiday, is skipped.)
func TestDueDateLocalDay(t *testing.T) {
	bst := time.FixedZone("BST", 3600)
	utc := time.Date(2024, 6, 30, 23, 30, 0, 0, time.UTC)
	got := DueDate(utc.In(bst), LawFOIA, NationEnglandWales, DeadlineOptions{})
	if want := d("2024-07-30"); !got.Equal(want) {
		t.Errorf("DueDate(1 July 00:30 BST) = %s, want %s", got, want)
	}
	// Read as a UTC Sunday, the same instant gives the due date of a
	// Friday receipt, a day earlier.
	if got := DueDate(utc, LawFOIA, NationEnglandWales, DeadlineOptions{}); !got.Equal(d("2024-07-29")) {
		t.Errorf("DueDate(Sunday 30 June UTC) = %s, want 2024-07-29", got.Format("2006-01-02"))
	}
}

func TestReviewDue(t *testing.T) {
	tests := []struct {
		law           Law
		target, limit string
	}{
		{LawFOIA, "2024-04-15", "2024-05-14"},
		{LawEIR, "2024-04-15", "2024-05-14"},
		{LawFOISA, "2024-04-11", "2024-04-11"},
	}
	for _, tt := range tests {
		target, limit := ReviewDue(d("2024-03-13"), tt.law, NationEnglandWales)
		if !target.Equal(d(tt.target)) || !limit.Equal(d(tt.limit)) {
			t.Errorf("ReviewDue(%s) = %s, %s; want %s, %s", tt.law,
				target.Format("2006-01-02"), limit.Format("2006-01-02"), tt.target, tt.limit)
		}
	}
}

func TestClock(t *testing.T) {
	rcv := ClockEvent{Kind: ClockReceived, At: d("2024-03-13")}
	tests := []struct {
		name        string
		law         Law
		rule        ClarificationRule
		events      []ClockEvent
		running     bool
		due         string
		veryOverdue string
		paused      int
	}{
		{"plain", LawFOIA, ClarificationRestarts, []ClockEvent{rcv}, true, "2024-04-15", "2024-05-14", 0},
		{"clarification restarts the clock", LawFOIA, ClarificationRestarts, []ClockEvent{rcv,
			{Kind: ClockClarificationRequested, At: d("2024-03-20")},
			{Kind: ClockClarificationReceived, At: d("2024-04-02")}}, true, "2024-04-30", "2024-05-30", 0},
		{"clarification pauses the clock", LawFOIA, ClarificationPauses, []ClockEvent{rcv,
			{Kind: ClockClarificationRequested, At: d("2024-03-20")},
			{Kind: ClockClarificationReceived, At: d("2024-04-02")}}, true, "2024-04-25", "2024-05-24", 8},
		{"waiting for clarification", LawFOIA, ClarificationRestarts, []ClockEvent{rcv,
			{Kind: ClockClarificationRequested, At: d("2024-03-20")}}, false, "", "", 0},
		{"events out of order", LawFOIA, ClarificationRestarts, []ClockEvent{
			{Kind: ClockClarificationReceived, At: d("2024-04-02")},
			{Kind: ClockClarificationRequested, At: d("2024-03-20")}, rcv}, true, "2024-04-30", "2024-05-30", 0},
		{"unsolicited clarification changes nothing", LawFOIA, ClarificationRestarts, []ClockEvent{rcv,
			{Kind: ClockClarificationReceived, At: d("2024-03-20")}}, true, "2024-04-15", "2024-05-14", 0},
		{"fee notice pauses (s.10(2))", LawFOIA, ClarificationRestarts, []ClockEvent{rcv,
			{Kind: ClockFeeNoticeIssued, At: d("2024-03-20")},
			{Kind: ClockFeeReceived, At: d("2024-03-22")}}, true, "2024-04-18", "2024-05-17", 3},
		{"EIR extension to 40", LawEIR, ClarificationRestarts, []ClockEvent{rcv,
			{Kind: ClockExtended, At: d("2024-03-20"), Days: 40}}, true, "2024-05-14", "2024-05-14", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Clock{Law: tt.law, Nation: NationEnglandWales, Events: tt.events, Rule: tt.rule}.State()
			if err != nil {
				t.Fatal(err)
			}
			if st.Running != tt.running {
				t.Errorf("Running = %v, want %v", st.Running, tt.running)
			}
			if st.Paused != tt.paused {
				t.Errorf("Paused = %d, want %d", st.Paused, tt.paused)
			}
			if got := dayString(st.Due); got != tt.due {
				t.Errorf("Due = %s, want %s", got, tt.due)
			}
			if got := dayString(st.VeryOverdue); got != tt.veryOverdue {
				t.Errorf("VeryOverdue = %s, want %s", got, tt.veryOverdue)
			}
		})
	}
}

func TestClockErrors(t *testing.T) {
	rcv := ClockEvent{Kind: ClockReceived, At: d("2024-03-13")}
	tests := []struct {
		name   string
		law    Law
		events []ClockEvent
	}{
		{"no receipt", LawFOIA, nil},
		{"FOISA has no extension", LawFOISA, []ClockEvent{rcv, {Kind: ClockExtended, At: d("2024-03-14"), Days: 40}}},
		{"beyond 40", LawEIR, []ClockEvent{rcv, {Kind: ClockExtended, At: d("2024-03-14"), Days: 41}}},
		{"shorter than the limit", LawEIR, []ClockEvent{rcv, {Kind: ClockExtended, At: d("2024-03-14"), Days: 10}}},
		{"clarification before receipt", LawFOIA, []ClockEvent{{Kind: ClockClarificationRequested, At: d("2024-03-01")}, rcv}},
		{"unknown event", LawFOIA, []ClockEvent{rcv, {Kind: "lunch", At: d("2024-03-14")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Clock{Law: tt.law, Events: tt.events}.State()
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("State() error = %v, want ErrInvalid", err)
			}
		})
	}
}

func dayString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}
