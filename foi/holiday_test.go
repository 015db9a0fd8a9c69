package foi

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// d parses a 2006-01-02 date at midnight UTC.
func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestEaster(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2008, "2008-03-23"}, {2009, "2009-04-12"}, {2011, "2011-04-24"}, {2016, "2016-03-27"},
		{2019, "2019-04-21"}, {2024, "2024-03-31"}, {2025, "2025-04-20"}, {2026, "2026-04-05"},
		{2027, "2027-03-28"}, {2030, "2030-04-21"}, {2038, "2038-04-25"},
	}
	for _, tt := range tests {
		if got := Easter(tt.year); !got.Equal(d(tt.want)) {
			t.Errorf("Easter(%d) = %s, want %s", tt.year, got.Format("2006-01-02"), tt.want)
		}
	}
}

// TestHolidays checks whole years against the GOV.UK lists (written from
// the published lists, including substitute and one-off days).
func TestHolidays(t *testing.T) {
	tests := []struct {
		nation Nation
		year   int
		want   []string
	}{
		{NationEnglandWales, 2009, []string{"2009-01-01", "2009-04-10", "2009-04-13", "2009-05-04", "2009-05-25", "2009-08-31", "2009-12-25", "2009-12-28"}},
		{NationEnglandWales, 2011, []string{"2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27"}},
		{NationEnglandWales, 2012, []string{"2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05", "2012-08-27", "2012-12-25", "2012-12-26"}},
		{NationEnglandWales, 2020, []string{"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"}},
		{NationEnglandWales, 2021, []string{"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"}},
		{NationEnglandWales, 2022, []string{"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}},
		{NationEnglandWales, 2023, []string{"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"}},
		{NationEnglandWales, 2026, []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"}},
		{NationScotland, 2009, []string{"2009-01-01", "2009-01-02", "2009-04-10", "2009-05-04", "2009-05-25", "2009-08-03", "2009-11-30", "2009-12-25", "2009-12-28"}},
		{NationScotland, 2017, []string{"2017-01-02", "2017-01-03", "2017-04-14", "2017-05-01", "2017-05-29", "2017-08-07", "2017-11-30", "2017-12-25", "2017-12-26"}},
		{NationScotland, 2020, []string{"2020-01-01", "2020-01-02", "2020-04-10", "2020-05-08", "2020-05-25", "2020-08-03", "2020-11-30", "2020-12-25", "2020-12-28"}},
		{NationScotland, 2021, []string{"2021-01-01", "2021-01-04", "2021-04-02", "2021-05-03", "2021-05-31", "2021-08-02", "2021-11-30", "2021-12-27", "2021-12-28"}},
		{NationScotland, 2022, []string{"2022-01-03", "2022-01-04", "2022-04-15", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-01", "2022-09-19", "2022-11-30", "2022-12-26", "2022-12-27"}},
		{NationScotland, 2024, []string{"2024-01-01", "2024-01-02", "2024-03-29", "2024-05-06", "2024-05-27", "2024-08-05", "2024-12-02", "2024-12-25", "2024-12-26"}},
		{NationNorthernIreland, 2020, []string{"2020-01-01", "2020-03-17", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-07-13", "2020-08-31", "2020-12-25", "2020-12-28"}},
		{NationNorthernIreland, 2024, []string{"2024-01-01", "2024-03-18", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-07-12", "2024-08-26", "2024-12-25", "2024-12-26"}},
		{NationNorthernIreland, 2025, []string{"2025-01-01", "2025-03-17", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-07-14", "2025-08-25", "2025-12-25", "2025-12-26"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.nation)+"/"+time.Date(tt.year, 1, 1, 0, 0, 0, 0, time.UTC).Format("2006"), func(t *testing.T) {
			var got []string
			for _, h := range Holidays(tt.nation, tt.year) {
				got = append(got, h.Date.Format("2006-01-02"))
				if h.Nation != tt.nation || h.Name == "" {
					t.Errorf("holiday %v: want nation %s and a name", h, tt.nation)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Holidays(%s, %d) mismatch (-want +got):\n%s", tt.nation, tt.year, diff)
			}
		})
	}
}

func TestHolidayNames(t *testing.T) {
	tests := []struct {
		nation Nation
		date   string
		want   string
	}{
		{NationEnglandWales, "2020-12-28", "Boxing Day (substitute day)"},
		{NationEnglandWales, "2022-12-27", "Christmas Day (substitute day)"},
		{NationEnglandWales, "2023-05-08", "Bank holiday for the coronation of King Charles III"},
		{NationScotland, "2024-12-02", "St Andrew’s Day (substitute day)"},
		{NationScotland, "2021-01-04", "2nd January (substitute day)"},
		{NationNorthernIreland, "2024-03-18", "St Patrick’s Day (substitute day)"},
	}
	for _, tt := range tests {
		got, ok := NationCalendar(tt.nation).Holiday(d(tt.date))
		if !ok || got != tt.want {
			t.Errorf("%s %s: got %q (%v), want %q", tt.nation, tt.date, got, ok, tt.want)
		}
	}
}

// TestHolidaysEveryYear checks invariants for every year the calendars
// hold: the right count, weekdays only, no duplicates.
func TestHolidaysEveryYear(t *testing.T) {
	wantCount := map[Nation]int{NationEnglandWales: 8, NationScotland: 9, NationNorthernIreland: 10}
	extra := map[int]int{2011: 1, 2012: 1, 2022: 2, 2023: 1}
	for _, n := range Nations {
		for y := FirstHolidayYear; y <= LastHolidayYear; y++ {
			hs := Holidays(n, y)
			if got, want := len(hs), wantCount[n]+extra[y]; got != want {
				t.Errorf("%s %d: got %d holidays, want %d", n, y, got, want)
			}
			seen := map[time.Time]bool{}
			for _, h := range hs {
				if isWeekend(h.Date) {
					t.Errorf("%s %d: %s (%s) is at a weekend", n, y, h.Name, h.Date.Format("Mon 2006-01-02"))
				}
				if seen[h.Date] {
					t.Errorf("%s %d: %s twice", n, y, h.Date.Format("2006-01-02"))
				}
				seen[h.Date] = true
				if h.Date.Year() != y {
					t.Errorf("%s %d: %s falls in another year", n, y, h.Date.Format("2006-01-02"))
				}
			}
		}
	}
}

func TestCalendars(t *testing.T) {
	tests := []struct {
		name string
		cal  *Calendar
		date string
		want bool // working day
	}{
		{"UK excludes St Patrick's substitute", UKCalendar(), "2024-03-18", false},
		{"UK excludes St Andrew's substitute", UKCalendar(), "2024-12-02", false},
		{"UK excludes Scottish 2 January", UKCalendar(), "2026-01-02", false},
		{"UK excludes Scottish August holiday", UKCalendar(), "2025-08-04", false},
		{"UK excludes English August holiday", UKCalendar(), "2025-08-25", false},
		{"Scotland works on Easter Monday", NationCalendar(NationScotland), "2024-04-01", true},
		{"Scotland works on St Patrick's Day", NationCalendar(NationScotland), "2025-03-17", true},
		{"England works on St Andrew's Day", NationCalendar(NationEnglandWales), "2023-11-30", true},
		{"weekend", UKCalendar(), "2024-06-08", false},
		{"ordinary Tuesday", UKCalendar(), "2024-06-11", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cal.IsWorkingDay(d(tt.date)); got != tt.want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cal := UKCalendar()
	tests := []struct {
		from, to string
		want     int
	}{
		{"2024-06-10", "2024-06-10", 0},
		{"2024-06-10", "2024-06-11", 1},
		{"2024-06-07", "2024-06-10", 1}, // Friday to Monday
		{"2024-03-28", "2024-04-02", 1}, // over Easter
		{"2024-06-11", "2024-06-10", 0},
	}
	for _, tt := range tests {
		if got := cal.WorkingDaysBetween(d(tt.from), d(tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

func TestParseNation(t *testing.T) {
	for in, want := range map[string]Nation{"England": NationEnglandWales, "wales": NationEnglandWales,
		"england-and-wales": NationEnglandWales, "Scotland": NationScotland, "Northern Ireland": NationNorthernIreland, "NI": NationNorthernIreland} {
		if got, err := ParseNation(in); err != nil || got != want {
			t.Errorf("ParseNation(%q) = %q, %v, want %q", in, got, err, want)
		}
	}
	if _, err := ParseNation("Narnia"); err == nil {
		t.Error("ParseNation(Narnia): want error")
	}
}
