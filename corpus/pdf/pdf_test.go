package pdf

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
)

func mustReadFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "loaders", name))
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func file(id string, data []byte) corpus.File {
	return corpus.File{ID: id, Data: data, Council: "Testshire Borough Council", BaseURL: "https://www.testshire.gov.uk/docs",
		Source: corpus.Source{Path: "docs", Kind: corpus.KindBudget}}
}

// fixtureDate is the creation date groff wrote into the fixtures.
var fixtureDate = time.Date(2026, 11, 23, 11, 28, 30, 0, time.UTC)

func TestLoad(t *testing.T) {
	docs, err := Load(context.Background(), file("parking/review.pdf", mustReadFixture(t, "report.pdf")))
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	want := []corpus.Document{{
		ID:      "parking/review.pdf",
		Kind:    corpus.KindBudget,
		Title:   "Testshire Parking Review",
		URL:     "https://www.testshire.gov.uk/docs/parking/review.pdf",
		Council: "Testshire Borough Council",
		Date:    fixtureDate,
		Meta:    map[string]string{"pages": "2"},
		Sections: []corpus.Section{
			{Page: 1, Text: "Testshire Parking Review\n\n" +
				"Residents asked whether the council would review parking charges over the coming year. The review\n" +
				"covers on-street bays, car parks and permits for residents and visitors.\n\n" +
				"1. Charges\n" +
				"Café owners in the town centre pay £120 a year for a loading permit. Charges rise by 3% from April."},
			// "final" is set with an fi ligature in the PDF.
			{Page: 2, Text: "2. Next steps\nThe committee will meet again in the spring to agree the final scheme."},
		},
	}}
	if diff := cmp.Diff(want, docs); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadTitles(t *testing.T) {
	tests := []struct{ fixture, id, want string }{
		{"report.pdf", "a.pdf", "Testshire Parking Review"},               // metadata title found on page 1
		{"stale-title.pdf", "allotment-minutes.pdf", "Allotment minutes"}, // stale metadata, no title line
		{"subject.pdf", "a.pdf", "Allotment Rents 2025/26"},               // "Subject:" line past the council's name
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			docs, err := Load(context.Background(), file(tc.id, mustReadFixture(t, tc.fixture)))
			if err != nil {
				t.Fatal(err)
			}
			if got := docs[0].Title; got != tc.want {
				t.Errorf("title = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadTable(t *testing.T) {
	docs, err := Load(context.Background(), file("rents.pdf", mustReadFixture(t, "subject.pdf")))
	if err != nil {
		t.Fatal(err)
	}
	body := docs[0].Sections[0].Text
	for _, row := range []string{"Site  Plot size  Annual rent", "Church Lane  Half plot  £45.00", "Mill Road  Full plot  £90.00"} {
		if !strings.Contains(body, row+"\n") {
			t.Errorf("page text lacks the row %q (cells two spaces apart):\n%s", row, body)
		}
	}
}

func TestLoadEncrypted(t *testing.T) {
	for _, name := range []string{"encrypted-aes256.pdf", "encrypted-rc4.pdf"} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(context.Background(), file(name, mustReadFixture(t, name)))
			if !errors.Is(err, ErrEncrypted) || !errors.Is(err, corpus.ErrUnsupported) {
				t.Errorf("Load error = %v, want ErrEncrypted and corpus.ErrUnsupported", err)
			}
		})
	}
	// An owner password alone (no password needed to read) is no obstacle.
	docs, err := Load(context.Background(), file("o.pdf", mustReadFixture(t, "owner-password-only.pdf")))
	if err != nil {
		t.Fatalf("Load(owner password only): %v", err)
	}
	if got := docs[0].Sections[1].Text; !strings.Contains(got, "agree the final scheme") {
		t.Errorf("page 2 text = %q, want the decrypted text", got)
	}
}

func TestLoadBadInput(t *testing.T) {
	report := mustReadFixture(t, "report.pdf")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, corpus.ErrEmpty},
		{"white space", []byte("\n  \n"), corpus.ErrEmpty},
		{"no text layer", mustReadFixture(t, "no-text.pdf"), corpus.ErrEmpty},
		{"not a pdf", []byte("<html>hello</html>"), corpus.ErrInvalid},
		{"header only", []byte("%PDF-1.4\n"), corpus.ErrInvalid},
		{"truncated to half", report[:len(report)/2], corpus.ErrInvalid},
		{"missing trailer", bytes.TrimSuffix(bytes.TrimSpace(report), []byte("%%EOF")), corpus.ErrInvalid},
		{"bad startxref", bytes.Replace(report, []byte("startxref\n"), []byte("startxref\n9"), 1), corpus.ErrInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), file("bad.pdf", tc.data))
			if !errors.Is(err, tc.want) {
				t.Errorf("Load error = %v, want one wrapping %v", err, tc.want)
			}
		})
	}
}

