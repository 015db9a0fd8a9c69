package html

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
	return corpus.File{ID: id, Data: data, Council: "Testshire Borough Council", BaseURL: "https://www.testshire.gov.uk"}
}

func mustLoadOne(tb testing.TB, f corpus.File) corpus.Document {
	tb.Helper()
	docs, err := Load(context.Background(), f)
	if err != nil {
		tb.Fatalf("Load(%s): %v", f.ID, err)
	}
	if len(docs) != 1 {
		tb.Fatalf("Load(%s) gave %d documents, want 1", f.ID, len(docs))
	}
	return docs[0]
}

func TestLoadPage(t *testing.T) {
	got := mustLoadOne(t, file("bins/missed.html", mustReadFixture(t, "page.html")))
	want := corpus.Document{
		ID:      "bins/missed.html",
		Kind:    corpus.KindPage,
		Title:   "Report a missed bin",
		URL:     "https://www.testshire.gov.uk/bins/missed",
		Council: "Testshire Borough Council",
		Date:    time.Date(2025, 1, 15, 9, 30, 0, 0, time.UTC),
		Meta:    map[string]string{"description": "How to report a bin we did not empty."},
		Sections: []corpus.Section{
			{Text: "We will collect a missed bin within two working days of your report.\n\n" +
				"Call us on 01234 567890 & quote your address.\nLines are open 9am–5pm."},
			{Headings: []string{"Before you report"}, Text: "- Your bin was out by 7am\n- The lid was closed\n  - not overfilled"},
			{Headings: []string{"Before you report", "Collection charges"}, Text: "Bin: Black bin; Charge: Free\nBin: Garden bin; Charge: £60 a year"},
			{Headings: []string{"After you report"}, Text: "3. We check the round\n4. We return\n\nSmall print\n\nRef: MB-001\nLine: 2"},
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Load mismatch (-want +got):\n%s", diff)
	}
	body := got.Text()
	for _, furniture := range []string{"Skip to", "cookies", "Home", "Search", "Screen reader", "Hidden panel", "Invisible", "Your details", "Related", "mySociety", "©", "tracking", "color"} {
		if strings.Contains(body, furniture) {
			t.Errorf("text contains page furniture %q:\n%s", furniture, body)
		}
	}
}

func TestCleanTitle(t *testing.T) {
	tests := []struct{ raw, council, site, want string }{
		{"Report a missed collection | Bins and Recycling | Gloucester City Council", "", "", "Report a missed collection"},
		{"Visitor permits | Sheffield City Council", "Sheffield City Council", "", "Visitor permits"},
		{"Information & FAQs - Taxi & Private Hire Licensing - Gloucester City Council", "", "", "Information & FAQs - Taxi & Private Hire Licensing"},
		{"SEND - Special Educational Needs | Gloucester City Council", "", "", "SEND - Special Educational Needs"},
		{"Your Council | Gloucester City Council", "", "", "Your Council"},
		{"Council Tax – Testshire", "", "Testshire", "Council Tax"},
		{"Report a stray dog - GOV.UK", "", "", "Report a stray dog"},
		{"Gloucester City Council", "", "", "Gloucester City Council"},
		{"  Bins\n and   recycling ", "", "", "Bins and recycling"},
		{"", "", "", ""},
	}
	for _, tc := range tests {
		if got := cleanTitle(tc.raw, tc.council, tc.site); got != tc.want {
			t.Errorf("cleanTitle(%q) = %q, want %q", tc.raw, got, tc.want)
		}
	}
}

func TestContentRoot(t *testing.T) {
	chrome := `<header><p>Site banner</p></header><nav><p>Menu</p></nav>`
	tests := []struct {
		name, body, want string
	}{
		{"main", chrome + `<div><p>Outside</p></div><main><p>Inside</p></main>`, "Inside"},
		{"role main", chrome + `<div><p>Outside</p></div><div role="main"><p>Inside</p></div>`, "Inside"},
		{"one article", chrome + `<div><p>Outside</p></div><article><header><h2>Head</h2></header><p>Inside</p></article>`, "Head\nInside"},
		{"content id", chrome + `<div><p>Outside</p></div><div id="content"><p>Inside</p></div>`, "Inside"},
		{"content class", chrome + `<div><p>Outside</p></div><div class="page content"><p>Inside</p></div>`, "Inside"},
		{"body", chrome + `<div><p>Outside</p></div><p>Inside</p>`, "Outside\n\nInside"},
		{"empty main falls back to body", chrome + `<main></main><p>Inside</p>`, "Inside"},
		{"aria landmarks", `<div role="navigation">Nav</div><div role="contentinfo">Foot</div><p>Inside</p>`, "Inside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadOne(t, file("a.html", []byte("<title>T</title><body>"+tc.body+"</body>")))
			var got []string
			for _, s := range d.Sections {
				got = append(got, strings.Join(append(s.Headings, s.Text), "\n"))
			}
			if g := strings.Join(got, "\n"); g != tc.want {
				t.Errorf("text = %q, want %q", g, tc.want)
			}
		})
	}
}

