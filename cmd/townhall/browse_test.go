package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var navLinkRe = regexp.MustCompile(`(?s)<a class="govuk-service-navigation__link" href="([^"]+)"[^>]*>([^<]+)</a>`)

// navLinks returns the service navigation's links of the page at url.
func navLinks(t *testing.T, url string) (int, []string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(b)
	start, end := strings.Index(body, `<ul class="govuk-service-navigation__list"`), strings.Index(body, "</nav>")
	if start < 0 || end < start {
		t.Fatalf("%s: no service navigation", url)
	}
	var out []string
	for _, m := range navLinkRe.FindAllStringSubmatch(body[start:end], -1) {
		out = append(out, m[1]+" "+m[2])
	}
	return resp.StatusCode, out
}

// TestBrowseNavMatchesPortal serves the demo council and checks that the
// spending, contracts and budgets pages (their own layout) show the same
// navigation as the portal's pages, and that the budgets page lists the
// demo budget book's pages.
func TestBrowseNavMatchesPortal(t *testing.T) {
	s := startDemoServer(t, map[string]string{"TOWNHALL_FOI_DB": t.TempDir() + "/foi.db"})
	base := "http://" + s.Addr()
	_, want := navLinks(t, base+"/foi/")
	for _, l := range []string{"/foi/spending Spending", "/foi/contracts Contracts", "/foi/budgets Budgets"} {
		if !strings.Contains(strings.Join(want, "\n"), l) {
			t.Errorf("the portal's navigation lacks %q: %q", l, want)
		}
	}
	for _, path := range []string{"/foi/spending", "/foi/contracts", "/foi/budgets"} {
		code, got := navLinks(t, base+path)
		if code != http.StatusOK {
			t.Errorf("%s: status %d", path, code)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s navigation differs from the portal's (-portal +browser):\n%s", path, d)
		}
	}
	resp, err := http.Get(base + "/foi/budgets")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(b), `href="https://www.thornburyvale.gov.uk/budget/budget-book-2025-26.pdf#page=2"`) {
		t.Errorf("the budgets page does not link to page 2 of the demo budget book")
	}
}
