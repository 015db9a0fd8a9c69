package foi

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// found returns "kind:text" for each finding.
func found(fs []Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, string(f.Kind)+":"+f.Text)
	}
	return out
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		text string
		opts DetectOptions
		want []string
	}{
		{"salutation with honorific", "Dear Mr Smith,\nThank you for your request.", DetectOptions{},
			[]string{"name:Mr Smith"}},
		{"salutation full name", "Dear David Kelly,\nThank you for your request.", DetectOptions{},
			[]string{"name:David Kelly"}},
		{"salutation with initials", "Dear Ms. J. Bloggs\n\nWe write about your request.", DetectOptions{},
			[]string{"name:Ms. J. Bloggs"}},
		{"salutation two people", "Dear Mr Patel and Mrs Okafor,\nThanks.", DetectOptions{},
			[]string{"name:Mr Patel", "name:Mrs Okafor"}},
		{"salutation with Mc and O'", "Dear Siobhan McAuley-O'Brien,\n", DetectOptions{},
			[]string{"name:Siobhan McAuley-O'Brien"}},
		{"salutation runs into a sentence", "Dear Priya Shah Thank you for writing.", DetectOptions{},
			[]string{"name:Priya Shah"}},
		{"generic salutations kept", "Dear Sir/Madam,\nDear Sir or Madam,\nDear FOI Team,\nDear Thornbury Vale Borough Council,\nDear All,\nHi there,", DetectOptions{},
			[]string{}},
		{"sign-off faithfully", "Please send the figures.\nYours faithfully,\nDavid Kelly", DetectOptions{},
			[]string{"name:David Kelly"}},
		{"sign-off with role kept", "Kind regards,\nJane\nInformation Governance Officer\nThornbury Vale Borough Council", DetectOptions{},
			[]string{"name:Jane"}},
		{"sign-off after blank line", "Many thanks\n\nAmir Khan\n", DetectOptions{},
			[]string{"name:Amir Khan"}},
		{"sign-off inline", "Yours sincerely, Tom Baker", DetectOptions{},
			[]string{"name:Tom Baker"}},
		{"sign-off with postnominals and organisation", "Best wishes,\nDr Ada Lovelace MBE, Analytical Engines Trust", DetectOptions{},
			[]string{"name:Dr Ada Lovelace"}},
		{"sign-off in lower case", "Yours faithfully,\nfreddie mercury", DetectOptions{},
			[]string{"name:freddie mercury"}},
		{"council sign-off kept", "Yours sincerely,\nThornbury Vale Borough Council\nPO Box 12", DetectOptions{},
			[]string{}},
		{"team sign-off kept", "Kind regards,\nFOI Team", DetectOptions{},
			[]string{}},
		{"closing followed by prose", "Thank you for your email.\nThe report is attached.", DetectOptions{},
			[]string{}},
		{"email header", "From: Priya Shah <[FOI #123 email]>\nSent: 4 March 2025\nTo: FOI <foi@thornburyvale.gov.uk>", DetectOptions{KeepEmailDomains: []string{"thornburyvale.gov.uk"}},
			[]string{"name:Priya Shah"}},
		{"outlook header", "To: Shah, Priya <p.shah@example.com>", DetectOptions{},
			[]string{"name:Shah", "name:Priya", "email:p.shah@example.com"}},
		{"my name is", "Hello, my name is Grace Hopper and I live nearby.", DetectOptions{},
			[]string{"name:Grace Hopper"}},
		{"honorific in running text", "The complaint from Mrs Doubtfire was upheld.", DetectOptions{},
			[]string{"name:Mrs Doubtfire"}},
		{"councillor is a public figure", "Councillor Jones chaired the meeting.", DetectOptions{},
			[]string{}},
		{"emails", "Write to jo.bloggs+foi@gmail.com or foi@thornburyvale.gov.uk.", DetectOptions{KeepEmailDomains: []string{"thornburyvale.gov.uk"}},
			[]string{"email:jo.bloggs+foi@gmail.com"}},
		{"subdomain kept", "cc: records@legal.thornburyvale.gov.uk", DetectOptions{KeepEmailDomains: []string{"@thornburyvale.gov.uk"}},
			[]string{}},
		{"phones", "Call 07700 900123, +44 7700 900456, +44 (0)1632 960001, (01632) 960002 or 020 7946 0000.", DetectOptions{},
			[]string{"phone:07700 900123", "phone:+44 7700 900456", "phone:+44 (0)1632 960001", "phone:(01632) 960002", "phone:020 7946 0000"}},
		{"kept switchboard in another format", "Main line 01632 960000 or +44 1632 960000.", DetectOptions{Keep: []string{"01632960000"}},
			[]string{}},
		{"numbers that are not phones", "FOI 947509 received 15/08/2022, cost £1,234,567, 2024 2025 figures, ref 012345", DetectOptions{},
			[]string{}},
		{"street addresses", "I live at 12 Mill Lane and my mother at Flat 3, 27a Bramall Road.", DetectOptions{},
			[]string{"address:12 Mill Lane", "address:Flat 3, 27a Bramall Road"}},
		{"years are not house numbers", "In 2019 Park Road was resurfaced.", DetectOptions{},
			[]string{}},
		{"postcodes", "TV1 2AA, SW1A 1AA, M1 1AE, B33 8TH, CR2 6XH, DN55 1PT, EC1A1BB", DetectOptions{},
			[]string{"postcode:TV1 2AA", "postcode:SW1A 1AA", "postcode:M1 1AE", "postcode:B33 8TH", "postcode:CR2 6XH", "postcode:DN55 1PT", "postcode:EC1A1BB"}},
		{"kept council postcode", "Civic Centre, Fenwick Road, Aldermoor, TV1 2AA", DetectOptions{Keep: []string{"tv1 2aa"}},
			[]string{}},
		{"not postcodes", "Section 12 and S12 of the notes; Q1 1AA is not valid; AB12 is half", DetectOptions{},
			[]string{}},
		{"NI numbers", "NI number AB 12 34 56 C and CE123456D", DetectOptions{},
			[]string{"ni_number:AB 12 34 56 C", "ni_number:CE123456D"}},
		{"invalid NI prefixes", "GB 12 34 56 A, QQ 12 34 56 C", DetectOptions{},
			[]string{}},
		{"kinds filter", "Dear Mr Smith, call 07700 900123", DetectOptions{Kinds: []Kind{KindPhone}},
			[]string{"phone:07700 900123"}},
		{"kept officer name", "Kind regards,\nAlex Morgan\nHead of Information Governance", DetectOptions{Keep: []string{"Alex Morgan"}},
			[]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(tt.text, tt.opts)
			if diff := cmp.Diff(tt.want, found(got)); diff != "" {
				t.Errorf("Detect(%q) mismatch (-want +got):\n%s", tt.text, diff)
			}
			for _, f := range got {
				if tt.text[f.Start:f.End] != f.Text {
					t.Errorf("finding %+v does not match its offsets", f)
				}
			}
		})
	}
}