func TestLoadTitleFallbacks(t *testing.T) {
	tests := []struct{ name, html, want string }{
		{"title", `<title>Parking | Testshire Borough Council</title><h1>Other</h1><p>x</p>`, "Parking"},
		{"og:title", `<meta property="og:title" content="Parking permits"><p>x</p>`, "Parking permits"},
		{"h1 in content", `<header><h1>Logo</h1></header><main><h1>Garden waste</h1><p>x</p></main>`, "Garden waste"},
		{"h2 when no h1", `<main><h2>Opening hours</h2><p>x</p></main>`, "Opening hours"},
		{"file name", `<p>Just text</p>`, "Street parties"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadOne(t, file("events/street-parties.html", []byte(tc.html)))
			if d.Title != tc.want {
				t.Errorf("title = %q, want %q", d.Title, tc.want)
			}
		})
	}
}

func TestLoadURLAndDate(t *testing.T) {
	tests := []struct {
		name, head string
		wantURL    string
		wantDate   time.Time
	}{
		{"nothing", ``, "https://www.testshire.gov.uk/a/b.html", time.Time{}},
		{"canonical", `<link rel="canonical" href="https://x.example/p">`, "https://x.example/p", time.Time{}},
		{"relative canonical ignored", `<link rel="canonical" href="/p">`, "https://www.testshire.gov.uk/a/b.html", time.Time{}},
		{"og:url", `<meta property="og:url" content="http://x.example/q">`, "http://x.example/q", time.Time{}},
		{"uk date meta", `<meta name="last_modified" content="03/12/2024">`, "https://www.testshire.gov.uk/a/b.html", time.Date(2024, 12, 3, 0, 0, 0, 0, time.UTC)},
		{"dc.date", `<meta name="DC.date" content="2023-07-01">`, "https://www.testshire.gov.uk/a/b.html", time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC)},
		{"modified beats published", `<meta property="article:published_time" content="2020-01-01"><meta property="article:modified_time" content="2021-01-01">`, "https://www.testshire.gov.uk/a/b.html", time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"time element", `</head><body><p>Last updated <time datetime="2022-05-06">6 May</time></p>`, "https://www.testshire.gov.uk/a/b.html", time.Date(2022, 5, 6, 0, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadOne(t, file("a/b.html", []byte("<html><head>"+tc.head+"</head><body><p>Text</p></body></html>")))
			if d.URL != tc.wantURL {
				t.Errorf("URL = %q, want %q", d.URL, tc.wantURL)
			}
			if !d.Date.Equal(tc.wantDate) {
				t.Errorf("Date = %v, want %v", d.Date, tc.wantDate)
			}
		})
	}
	f := file("a.html", []byte("<p>x</p>"))
	f.BaseURL = ""
	if d := mustLoadOne(t, f); d.URL != "" {
		t.Errorf("URL with no base = %q, want empty", d.URL)
	}
}

