package html

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func TestLoadWDTK(t *testing.T) {
	want := corpus.Document{
		ID:      "foi/pothole.html",
		Kind:    corpus.KindFOI,
		Title:   "Pothole repairs 2024",
		URL:     "https://www.whatdotheyknow.com/request/pothole_repairs_2024",
		Council: "Testshire Borough Council",
		Date:    time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC),
		Meta: map[string]string{
			"authority": "Testshire Borough Council",
			"requester": "A Resident",
			"law":       "FOI",
			"status":    "successful",
		},
		Sections: []corpus.Section{
			{Text: "A Resident made this Freedom of Information request to Testshire Borough Council\n\nThe request was successful."},
			{Headings: []string{"Request by A Resident, 1 February 2024"},
				Text: "Dear Testshire Borough Council,\n\nPlease tell me how many potholes you repaired in 2024, and how much the repairs cost in total.\n\nYours faithfully,\n\nA Resident"},
			{Headings: []string{"Response from Information Governance, 28 February 2024"},
				Text: "Dear Resident,\n\n" +
					"Thank you for your request. We repaired 4,512 potholes in 2024 at a total cost of £1,234,000. The attached spreadsheet breaks this down by ward and by month.\n\n" +
					"Information Governance Team\nTestshire Borough Council\n\n" +
					"Attachments: Pothole data 2024.xlsx"},
			{Headings: []string{"Annotation by A Resident, 5 March 2024"}, Text: "Thanks – very quick reply."},
		},
	}
	data := mustReadFixture(t, "wdtk-request.html")

	// Detected without a format, and forced by format or by LoadWDTK.
	auto := file("foi/pothole.html", data)
	forced := auto
	forced.Source = corpus.Source{Format: "wdtk-html", Kind: corpus.KindFOI}
	for name, load := range map[string]func() ([]corpus.Document, error){
		"auto":     func() ([]corpus.Document, error) { return Load(context.Background(), auto) },
		"format":   func() ([]corpus.Document, error) { return Load(context.Background(), forced) },
		"LoadWDTK": func() ([]corpus.Document, error) { return LoadWDTK(context.Background(), auto) },
	} {
		t.Run(name, func(t *testing.T) {
			docs, err := load()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]corpus.Document{want}, docs); diff != "" {
				t.Errorf("Load mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadWDTKNotARequest(t *testing.T) {
	// A page forced to wdtk-html with no correspondence is read as a page.
	f := file("list.html", []byte(`<title>Requests | WhatDoTheyKnow</title><main><h1>Requests</h1><p>A list.</p></main>`))
	f.Source = corpus.Source{Format: "wdtk-html", Kind: corpus.KindFOI}
	d := mustLoadOne(t, f)
	if d.Title != "Requests" || d.Text() != "A list." || d.Kind != corpus.KindFOI {
		t.Errorf("got title %q text %q kind %q; want Requests, A list., foi", d.Title, d.Text(), d.Kind)
	}
}

func TestReflow(t *testing.T) {
	tests := []struct{ in, want string }{
		{"short\nlines\nstay", "short\nlines\nstay"},
		{"This line is long enough that a mail program wrapped it at\nseventy-two characters.", "This line is long enough that a mail program wrapped it at seventy-two characters."},
		{"A long line introducing a list of items that follows here:\n1. first\n2. second", "A long line introducing a list of items that follows here:\n1. first\n2. second"},
		{"> quoted text that was long enough to have been wrapped by the mail\n> program", "> quoted text that was long enough to have been wrapped by the mail\n> program"},
		{"para one\n\npara two", "para one\n\npara two"},
	}
	for _, tc := range tests {
		if got := reflow(tc.in); got != tc.want {
			t.Errorf("reflow(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
