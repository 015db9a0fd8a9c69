package portal_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/foi"
	"github.com/townhall-civic/townhall/foi/portal"
	"github.com/townhall-civic/townhall/foi/search"
)

// newRedactionEnv starts the portal with the redaction preview over its
// store, and publishes a draft full of personal data.
func newRedactionEnv(t *testing.T, officersOn bool) (*env, *foi.Disclosure) {
	t.Helper()
	e := newEnv(t, func(c *portal.Config) {
		c.Officers = officersOn
		c.Detect = foi.DetectOptions{KeepEmailDomains: []string{"aldermoor.example"}}
	}, withStoreAsRedaction)
	draft := &foi.Disclosure{ID: "requests/trees.json", Reference: "FOI-2025-0140", Title: "Trees felled " + xss,
		RequestText: "Dear Aldermoor District Council,\nHow many trees were felled outside 14 Oak Road, Aldermoor AL1 2BD?\n" +
			"Our case is TV/2025/77.\nYours faithfully,\nSiobhán Ó Briain",
		ResponseText: "Dear Ms Ó Briain,\nWe felled 3 trees. Call 07700 900123 or write to foi@aldermoor.example.\n" +
			"Kind regards,\nFOI Team",
		Status: foi.StatusSuccessful, Law: foi.LawFOIA, Received: day("2025-04-01")}
	pub, err := foi.Prepare(draft, foi.DetectOptions{KeepEmailDomains: []string{"aldermoor.example"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.PublishDisclosures(context.Background(), []foi.Publication{pub}); err != nil {
		t.Fatal(err)
	}
	if err := e.index.PutDisclosures(context.Background(), []*foi.Disclosure{pub.Published}); err != nil {
		t.Fatal(err)
	}
	return e, draft
}

// withStoreAsRedaction uses the env's SQLite store for the redaction
// preview.
func withStoreAsRedaction(c *portal.Config) { c.Redaction = c.Service.Store.(portal.RedactionStore) }

func TestRedactionPreviewNeedsOfficers(t *testing.T) {
	e, d := newRedactionEnv(t, false)
	if status, _, _ := e.get(t, "/foi/cases/redaction?id="+url.QueryEscape(d.ID)); status != http.StatusNotFound {
		t.Errorf("preview with officers off = %d, want 404", status)
	}
	e, d = newRedactionEnv(t, true)
	if status := e.getProxied(t, "/foi/cases/redaction?id="+url.QueryEscape(d.ID)); status != http.StatusForbidden {
		t.Errorf("proxied preview = %d, want 403", status)
	}
	if status, _, _ := e.get(t, "/foi/cases/redaction?id=missing"); status != http.StatusNotFound {
		t.Errorf("preview of an unknown disclosure = %d, want 404", status)
	}
}

func TestRedactionPreviewMarksEachKind(t *testing.T) {
	e, d := newRedactionEnv(t, true)
	path := "/foi/cases/redaction?id=" + url.QueryEscape(d.ID)
	status, body, _ := e.get(t, path)
	if status != http.StatusOK {
		t.Fatalf("preview: status %d", status)
	}
	text := plainText(body)
	for _, w := range []string{
		"Siobhán Ó Briain [name]", "Ms Ó Briain [name]", "07700 900123 [phone]", "14 Oak Road [address]", "AL1 2BD [postcode]",
		"Dear [name removed],", "[phone number removed]", "foi@aldermoor.example",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("preview lacks %q", w)
		}
	}
	if strings.Contains(text, "foi@aldermoor.example [email]") {
		t.Errorf("the council's own address is marked for removal")
	}
	assertInert(t, body)
	// The public page links officers to the preview.
	if _, body, _ := e.get(t, "/foi/disclosures/requests/trees.json"); !strings.Contains(body, `href="/foi/cases/redaction?id=requests%2ftrees.json"`) &&
		!strings.Contains(body, `href="/foi/cases/redaction?id=requests%2Ftrees.json"`) {
		t.Errorf("disclosure page does not link officers to the preview")
	}
}

func TestCensorRuleFlow(t *testing.T) {
	ctx := context.Background()
	e, d := newRedactionEnv(t, true)
	form := func(kv ...string) url.Values {
		v := url.Values{"id": {d.ID}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	rules := func() int {
		rs, err := e.store.FindRules(ctx, foi.RuleFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(rs)
	}
	// Bad rules are refused with a message linked to the field.
	bad := []struct {
		name string
		form url.Values
		want string
	}{
		{"bad regexp", form("action", "preview", "pattern", `TV/(\d+`, "regexp", "yes"), "Text to remove is not a valid regular expression: missing closing )"},
		{"empty pattern", form("action", "preview", "pattern", " "), "Enter the text or pattern to remove"},
		{"too long", form("action", "save", "pattern", strings.Repeat("x", 501), "comment", "c", "actor", "a"), "Text to remove must be 500 characters or fewer"},
		{"no reason", form("action", "save", "pattern", "TV/2025/77", "actor", "ann"), "Say why the text must be removed"},
		{"no author", form("action", "save", "pattern", "TV/2025/77", "comment", "case number"), "Enter your name"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			status, body, _ := e.post(t, "/foi/cases/redaction", tt.form)
			if status != http.StatusBadRequest || !strings.Contains(html.UnescapeString(body), tt.want) {
				t.Errorf("status %d; page lacks %q", status, tt.want)
			}
		})
	}
	if n := rules(); n != 0 {
		t.Fatalf("refused rules stored %d rules", n)
	}

	// Preview shows the effect without saving.
	rule := []string{"pattern", `TV/\d{4}/\d+`, "regexp", "yes", "replacement", "[case reference removed]",
		"comment", "The requester's own case number", "actor", "ann"}
	status, body, _ := e.post(t, "/foi/cases/redaction", form(append([]string{"action", "preview"}, rule...)...))
	text := plainText(body)
	if status != http.StatusOK || !strings.Contains(text, "TV/2025/77 [officer rule, new rule]") || !strings.Contains(text, "Our case is [case reference removed].") {
		t.Errorf("preview of a rule: status %d, page lacks the marked match or its result", status)
	}
	if n := rules(); n != 0 {
		t.Fatalf("preview stored %d rules", n)
	}

	// Save, then publish.
	if status, _, _ := e.post(t, "/foi/cases/redaction", form(append([]string{"action", "save"}, rule...)...)); status != http.StatusSeeOther {
		t.Fatalf("save rule: status %d", status)
	}
	if n := rules(); n != 1 {
		t.Fatalf("%d rules stored, want 1", n)
	}
	if pub, _ := e.store.FindDisclosureByID(ctx, d.ID); !strings.Contains(pub.RequestText, "TV/2025/77") {
		t.Fatalf("saving a rule republished without asking")
	}
	if status, _, _ := e.post(t, "/foi/cases/redaction", form("action", "publish")); status != http.StatusSeeOther {
		t.Fatalf("publish: status %d", status)
	}
	pub, err := e.store.FindDisclosureByID(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pub.RequestText, "TV/2025/77") || !strings.Contains(pub.RequestText, "[case reference removed]") {
		t.Errorf("published request = %q, want the case number replaced", pub.RequestText)
	}
	res, err := e.index.Search(ctx, search.Query{Text: "case reference removed"})
	if err != nil || res.Total != 1 {
		t.Errorf("the search index was not updated: %v, %+v", err, res)
	}
	trail, err := e.store.FindRedactions(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	var byRule int
	for _, a := range trail {
		if a.RuleID != 0 {
			byRule++
		}
		if a.Original != "" {
			t.Errorf("audit keeps text in clear: %+v", a)
		}
	}
	if byRule != 1 {
		t.Errorf("%d audit entries name a rule, want 1", byRule)
	}
	_, body, _ = e.get(t, "/foi/cases/redaction?id="+url.QueryEscape(d.ID)+"&done=published")
	for _, w := range []string{"Published.", "rule 1", "The requester&#39;s own case number", "by ann"} {
		if !strings.Contains(body, w) {
			t.Errorf("preview after publishing lacks %q", w)
		}
	}
	// A cross-site form post is refused.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/foi/cases/redaction", strings.NewReader(form("action", "publish").Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", res.StatusCode)
	}
	// Delete the rule.
	rs, _ := e.store.FindRules(ctx, foi.RuleFilter{})
	if status, _, _ := e.post(t, "/foi/cases/redaction", form("action", "delete", "rule", jsonNumber(rs[0].ID))); status != http.StatusSeeOther {
		t.Errorf("delete rule: status %d", status)
	}
	if n := rules(); n != 0 {
		t.Errorf("%d rules after delete, want 0", n)
	}
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// plainText is a page's text without tags or entities.
func plainText(body string) string { return html.UnescapeString(tagRE.ReplaceAllString(body, "")) }

func jsonNumber(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestSimilarResponsesPack(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, officers)
	svc := foi.NewService(e.store, foi.NationEnglandWales, func() time.Time { return now })
	ack, err := svc.Submit(ctx, foi.Intake{Name: "Bob Jones", Email: "bob@example.org",
		Description: "Please tell me how many potholes were repaired on Mill Lane last year and what the budget was."})
	if err != nil {
		t.Fatal(err)
	}
	id := jsonNumber(ack.ID)
	_, body, _ := e.get(t, "/foi/cases/"+id)
	if !strings.Contains(body, "Similar previous responses") || !strings.Contains(body, `href="/foi/disclosures/requests/potholes.json"`) {
		t.Errorf("case page lacks the similar responses pack")
	}
	status, body, _ := e.get(t, "/foi/cases/"+id+"/similar.json")
	if status != http.StatusOK {
		t.Fatalf("similar.json: status %d", status)
	}
	var pack struct {
		Case    string
		Query   string
		Results []struct {
			ID, Outcome, URL string
			Exemptions       []struct{ Key, Label string }
		}
	}
	if err := json.Unmarshal([]byte(body), &pack); err != nil {
		t.Fatal(err)
	}
	if pack.Case != ack.Reference || len(pack.Results) == 0 || pack.Results[0].ID != "requests/potholes.json" ||
		pack.Results[0].Outcome != "Successful" || pack.Results[0].URL != "/foi/disclosures/requests/potholes.json" {
		t.Errorf("pack = %+v; want %s with the potholes response first", pack, ack.Reference)
	}
	if strings.Contains(pack.Query, "please") || strings.Contains(pack.Query, "many") {
		t.Errorf("query %q keeps request boilerplate", pack.Query)
	}

	// Exemptions come with the outcome.
	ack, _ = svc.Submit(ctx, foi.Intake{Name: "Bob Jones", Email: "bob@example.org",
		Description: "A copy of the leisure centre contract, including pricing."})
	_, body, _ = e.get(t, "/foi/cases/"+jsonNumber(ack.ID)+"/similar.json")
	if err := json.Unmarshal([]byte(body), &pack); err != nil {
		t.Fatal(err)
	}
	if len(pack.Results) == 0 || pack.Results[0].ID != "requests/leisure.json" || len(pack.Results[0].Exemptions) != 2 ||
		pack.Results[0].Exemptions[0].Key != "foia:43" {
		t.Errorf("pack = %+v; want the leisure contract with s.43 and s.40", pack)
	}
	// Officers only.
	off := newEnv(t)
	if status, _, _ := off.get(t, "/foi/cases/"+id+"/similar.json"); status != http.StatusNotFound {
		t.Errorf("similar.json with officers off = %d, want 404", status)
	}
}
