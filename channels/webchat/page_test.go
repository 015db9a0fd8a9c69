package webchat_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// pageClient is a browser without JavaScript: cookies, no redirects
// followed automatically so tests can see them.
type pageClient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newPageClient(t *testing.T, h *harness) *pageClient {
	jar, _ := cookiejar.New(nil)
	return &pageClient{t: t, base: h.http.URL, http: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (p *pageClient) get(path string) (int, string) {
	p.t.Helper()
	resp, err := p.http.Get(p.base + path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (p *pageClient) post(path string, form url.Values, hdr http.Header) (*http.Response, string) {
	p.t.Helper()
	req, err := http.NewRequest("POST", p.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		p.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := p.http.Do(req)
	if err != nil {
		p.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

var hiddenField = regexp.MustCompile(`name="(csrf|client_id)" value="([^"]*)"`)

// formFields reads the compose form's hidden fields from a page.
func formFields(t *testing.T, page string) url.Values {
	t.Helper()
	v := url.Values{}
	i := strings.Index(page, `id="compose"`)
	if i < 0 {
		t.Fatalf("no compose form in page:\n%s", page)
	}
	for _, m := range hiddenField.FindAllStringSubmatch(page[i:], 2) {
		v.Set(m[1], m[2])
	}
	return v
}

func TestChatPageWithoutJavaScript(t *testing.T) {
	h := newHarness(t)
	p := newPageClient(t, h)
	status, page := p.get("/chat")
	if status != http.StatusOK || !strings.Contains(page, `<label for="message">Your message</label>`) {
		t.Fatalf("GET /chat = %d:\n%s", status, page)
	}
	form := formFields(t, page)
	form.Set("text", `Bins <script>alert("x")</script>`)
	resp, _ := p.post("/chat", form, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST /chat = %d, want 303", resp.StatusCode)
	}
	// Sending the same form again (a double click, a resubmit) does not
	// send the message twice.
	if resp, _ := p.post("/chat", form, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("second POST /chat = %d, want 303", resp.StatusCode)
	}
	_, page = p.get("/chat")
	if n := strings.Count(page, `class="turn turn-resident"`); n != 1 {
		t.Errorf("page shows %d resident turns, want 1", n)
	}
	if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("script payload not escaped on the page:\n%s", page)
	}
	if !strings.Contains(page, `href="https://example.gov.uk/bins"`) || !strings.Contains(page, "Was this answer helpful?") {
		t.Errorf("answer without its source link or feedback control:\n%s", page)
	}
	if n := h.echo.calls.Load(); n != 1 {
		t.Errorf("assistant called %d times, want 1", n)
	}

	// Feedback from the page is stored.
	fb := url.Values{"csrf": {form.Get("csrf")}, "seq": {"2"}, "helpful": {"yes"}}
	if resp, _ := p.post("/chat/feedback", fb, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("POST /chat/feedback = %d, want 303", resp.StatusCode)
	}
	if got, _ := h.store.FindFeedback(context.Background(), webchatFilter()); len(got) != 1 || !got[0].Helpful {
		t.Errorf("feedback stored = %+v, want one helpful", got)
	}
	if _, page = p.get("/chat"); !strings.Contains(page, "You said: helpful") {
		t.Error("page does not show the feedback given")
	}
}

func TestChatPageRefusesForgedPosts(t *testing.T) {
	h := newHarness(t)
	p := newPageClient(t, h)
	_, page := p.get("/chat")
	form := formFields(t, page)
	form.Set("text", "hello")

	bad := url.Values{"text": {"hello"}, "csrf": {"forged"}}
	if resp, body := p.post("/chat", bad, nil); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "not sent") {
		t.Errorf("POST with a bad token = %d, want 403 with an explanation", resp.StatusCode)
	}
	cross := http.Header{"Sec-Fetch-Site": {"cross-site"}, "Origin": {"https://evil.example"}}
	if resp, _ := p.post("/chat", form, cross); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
	}
	// A token from another session is refused.
	other := newPageClient(t, h)
	other.get("/chat")
	if resp, _ := other.post("/chat", form, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST with another session's token = %d, want 403", resp.StatusCode)
	}
	if n := h.echo.calls.Load(); n != 0 {
		t.Errorf("assistant called %d times, want 0", n)
	}
}

func TestChatPageErrors(t *testing.T) {
	h := newHarness(t)
	p := newPageClient(t, h)
	_, page := p.get("/chat")
	form := formFields(t, page)
	form.Set("text", strings.Repeat("a", 5000))
	resp, body := p.post("/chat", form, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, `role="alert"`) || !strings.Contains(body, "too long") {
		t.Errorf("long message = %d, want 413 with an alert:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, strings.Repeat("a", 100)) {
		t.Error("the draft was not kept for the resident to shorten")
	}
}

func TestWidgetAssets(t *testing.T) {
	h := newHarness(t)
	p := newPageClient(t, h)
	for path, want := range map[string]string{
		"/widget.js":  `role="log"`,
		"/widget.css": "prefers-reduced-motion",
		"/chat/demo":  `<script src="/widget.js" defer data-council="Testshire Council"></script>`,
	} {
		status, body := p.get(path)
		if status != http.StatusOK || !strings.Contains(body, want) {
			t.Errorf("GET %s = %d, want 200 containing %q", path, status, want)
		}
	}
}
