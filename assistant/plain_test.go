package assistant

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var figure = regexp.MustCompile(`[£$]?\d[\d,.:/]*(?:am|pm|p|%)?`)

// figures returns the figures of s, without the punctuation after them
// ("2012:" and "2012." are one figure).
func figures(s string) []string {
	fs := figure.FindAllString(s, -1)
	for i, f := range fs {
		fs[i] = strings.TrimRight(f, ".,:")
	}
	return fs
}

func TestPlainEnglish(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"refuse collection", "Refuse collection is on Tuesdays.", "Bin collection is on Tuesdays."},
		{"several swaps", "Residents should commence the application in accordance with the guidance.",
			"People should start the application under the guidance."},
		{"keeps case", "Approximately 300 dwellings require assistance.", "About 300 homes need help."},
		{"purchase", "You can purchase a permit prior to your visit.", "You can buy a permit before your visit."},
		{"acronym first use only", "Every HMO needs a licence. An HMO licence lasts 5 years.",
			"Every house in multiple occupation (HMO) needs a licence. An HMO licence lasts 5 years."},
		{"acronym already spelled out", "A penalty charge notice (PCN) is a fine. Pay the PCN within 14 days.",
			"A penalty charge notice (PCN) is a fine. Pay the PCN within 14 days."},
		{"shouted heading keeps SEND", "SEND US YOUR FORM BY POST TODAY", "SEND US YOUR FORM BY POST TODAY"},
		{"possessive left alone", "Residents' parking permits cost £50.", "Residents' parking permits cost £50."},
		{"not inside words", "The premisesx field and prerequire stay.", "The premisesx field and prerequire stay."},
		{"not inside links", "See https://example.gov.uk/purchase-a-permit for details.", "See https://example.gov.uk/purchase-a-permit for details."},
		{"split at semicolon",
			"You can pay by direct debit on the 1st or 15th of the month; we will send you a reminder two weeks before each payment is taken.",
			"You can pay by direct debit on the 1st or 15th of the month. We will send you a reminder two weeks before each payment is taken."},
		{"split at but",
			"Most people can apply online in about ten minutes at any time of day, but you can also call us on 0114 273 4567 if you need help.",
			"Most people can apply online in about ten minutes at any time of day. But you can also call us on 0114 273 4567 if you need help."},
		{"split at and before a clause",
			"Your permit is valid for twelve months from the date we issue it to you, and you must display it clearly in the windscreen at all times.",
			"Your permit is valid for twelve months from the date we issue it to you. You must display it clearly in the windscreen at all times."},
		{"list and stays",
			"We collect glass bottles and jars, paper and card, food and drink cans, aerosols, foil, and plastic bottles from the kerbside every fortnight.",
			"We collect glass bottles and jars, paper and card, food and drink cans, aerosols, foil, and plastic bottles from the kerbside every fortnight."},
		{"which to end",
			"If your bin was missed you need to report it by 4pm on the next working day after collection, which is when the crews return to the depot.",
			"If your bin was missed you need to report it by 4pm on the next working day after collection. This is when the crews return to the depot."},
		{"short sentences untouched", "Call us; we can help.", "Call us; we can help."},
		{"split at a dash before a clause",
			"This service is quick and easy to use at any time — most people complete it in under 2 minutes.",
			"This service is quick and easy to use at any time. Most people complete it in under 2 minutes."},
		{"dash in a range stays",
			"The recycling centre on the ring road is open every day of the week from 9am - 5pm in summer.",
			"The recycling centre on the ring road is open every day of the week from 9am - 5pm in summer."},
		{"so that stays",
			"Please tell us about any change in your household straight away, so that we can work out your discount.",
			"Please tell us about any change in your household straight away, so that we can work out your discount."},
		{"split at including",
			"Each January, tenants are contacted with details about the coming year, including rent, water charges and ways to pay.",
			"Each January, tenants are contacted with details about the coming year. This includes rent, water charges and ways to pay."},
		{"split at meaning",
			"The zone charges at a daily rate, meaning drivers will only need to make one payment a day.",
			"The zone charges at a daily rate. This means drivers will only need to make one payment a day."},
		{"including inside an if clause stays",
			"If the person died in the borough, including at the general hospital or the hospice, register at the main office.",
			"If the person died in the borough, including at the general hospital or the hospice, register at the main office."},
		{"split at a colon before a question",
			"Request 154748 to the council, received 25 January 2012: How many parking tickets has the council issued in each of the last three years?",
			"Request 154748 to the council, received 25 January 2012. How many parking tickets has the council issued in each of the last three years?"},
		{"colon before a figure or a list stays",
			"The total number of referrals passed to enforcement agents in the year to March: 29,288 and the agents used: Marstons; Equita.",
			"The total number of referrals passed to enforcement agents in the year to March: 29,288 and the agents used: Marstons; Equita."},
		{"colon before names stays",
			"The companies the council used for the recovery of unpaid council tax debts last year: Marstons, Equita and Bristow.",
			"The companies the council used for the recovery of unpaid council tax debts last year: Marstons, Equita and Bristow."},
		{"split at or before a clause",
			"You can apply online at any time of the day or night, or you can call us during office hours.",
			"You can apply online at any time of the day or night. Or you can call us during office hours."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PlainEnglish(tt.in)
			if got != tt.want {
				t.Errorf("PlainEnglish(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if !slices.Equal(figures(got), figures(tt.in)) {
				t.Errorf("figures changed: got %q, want %q", figures(got), figures(tt.in))
			}
		})
	}
}