func TestLoadCharsets(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"declared windows-1252", []byte("<meta charset=\"windows-1252\"><p>Caf\xe9 \x93menu\x94 \x805</p>"), "Café “menu” €5"},
		{"declared iso-8859-1", []byte("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>\xa3120 fee</p>"), "£120 fee"},
		{"undeclared latin-1", []byte("<p>\xa3120 fee for caf\xe9s</p>"), "£120 fee for cafés"},
		{"utf-8 with a stray byte", []byte("<meta charset=utf-8><p>Café \xa35</p>"), "Café £5"},
		{"mislabelled utf-8", []byte("<meta charset=iso-8859-1><p>Café £5</p>"), "Café £5"},
		{"declared shift_jis", []byte("<meta charset=\"shift_jis\"><p>\x93\xfa\x96\x7b</p>"), "日本"},
		{"entities", []byte("<p>&pound;5 &amp; &#8364;6 &eacute;</p>"), "£5 & €6 é"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadOne(t, file("a.html", tc.data))
			got := d.Text()
			if got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
			if !utf8.ValidString(got) || !utf8.ValidString(d.Title) {
				t.Errorf("text %q or title %q is not valid UTF-8", got, d.Title)
			}
		})
	}
}

func TestLoadBadInput(t *testing.T) {
	tests := []struct {
		name string
		data string
		want error
	}{
		{"empty", "", corpus.ErrEmpty},
		{"white space", " \n\t ", corpus.ErrEmpty},
		{"only furniture", "<nav><a href=/>Home</a></nav><footer>(c)</footer>", corpus.ErrEmpty},
		{"only a script", "<script>alert(1)</script>", corpus.ErrEmpty},
		{"binary", "\x00\x01\x02\x03", corpus.ErrEmpty},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), file("bad.html", []byte(tc.data)))
			if !errors.Is(err, tc.want) {
				t.Errorf("Load error = %v, want one wrapping %v", err, tc.want)
			}
		})
	}
}

func TestLoadMalformed(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"unclosed tags", "<div><p>One<p>Two<ul><li>a<li>b</div>", "One\n\nTwo\n\n- a\n- b"},
		{"stray end tags", "</div></p><p>Text</span></p></td>", "Text"},
		{"unterminated comment", "<p>Kept</p><!-- never closed <p>lost</p>", "Kept"},
		{"nested paragraphs", "<p><p>Inner</p></p>", "Inner"},
		{"table without rows", "<table><caption>Fees</caption></table>", "Fees"},
		{"hidden text in a heading", "<h2><span class=\"visually-hidden\">Section: </span>Fees</h2><p>x</p>", "Fees\nx"},
		{"layout table", "<table><tr><td><table><tr><td>A</td></tr></table></td><td><p>B</p></td></tr></table>", "A\n\nB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := mustLoadOne(t, file("m.html", []byte(tc.data)))
			if got := d.Text(); got != tc.want {
				t.Errorf("text = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadDeepNesting(t *testing.T) {
	// The HTML parser refuses more than 512 open elements; that must come
	// back as ErrInvalid, not a crash.
	const depth = 20000
	data := strings.Repeat("<div>", depth) + "<p>Deep</p>" + strings.Repeat("</div>", depth)
	_, err := Load(context.Background(), file("deep.html", []byte(data)))
	if !errors.Is(err, corpus.ErrInvalid) {
		t.Errorf("Load error = %v, want ErrInvalid", err)
	}
	d := mustLoadOne(t, file("deep.html", []byte(strings.Repeat("<div>", 300)+"<p>Deep</p>")))
	if got := d.Text(); got != "Deep" {
		t.Errorf("text at depth 300 = %q, want %q", got, "Deep")
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, file("a.html", []byte("<p>x</p>"))); !errors.Is(err, context.Canceled) {
		t.Errorf("Load error = %v, want context.Canceled", err)
	}
}
