package assistant

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// permitDraft is a composer's draft about visitor parking permits, with
// two sentences from one page and one from a PDF page.
func permitDraft() *Draft {
	return &Draft{
		Sentences: []Sentence{
			{Text: "One book of 25 visitor permits costs £19.35.", Cites: []int{1}},
			{Text: "Permits are valid on the day of use until 10am the following day.", Cites: []int{1}},
			{Text: "Residents may purchase up to 6 books a year 🚗 from the parking office.", Cites: []int{2}},
		},
		Citations: []Citation{
			{N: 1, DocID: "pages/parking-visitor-permits.html", Title: "Visitor parking permits", URL: "https://www.example.gov.uk/parking/visitor-permits"},
			{N: 2, DocID: "budget/fees-and-charges.pdf", Title: "Fees and charges 2025/26", URL: "https://www.example.gov.uk/budget/fees.pdf", Page: 3},
		},
	}
}

var testCouncil = Council{
	Name: "Example Borough Council", Nation: "england", Phone: "01234 567890",
	InterpreterPhone: "01234 567999", BSLURL: "https://www.example.gov.uk/bsl",
}

func TestFormatWeb(t *testing.T) {
	text, cites := Format(permitDraft(), ChannelWeb, Needs{}, FormatOptions{Council: testCouncil})
	want := "One book of 25 visitor permits costs £19.35. Permits are valid on the day of use until 10am the following day. [1]\n\n" +
		"Residents may buy up to 6 books a year 🚗 from the parking office. [2]\n\n" +
		"Sources:\n" +
		"[1] Visitor parking permits: https://www.example.gov.uk/parking/visitor-permits\n" +
		"[2] Fees and charges 2025/26 (page 3): https://www.example.gov.uk/budget/fees.pdf"
	if diff := cmp.Diff(want, text); diff != "" {
		t.Errorf("text (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(permitDraft().Citations, cites); diff != "" {
		t.Errorf("citations (-want +got):\n%s", diff)
	}
}

func TestFormatRenumbersCitations(t *testing.T) {
	d := permitDraft()
	d.Sentences = d.Sentences[2:] // only the PDF sentence is left
	text, cites := Format(d, ChannelWeb, Needs{}, FormatOptions{})
	if len(cites) != 1 || cites[0].N != 1 || cites[0].DocID != "budget/fees-and-charges.pdf" || cites[0].Page != 3 {
		t.Fatalf("cites = %+v, want the PDF renumbered 1", cites)
	}
	if !strings.Contains(text, "office. [1]") || strings.Contains(text, "[2]") {
		t.Errorf("text = %q, want the one source marked [1]", text)
	}
}

// A sentence two sources state shows both markers, and starts a
// paragraph of its own; a sentence citing many records shows the first
// maxSentenceCites of them.
func TestFormatSentenceWithSeveralSources(t *testing.T) {
	d := permitDraft()
	d.Sentences[1].Cites = []int{1, 2}
	text, cites := Format(d, ChannelWeb, Needs{}, FormatOptions{})
	want := "One book of 25 visitor permits costs £19.35. [1]\n\n" +
		"Permits are valid on the day of use until 10am the following day. [1][2]\n\n" +
		"Residents may buy up to 6 books a year 🚗 from the parking office. [2]\n\n"
	if !strings.HasPrefix(text, want) {
		t.Errorf("text = %q, want it to start %q", text, want)
	}
	if len(cites) != 2 {
		t.Errorf("got %d citations, want 2", len(cites))
	}

	many := &Draft{Sentences: []Sentence{{Text: "Together they are worth £4,052,692.38.", Cites: []int{1, 2, 3, 4, 5}}}}
	for n := 1; n <= 5; n++ {
		many.Citations = append(many.Citations, Citation{N: n, DocID: "contracts.json#" + strconv.Itoa(n), Title: "Contract " + strconv.Itoa(n), URL: "https://example.gov.uk/c/" + strconv.Itoa(n)})
	}
	text, cites = Format(many, ChannelWeb, Needs{}, FormatOptions{})
	if !strings.HasPrefix(text, "Together they are worth £4,052,692.38. [1][2][3]\n") || len(cites) != maxSentenceCites {
		t.Errorf("text = %q with %d citations, want the first %d sources marked and listed", text, len(cites), maxSentenceCites)
	}
	if text, _ := Format(d, ChannelWeb, Needs{ScreenReader: true}, FormatOptions{}); marker.MatchString(text) {
		t.Errorf("screen reader text has markers: %q", text)
	}
}

var (
	emojiOrBox = regexp.MustCompile(`[\x{1F000}-\x{1FFFF}\x{2500}-\x{27BF}\x{2190}-\x{21FF}]`)
	marker     = regexp.MustCompile(`\[\d+\]`)
	link       = regexp.MustCompile(`https?://\S+`)
)

func TestFormatScreenReader(t *testing.T) {
	d := permitDraft()
	d.Sentences = append(d.Sentences,
		Sentence{Text: "| Band | Charge |", Cites: []int{2}},
		Sentence{Text: "Band: D; Charge: £2,173.24 ✅", Cites: []int{2}},
		Sentence{Text: "═══════ ➡ Apply online", Cites: []int{2}},
	)
	text, cites := Format(d, ChannelWeb, Needs{ScreenReader: true}, FormatOptions{MaxSentences: 6})
	if emojiOrBox.MatchString(text) || strings.Contains(text, "|") || strings.Contains(text, "═") {
		t.Errorf("text has emoji, box drawing or a table rule:\n%s", text)
	}
	if marker.MatchString(text) {
		t.Errorf("text has bare source markers:\n%s", text)
	}
	for _, want := range []string{
		"Visitor parking permits (example.gov.uk): https://www.example.gov.uk/parking/visitor-permits",
		"Fees and charges 2025/26, page 3 (example.gov.uk): https://www.example.gov.uk/budget/fees.pdf",
		"£19.35", "10am", "Band: D\nCharge: £2,173.24", // a row a field a line (rowLines)
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if len(cites) != 2 {
		t.Errorf("got %d citations, want 2", len(cites))
	}
}

func TestFormatSMS(t *testing.T) {
	long := &Draft{Citations: permitDraft().Citations}
	for range 6 {
		long.Sentences = append(long.Sentences, Sentence{
			Text:  "Permits are valid on the day of use until 10am the following day, and you can read “more” at https://www.example.gov.uk/other – see the terms.",
			Cites: []int{1},
		})
	}
	long.Sentences = append(long.Sentences, Sentence{Text: "Fees are set each April.", Cites: []int{2}})
	tests := []struct {
		name  string
		d     *Draft
		needs Needs
	}{
		{"short", permitDraft(), Needs{}},
		{"long", long, Needs{}},
		{"bsl and interpreter", permitDraft(), Needs{BSL: true, Language: "pl"}},
		{"plain", permitDraft(), Needs{PlainEnglish: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, _ := Format(tt.d, ChannelSMS, tt.needs, FormatOptions{Council: testCouncil})
			n, gsm := SMSSegments(text)
			if n > SMSMaxSegments || n == 0 {
				t.Errorf("SMS takes %d segments, want 1 or 2:\n%s", n, text)
			}
			if !gsm {
				t.Errorf("SMS is not GSM-7:\n%s", text)
			}
			if links := link.FindAllString(text, -1); len(links) != 1 || links[0] != "https://www.example.gov.uk/parking/visitor-permits" {
				t.Errorf("links = %q, want exactly the top source", links)
			}
			if marker.MatchString(text) || strings.ContainsAny(text, "*_~") {
				t.Errorf("SMS has markup or markers:\n%s", text)
			}
			if !strings.Contains(text, "10am") && !strings.Contains(text, "£19.35") {
				t.Errorf("SMS lost the answer:\n%s", text)
			}
			if tt.needs.Language != "" && !strings.Contains(text, "01234 567999") {
				t.Errorf("SMS lacks the interpreter line:\n%s", text)
			}
		})
	}
}

func TestFormatWhatsApp(t *testing.T) {
	d := permitDraft()
	d.Sentences[1].Text = "Use the *new* form_2 for permits."
	text, _ := Format(d, ChannelWhatsApp, Needs{}, FormatOptions{})
	lines := strings.Split(text, "\n")
	if lines[0] != "*Visitor parking permits*" {
		t.Errorf("first line = %q, want the top source in WhatsApp bold", lines[0])
	}
	if !strings.Contains(text, "*Sources*\n1. Visitor parking permits: https://www.example.gov.uk/parking/visitor-permits\n2. Fees and charges 2025/26 (page 3): https://www.example.gov.uk/budget/fees.pdf") {
		t.Errorf("sources not listed as \"1. Title: URL\":\n%s", text)
	}
	if strings.Contains(text, "*new*") || strings.Contains(text, "form_2") {
		t.Errorf("source text turned into WhatsApp emphasis:\n%s", text)
	}
	for _, p := range strings.Split(text, "\n\n") {
		if len(strings.Fields(p)) > 60 {
			t.Errorf("paragraph of %d words, want short paragraphs:\n%s", len(strings.Fields(p)), p)
		}
	}
}

func TestFormatPlainEnglish(t *testing.T) {
	d := &Draft{
		Sentences: []Sentence{
			{Text: "Residents must purchase a permit prior to parking.", Cites: []int{1}},
			{Text: "A permit costs £19.35.", Cites: []int{1}},
			{Text: "Permits commence at 8am.", Cites: []int{1}},
			{Text: "A fourth sentence that is dropped.", Cites: []int{1}},
		},
		Citations: []Citation{{N: 1, DocID: "p", Title: "Permits", URL: "https://example.gov.uk/p"}},
	}
	for _, needs := range []Needs{{PlainEnglish: true}, {LowLiteracy: true}} {
		text, _ := Format(d, ChannelWeb, needs, FormatOptions{})
		body, _, _ := strings.Cut(text, "\n\nSources:")
		want := "People must buy a permit before parking. A permit costs £19.35. Permits start at 8am. [1]"
		if body != want {
			t.Errorf("needs %+v: body = %q, want %q", needs, body, want)
		}
		if g := Grade(body); g > 6 {
			t.Errorf("needs %+v: grade %.1f, want ≤ 6", needs, g)
		}
	}
}

func TestFormatSignposts(t *testing.T) {
	scot := testCouncil
	scot.Nation, scot.BSLURL = "scotland", ""
	tests := []struct {
		name    string
		council Council
		needs   Needs
		want    []string
	}{
		{"bsl england", testCouncil, Needs{BSL: true}, []string{"BSL video relay service: https://www.example.gov.uk/bsl"}},
		{"bsl scotland", scot, Needs{BSL: true}, []string{"contactSCOTLAND-BSL: https://contactscotland-bsl.org"}},
		{"interpreter", testCouncil, Needs{Language: "ur"}, []string{"interpreter for Urdu, call 01234 567999"}},
		{"no signposts in english", testCouncil, Needs{Language: "en"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, _ := Format(permitDraft(), ChannelWeb, tt.needs, FormatOptions{Council: tt.council})
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			if tt.want == nil && (strings.Contains(text, "BSL") || strings.Contains(text, "interpreter")) {
				t.Errorf("unexpected signpost:\n%s", text)
			}
		})
	}
}

func TestFormatKeepsFigures(t *testing.T) {
	d := permitDraft()
	var in []string
	for _, s := range d.Sentences {
		in = append(in, figures(s.Text)...)
	}
	for _, ch := range []Channel{ChannelWeb, ChannelWhatsApp, ChannelSMS} {
		for _, needs := range []Needs{{}, {ScreenReader: true}, {PlainEnglish: true}} {
			text, _ := Format(d, ch, needs, FormatOptions{})
			got := figures(link.ReplaceAllString(text, ""))
			for _, f := range in {
				if !slices.Contains(got, f) && ch != ChannelSMS {
					t.Errorf("%s %+v: figure %q missing from %q", ch, needs, f, text)
				}
			}
		}
	}
}

func TestFormatEmpty(t *testing.T) {
	if text, cites := Format(&Draft{}, ChannelWeb, Needs{}, FormatOptions{}); text != "" || cites != nil {
		t.Errorf("Format(empty) = %q, %v; want nothing", text, cites)
	}
}

func TestSMSSegments(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		segments int
		gsm      bool
	}{
		{"empty", "", 0, true},
		{"160 gsm", strings.Repeat("a", 160), 1, true},
		{"161 gsm", strings.Repeat("a", 161), 2, true},
		{"306 gsm", strings.Repeat("a", 306), 2, true},
		{"307 gsm", strings.Repeat("a", 307), 3, true},
		{"pound is gsm", "£19.35", 1, true},
		{"euro takes two septets", strings.Repeat("€", 80), 1, true},
		{"euro over", strings.Repeat("€", 81), 2, true},
		{"70 ucs2", strings.Repeat("ł", 70), 1, false},
		{"71 ucs2", strings.Repeat("ł", 71), 2, false},
		{"134 ucs2", strings.Repeat("ł", 134), 2, false},
		{"curly quote forces ucs2", "it’s", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, gsm := SMSSegments(tt.text)
			if n != tt.segments || gsm != tt.gsm {
				t.Errorf("SMSSegments = %d, %v; want %d, %v", n, gsm, tt.segments, tt.gsm)
			}
		})
	}
}

