package foi

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Nation is a part of the United Kingdom with its own bank holidays. The
// values are the division names of GOV.UK's bank-holidays.json.
type Nation string

// The three bank-holiday divisions of the UK.
const (
	NationEnglandWales    Nation = "england-and-wales"
	NationScotland        Nation = "scotland"
	NationNorthernIreland Nation = "northern-ireland"
)

// Nations lists every Nation in a stable order.
var Nations = []Nation{NationEnglandWales, NationScotland, NationNorthernIreland}

// Valid reports whether n is one of Nations.
func (n Nation) Valid() bool {
	return n == NationEnglandWales || n == NationScotland || n == NationNorthernIreland
}

// ParseNation reads a nation from its division name or a plain name
// ("England", "Wales", "Scotland", "Northern Ireland", "NI").
func ParseNation(s string) (Nation, error) {
	switch k := lowerWords(strings.ReplaceAll(s, "-", " ")); k {
	case "england and wales", "england", "wales", "e&w", "england & wales":
		return NationEnglandWales, nil
	case "scotland":
		return NationScotland, nil
	case "northern ireland", "ni":
		return NationNorthernIreland, nil
	}
	return "", fmt.Errorf("nation %q: %w", s, ErrInvalid)
}

// Holiday is one bank or public holiday in one nation.
type Holiday struct {
	Date   time.Time // midnight UTC on the day
	Name   string    // as GOV.UK names it, e.g. "Easter Monday"
	Nation Nation
}

// Easter returns Easter Sunday of year (Gregorian calendar), by the
// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
func Easter(year int) time.Time {
	a := year % 19
	b, c := year/100, year%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return day0(year, time.Month(month), day)
}

