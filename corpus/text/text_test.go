package text

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"utf-8", []byte("Café £5 – ok"), "Café £5 – ok"},
		{"utf-8 bom", []byte("\xEF\xBB\xBFHello"), "Hello"},
		{"latin-1", []byte("caf\xe9 \xa35"), "café £5"},
		{"windows-1252 quotes and euro", []byte("\x93quoted\x94 \x805"), "“quoted” €5"},
		{"mostly utf-8 with a stray byte", []byte("Café \xa35"), "Café £5"},
		{"utf-16le bom", []byte{0xFF, 0xFE, 'H', 0, 'i', 0, 0xA3, 0}, "Hi£"},
		{"utf-16be bom", []byte{0xFE, 0xFF, 0, 'H', 0, 'i'}, "Hi"},
		{"line ends", []byte("a\r\nb\rc\n"), "a\nb\nc\n"},
		{"control characters", []byte("a\x00b\x07c\td"), "a b c\td"},
		{"undefined cp1252 byte", []byte("a\x81b"), "a b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Decode(tc.in)
			if got != tc.want {
				t.Errorf("Decode(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Decode(%q) = %q, not valid UTF-8", tc.in, got)
			}
		})
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want, wantLines string }{
		{"", "", ""},
		{"plain words", "plain words", "plain words"},
		{"  lots \t of\u00a0 space  ", "lots of space", "lots of space"},
		{"line one\n  line two \n\n\n\nline three\n", "line one line two line three", "line one\nline two\n\nline three"},
		{"\n\n  lead", "lead", "lead"},
		{"Dear \u200eMr\u00ad Smith\u200f\u200b", "Dear Mr Smith", "Dear Mr Smith"},
	}
	for _, tc := range tests {
		if got := Clean(tc.in); got != tc.want {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := CleanLines(tc.in); got != tc.wantLines {
			t.Errorf("CleanLines(%q) = %q, want %q", tc.in, got, tc.wantLines)
		}
	}
}