func TestFormatLists(t *testing.T) {
	d := &Draft{
		Sentences: []Sentence{
			{Text: "If you get one of these benefits, the cost is £102:\n- Pension Credit\n- Housing Benefit", Cites: []int{1}},
			{Text: "Band: D; Annual charge: £2,173.24", Cites: []int{1}},
		},
		Citations: []Citation{{N: 1, DocID: "p", Title: "Pest control", URL: "https://example.gov.uk/pests"}},
	}
	web, _ := Format(d, ChannelWeb, Needs{}, FormatOptions{})
	wantWeb := "If you get one of these benefits, the cost is £102:\n- Pension Credit\n- Housing Benefit.\nBand: D\nAnnual charge: £2,173.24. [1]"
	if !strings.HasPrefix(web, wantWeb) {
		t.Errorf("web = %q, want it to start %q", web, wantWeb)
	}
	sms, _ := Format(d, ChannelSMS, Needs{}, FormatOptions{})
	wantSMS := "If you get one of these benefits, the cost is £102: Pension Credit; Housing Benefit. Band: D; Annual charge: £2,173.24.\nMore: https://example.gov.uk/pests"
	if sms != wantSMS {
		t.Errorf("sms = %q, want %q", sms, wantSMS)
	}
}

// TestRowLines checks that a table row quoted as a sentence is set out
// one field a line, and that sentences with a list after a colon, rows
// with an unlabelled field and lines already broken are left alone.
func TestRowLines(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"disclosure log row",
			"Service: Barking and Dagenham; Requested: 31/08/2017; Status: Refused; Notes: Claimed exemption as CIPFA intend to publish in future.; Files: B&D Response DOCX",
			"Service: Barking and Dagenham\nRequested: 31/08/2017\nStatus: Refused\nNotes: Claimed exemption as CIPFA intend to publish in future.\nFiles: B&D Response DOCX"},
		{"two fields", "Band: D; Annual charge: £2,173.24", "Band: D\nAnnual charge: £2,173.24"},
		{"list after a colon is a sentence",
			"The name of the enforcement company used by the council: Marstons; Equita; Sheffield City Council Enforcement",
			"The name of the enforcement company used by the council: Marstons; Equita; Sheffield City Council Enforcement"},
		{"long label is a sentence",
			"The council uses these enforcement agents for council tax: Marstons; Equita: for business rates",
			"The council uses these enforcement agents for council tax: Marstons; Equita: for business rates"},
		{"unlabelled field", "Emergency; Examples: No heating; Target time: 24 hours", "Emergency; Examples: No heating; Target time: 24 hours"},
		{"semicolons in prose", "Call us; we can help: any time.", "Call us; we can help: any time."},
		{"already a list", "Prices:\n- Band: D; Charge: £2,173.24", "Prices:\n- Band: D; Charge: £2,173.24"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rowLines(tt.in); got != tt.want {
				t.Errorf("rowLines(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestFormatRowsAsLines checks a row in a web answer is shown one field
// a line and graded as the resident reads it, a line at a time, and
// that SMS keeps it on one line.
func TestFormatRowsAsLines(t *testing.T) {
	d := &Draft{
		Sentences: []Sentence{
			{Text: "A standard temporary event notice costs £21.", Cites: []int{1}},
			{Text: "Type: Standard TEN; Notice needed: At least 10 working days; Fee: £21", Cites: []int{1}},
		},
		Citations: []Citation{{N: 1, Title: "Temporary event notices", URL: "https://www.example.gov.uk/ten"}},
	}
	web, _ := Format(d, ChannelWeb, Needs{}, FormatOptions{})
	if !strings.Contains(web, "costs £21.\nType: Standard TEN\nNotice needed: At least 10 working days\nFee: £21. [1]") {
		t.Errorf("web answer does not show the row a field a line:\n%s", web)
	}
	sms, _ := Format(d, ChannelSMS, Needs{}, FormatOptions{})
	if !strings.Contains(sms, "Type: Standard TEN; Notice needed: At least 10 working days; Fee: £21") {
		t.Errorf("SMS answer broke the row:\n%s", sms)
	}
}