// Holidays returns the bank holidays of nation n in year, in date order.
//
// The days follow the Banking and Financial Dealings Act 1971 and the
// royal proclamations as GOV.UK lists them (written from the published
// lists; the data could not be fetched here, so the rules are applied):
//
//   - all nations: New Year's Day, Good Friday, early May bank holiday
//     (first Monday in May), spring bank holiday (last Monday in May),
//     Christmas Day and Boxing Day;
//   - England and Wales, Northern Ireland: Easter Monday and the summer
//     bank holiday on the last Monday in August;
//   - Scotland: 2 January, the summer holiday on the first Monday in
//     August and St Andrew's Day (30 November); no Easter Monday;
//   - Northern Ireland: St Patrick's Day (17 March) and the Battle of the
//     Boyne (12 July).
//
// A fixed-date holiday on a Saturday or Sunday is replaced by the next
// weekday not already a holiday (so Christmas on a Saturday gives Monday
// 27 and Tuesday 28 December). One-off changes from 2009 to 2030:
// 29 April 2011 (royal wedding); spring bank holiday moved to 4 June 2012
// with 5 June for the Diamond Jubilee; early May moved to Friday 8 May
// 2020 (VE day); spring bank holiday moved to 2 June 2022 with 3 June for
// the Platinum Jubilee; 19 September 2022 (state funeral); 8 May 2023
// (coronation). The Scottish 2012 and 2022 changes are taken to match the
// rest of the UK, as GOV.UK listed them.
//
// The rules hold for any year, but one-off days are only known up to
// 2030: later years may miss days yet to be proclaimed.
func Holidays(n Nation, year int) []Holiday {
	var hs []Holiday
	add := func(d time.Time, name string) { hs = append(hs, Holiday{Date: d, Name: name, Nation: n}) }

	// Fixed-date holidays that move to the next free weekday when they
	// fall at a weekend.
	type fixed struct {
		date time.Time
		name string
	}
	var fixeds []fixed
	fixeds = append(fixeds, fixed{day0(year, time.January, 1), "New Year’s Day"})
	if n == NationScotland {
		fixeds = append(fixeds, fixed{day0(year, time.January, 2), "2nd January"})
	}
	if n == NationNorthernIreland {
		fixeds = append(fixeds,
			fixed{day0(year, time.March, 17), "St Patrick’s Day"},
			fixed{day0(year, time.July, 12), "Battle of the Boyne (Orangemen’s Day)"})
	}
	if n == NationScotland {
		fixeds = append(fixeds, fixed{day0(year, time.November, 30), "St Andrew’s Day"})
	}
	fixeds = append(fixeds,
		fixed{day0(year, time.December, 25), "Christmas Day"},
		fixed{day0(year, time.December, 26), "Boxing Day"})

	easter := Easter(year)
	add(easter.AddDate(0, 0, -2), "Good Friday")
	if n != NationScotland {
		add(easter.AddDate(0, 0, 1), "Easter Monday")
	}

	switch year {
	case 2020:
		add(day0(2020, time.May, 8), "Early May bank holiday (VE day)")
	default:
		add(nthWeekday(year, time.May, time.Monday, 1), "Early May bank holiday")
	}
	switch year {
	case 2012:
		add(day0(2012, time.June, 4), "Spring bank holiday")
		add(day0(2012, time.June, 5), "Queen’s Diamond Jubilee")
	case 2022:
		add(day0(2022, time.June, 2), "Spring bank holiday")
		add(day0(2022, time.June, 3), "Platinum Jubilee bank holiday")
	default:
		add(lastWeekday(year, time.May, time.Monday), "Spring bank holiday")
	}
	if n == NationScotland {
		add(nthWeekday(year, time.August, time.Monday, 1), "Summer bank holiday")
	} else {
		add(lastWeekday(year, time.August, time.Monday), "Summer bank holiday")
	}
	switch year {
	case 2011:
		add(day0(2011, time.April, 29), "Royal wedding")
	case 2022:
		add(day0(2022, time.September, 19), "Bank Holiday for the State Funeral of Queen Elizabeth II")
	case 2023:
		add(day0(2023, time.May, 8), "Bank holiday for the coronation of King Charles III")
	}

	// Place fixed days that fall on weekdays first, so that a substitute
	// never takes a day that is a holiday in its own right, then move the
	// weekend ones to the next free weekday.
	taken := map[time.Time]bool{}
	for _, h := range hs {
		taken[h.Date] = true
	}
	var weekend []fixed
	for _, f := range fixeds {
		if isWeekend(f.date) {
			weekend = append(weekend, f)
			continue
		}
		taken[f.date] = true
		add(f.date, f.name)
	}
	for _, f := range weekend {
		d := f.date
		for isWeekend(d) || taken[d] {
			d = d.AddDate(0, 0, 1)
		}
		taken[d] = true
		add(d, f.name+" (substitute day)")
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// Calendar answers whether a day is a working day: not a Saturday or
// Sunday and not one of its holidays. Its zero value has no holidays.
// A Calendar is safe for concurrent use.
type Calendar struct {
	Name     string
	holidays map[time.Time]string
}

// NewCalendar returns a calendar with the given holidays.
func NewCalendar(name string, hs []Holiday) *Calendar {
	c := &Calendar{Name: name, holidays: make(map[time.Time]string, len(hs))}
	for _, h := range hs {
		d := civilDay(h.Date)
		if _, ok := c.holidays[d]; !ok {
			c.holidays[d] = h.Name
		}
	}
	return c
}

// FirstHolidayYear and LastHolidayYear bound the years that the calendars
// from NationCalendar and UKCalendar hold. 2005 to 2030 include every
// one-off day announced so far; later years follow the standing rules
// only. Outside the range only weekends are non-working days.
const (
	FirstHolidayYear = 2005
	LastHolidayYear  = 2035
)

// calendars caches the built calendars; they never change once built.
var calendars = sync.OnceValue(func() map[string]*Calendar {
	m := map[string]*Calendar{}
	var all []Holiday
	for _, n := range Nations {
		var hs []Holiday
		for y := FirstHolidayYear; y <= LastHolidayYear; y++ {
			hs = append(hs, Holidays(n, y)...)
		}
		m[string(n)] = NewCalendar(string(n), hs)
		all = append(all, hs...)
	}
	m["uk"] = NewCalendar("uk", all)
	return m
})

// NationCalendar returns the working-day calendar of one nation's bank
// holidays, for FirstHolidayYear to LastHolidayYear. It returns nil for an
// invalid nation.
func NationCalendar(n Nation) *Calendar { return calendars()[string(n)] }

// UKCalendar returns the calendar that FOIA s.10(6) describes: a working
// day is any day other than a Saturday, a Sunday, Christmas Day, Good
// Friday or a bank holiday "in any part of the United Kingdom", so it
// excludes the union of all three nations' holidays.
func UKCalendar() *Calendar { return calendars()["uk"] }

// Holiday reports whether the calendar day of t (in t's location) is a
// holiday, and its name.
func (c *Calendar) Holiday(t time.Time) (string, bool) {
	if c == nil {
		return "", false
	}
	name, ok := c.holidays[civilDay(t)]
	return name, ok
}

// IsWorkingDay reports whether the calendar day of t (in t's location) is
// neither a weekend day nor a holiday.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	d := civilDay(t)
	if isWeekend(d) {
		return false
	}
	_, hol := c.Holiday(d)
	return !hol
}

// AddWorkingDays returns the n-th working day after the day of start
// (its calendar day in its own location), counting that day as day 0, as
// Alaveteli and the ICO do: the first working day after receipt is day 1.
// A start on a weekend or holiday therefore behaves like the working day
// before it. The result is a date: midnight UTC on that day, whatever
// start's location, so that it survives storage as a DATE. A deadline
// falls at the end of the day.
func (c *Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	d := civilDay(start)
	for i := 0; i < n; {
		d = d.AddDate(0, 0, 1)
		if c.IsWorkingDay(d) {
			i++
		}
	}
	return d
}

// WorkingDaysBetween counts the working days after the day of from up to
// and including the day of to (each in its own location). It is 0 when
// to is on or before from's day.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	n := 0
	end := civilDay(to)
	for d := civilDay(from).AddDate(0, 0, 1); !d.After(end); d = d.AddDate(0, 0, 1) {
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}

// day0 returns midnight UTC on a calendar day.
func day0(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// civilDay returns midnight UTC on t's calendar day in t's own location.
func civilDay(t time.Time) time.Time {
	y, m, d := t.Date()
	return day0(y, m, d)
}

func isWeekend(t time.Time) bool {
	wd := t.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

// nthWeekday returns the n-th (1-based) wd of month.
func nthWeekday(year int, month time.Month, wd time.Weekday, n int) time.Time {
	d := day0(year, month, 1)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, 1)
	}
	return d.AddDate(0, 0, 7*(n-1))
}

// lastWeekday returns the last wd of month.
func lastWeekday(year int, month time.Month, wd time.Weekday) time.Time {
	d := day0(year, month+1, 1).AddDate(0, 0, -1)
	for d.Weekday() != wd {
		d = d.AddDate(0, 0, -1)
	}
	return d
}
