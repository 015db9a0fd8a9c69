package portal_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/townhall-civic/townhall/corpus"
	"github.com/townhall-civic/townhall/foi/portal"
	"github.com/townhall-civic/townhall/retrieval"
)

func TestSearchPage(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
	}{
		{"browse", "/foi/", 200, []string{"4 responses", "Potholes repaired on Mill Lane", "Outcome", "Year received", "Newest first"}},
		{"search with snippet", "/foi/?q=potholes", 200, []string{"1 response", "<mark>potholes</mark>", `href="/foi/disclosures/requests/potholes.json"`}},
		{"facet filter", "/foi/?exemption=foia:43", 200, []string{"1 response", "Leisure centre contract", "s.43 FOIA: Commercial interests"}},
		{"no results", "/foi/?q=zeppelin", 200, []string{"0 responses", "There are no matching responses"}},
		{"script payload is inert", "/foi/?q=bins", 200, []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; bins collected late"}},
		{"bad sort", "/foi/?sort=cheapest", 400, []string{"There is a problem", `href="#sort"`}},
		{"impossible date", "/foi/?from-day=31&from-month=2&from-year=2025", 400, []string{"Received after must be a real date", `href="#from-day"`}},
		{"half a date", "/foi/?to-day=3&to-year=2025", 400, []string{"Received before must include a day, month and year"}},
		{"dates in order", "/foi/?from-day=1&from-month=5&from-year=2025&to-day=1&to-month=1&to-year=2025", 400, []string{"must be the same as or after"}},
		{"page out of range", "/foi/?page=0", 400, []string{"Page must be a number"}},
		{"date range", "/foi/?from-day=1&from-month=1&from-year=2025&to-day=15&to-month=1&to-year=2025", 200, []string{"1 response", "Air quality"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.get(t, tt.path)
			if status != tt.status {
				t.Errorf("status = %d, want %d", status, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page does not contain %q", w)
				}
			}
			assertInert(t, body)
		})
	}
}

func TestDisclosurePage(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.get(t, "/foi/disclosures/requests/leisure.json")
	if status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
	for _, w := range []string{"Leisure centre contract", "s.43 FOIA", "Commercial interests", "Qualified:",
		"s.40 FOIA", "Personal information", "contract-redacted.pdf", "Related datasets are not available here"} {
		if !strings.Contains(body, w) {
			t.Errorf("permalink page does not contain %q", w)
		}
	}
	// An ID with '#' is reachable through its escaped permalink, and its
	// markup and javascript: link are inert.
	status, body, _ = e.get(t, "/foi/disclosures/log.csv%23row-3")
	if status != http.StatusOK {
		t.Fatalf("escaped ID: status = %d", status)
	}
	assertInert(t, body)
	if !strings.Contains(body, "&lt;img src=x onerror=alert(1)&gt; bins") {
		t.Errorf("request text not shown escaped")
	}
	if status, _, _ := e.get(t, "/foi/disclosures/requests/missing.json"); status != http.StatusNotFound {
		t.Errorf("missing disclosure: status = %d, want 404", status)
	}
}

