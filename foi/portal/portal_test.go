package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/portal"
	"github.com/townhall-civic/townhall/foi/search"
	"github.com/townhall-civic/townhall/foi/sqlite"
)

// now is the pinned clock: Tuesday 10 March 2026, 10:00 UTC.
var now = time.Date(2026, 3, 10, 10, 0, 0, 0, time.UTC)

const xss = `<script>alert("x")</script>`

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// fixtures is a small disclosure log of our own, with markup in every
// text field.
func fixtures() []*foi.Disclosure {
	e40, _ := foi.LookupExemption(foi.LawFOIA, "40")
	e43, _ := foi.LookupExemption(foi.LawFOIA, "43")
	return []*foi.Disclosure{
		{ID: "requests/potholes.json", Reference: "FOI-2025-0101", Title: "Potholes repaired on Mill Lane",
			Received: day("2025-03-01"), Responded: day("2025-03-20"),
			RequestText: "How many potholes were repaired in 2024?", ResponseText: "We repaired 1,204 potholes.\nThe budget was £2m.",
			Status: foi.StatusSuccessful, Law: foi.LawFOIA, Department: "Highways", Topic: "Roads, parking and transport",
			URL: "https://www.whatdotheyknow.com/request/potholes"},
		{ID: "requests/leisure.json", Reference: "FOI-2024-0042", Title: "Leisure centre contract",
			Received: day("2024-11-20"), RequestText: "A copy of the leisure contract.",
			ResponseText: "Pricing is withheld under section 43(2). Staff names under section 40(2).",
			Status:       foi.StatusPartiallySuccessful, Law: foi.LawFOIA, Exemptions: []foi.Exemption{e43, e40}, Department: "Leisure",
			Attachments: []foi.Attachment{{Name: "contract-redacted.pdf", URL: "https://example.org/c.pdf", Text: "Contract"}}},
		{ID: "log.csv#row-3", Reference: "=HYPERLINK(\"http://evil\")", Title: xss + " bins collected late",
			Received: day("2025-06-05"), RequestText: `<img src=x onerror=alert(1)> bins`, ResponseText: xss,
			Status: foi.StatusNotHeld, Law: foi.LawFOIA, Department: xss, URL: "javascript:alert(1)"},
		{ID: "requests/air.json", Reference: "EIR-2025-0007", Title: "Air quality on the High Street",
			Received: day("2025-01-15"), RequestText: "Nitrogen dioxide readings.", ResponseText: "The readings are attached.",
			Status: foi.StatusSuccessful, Law: foi.LawEIR},
	}
}

type env struct {
	srv   *httptest.Server
	store *sqlite.Store
	index *search.Index
	p     *portal.Portal
}

type option func(*portal.Config)

func officers(c *portal.Config) { c.Officers = true }

// newEnv starts the portal over a SQLite store and a memory index holding
// the fixtures.
func newEnv(t *testing.T, opts ...option) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "foi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := search.OpenMem(search.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	ds := fixtures()
	if err := st.PutDisclosures(ctx, ds); err != nil {
		t.Fatal(err)
	}
	if err := ix.PutDisclosures(ctx, ds); err != nil {
		t.Fatal(err)
	}
	svc := foi.NewService(st, foi.NationEnglandWales, func() time.Time { return now })
	cfg := portal.Config{Service: svc, Search: ix, Council: "Aldermoor District Council", BaseURL: "https://foi.aldermoor.example"}
	for _, o := range opts {
		o(&cfg)
	}
	p, err := portal.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	p.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &env{srv: srv, store: st, index: ix, p: p}
}

// get fetches path and returns the status and body.
func (e *env) get(t *testing.T, path string) (int, string, http.Header) {
	t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// getProxied gets path as if through a reverse proxy (X-Forwarded-For
// set) and returns the status.
func (e *env) getProxied(t *testing.T, path string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.9")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// post submits a form as a same-origin browser would.
func (e *env) post(t *testing.T, path string, form url.Values) (int, string, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res
}

// assertInert fails if body contains live markup from the fixtures.
func assertInert(t *testing.T, body string) {
	t.Helper()
	for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert"} {
		if strings.Contains(body, bad) {
			t.Errorf("page contains live markup %q", bad)
		}
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/foi/", "/foi/request", "/api/foi/search?q=bins", "/foi/disclosures/missing"} {
		_, _, h := e.get(t, path)
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") {
			t.Errorf("%s: Content-Security-Policy = %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no X-Content-Type-Options", path)
		}
	}
}

func TestAssetsFallbackWhenMissing(t *testing.T) {
	e := newEnv(t, func(c *portal.Config) { c.Assets = filepath.Join(t.TempDir(), "nothing-here") })
	if e.p.AssetsAvailable() {
		t.Fatal("AssetsAvailable with no folder")
	}
	_, body, _ := e.get(t, "/foi/")
	if !strings.Contains(body, `href="/assets/fallback.css"`) || strings.Contains(body, "init.mjs") {
		t.Errorf("page without govuk-frontend does not use the fallback stylesheet alone")
	}
	if status, css, _ := e.get(t, "/assets/fallback.css"); status != http.StatusOK || !strings.Contains(css, ".govuk-button") {
		t.Errorf("GET /assets/fallback.css = %d", status)
	}
	if status, _, _ := e.get(t, "/assets/govuk-frontend.min.css"); status != http.StatusNotFound {
		t.Errorf("GET /assets/govuk-frontend.min.css without the package = %d, want 404", status)
	}
}

func TestAssetsFromGovukFrontend(t *testing.T) {
	dir := t.TempDir()
	css := `@font-face{font-family:GDS Transport;font-style:normal;src:url(/assets/fonts/light.woff2)}` +
		`.govuk-body{font-family:GDS Transport,arial,sans-serif}`
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "govuk-frontend.min.css"), []byte(css), 0o644))
	must(os.WriteFile(filepath.Join(dir, "govuk-frontend.min.js"), []byte("export function initAll(){}"), 0o644))
	must(os.MkdirAll(filepath.Join(dir, "assets", "images"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "assets", "images", "favicon.svg"), []byte("<svg/>"), 0o644))
	must(os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.txt"), []byte("secret"), 0o644))
	e := newEnv(t, func(c *portal.Config) { c.Assets = dir })
	_, body, _ := e.get(t, "/foi/")
	if !strings.Contains(body, `href="/assets/govuk-frontend.min.css"`) || !strings.Contains(body, `src="/assets/init.mjs"`) {
		t.Errorf("page does not load govuk-frontend")
	}
	status, served, _ := e.get(t, "/assets/govuk-frontend.min.css")
	if status != http.StatusOK || strings.Contains(served, "GDS Transport") || !strings.Contains(served, "font-family:arial,sans-serif") {
		t.Errorf("served CSS (%d) = %q, want Transport replaced by Arial", status, served)
	}
	for path, want := range map[string]int{
		"/assets/images/favicon.svg":      http.StatusOK,
		"/assets/govuk-frontend.min.js":   http.StatusOK,
		"/assets/init.mjs":                http.StatusOK,
		"/assets/../secret.txt":           http.StatusNotFound,
		"/assets/%2e%2e/secret.txt":       http.StatusNotFound,
		"/assets/images/../../secret.txt": http.StatusNotFound,
	} {
		if got, _, _ := e.get(t, path); got != want {
			t.Errorf("GET %s = %d, want %d", path, got, want)
		}
	}
}
