package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/foi"
)

func storedRequests(t *testing.T, e *env) int {
	t.Helper()
	_, total, err := e.store.FindRequests(context.Background(), foi.RequestFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

func TestRequestFormValidation(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		form url.Values
		want []string // messages and error-summary links
	}{
		{"nothing", url.Values{},
			[]string{`href="#name"`, "Enter your name", `href="#email"`, "Enter an email or postal address", `href="#description"`, "Describe the information"}},
		{"no address", url.Values{"name": {"Ann Smith"}, "description": {"Potholes"}},
			[]string{`href="#email"`, "Enter an email or postal address"}},
		{"bad email", url.Values{"name": {"Ann Smith"}, "email": {"ann@"}, "description": {"Potholes"}},
			[]string{"Enter an email address like name@example.com"}},
		{"name without letters", url.Values{"name": {"1234"}, "email": {"a@example.org"}, "description": {"x"}},
			[]string{"Enter your name in letters"}},
		{"law not on offer", url.Values{"name": {"Ann"}, "email": {"a@example.org"}, "description": {"x"}, "law": {"foisa"}},
			[]string{`href="#law-auto"`, "Choose a law from the list"}},
		{"tampered confirm", url.Values{"step": {"confirm"}, "email": {"a@example.org"}, "description": {"x"}},
			[]string{"Enter your name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.post(t, "/foi/request", tt.form)
			if status != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", status)
			}
			if !strings.Contains(body, "<title>Error: ") || !strings.Contains(body, "There is a problem") {
				t.Errorf("page lacks the GOV.UK error summary")
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page does not contain %q", w)
				}
			}
		})
	}
	if n := storedRequests(t, e); n != 0 {
		t.Errorf("invalid forms stored %d requests", n)
	}
}

func TestRequestFlow(t *testing.T) {
	e := newEnv(t)
	form := url.Values{"name": {"Ann " + xss}, "email": {"ann@example.org"},
		"description": {"How many potholes were repaired on Mill Lane? " + xss}, "law": {"auto"}}

	// Step 1: the "already published?" page, nothing stored yet.
	status, body, _ := e.post(t, "/foi/request", form)
	if status != http.StatusOK {
		t.Fatalf("check step: status %d", status)
	}
	for _, w := range []string{"Has this already been published?", "Potholes repaired on Mill Lane",
		"Freedom of Information Act 2000", `value="foia"`, "&lt;script&gt;"} {
		if !strings.Contains(body, w) {
			t.Errorf("confirm page does not contain %q", w)
		}
	}
	assertInert(t, body)
	if n := storedRequests(t, e); n != 0 {
		t.Fatalf("check step stored %d requests", n)
	}

	// Step 2: submit; the acknowledgement gives the reference and the due
	// date. Received Tuesday 10 March 2026: 20 working days, skipping
	// St Patrick's Day (17 March: FOIA s.10(6) excludes a bank holiday
	// anywhere in the UK), Good Friday (3 April) and Easter Monday (6
	// April), ends on Friday 10 April.
	form.Set("step", "confirm")
	form.Set("law", "foia")
	status, body, _ = e.post(t, "/foi/request", form)
	if status != http.StatusOK {
		t.Fatalf("confirm step: status %d\n%s", status, body)
	}
	for _, w := range []string{"Request received", "FOI-2026-00001", "Friday 10 April 2026"} {
		if !strings.Contains(body, w) {
			t.Errorf("acknowledgement does not contain %q", w)
		}
	}
	assertInert(t, body)
	rs, _, _ := e.store.FindRequests(context.Background(), foi.RequestFilter{})
	if len(rs) != 1 || rs[0].Name != "Ann "+xss || rs[0].Law != foi.LawFOIA {
		t.Fatalf("stored %+v", rs)
	}
}

func TestRequestDetectsEnvironmentalLaw(t *testing.T) {
	e := newEnv(t)
	status, body, _ := e.post(t, "/foi/request", url.Values{"name": {"Ann"}, "address": {"1 Mill Lane\nAldermoor"},
		"description": {"Air quality monitoring results for Station Road"}})
	if status != http.StatusOK || !strings.Contains(body, "Environmental Information Regulations 2004") || !strings.Contains(body, `value="eir"`) {
		t.Errorf("status %d; confirm page does not choose the EIR", status)
	}
}

func TestRequestRefusesCrossSitePost(t *testing.T) {
	e := newEnv(t)
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/foi/request", strings.NewReader("name=A&email=a@example.org&description=x&step=confirm"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status = %d, want 403", res.StatusCode)
	}
	if n := storedRequests(t, e); n != 0 {
		t.Errorf("cross-site POST stored %d requests", n)
	}
}
