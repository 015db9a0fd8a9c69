package foi

import (
	"fmt"
	"sort"
	"time"
)

// Working-day limits from the statutes, codes and Alaveteli.
const (
	// ResponseDays is the basic limit: FOIA s.10(1), FOISA s.10(1), EIR
	// reg 5(2) and EISR reg 5(2): the 20th working day after receipt.
	ResponseDays = 20
	// ExtendedDays is the most an extension may reach: EIR/EISR reg 7(1)
	// allow 40 working days for complex and voluminous requests; for the
	// FOIA s.10(3) public-interest extension the ICO and the s.45 Code say
	// no more than a further 20 working days.
	ExtendedDays = 40
	// VeryOverdueDays is when Alaveteli calls an unanswered request "long
	// overdue" (REPLY_VERY_LATE_AFTER_DAYS).
	VeryOverdueDays = 40
)

// DeadlineOptions adjusts DueDate.
type DeadlineOptions struct {
	// Days is the number of working days allowed; 0 means ResponseDays.
	Days int
	// Calendar overrides the holiday calendar chosen by law and nation.
	Calendar *Calendar
	// NationOnly counts only nation's own bank holidays for FOIA and EIR,
	// instead of the statutory union of all UK holidays. Skipping fewer
	// days gives an earlier date, so it suits an internal target; it is
	// never later than the statutory deadline.
	NationOnly bool
}

// CalendarFor returns the working-day calendar the law prescribes:
//
//   - FOIA: s.10(6) defines a working day as any day other than a Saturday,
//     a Sunday, Christmas Day, Good Friday or a bank holiday "in any part
//     of the United Kingdom", so all three nations' holidays are excluded
//     wherever the authority is (Alaveteli does the same). An English
//     council therefore does not count St Patrick's Day or St Andrew's Day.
//   - EIR: reg 2(1) gives "working day" the FOIA s.10(6) meaning, so the
//     same UK-wide union applies.
//   - FOISA (s.73) and EISR (reg 2(1), by reference to FOISA): only
//     Scottish bank holidays are excluded, whatever nation is given.
//
// An unknown law is treated like FOIA. nation is used only when
// opts.NationOnly is set for FOIA or EIR.
func CalendarFor(law Law, nation Nation, opts DeadlineOptions) *Calendar {
	if opts.Calendar != nil {
		return opts.Calendar
	}
	if law.Scottish() {
		return NationCalendar(NationScotland)
	}
	if opts.NationOnly && nation.Valid() {
		return NationCalendar(nation)
	}
	return UKCalendar()
}

// DueDate returns the day by whose end a request received at received
// must be answered: the 20th working day after receipt (opts.Days to
// change it), where the day of receipt is day 0 and the first working day
// after it is day 1. A request received on a weekend or bank holiday is
// thus treated as received on the next working day, which is day 1:
// received Thursday 12 March 2009 gives Tuesday 14 April 2009, and
// Saturday 14 March 2009 gives Wednesday 15 April 2009 (Alaveteli's
// vectors). The day of receipt is the calendar day of received in its own
// location: pass times in the council's zone (Europe/London). The result
// is a date, midnight UTC on the due day (see Calendar.AddWorkingDays).
func DueDate(received time.Time, law Law, nation Nation, opts DeadlineOptions) time.Time {
	days := opts.Days
	if days <= 0 {
		days = ResponseDays
	}
	return CalendarFor(law, nation, opts).AddWorkingDays(received, days)
}

// ReviewDue returns the target and the latest date for answering a
// request for internal review received at requested.
//
//   - FOIA: the review is not statutory; the s.45 Code of Practice (2018)
//     says 20 working days, and never more than 40.
//   - EIR/EISR: reg 11(4) requires a decision within 40 working days
//     (target 20, as for FOIA, so that councils aim for the same turnaround).
//   - FOISA: s.21(1) requires a reply to a requirement for review within
//     20 working days; there is no extension.
func ReviewDue(requested time.Time, law Law, nation Nation) (target, limit time.Time) {
	cal := CalendarFor(law, nation, DeadlineOptions{})
	target = cal.AddWorkingDays(requested, 20)
	switch law {
	case LawFOISA:
		limit = target
	default:
		limit = cal.AddWorkingDays(requested, 40)
	}
	return target, limit
}

// ClockEventKind is something that starts, stops or stretches the
// statutory clock.
type ClockEventKind string

// Clock events.
const (
	ClockReceived ClockEventKind = "received"
	// ClockClarificationRequested stops the clock (FOIA s.1(3), FOISA
	// s.1(3), EIR reg 9(4)).
	ClockClarificationRequested ClockEventKind = "clarification_requested"
	// ClockClarificationReceived starts it again; see ClarificationRule.
	ClockClarificationReceived ClockEventKind = "clarification_received"
	// ClockFeeNoticeIssued and ClockFeeReceived bound a pause: FOIA
	// s.10(2) disregards the working days from the day the fees notice is
	// given to the day the fee is received, both included.
	ClockFeeNoticeIssued ClockEventKind = "fee_notice_issued"
	ClockFeeReceived     ClockEventKind = "fee_received"
	// ClockExtended sets the limit to Days working days in all (EIR reg 7,
	// FOIA s.10(3)); FOISA allows no extension.
	ClockExtended ClockEventKind = "extended"
)