// TestDetectKnownNames checks the variants of a name given in
// DetectOptions.Names.
func TestDetectKnownNames(t *testing.T) {
	text := "RE: request from DAVID KELLY. Mr. Kelly asked; D. Kelly replied; Kelly, David cc'd; " +
		"David\nKelly again. Kelly Road and Kellyanne are not him. Mrs Long and long roads."
	got := Detect(text, DetectOptions{Names: []string{"David Kelly", "Mrs Long"}, Kinds: []Kind{KindName}})
	want := []string{"name:DAVID KELLY", "name:Mr. Kelly", "name:D. Kelly", "name:Kelly, David", "name:David\nKelly", "name:Mrs Long"}
	if diff := cmp.Diff(want, found(got)); diff != "" {
		t.Errorf("known names mismatch (-want +got):\n%s", diff)
	}
	first := Detect("Thanks Naomi, naomi said. Naomily no.", DetectOptions{Names: []string{"Naomi"}})
	if diff := cmp.Diff([]string{"name:Naomi", "name:naomi"}, found(first)); diff != "" {
		t.Errorf("single name mismatch (-want +got):\n%s", diff)
	}
}

// threadFixture is an invented WhatDoTheyKnow-style exchange.
var threadFixture = []string{
	"Dear Thornbury Vale Borough Council,\nPlease send the number of potholes reported on Mill Lane in 2024.\n" +
		"I can be reached on 07700 900123 or at 14 Kestle Close, Aldermoor TV3 4QT.\nYours faithfully,\nOlusegun Adeyemi",
	"Dear Mr Adeyemi,\nThank you for your request for information relating to potholes which we received on 04/03/2025.\n" +
		"We will respond within 20 working days.\nKind regards,\nRachel Green\nInformation Governance Officer\n" +
		"Thornbury Vale Borough Council\nFrom: Olusegun Adeyemi <[FOI #4411 email]>\nSent: 04 March 2025 09:12\n" +
		"To: FOI <foi@thornburyvale.gov.uk>\nSubject: Freedom of Information request - Potholes",
	"Dear Olusegun Adeyemi,\nThe answer is 412. Some names are withheld under section 40(2).\n" +
		"My colleague Mr Okonjo (NI number AB 12 34 56 C, o.okonjo@gmail.com) handled the inspections.\n" +
		"Yours sincerely,\nRachel Green\nInformation Governance Officer",
}

