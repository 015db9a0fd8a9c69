package portal

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DateInput is a GOV.UK date input's three fields, as typed. The portal's
// forms and the spending browser's (foi/ledger/web) read dates with it,
// so they accept and refuse the same dates with the same words.
type DateInput struct {
	Day, Month, Year string
}

// DateField is what the "date-input" partial template shows: a date
// input called Name (its fields are Name-day, Name-month, Name-year),
// with its legend, hint and what was typed.
type DateField struct {
	Name, Legend, Hint string
	Input              DateInput
}

// ReadDateInput reads the date input called name from form values:
// name-day, name-month and name-year.
func ReadDateInput(v url.Values, name string) DateInput {
	return DateInput{v.Get(name + "-day"), v.Get(name + "-month"), v.Get(name + "-year")}
}

// DateInputOf shows t in a date input; the zero time is an empty one.
func DateInputOf(t time.Time) DateInput {
	if t.IsZero() {
		return DateInput{}
	}
	return DateInput{strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year())}
}

// Empty reports whether nothing was typed.
func (d DateInput) Empty() bool { return d.Day == "" && d.Month == "" && d.Year == "" }

// Parse reads the date, at midnight UTC; an empty input is the zero
// time. For a date that is incomplete, not in numbers, or does not exist
// (31 February) it returns the zero time and the end of an error message
// ("must be a real date"), for the caller to put the field's name before.
func (d DateInput) Parse() (time.Time, string) {
	if d.Empty() {
		return time.Time{}, ""
	}
	if d.Day == "" || d.Month == "" || d.Year == "" {
		return time.Time{}, "must include a day, month and year"
	}
	day, e1 := strconv.Atoi(strings.TrimSpace(d.Day))
	month, e2 := strconv.Atoi(strings.TrimSpace(d.Month))
	year, e3 := strconv.Atoi(strings.TrimSpace(d.Year))
	if e1 != nil || e2 != nil || e3 != nil {
		return time.Time{}, "must be a real date, in numbers"
	}
	return realDate(year, month, day)
}

// ParseISODate reads a YYYY-MM-DD date, as the API and links carry them;
// "" is the zero time. Errors are as DateInput.Parse's.
func ParseISODate(s string) (time.Time, string) {
	if s == "" {
		return time.Time{}, ""
	}
	var y, m, d int
	if n, err := fmt.Sscanf(s, "%4d-%2d-%2d", &y, &m, &d); err != nil || n != 3 || len(s) != 10 {
		return time.Time{}, "must be a date like 2024-03-31"
	}
	return realDate(y, m, d)
}

// realDate builds a date and refuses one that time.Date would normalise
// (31 February becomes 3 March) or that is far outside the era of any
// published record.
func realDate(year, month, day int) (time.Time, string) {
	if year < 1900 || year > 2200 {
		return time.Time{}, "must have a year with 4 digits, like 2024"
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if t.Year() != year || int(t.Month()) != month || t.Day() != day {
		return time.Time{}, "must be a real date"
	}
	return t, ""
}
