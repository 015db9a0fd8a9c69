package evalweb_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/evals"
	evalweb "github.com/townhall-civic/townhall/evals/web"
)

// gatedRun is a Config.Run that plays each case only when the test sends
// on step, so the test can watch a run in progress.
type gatedRun struct {
	step chan struct{}
}

func (g *gatedRun) run(ctx context.Context, cases []evals.Case, progress func(evals.Progress)) (*evals.Matrix, error) {
	outs := make([]evals.Outcome, len(cases))
	for i, c := range cases {
		select {
		case <-g.step:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		outs[i] = evals.Outcome{Retrieved: c.Expect.Sources, Latency: time.Millisecond}
		progress(evals.Progress{Done: i + 1, Total: len(cases), Case: c.ID})
	}
	rep := evals.Score(cases, outs, nil)
	rep.Name = "live"
	return evals.NewMatrix([]*evals.Report{rep}, "")
}

func newHandler(t *testing.T) (*evalweb.Handler, *gatedRun, string, *httptest.Server) {
	t.Helper()
	dir := t.TempDir()
	suite := filepath.Join(dir, "demo.jsonl")
	err := os.WriteFile(suite, []byte(`{"id": "a", "turns": ["bins?"], "expect": {"sources": ["bins.html"]}}
{"id": "b", "turns": ["tax?"], "expect": {"sources": ["tax.html"]}}
`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	reports := filepath.Join(dir, "reports")
	g := &gatedRun{step: make(chan struct{})}
	h, err := evalweb.New(evalweb.Config{Suites: map[string]string{"demo": suite}, ReportsDir: reports, Run: g.run})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); h.Close() })
	return h, g, reports, srv
}