func TestTableRow(t *testing.T) {
	tests := []struct {
		name        string
		header, row []string
		want        string
	}{
		{"with header", []string{"Band", "Annual charge"}, []string{"A", "£1,234.56"}, "Band: A; Annual charge: £1,234.56"},
		{"no header", nil, []string{"A", " B ", ""}, "A; B"},
		{"short header", []string{"Day"}, []string{"Monday", "9am"}, "Day: Monday; 9am"},
		{"empty cell skipped", []string{"A", "B", "C"}, []string{"1", "", "3"}, "A: 1; C: 3"},
		{"cell equal to header", []string{"Yes"}, []string{"yes"}, "yes"},
		{"cell repeating header", []string{"Band", "Bands"}, []string{"Band A", "Bandwidth"}, "Band A; Bands: Bandwidth"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := TableRow(tc.header, tc.row); got != tc.want {
				t.Errorf("TableRow = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOutline(t *testing.T) {
	o := NewOutline("Bins")
	o.Paragraph("Intro  text.")
	o.Heading(1, "Bins") // equals the title: not in the path
	o.Paragraph("Under the title.")
	o.Heading(2, "Missed collections")
	o.Heading(3, "Before you report") // the empty h2 section is dropped
	o.Line("- one")
	o.Line("- two")
	o.Paragraph("After the list.")
	o.Heading(5, "Small heading")
	o.Heading(2, "Garden waste")
	o.Table([]string{"Bin", "Day"}, [][]string{{"Green", "Monday"}})
	want := []corpus.Section{
		{Text: "Intro text.\n\nUnder the title."},
		{Headings: []string{"Missed collections", "Before you report"}, Text: "- one\n- two\n\nAfter the list.\n\nSmall heading"},
		{Headings: []string{"Garden waste"}, Text: "Bin: Green; Day: Monday"},
	}
	if diff := cmp.Diff(want, o.Sections()); diff != "" {
		t.Errorf("Sections mismatch (-want +got):\n%s", diff)
	}
}

func TestTitleFromName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"council-tax/second_homes.md", "Second homes"},
		{"BarkingAndDagenhamResponse.txt", "Barking and dagenham response"},
		{"foi/FOI-2024-017.pdf", "FOI 2024 017"},
		{"docs/HTMLPage.html", "HTML page"},
		{"spending.csv#row-3", "Spending"},
		{".hidden", "Hidden"},
	}
	for _, tc := range tests {
		if got := TitleFromName(tc.in); got != tc.want {
			t.Errorf("TitleFromName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParseDate(t *testing.T) {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"2024-03-01", day, true},
		{"01/03/2024", day, true},
		{"1/3/2024", day, true},
		{"1 March 2024", day, true},
		{" 1 Mar 2024 ", day, true},
		{"2024-03-01T10:30:00Z", day.Add(10*time.Hour + 30*time.Minute), true},
		{"2024-03-01T10:30:00+01:00", time.Date(2024, 3, 1, 10, 30, 0, 0, time.FixedZone("", 3600)), true},
		{"next Tuesday", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := ParseDate(tc.in)
		if ok != tc.wantOK || !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.wantOK)
		}
	}
}

func file(id, data string) corpus.File {
	return corpus.File{ID: id, Data: []byte(data), Council: "Testshire Council", BaseURL: "https://testshire.gov.uk/",
		Source: corpus.Source{Path: id, Kind: corpus.KindPage}}
}

func TestLoadMarkdown(t *testing.T) {
	src := `---
title: "Council Tax Guide"
date: 2024-04-01
---
# Council Tax Guide

Council tax pays for *local* services like [bins](https://example.com/bins)
and street lighting &amp; parks.

## Bands

| Band | Charge |
|------|--------|
| A | £1,200 |
| B | £1,400 |

## Paying

You can pay:

* by Direct Debit
* online
  1. sign in
  2. choose **Pay**

` + "```" + `
Account: 12345678
` + "```" + `

Setext heading
--------------

> Quoted \*advice\*.
<!-- an HTML comment -->

##### Small print

Ends here.
`
	docs, err := LoadMarkdown(context.Background(), file("guides/council-tax.md", src))
	if err != nil {
		t.Fatalf("LoadMarkdown: %v", err)
	}
	want := []corpus.Document{{
		ID:      "guides/council-tax.md",
		Kind:    corpus.KindPage,
		Title:   "Council Tax Guide",
		URL:     "https://testshire.gov.uk/guides/council-tax.md",
		Council: "Testshire Council",
		Date:    time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC),
		Sections: []corpus.Section{
			{Text: "Council tax pays for local services like bins and street lighting & parks."},
			{Headings: []string{"Bands"}, Text: "Band: A; Charge: £1,200\nBand: B; Charge: £1,400"},
			{Headings: []string{"Paying"}, Text: "You can pay:\n\n- by Direct Debit\n- online\n  1. sign in\n  2. choose Pay\n\nAccount: 12345678"},
			{Headings: []string{"Setext heading"}, Text: "Quoted *advice*.\n\nSmall print\n\nEnds here."},
		},
	}}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("LoadMarkdown mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadMarkdownTitles(t *testing.T) {
	tests := []struct {
		name, id, src, want string
	}{
		{"first heading", "a.md", "Intro.\n\n## Section two\n\nText.", "Section two"},
		{"file name", "how_to-apply.md", "Just a paragraph.", "How to apply"},
		{"setext", "a.md", "Big Title\n=========\n\nText.", "Big Title"},
		{"front matter without title", "notes.md", "---\nauthor: x\n---\nText.", "Notes"},
		{"rule then text is not front matter", "rule.md", "---\n\nText.\n", "Rule"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := LoadMarkdown(context.Background(), file(tc.id, tc.src))
			if err != nil {
				t.Fatalf("LoadMarkdown: %v", err)
			}
			if got := docs[0].Title; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadPlain(t *testing.T) {
	tests := []struct {
		name, id, src string
		want          corpus.Document
	}{
		{
			name: "title from first line",
			id:   "letters/reply.txt",
			src:  "Library Statistics Response\r\n\r\nDear Mr Smith,\r\nThank you.\r\n\r\n\r\nYours sincerely",
			want: corpus.Document{Title: "Library Statistics Response",
				Sections: []corpus.Section{{Text: "Dear Mr Smith,\nThank you.\n\nYours sincerely"}}},
		},
		{
			name: "sentence first line uses the file name",
			id:   "letters/foi_request.txt",
			src:  "FAO The Library Service.\n\nPlease send the data.",
			want: corpus.Document{Title: "Foi request",
				Sections: []corpus.Section{{Text: "FAO The Library Service.\n\nPlease send the data."}}},
		},
		{
			name: "number first line uses the file name",
			id:   "r.txt",
			src:  "\n\n3305810-402590\n\nWe wish to advise you.",
			want: corpus.Document{Title: "R",
				Sections: []corpus.Section{{Text: "3305810-402590\n\nWe wish to advise you."}}},
		},
		{
			name: "latin-1 bytes become valid text",
			id:   "cafe.txt",
			src:  "Menu\n\ncaf\xe9 \xa35",
			want: corpus.Document{Title: "Cafe",
				Sections: []corpus.Section{{Text: "Menu\n\ncafé £5"}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			docs, err := LoadPlain(context.Background(), file(tc.id, tc.src))
			if err != nil {
				t.Fatalf("LoadPlain: %v", err)
			}
			if len(docs) != 1 {
				t.Fatalf("got %d documents, want 1", len(docs))
			}
			got := corpus.Document{Title: docs[0].Title, Sections: docs[0].Sections}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("LoadPlain mismatch (-want +got):\n%s", diff)
			}
			if docs[0].ID != tc.id || docs[0].Kind != corpus.KindPage || docs[0].Council != "Testshire Council" {
				t.Errorf("got ID %q kind %q council %q, want %q page Testshire Council", docs[0].ID, docs[0].Kind, docs[0].Council, tc.id)
			}
		})
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, src := range []string{"", "   \n\t\n", "\xEF\xBB\xBF", "---\ntitle: x\n---\n"} {
		for name, load := range map[string]corpus.Loader{"plain": LoadPlain, "markdown": LoadMarkdown} {
			if name == "plain" && src == "---\ntitle: x\n---\n" {
				continue // plain text has no front matter: this is text
			}
			_, err := load(context.Background(), file("empty.md", src))
			if !errors.Is(err, corpus.ErrEmpty) {
				t.Errorf("%s(%q) error = %v, want ErrEmpty", name, src, err)
			}
		}
	}
}

func TestLoadDispatch(t *testing.T) {
	md := file("a.md", "# Heading\n\nText *here*.")
	docs, err := Load(context.Background(), md)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := docs[0].Sections[0].Text, "Text here."; got != want {
		t.Errorf("Load(.md) text = %q, want %q (Markdown)", got, want)
	}
	txt := file("a.txt", "# Heading\n\nText *here*.")
	docs, err = Load(context.Background(), txt)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := docs[0].Title+"|"+docs[0].Sections[0].Text, "# Heading|Text *here*."; got != want {
		t.Errorf("Load(.txt) title|text = %q, want %q (plain)", got, want)
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, file("a.md", "# x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with cancelled context: error = %v, want context.Canceled", err)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range []string{"plain", "caf\xe9", "\xEF\xBB\xBFx", "\xFF\xFEa\x00", "a\r\nb\x00", "\xc3", "\xe2\x80"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got := Decode(data)
		if !utf8.ValidString(got) {
			t.Errorf("Decode(%q) = %q, not valid UTF-8", data, got)
		}
		if strings.ContainsAny(got, "\r\x00") {
			t.Errorf("Decode(%q) = %q keeps CR or NUL", data, got)
		}
	})
}
