package extractive

import (
	"slices"
	"strings"
	"testing"
)

func TestFiguresOf(t *testing.T) {
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"A TEN costs £21 and must be applied for at least 10 working days before your event.", []string{"£21", "10workingdays"}},
		{"Adult Social Care: £584,501,000", []string{"£584501000"}},
		{"Phone bookings: 01452 596 626 (weekdays 9am-5pm)", []string{"01452596626"}},
		{"In 2024/25 we completed 94.2% of repairs.", []string{"94.2%"}},
		{"2023-24: £0", nil}, // a year and nothing to corroborate
		{"Apply online today.", nil},
	} {
		if got := figuresOf(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("figuresOf(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

func TestDistinctive(t *testing.T) {
	for _, tc := range []struct {
		figs []string
		want bool
	}{
		{[]string{"£584501000"}, true},
		{[]string{"01452596626"}, true},
		{[]string{"£21", "10workingdays"}, true},
		{[]string{"24hours"}, false}, // in many pages, meaning other things
		{[]string{"£16000"}, false},
		{[]string{"£70", "£70"}, false},
		{nil, false},
	} {
		if got := distinctive(tc.figs); got != tc.want {
			t.Errorf("distinctive(%q) = %v, want %v", tc.figs, got, tc.want)
		}
	}
}

// A sentence quoted from one page cites a second page that states the
// same figures about the same subject, and no page that merely shares a
// figure.
func TestComposeCitesAPageStatingTheSameFigures(t *testing.T) {
	party := chunk("events/street-parties.html", 1, "Street parties", "https://www.example.gov.uk/events/street-parties",
		[]string{"Street parties", "Alcohol"},
		"If you sell alcohol at your street party you need a Temporary Event Notice (TEN). A TEN costs £21 and must be applied for at least 10 working days before your event.")
	licence := chunk("licensing/temporary-event-notice.html", 1, "Temporary Event Notice", "https://www.example.gov.uk/licensing/ten",
		[]string{"Temporary Event Notice", "Fee"},
		"You will have to pay a fee of £21 for a temporary event notice.\n\nYou must give the notice at least 10 working days before your event.")
	parking := chunk("parking/permits.html", 1, "Parking permits", "https://www.example.gov.uk/parking/permits",
		[]string{"Parking permits"},
		"A visitor permit costs £21 for a book of ten.")
	h := hits(party, licence, parking)
	d := compose(t, New(Options{}), "how much is a temporary event notice for a street party and how much notice do I have to give?", h)
	cited := map[int]string{}
	for _, c := range d.Citations {
		cited[c.N] = c.DocID
	}
	var got []string
	for _, s := range d.Sentences {
		if !strings.Contains(s.Text, "£21") || !strings.Contains(s.Text, "10 working days") {
			continue
		}
		for _, n := range s.Cites {
			got = append(got, cited[n])
		}
	}
	if !slices.Contains(got, party.DocID) || !slices.Contains(got, licence.DocID) {
		t.Fatalf("the sentence with both figures cites %q, want both %s and %s; answer %+v", got, party.DocID, licence.DocID, d.Sentences)
	}
	for _, c := range d.Citations {
		if c.DocID == parking.DocID {
			t.Errorf("the parking page, which shares only £21, is cited: %+v", d.Citations)
		}
	}
}

// The same figure in a page about something else supports nothing.
func TestCorroboratingNeedsTheSubject(t *testing.T) {
	c := New(Options{})
	about := chunk("a.html", 1, "Bulky waste", "https://example.gov.uk/a", nil, "Bulky waste collection costs £1,234.50 for a van load.")
	other := chunk("b.html", 1, "Car parks", "https://example.gov.uk/b", nil, "The car park took £1,234.50 in March.")
	h := hits(about, other)
	d := compose(t, c, "how much is a bulky waste collection?", h)
	var docs []string
	for _, x := range d.Citations {
		docs = append(docs, x.DocID)
	}
	if !slices.Equal(docs, []string{"a.html"}) {
		t.Errorf("cited %q, want only a.html", docs)
	}
}
