package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/townhall-civic/townhall/foi"
)

func TestCasesOffByDefault(t *testing.T) {
	e := newEnv(t)
	if status, _, _ := e.get(t, "/foi/cases"); status != http.StatusNotFound {
		t.Errorf("GET /foi/cases with officers off = %d, want 404", status)
	}
	if _, body, _ := e.get(t, "/foi/"); strings.Contains(body, `href="/foi/cases"`) {
		t.Errorf("public pages link to the case list")
	}
}

func TestCasesLoopbackOnly(t *testing.T) {
	e := newEnv(t, officers)
	if status, _, _ := e.get(t, "/foi/cases"); status != http.StatusOK {
		t.Errorf("GET /foi/cases from loopback = %d, want 200", status)
	}
	if status := e.getProxied(t, "/foi/cases"); status != http.StatusForbidden {
		t.Errorf("proxied GET /foi/cases = %d, want 403", status)
	}
}

func TestOfficerLogsAndMovesACase(t *testing.T) {
	e := newEnv(t, officers)
	base := url.Values{"name": {"Bob Jones"}, "address": {"2 High Street\nAldermoor"}, "description": {"Bus shelter repairs"},
		"law": {"auto"}, "actor": {"officer-1"}}
	with := func(kv ...string) url.Values {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	bad := []struct {
		name string
		form url.Values
		want string
	}{
		{"impossible date", with("received-day", "30", "received-month", "2", "received-year", "2026"), "Date received must be a real date"},
		{"no date", base, "Enter the date the request arrived"},
		{"future date", with("received-day", "11", "received-month", "3", "received-year", "2026"), "Date received cannot be in the future"},
		{"letters in date", with("received-day", "tw", "received-month", "3", "received-year", "2026"), "Date received must be a real date, in numbers"},
		{"before the Act", with("received-day", "1", "received-month", "3", "received-year", "2004"), "Date received is before the FOI Act came into force"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.post(t, "/foi/cases/new", tt.form)
			if status != http.StatusBadRequest || !strings.Contains(body, tt.want) || !strings.Contains(body, `href="#received-day"`) {
				t.Errorf("status %d; page lacks %q linked to the date", status, tt.want)
			}
		})
	}
	if n := storedRequests(t, e); n != 0 {
		t.Fatalf("rejected forms stored %d requests", n)
	}

	// A letter received on Monday 2 March 2026 is due on Tuesday 31 March
	// (St Patrick's Day, 17 March, is not a working day under FOIA).
	status, _, res := e.post(t, "/foi/cases/new", with("received-day", "2", "received-month", "3", "received-year", "2026"))
	if status != http.StatusSeeOther {
		t.Fatalf("logging a request: status %d", status)
	}
	loc := res.Header.Get("Location")
	_, body, _ := e.get(t, loc)
	for _, w := range []string{"FOI-2026-00001", "31 March 2026", "Request logged.", "officer-1", "Bob Jones"} {
		if !strings.Contains(body, w) {
			t.Errorf("case page does not contain %q", w)
		}
	}
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/foi/cases/")

	if status, _, _ := e.post(t, "/foi/cases/"+id+"/assignee", url.Values{"assignee": {"Carol"}, "actor": {"officer-1"}}); status != http.StatusSeeOther {
		t.Errorf("assign: status %d", status)
	}
	if status, _, _ := e.post(t, "/foi/cases/"+id+"/status", url.Values{"status": {"successful"}, "note": {"sent " + xss}}); status != http.StatusSeeOther {
		t.Errorf("transition: status %d", status)
	}
	// Closed requests may only go to internal review.
	if status, _, _ := e.post(t, "/foi/cases/"+id+"/status", url.Values{"status": {"waiting_clarification"}}); status != http.StatusConflict {
		t.Errorf("forbidden transition: status %d, want 409", status)
	}
	if status, _, _ := e.post(t, "/foi/cases/"+id+"/status", url.Values{"status": {"bogus"}}); status != http.StatusBadRequest {
		t.Errorf("unknown status: status %d, want 400", status)
	}
	r, _, err := e.store.FindRequests(context.Background(), foi.RequestFilter{})
	if err != nil || len(r) != 1 {
		t.Fatal(err)
	}
	if r[0].Status != foi.StatusSuccessful || r[0].Assignee != "Carol" || len(r[0].Events) != 3 {
		t.Errorf("case = status %s, assignee %q, %d events", r[0].Status, r[0].Assignee, len(r[0].Events))
	}
	_, body, _ = e.get(t, "/foi/cases?show=all")
	for _, w := range []string{"1 case", "FOI-2026-00001", "Carol", "100.0%"} {
		if !strings.Contains(body, w) {
			t.Errorf("case list does not contain %q", w)
		}
	}
	_, body, _ = e.get(t, loc)
	assertInert(t, body)
}