// noRedirect is a client that reports redirects instead of following
// them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func start(t *testing.T, srv *httptest.Server, suite string, header http.Header) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/staff/evals/runs", strings.NewReader(url.Values{"suite": {suite}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestRunAndReports(t *testing.T) {
	_, g, reports, srv := newHandler(t)
	status, page, _ := get(t, srv.URL+"/staff/evals/")
	if status != http.StatusOK || !strings.Contains(page, `<option>demo</option>`) || !strings.Contains(page, "No reports yet") {
		t.Fatalf("index = %d, want the suite listed and no reports:\n%s", status, page)
	}

	if resp := start(t, srv, "demo", http.Header{"Origin": {"https://evil.example"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site start = %d, want 403", resp.StatusCode)
	}
	if resp := start(t, srv, "nope", nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown suite = %d, want 400", resp.StatusCode)
	}
	resp := start(t, srv, "demo", http.Header{"Origin": {strings.TrimPrefix(srv.URL, "http://")}, "Sec-Fetch-Site": {"same-origin"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start = %d, want 303", resp.StatusCode)
	}
	runURL := srv.URL + resp.Header.Get("Location")
	if busy := start(t, srv, "demo", nil); busy.StatusCode != http.StatusConflict {
		t.Errorf("second start while running = %d, want 409", busy.StatusCode)
	}
	if _, page, _ := get(t, runURL); !strings.Contains(page, `<progress id="bar" max="2" value="0">`) {
		t.Errorf("run page lacks the progress bar at 0 of 2:\n%s", page)
	}

	// Watch the events while the cases are played one by one.
	events, err := http.Get(runURL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	if ct := events.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("events content type %q", ct)
	}
	sc := bufio.NewScanner(events.Body)
	next := func() string {
		var ev string
		for sc.Scan() {
			line := sc.Text()
			if line == "" && ev != "" {
				return ev
			}
			if strings.HasPrefix(line, "event: ") {
				ev = strings.TrimPrefix(line, "event: ")
			}
			if strings.HasPrefix(line, "data: ") {
				ev += " " + strings.TrimPrefix(line, "data: ")
			}
		}
		return ev
	}
	if ev := next(); !strings.HasPrefix(ev, "progress") || !strings.Contains(ev, `"Done":0`) {
		t.Errorf("first event %q, want progress at 0", ev)
	}
	g.step <- struct{}{}
	if ev := next(); !strings.Contains(ev, `"Done":1`) {
		t.Errorf("second event %q, want progress at 1", ev)
	}
	g.step <- struct{}{}
	var last string
	for ev := next(); ev != ""; ev = next() {
		last = ev
		if strings.HasPrefix(ev, "done") {
			break
		}
	}
	if !strings.HasPrefix(last, "done") || !strings.Contains(last, `"State":"finished"`) {
		t.Fatalf("last event %q, want done and finished", last)
	}

	_, page, _ = get(t, runURL)
	if !strings.Contains(page, "Read the report") || !strings.Contains(page, "recall_at_5") {
		t.Errorf("finished run page lacks the report link and figures:\n%s", page)
	}
	files, _ := filepath.Glob(filepath.Join(reports, "*-demo.*"))
	if len(files) != 2 || !strings.HasSuffix(files[0], ".html") || !strings.HasSuffix(files[1], ".json") {
		t.Fatalf("report files %v, want an HTML and a JSON", files)
	}
	files[0], files[1] = files[1], files[0] // JSON, HTML
	status, body, hdr := get(t, srv.URL+"/staff/evals/reports/"+filepath.Base(files[1]))
	if status != http.StatusOK || !strings.Contains(body, "<!DOCTYPE html>") || !strings.Contains(hdr.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("HTML report = %d with CSP %q", status, hdr.Get("Content-Security-Policy"))
	}
	if _, err := evals.ReadMatrixFile(files[0]); err != nil {
		t.Errorf("JSON report: %v", err)
	}
	_, page, _ = get(t, srv.URL+"/staff/evals/")
	if !strings.Contains(page, filepath.Base(files[1])) {
		t.Errorf("index does not list the report:\n%s", page)
	}

	// A second run compares itself with the first in its HTML report.
	resp = start(t, srv, "demo", nil)
	g.step <- struct{}{}
	g.step <- struct{}{}
	deadline := time.Now().Add(5 * time.Second)
	for {
		files, _ = filepath.Glob(filepath.Join(reports, "*-demo.html"))
		if len(files) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(files) != 2 {
		t.Fatalf("second run wrote %v", files)
	}
	second, _ := os.ReadFile(files[1])
	if !strings.Contains(string(second), "Changes since the old report") {
		t.Error("the second report does not compare with the first")
	}

	for _, name := range []string{"..%2Fsecret.json", ".hidden.json", "notes.txt", "missing.json"} {
		if status, _, _ := get(t, srv.URL+"/staff/evals/reports/"+name); status != http.StatusNotFound {
			t.Errorf("report %q = %d, want 404", name, status)
		}
	}
}

func TestLoopbackOnly(t *testing.T) {
	h, err := evalweb.New(evalweb.Config{ReportsDir: t.TempDir(), Run: (&gatedRun{}).run})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	for name, req := range map[string]*http.Request{
		"remote":  httptest.NewRequest(http.MethodGet, "/staff/evals/", nil),
		"proxied": httptest.NewRequest(http.MethodGet, "/staff/evals/", nil),
	} {
		t.Run(name, func(t *testing.T) {
			if name == "remote" {
				req.RemoteAddr = "203.0.113.7:40000"
			} else {
				req.RemoteAddr = "127.0.0.1:40000"
				req.Header.Set("X-Forwarded-For", "203.0.113.7")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != http.StatusForbidden {
				t.Errorf("status %d, want 403", w.Code)
			}
		})
	}
	req := httptest.NewRequest(http.MethodGet, "/staff/evals/", nil)
	req.RemoteAddr = "[::1]:40000"
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "No suites are configured") {
		t.Errorf("loopback status %d, want 200 and the no-suites notice", w.Code)
	}
}

func TestCloseCancelsRun(t *testing.T) {
	h, _, _, srv := newHandler(t)
	if resp := start(t, srv, "demo", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("start = %d", resp.StatusCode)
	}
	done := make(chan error)
	go func() { done <- h.Close() }()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the running suite")
	}
}