// ClockEvent is one event on a request's statutory clock.
type ClockEvent struct {
	Kind ClockEventKind
	At   time.Time
	Days int // ClockExtended only: the new limit in working days
}

// ClarificationRule says what receiving a clarification does to the clock.
type ClarificationRule int

const (
	// ClarificationRestarts is the statutory rule and the default: FOIA
	// s.10(6)(b) takes the "date of receipt" to be the day the
	// clarification arrives, so the full 20 working days run again from
	// then (ICO guidance: "the 20 working days start again").
	ClarificationRestarts ClarificationRule = iota
	// ClarificationPauses only stops the clock while the authority waits:
	// the deadline moves by the working days from the day of the question
	// to the day of the answer, both included. Some councils report
	// this way; it gives an earlier date than the statute.
	ClarificationPauses
)

// Clock works out a request's deadline from its events.
type Clock struct {
	Law     Law
	Nation  Nation
	Events  []ClockEvent
	Rule    ClarificationRule
	Options DeadlineOptions // Calendar and NationOnly are honoured; Days is the starting limit
}

// ClockState is what a Clock says at the end of its events.
type ClockState struct {
	// Running is false while the authority waits for a clarification or a
	// fee; Due and VeryOverdue are then zero.
	Running bool
	// Start is the effective date of receipt: the last receipt of a
	// clarification under ClarificationRestarts, or the original receipt.
	Start time.Time
	// Limit is the working days allowed, after any extension.
	Limit int
	// Paused is the number of working days disregarded (fees, and
	// clarifications under ClarificationPauses).
	Paused int
	// Due is the day by whose end a reply is due.
	Due time.Time
	// VeryOverdue is the day after which Alaveteli calls the request "long
	// overdue": VeryOverdueDays working days (or Limit if greater).
	VeryOverdue time.Time
}

// State replays the events in time order (a stable sort keeps ties in
// the given order). It returns ErrInvalid when the events make no sense:
// no receipt, an extension under FOISA or beyond ExtendedDays, or an
// extension shorter than the current limit.
func (c Clock) State() (ClockState, error) {
	evs := append([]ClockEvent(nil), c.Events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].At.Before(evs[j].At) })
	cal := CalendarFor(c.Law, c.Nation, c.Options)
	st := ClockState{Running: true, Limit: c.Options.Days}
	if st.Limit <= 0 {
		st.Limit = ResponseDays
	}
	var pausedAt time.Time
	var pausedBy ClockEventKind
	for _, e := range evs {
		switch e.Kind {
		case ClockReceived:
			if st.Start.IsZero() {
				st.Start = e.At
			}
		case ClockClarificationRequested, ClockFeeNoticeIssued:
			if st.Start.IsZero() {
				return ClockState{}, fmt.Errorf("clock: %s before receipt: %w", e.Kind, ErrInvalid)
			}
			if st.Running {
				st.Running, pausedAt, pausedBy = false, e.At, e.Kind
			}
		case ClockClarificationReceived:
			if st.Running || pausedBy != ClockClarificationRequested {
				continue // an unsolicited clarification changes nothing
			}
			st.Running = true
			if c.Rule == ClarificationRestarts {
				st.Start, st.Paused = e.At, 0
			} else {
				st.Paused += pausedDays(cal, pausedAt, e.At)
			}
		case ClockFeeReceived:
			if st.Running || pausedBy != ClockFeeNoticeIssued {
				continue
			}
			st.Running = true
			st.Paused += pausedDays(cal, pausedAt, e.At)
		case ClockExtended:
			if c.Law == LawFOISA {
				return ClockState{}, fmt.Errorf("clock: FOISA allows no extension: %w", ErrInvalid)
			}
			if e.Days > ExtendedDays || e.Days < st.Limit {
				return ClockState{}, fmt.Errorf("clock: extension to %d working days (limit %d, at most %d): %w",
					e.Days, st.Limit, ExtendedDays, ErrInvalid)
			}
			st.Limit = e.Days
		default:
			return ClockState{}, fmt.Errorf("clock: unknown event %q: %w", e.Kind, ErrInvalid)
		}
	}
	if st.Start.IsZero() {
		return ClockState{}, fmt.Errorf("clock: no receipt: %w", ErrInvalid)
	}
	if st.Running {
		st.Due = cal.AddWorkingDays(st.Start, st.Limit+st.Paused)
		st.VeryOverdue = cal.AddWorkingDays(st.Start, max(VeryOverdueDays, st.Limit)+st.Paused)
	}
	return st, nil
}

// pausedDays counts the working days from the day of from to the day of
// to, both included.
func pausedDays(cal *Calendar, from, to time.Time) int {
	n := cal.WorkingDaysBetween(from, to)
	if cal.IsWorkingDay(from) {
		n++
	}
	return n
}

// dayAfter reports whether t's calendar day, in t's own location, is
// after the date day (midnight UTC, as AddWorkingDays returns). Deadlines
// fall at the end of the due day, so a request is late only from the
// next day.
func dayAfter(t, day time.Time) bool {
	return civilDay(t).After(civilDay(day.UTC()))
}