// TestRedactThreadFixture is the published-text property: after
// redaction Detect finds nothing, the requester's name is gone from every
// message, role titles and the council's own address stay.
func TestRedactThreadFixture(t *testing.T) {
	opts := DetectOptions{KeepEmailDomains: []string{"thornburyvale.gov.uk"}}
	for _, msg := range threadFixture {
		opts.Names = append(opts.Names, FindNames(msg)...)
	}
	var all []string
	for i, msg := range threadFixture {
		red, audit, err := RedactText(msg, opts, nil)
		if err != nil {
			t.Fatal(err)
		}
		if again := Detect(red, opts); len(again) > 0 {
			t.Errorf("message %d: Detect finds %v after redaction", i, found(again))
		}
		for _, a := range audit {
			if msg[a.Start:a.End] != a.Original {
				t.Errorf("audit %+v does not match the original", a)
			}
		}
		all = append(all, red)
	}
	joined := strings.Join(all, "\n")
	for _, gone := range []string{"Adeyemi", "Olusegun", "07700", "Kestle Close", "TV3 4QT", "Rachel Green", "Okonjo", "AB 12 34 56 C", "o.okonjo@gmail.com"} {
		if strings.Contains(joined, gone) {
			t.Errorf("published text still contains %q", gone)
		}
	}
	for _, kept := range []string{"Information Governance Officer", "Dear Thornbury Vale Borough Council,", "foi@thornburyvale.gov.uk",
		"section 40(2)", "Mill Lane", "[name removed]", "[phone number removed]", "[address removed]", "[postcode removed]",
		"[NI number removed]", "[email removed]"} {
		if !strings.Contains(joined, kept) {
			t.Errorf("published text lost %q", kept)
		}
	}
}

func TestRedact(t *testing.T) {
	text := "Case 2024/17 about Jo Bloggs (jo@example.com), seen by PC 1234."
	fs := Detect(text, DetectOptions{Names: []string{"Jo Bloggs"}})
	tests := []struct {
		name     string
		findings []Finding
		rules    []Rule
		want     string
		audits   int
	}{
		{"findings only", fs, nil, "Case 2024/17 about [name removed] ([email removed]), seen by PC 1234.", 2},
		{"literal rule", fs, []Rule{{Pattern: "2024/17", Replacement: "[case number removed]"}},
			"Case [case number removed] about [name removed] ([email removed]), seen by PC 1234.", 3},
		{"regex rule with default marker", nil, []Rule{{Pattern: `PC \d+`, Regexp: true}},
			"Case 2024/17 about Jo Bloggs (jo@example.com), seen by [removed].", 1},
		{"overlaps merge in a chain", fs, []Rule{{Pattern: `Bloggs \(jo`, Regexp: true, Replacement: "[x]"}},
			"Case 2024/17 about [name removed]), seen by PC 1234.", 1},
		{"literal rule is case-sensitive", nil, []Rule{{Pattern: "case"}}, text, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, audit, err := Redact(text, tt.findings, tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("Redact = %q\nwant     %q", got, tt.want)
			}
			if len(audit) != tt.audits {
				t.Errorf("%d audit entries, want %d: %+v", len(audit), tt.audits, audit)
			}
			for _, a := range audit {
				if text[a.Start:a.End] != a.Original {
					t.Errorf("audit %+v does not match the original", a)
				}
			}
		})
	}
}

func TestRedactErrors(t *testing.T) {
	tests := []struct {
		name     string
		findings []Finding
		rules    []Rule
	}{
		{"bad regexp", nil, []Rule{{Pattern: `(unclosed`, Regexp: true}}},
		{"empty pattern", nil, []Rule{{Pattern: ""}}},
		{"finding past the end", []Finding{{Kind: KindName, Start: 3, End: 99}}, nil},
		{"empty finding", []Finding{{Kind: KindName, Start: 3, End: 3}}, nil},
		{"finding inside a rune", []Finding{{Kind: KindName, Start: 1, End: 2}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, audit, err := Redact("é and more text", tt.findings, tt.rules)
			if !errors.Is(err, ErrInvalid) || got != "" || audit != nil {
				t.Errorf("Redact = %q, %v, %v; want ErrInvalid and nothing", got, audit, err)
			}
		})
	}
	if err := (Rule{Pattern: "[", Regexp: true}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Rule.Validate error = %v, want ErrInvalid", err)
	}
}

func TestRedactDisclosure(t *testing.T) {
	d := &Disclosure{
		ID:           "foi-1",
		Title:        "Potholes on Mill Lane",
		RequestText:  threadFixture[0],
		ResponseText: threadFixture[2],
		Attachments:  []Attachment{{Name: "letter.txt", Text: "Letter to Mr Adeyemi about his request."}},
	}
	got, audit, err := RedactDisclosure(d, DetectOptions{}, []Rule{{Pattern: "412", Replacement: "[figure withheld]"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{got.RequestText, got.ResponseText, got.Attachments[0].Text} {
		if strings.Contains(s, "Adeyemi") || strings.Contains(s, "412") {
			t.Errorf("redacted text keeps personal data: %q", s)
		}
	}
	if !strings.Contains(d.RequestText, "Adeyemi") {
		t.Error("RedactDisclosure changed its input")
	}
	fields := map[string]bool{}
	for _, a := range audit {
		fields[a.Field] = true
	}
	for _, f := range []string{"RequestText", "ResponseText", "Attachments[0].Text"} {
		if !fields[f] {
			t.Errorf("no audit entry for %s", f)
		}
	}
	if got.Title != d.Title {
		t.Errorf("Title changed to %q", got.Title)
	}
}

func BenchmarkDetect(b *testing.B) {
	text := strings.Repeat(strings.Join(threadFixture, "\n\n")+"\n\n", 4) // about 4 KB
	opts := DetectOptions{Names: []string{"Olusegun Adeyemi", "Rachel Green"}}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Detect(text, opts)
	}
}