func TestAPISearchShape(t *testing.T) {
	e := newEnv(t)
	status, body, h := e.get(t, "/api/foi/search?q=potholes")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q", status, h.Get("Content-Type"))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &top); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"results", "total"}, keys(top)); diff != "" {
		t.Errorf("top-level keys mismatch (-want +got):\n%s", diff)
	}
	var results []map[string]any
	if err := json.Unmarshal(top["results"], &results); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{"id": "requests/potholes.json", "title": "Potholes repaired on Mill Lane", "kind": "foi",
		"url": "https://foi.aldermoor.example/foi/disclosures/requests/potholes.json"}}
	if diff := cmp.Diff(want, results); diff != "" {
		t.Errorf("results mismatch (-want +got):\n%s", diff)
	}
	if string(top["total"]) != "1" {
		t.Errorf("total = %s, want 1", top["total"])
	}

	// Empty results are an empty list, not null; bad input is a 400 with a message.
	_, body, _ = e.get(t, "/api/foi/search?q=zeppelin")
	if strings.TrimSpace(body) != `{"results":[],"total":0}` {
		t.Errorf("empty result = %s", body)
	}
	for _, path := range []string{"/api/foi/search?limit=1000", "/api/foi/search?from=2025-02-30", "/api/foi/search?status=x&sort=up"} {
		status, body, _ := e.get(t, path)
		var msg map[string]string
		if status != http.StatusBadRequest || json.Unmarshal([]byte(body), &msg) != nil || msg["error"] == "" {
			t.Errorf("GET %s = %d %s, want 400 with an error message", path, status, body)
		}
	}
	// Script in a title stays data in JSON.
	_, body, _ = e.get(t, "/api/foi/search?q=bins")
	if strings.Contains(body, "<script>") {
		t.Errorf("JSON has an unescaped <script>: %s", body)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestExports(t *testing.T) {
	e := newEnv(t)
	status, body, h := e.get(t, "/foi/export.csv?law=foia")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("CSV: status %d type %q", status, h.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "id" || rows[0][11] != "permalink" {
		t.Fatalf("CSV has %d rows, header %v; want 3 records and a header", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[0] == "log.csv#row-3" && r[1] != `'=HYPERLINK("http://evil")` {
			t.Errorf("formula cell = %q, want it defused with an apostrophe", r[1])
		}
	}
	status, body, _ = e.get(t, "/foi/export.json?q=contract")
	var got struct {
		Total, Exported int
		Results         []struct {
			ID         string   `json:"id"`
			Exemptions []string `json:"exemptions"`
		}
	}
	if status != http.StatusOK || json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("JSON export: %d %s", status, body)
	}
	if got.Total != 1 || got.Exported != 1 || got.Results[0].ID != "requests/leisure.json" || len(got.Results[0].Exemptions) != 2 {
		t.Errorf("JSON export = %+v", got)
	}
}

// wellFormed reads every token of an XML document.
func wellFormed(t *testing.T, doc string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
	}
}

func TestAtomFeed(t *testing.T) {
	e := newEnv(t)
	status, body, h := e.get(t, "/foi/feed.atom")
	if status != http.StatusOK || !strings.HasPrefix(h.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("status %d type %q", status, h.Get("Content-Type"))
	}
	wellFormed(t, body)
	var feed struct {
		XMLName xml.Name
		Updated string `xml:"updated"`
		Entries []struct {
			ID    string `xml:"id"`
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	if feed.XMLName.Space != "http://www.w3.org/2005/Atom" || len(feed.Entries) != 4 || feed.Updated != "2025-06-05T00:00:00Z" {
		t.Fatalf("feed = %+v", feed)
	}
	if feed.Entries[0].Title != xss+" bins collected late" || feed.Entries[0].ID != "https://foi.aldermoor.example/foi/disclosures/log.csv%23row-3" {
		t.Errorf("newest entry = %+v", feed.Entries[0])
	}
	if strings.Contains(body, "<script>") {
		t.Errorf("feed contains a raw <script>")
	}
}

func TestSitemap(t *testing.T) {
	e := newEnv(t)
	_, body, _ := e.get(t, "/foi/sitemap.xml")
	wellFormed(t, body)
	if !strings.Contains(body, "<loc>https://foi.aldermoor.example/foi/sitemaps/1.xml</loc>") {
		t.Errorf("sitemap index = %s", body)
	}
	status, body, _ := e.get(t, "/foi/sitemaps/1.xml")
	if status != http.StatusOK {
		t.Fatalf("status = %d", status)
	}
	wellFormed(t, body)
	var set struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	if len(set.URLs) != 6 { // the search and request pages and four disclosures
		t.Errorf("sitemap has %d URLs, want 6", len(set.URLs))
	}
	for _, path := range []string{"/foi/sitemaps/2.xml", "/foi/sitemaps/x.xml", "/foi/sitemaps/0.xml"} {
		if status, _, _ := e.get(t, path); status != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, status)
		}
	}
}

func TestDisclosureRelatedDatasets(t *testing.T) {
	var asked retrieval.Query
	related := retrieval.SearcherFunc(func(_ context.Context, q retrieval.Query) ([]retrieval.Hit, error) {
		asked = q
		return []retrieval.Hit{
			{Chunk: corpus.Chunk{DocID: "spending/2025.csv#row-4", Kind: corpus.KindSpending, Title: "Payment to Tarmac Ltd", URL: "https://example.org/spend"}},
			{Chunk: corpus.Chunk{DocID: "spending/2025.csv#row-4", Kind: corpus.KindSpending, Title: "Payment to Tarmac Ltd (again)"}},
			{Chunk: corpus.Chunk{DocID: "pages/x.html", Kind: corpus.KindPage, Title: "Roads " + xss, URL: "javascript:alert(1)"}},
		}, nil
	})
	e := newEnv(t, func(c *portal.Config) { c.Related = related })
	_, body, _ := e.get(t, "/foi/disclosures/requests/potholes.json")
	if !strings.Contains(body, `<a class="govuk-link" href="https://example.org/spend">Payment to Tarmac Ltd</a>`) {
		t.Errorf("related dataset link missing")
	}
	if strings.Contains(body, "(again)") {
		t.Errorf("a document is listed twice")
	}
	assertInert(t, body)
	for _, k := range asked.Kinds {
		if k == corpus.KindFOI {
			t.Errorf("related search asks for FOI documents: %v", asked.Kinds)
		}
	}
}

// TestSearchPagination pages through the fixtures one at a time and
// checks the shared pagination partial links the pages, keeping the
// search's page size.
func TestSearchPagination(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.get(t, "/foi/?limit=1&page=2")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	for _, want := range []string{
		`<nav class="govuk-pagination" aria-label="Results pages">`,
		`href="/foi/?limit=1" rel="prev"`,
		`href="/foi/?limit=1&amp;page=3" rel="next"`,
		`aria-label="Page 2" aria-current="page">2</a>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page 2 lacks %q in %s", want, pagination(body))
		}
	}
	if _, one, _ := e.get(t, "/foi/?limit=100"); strings.Contains(one, "govuk-pagination") {
		t.Errorf("a single page of results shows pagination")
	}
}

func pagination(body string) string {
	i := strings.Index(body, `<nav class="govuk-pagination"`)
	if i < 0 {
		return "(no pagination)"
	}
	return body[i:min(len(body), i+2000)]
}
