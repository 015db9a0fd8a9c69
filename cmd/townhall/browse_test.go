package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var navLinkRe = regexp.MustCompile(`(?s)<a class="govuk-service-navigation__link" href="([^"]+)"([^>]*)>([^<]+)</a>`)

// navLinks returns the service navigation's links of the page at url,
// as "href text", and the one marked as the current section.
func navLinks(t *testing.T, url string) (status int, links []string, current string) {
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
	for _, m := range navLinkRe.FindAllStringSubmatch(body[start:end], -1) {
		link := m[1] + " " + m[3]
		links = append(links, link)
		if strings.Contains(m[2], `aria-current="true"`) {
			current = link
		}
	}
	return resp.StatusCode, links, current
}

// TestBrowseNavMatchesPortal serves the demo council with the officers'
// pages on and checks that the spending, contracts and budgets pages,
// which are rendered in the portal's layout, show the portal's
// navigation (with the officers' Cases link, as tests come from
// loopback) with their own section marked as current, and that the
// budgets page lists the demo budget book's pages.
func TestBrowseNavMatchesPortal(t *testing.T) {
	s := startDemoServer(t, map[string]string{"TOWNHALL_FOI_DB": t.TempDir() + "/foi.db", "TOWNHALL_FOI_OFFICERS": "1"})
	base := "http://" + s.Addr()
	_, want, current := navLinks(t, base+"/foi/")
	if current != "/foi/ Search responses" {
		t.Errorf("the portal's search page marks %q as current, want its own link", current)
	}
	for _, l := range []string{"/foi/spending Spending", "/foi/contracts Contracts", "/foi/budgets Budgets", "/foi/cases Cases"} {
		if !strings.Contains(strings.Join(want, "\n"), l) {
			t.Errorf("the portal's navigation lacks %q: %q", l, want)
		}
	}
	for _, tc := range []struct{ path, current string }{
		{"/foi/spending", "/foi/spending Spending"},
		{"/foi/spending/totals?by=supplier", "/foi/spending Spending"},
		{"/foi/contracts", "/foi/contracts Contracts"},
		{"/foi/budgets", "/foi/budgets Budgets"},
	} {
		code, got, cur := navLinks(t, base+tc.path)
		if code != http.StatusOK {
			t.Errorf("%s: status %d", tc.path, code)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s navigation differs from the portal's (-portal +browser):\n%s", tc.path, d)
		}
		if cur != tc.current {
			t.Errorf("%s marks %q as current, want %q", tc.path, cur, tc.current)
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
