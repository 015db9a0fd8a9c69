package assistant

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// recPeriod is a date range asked about, From inclusive and To exclusive.
type recPeriod struct {
	From, To time.Time
	Label    string // "in March 2017", "in 2019/20 (April 2019 to March 2020)"
}

func (p recPeriod) set() bool { return !p.From.IsZero() || !p.To.IsZero() }

const recMonthRx = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

var (
	recReMonthRange = regexp.MustCompile(`\b(?:between\s+|from\s+)?` + recMonthRx + `(?:\s+(\d{4}))?\s*(?:-|–|to|until|till|through|and)\s*` + recMonthRx + `\s+(\d{4})\b`)
	recReQuarter    = regexp.MustCompile(`\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter)\s*(?:of\s+)?(\d{4})\b`)
	recReFinYear    = regexp.MustCompile(`\b(?:(?:financial|fiscal)\s+year\s+)?(\d{4})\s*[/-]\s*(\d{4}|\d{2})\b`)
	recReDay        = regexp.MustCompile(`\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + recMonthRx + `\s+(\d{4})\b`)
	recReMonth      = regexp.MustCompile(`\b` + recMonthRx + `\.?\s+(\d{4})\b`)
	recReSince      = regexp.MustCompile(`\bsince\s+(?:` + recMonthRx + `\s+)?(\d{4})\b`)
	recReYear       = regexp.MustCompile(`\b(?:in|during|for|of|over)?\s*((?:19|20)\d{2})\b`)
	recReRelative   = regexp.MustCompile(`\b(last|this|previous|past)\s+(financial year|fiscal year|year|month|quarter)\b`)
	recReBareMonth  = regexp.MustCompile(`\b(?:in|during|for|of|last)\s+` + recMonthRx + `\b`)
	recReAmount     = regexp.MustCompile(`\b(over|above|more than|greater than|exceeding|at least|under|below|less than)\s+£\s?(\d[\d,]*(?:\.\d{1,2})?)\s*(k|m|million|thousand)?\b`)
)

func recMonthOf(s string) time.Month {
	s = strings.TrimSuffix(s, ".")
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if s == name || (len(s) >= 3 && strings.HasPrefix(name, s)) {
			return m
		}
	}
	return 0
}

func recAtoi(s string) int { n, _ := strconv.Atoi(s); return n }

func recDay(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// parsePeriod finds the first period the question names, most specific
// form first, and blanks it.
func (q *recordQuestion) parsePeriod(now time.Time) {
	s := q.lower
	if m := recReDay.FindStringSubmatchIndex(s); m != nil {
		d, mon, y := recAtoi(s[m[2]:m[3]]), recMonthOf(s[m[4]:m[5]]), recAtoi(s[m[6]:m[7]])
		if mon != 0 && d >= 1 && d <= 31 {
			from := recDay(y, mon, d)
			q.period = recPeriod{From: from, To: from.AddDate(0, 0, 1), Label: "on " + from.Format("2 January 2006")}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReMonthRange.FindStringSubmatchIndex(s); m != nil {
		m1, m2, y2 := recMonthOf(s[m[2]:m[3]]), recMonthOf(s[m[6]:m[7]]), recAtoi(s[m[8]:m[9]])
		y1 := y2
		if m[4] >= 0 {
			y1 = recAtoi(s[m[4]:m[5]])
		} else if m1 > m2 {
			y1 = y2 - 1
		}
		from, to := recDay(y1, m1, 1), recDay(y2, m2, 1).AddDate(0, 1, 0)
		if m1 != 0 && m2 != 0 && from.Before(to) {
			q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January 2006") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
			if from.Year() == to.AddDate(0, -1, 0).Year() {
				q.period.Label = "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")
			}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReQuarter.FindStringSubmatchIndex(s); m != nil {
		n := 0
		if m[2] >= 0 {
			n = recAtoi(s[m[2]:m[3]])
		} else {
			n = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4}[s[m[4]:m[5]]]
		}
		y := recAtoi(s[m[6]:m[7]])
		from := recDay(y, time.Month(3*(n-1)+1), 1)
		to := from.AddDate(0, 3, 0)
		q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
		q.blank(m[0], m[1])
		return
	}
	if m := recReFinYear.FindStringSubmatchIndex(s); m != nil {
		y1, y2s := recAtoi(s[m[2]:m[3]]), s[m[4]:m[5]]
		y2 := recAtoi(y2s)
		if len(y2s) == 2 {
			y2 += y1 / 100 * 100
		}
		if y2 == y1+1 {
			q.period = recFinancialYear(y1)
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReSince.FindStringSubmatchIndex(s); m != nil {
		mon := time.January
		if m[2] >= 0 {
			mon = recMonthOf(s[m[2]:m[3]])
		}
		from := recDay(recAtoi(s[m[4]:m[5]]), mon, 1)
		q.period = recPeriod{From: from, Label: "since " + from.Format("January 2006")}
		q.blank(m[0], m[1])
		return
	}
	if m := recReMonth.FindStringSubmatchIndex(s); m != nil {
		if mon := recMonthOf(s[m[2]:m[3]]); mon != 0 {
			from := recDay(recAtoi(s[m[4]:m[5]]), mon, 1)
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
			q.blank(m[0], m[1])
			return
		}
	}
	if m := recReRelative.FindStringSubmatchIndex(s); m != nil {
		last := s[m[2]:m[3]] != "this"
		unit := s[m[4]:m[5]]
		y, mon, _ := now.Date()
		switch unit {
		case "year":
			if last {
				y--
			}
			from := recDay(y, time.January, 1)
			q.period = recPeriod{From: from, To: from.AddDate(1, 0, 0), Label: "in " + strconv.Itoa(y)}
		case "month":
			from := recDay(y, mon, 1)
			if last {
				from = from.AddDate(0, -1, 0)
			}
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
		case "quarter":
			from := recDay(y, time.Month((int(mon)-1)/3*3+1), 1)
			if last {
				from = from.AddDate(0, -3, 0)
			}
			to := from.AddDate(0, 3, 0)
			q.period = recPeriod{From: from, To: to, Label: "between " + from.Format("January") + " and " + to.AddDate(0, -1, 0).Format("January 2006")}
		default: // financial year, April to March
			fy := y
			if mon < time.April {
				fy--
			}
			if last {
				fy--
			}
			q.period = recFinancialYear(fy)
		}
		q.blank(m[0], m[1])
		return
	}
	if m := recReYear.FindStringSubmatchIndex(s); m != nil {
		y := recAtoi(s[m[2]:m[3]])
		from := recDay(y, time.January, 1)
		q.period = recPeriod{From: from, To: from.AddDate(1, 0, 0), Label: "in " + strconv.Itoa(y)}
		q.blank(m[0], m[1])
		return
	}
	if m := recReBareMonth.FindStringSubmatchIndex(s); m != nil {
		// A month without a year: the latest one that has begun.
		if mon := recMonthOf(s[m[2]:m[3]]); mon != 0 {
			y := now.Year()
			if mon > now.Month() {
				y--
			}
			from := recDay(y, mon, 1)
			q.period = recPeriod{From: from, To: from.AddDate(0, 1, 0), Label: "in " + from.Format("January 2006")}
			q.blank(m[2], m[3])
		}
	}
}

// recFinancialYear is the UK local-government year from April of y.
func recFinancialYear(y int) recPeriod {
	from := recDay(y, time.April, 1)
	return recPeriod{From: from, To: from.AddDate(1, 0, 0),
		Label: "in " + strconv.Itoa(y) + "/" + strconv.Itoa((y+1)%100 + 100)[1:] + " (April " + strconv.Itoa(y) + " to March " + strconv.Itoa(y+1) + ")"}
}