func TestPlainEnglishNeverChangesFigures(t *testing.T) {
	in := strings.Join([]string{
		"Residents must submit the form approximately 10 working days prior to the event; the fee is £21.50 and the helpline 0114 273 4567 is open 8:30am to 5pm, Monday to Friday, and requests received after 4pm are processed the next working day.",
		"The HMO licence costs £1,045.00 per dwelling, which is payable in accordance with our fees schedule published on 1/4/2025.",
	}, "\n")
	got := PlainEnglish(in)
	if !slices.Equal(figures(got), figures(in)) {
		t.Errorf("figures changed:\n got %q\nwant %q\ntext %q", figures(got), figures(in), got)
	}
	if Grade(got) >= Grade(in) {
		t.Errorf("Grade after = %.1f, before = %.1f; want lower", Grade(got), Grade(in))
	}
}

func TestSplitLongKeepsLinesAndFigures(t *testing.T) {
	in := "Lead-in:\n- Pay online at any time of day or night using your card; we send a receipt to your email within 2 hours."
	want := "Lead-in:\n- Pay online at any time of day or night using your card. We send a receipt to your email within 2 hours."
	if got := SplitLong(in); got != want {
		t.Errorf("SplitLong(%q)\n got %q\nwant %q", in, got, want)
	}
}

func TestDropAsides(t *testing.T) {
	tests := []struct{ name, in, whole, want string }{
		{"acronym not used again", "Recycling centres (HRCs) are open daily.", "", "Recycling centres are open daily."},
		{"acronym used again keeps its definition", "An education, health and care (EHC) plan takes 20 weeks.",
			"An education, health and care (EHC) plan takes 20 weeks.\nYou get a draft EHC plan first.",
			"An education, health and care (EHC) plan takes 20 weeks."},
		{"alias", "Council Tax Support (also called council tax reduction) lowers your bill.", "",
			"Council Tax Support lowers your bill."},
		{"figures kept", "You can bring up to 3 items (up to 25kg) each visit.", "", "You can bring up to 3 items (up to 25kg) each visit."},
		{"conditions kept", "You pay 25% less (if you live alone).", "", "You pay 25% less (if you live alone)."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			whole := tt.whole
			if whole == "" {
				whole = tt.in
			}
			if got := dropAsides(tt.in, whole); got != tt.want {
				t.Errorf("dropAsides(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEveryday(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"jargon swapped", "Payment is required prior to the commencement of works.", "Payment is needed before the start of works."},
		{"phrases", "In relation to your request, please ensure the form is signed.", "About your request, please make sure the form is signed."},
		{"plain-only words kept", "Residents need a premises licence for each dwelling.", "Residents need a premises licence for each dwelling."},
		{"no acronyms expanded", "Pay the PCN within 14 days.", "Pay the PCN within 14 days."},
		{"figures, links and lines kept", "Lead-in:\n- Approximately £1,200.50 per annum, see https://example.gov.uk/additional-fees",
			"Lead-in:\n- About £1,200.50 a year, see https://example.gov.uk/additional-fees"},
		// Round 5 swaps, each in a form that reads right wherever it falls.
		{"receive", "If you receive one of the following benefits, the treatment cost will be reduced to £102:",
			"If you get one of these benefits, the treatment cost will be cut to £102:"},
		{"carry out", "The council has 6 weeks to decide whether to carry out an assessment.",
			"The council has 6 weeks to decide whether to do an assessment."},
		{"unable", "Unfortunately I am unable to provide this information.", "Unfortunately I cannot provide this information."},
		{"a maximum of", "You can put out a maximum of 3 extra bags on a weekly basis.", "You can put out up to 3 extra bags weekly."},
		// Forms whose swap could misread are left alone.
		{"received kept", "Request 144997 to Lambeth Council, received 23 May 2011.", "Request 144997 to Lambeth Council, received 23 May 2011."},
		{"reduced fee kept", "You may be eligible for a reduced fee the following day.", "You may be eligible for a reduced fee the following day."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Everyday(tt.in); got != tt.want {
				t.Errorf("Everyday(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
	// Plain English still swaps the words kept out of Everyday.
	if got := PlainEnglish("Residents of the dwelling pay."); got != "People of the home pay." {
		t.Errorf("PlainEnglish kept plain-only jargon: %q", got)
	}
}