// TestLoadTruncatedAnywhere cuts a PDF at many points: every cut must be
// an error wrapping ErrInvalid, never a panic.
func TestLoadTruncatedAnywhere(t *testing.T) {
	report := mustReadFixture(t, "report.pdf")
	for n := 1; n < len(report)-8; n += 211 {
		_, err := Load(context.Background(), file("cut.pdf", report[:n]))
		if !errors.Is(err, corpus.ErrInvalid) {
			t.Errorf("cut at %d: error = %v, want ErrInvalid", n, err)
		}
	}
}

// TestLoadCorrupted overwrites bytes throughout a PDF: the loader may
// recover some text or fail, but only with a classified error.
func TestLoadCorrupted(t *testing.T) {
	report := mustReadFixture(t, "report.pdf")
	for off := 0; off < len(report); off += 97 {
		data := bytes.Clone(report)
		copy(data[off:], "\x00}]>>(\xff")
		docs, err := Load(context.Background(), file("corrupt.pdf", data))
		switch {
		case err == nil:
			if len(docs) != 1 || docs[0].Title == "" {
				t.Errorf("offset %d: got %d documents without error, want 1 with a title", off, len(docs))
			}
		case errors.Is(err, corpus.ErrInvalid), errors.Is(err, corpus.ErrEmpty), errors.Is(err, corpus.ErrUnsupported):
		default:
			t.Errorf("offset %d: unclassified error %v", off, err)
		}
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, file("a.pdf", mustReadFixture(t, "report.pdf"))); !errors.Is(err, context.Canceled) {
		t.Errorf("Load error = %v, want context.Canceled", err)
	}
}

func FuzzLoad(f *testing.F) {
	for _, name := range []string{"report.pdf", "subject.pdf", "no-text.pdf"} {
		f.Add(mustReadFixture(f, name))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := Load(context.Background(), file("fuzz.pdf", data))
		if err != nil && !errors.Is(err, corpus.ErrInvalid) && !errors.Is(err, corpus.ErrEmpty) && !errors.Is(err, corpus.ErrUnsupported) {
			t.Errorf("unclassified error %v", err)
		}
	})
}

func TestParseDate(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"D:20171004092300Z", time.Date(2017, 10, 4, 9, 23, 0, 0, time.UTC), true},
		{"D:20180327170645+01'00'", time.Date(2018, 3, 27, 17, 6, 45, 0, time.FixedZone("", 3600)), true},
		{"D:2016", time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"20170220", time.Date(2017, 2, 20, 0, 0, 0, 0, time.UTC), true},
		{"D:0000", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tc := range tests {
		got, ok := parseDate(tc.in)
		if ok != tc.ok || !got.Equal(tc.want) {
			t.Errorf("parseDate(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMetaTitle(t *testing.T) {
	page := "Local Council Tax Support Scheme 2026/27\nReport of the Cabinet Member"
	tests := []struct{ title, want string }{
		{"Local Council Tax Support Scheme", "Local Council Tax Support Scheme"},
		{"Microsoft Word - Local Council Tax Support Scheme.docx", "Local Council Tax Support Scheme"},
		{"Programme of Ordinary Meetings", ""}, // not on the page: stale
		{"9330fbccfc545334ce8b8c083b4be2ea.xlsx", ""},
		{"Untitled", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := metaTitle(tc.title, page); got != tc.want {
			t.Errorf("metaTitle(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}
