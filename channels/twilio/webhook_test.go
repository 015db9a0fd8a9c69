package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/twilio"
)

const (
	token   = "test-auth-token"
	base    = "https://townhall.example.gov.uk"
	smsPath = "/channels/twilio/sms"
	sender  = "+447700900123"
)

var now = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// recorder is a Handler that records what it is given and can be told to
// fail.
type recorder struct {
	mu   sync.Mutex
	got  []channels.Inbound
	fail error
}

func (r *recorder) HandleInbound(_ context.Context, m channels.Inbound) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		return r.fail
	}
	r.got = append(r.got, m)
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

type fixture struct {
	hook    *twilio.Webhook
	rec     *recorder
	optOuts *channels.MemOptOuts
}

func newFixture() *fixture {
	f := &fixture{rec: &recorder{}, optOuts: channels.NewMemOptOuts()}
	f.hook = &twilio.Webhook{
		AuthToken:     token,
		PublicBaseURL: base,
		Handler:       f.rec,
		Dedup:         channels.NewMemDeduper(0),
		OptOuts:       f.optOuts,
		Replies:       twilio.DefaultReplies("Thornbury Vale Council"),
		Now:           func() time.Time { return now },
	}
	return f
}

func form(sid, body string, extra ...string) url.Values {
	v := url.Values{
		"MessageSid": {sid},
		"AccountSid": {"AC0000"},
		"From":       {sender},
		"To":         {"+447700900999"},
		"Body":       {body},
		"NumMedia":   {"0"},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// post sends a form to the webhook, as postSigned does.
func (f *fixture) post(t *testing.T, target string, v url.Values, sig string) *httptest.ResponseRecorder {
	t.Helper()
	return postSigned(f.hook, target, v, sig)
}

// postSigned posts form v to h at target with sig as its
// X-Twilio-Signature; "" means v signed with token for base+target, the
// URL the handler rebuilds.
func postSigned(h http.Handler, target string, v url.Values, sig string) *httptest.ResponseRecorder {
	if sig == "" {
		sig = twilio.SignRequest(token, base+target, v)
	}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, sig)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func wantTwiML(t *testing.T, w *httptest.ResponseRecorder, body string) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Fatalf("status: got %d, want 200 (%s)", w.Code, w.Body)
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Errorf("content type: got %q, want text/xml", ct)
	}
	want := string(twilio.MessagingResponse())
	if body != "" {
		want = string(twilio.MessagingResponse(body))
	}
	if got := w.Body.String(); got != want {
		t.Errorf("TwiML: got %s, want %s", got, want)
	}
}

func TestWebhookHandsOnMessage(t *testing.T) {
	f := newFixture()
	w := f.post(t, smsPath, form("SM0001", "  When is my <b>bin</b> day? <script>alert(1)</script>\r\n"), "")
	wantTwiML(t, w, "")
	want := []channels.Inbound{{
		ProviderID: "SM0001",
		From:       channels.Identity{Channel: channels.SMS, Address: sender},
		To:         "+447700900999",
		Kind:       channels.KindText,
		Text:       "When is my <b>bin</b> day? <script>alert(1)</script>",
		Received:   now,
	}}
	if diff := cmp.Diff(want, f.rec.got); diff != "" {
		t.Errorf("handed on (-want +got):\n%s", diff)
	}
	if strings.Contains(w.Body.String(), "script") {
		t.Errorf("response echoes user text: %s", w.Body)
	}
}

func TestWebhookRejects(t *testing.T) {
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"bad signature", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(form("SM1", "hi").Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set(twilio.SignatureHeader, twilio.SignRequest("wrong-token", base+smsPath, form("SM1", "hi")))
			return r
		}, http.StatusForbidden},
		{"no signature", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(form("SM1", "hi").Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusForbidden},
		{"signed for other params", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(form("SM1", "hi").Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set(twilio.SignatureHeader, twilio.SignRequest(token, base+smsPath, form("SM1", "hello")))
			return r
		}, http.StatusForbidden},
		{"huge body", func() *http.Request {
			v := form("SM1", strings.Repeat("x", twilio.DefaultMaxBodyBytes))
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(v.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set(twilio.SignatureHeader, twilio.SignRequest(token, base+smsPath, v))
			return r
		}, http.StatusRequestEntityTooLarge},
		{"malformed form", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader("MessageSid=SM1&Body=%zz"))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, http.StatusBadRequest},
		{"json body", func() *http.Request {
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(`{"Body":"hi"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, http.StatusUnsupportedMediaType},
		{"get", func() *http.Request { return httptest.NewRequest(http.MethodGet, smsPath, nil) }, http.StatusMethodNotAllowed},
		{"signed but no MessageSid", func() *http.Request {
			v := form("", "hi")
			r := httptest.NewRequest(http.MethodPost, smsPath, strings.NewReader(v.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Header.Set(twilio.SignatureHeader, twilio.SignRequest(token, base+smsPath, v))
			return r
		}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture()
			w := httptest.NewRecorder()
			f.hook.ServeHTTP(w, tt.req())
			if w.Code != tt.status {
				t.Errorf("status: got %d, want %d (%s)", w.Code, tt.status, w.Body)
			}
			if n := f.rec.count(); n != 0 {
				t.Errorf("handed on %d messages, want 0", n)
			}
			// Nothing was recorded: the same message, properly signed,
			// is still handled.
			if tt.status == http.StatusForbidden {
				wantTwiML(t, f.post(t, smsPath, form("SM1", "hi"), ""), "")
				if n := f.rec.count(); n != 1 {
					t.Errorf("after a valid retry: handed on %d, want 1", n)
				}
			}
		})
	}
}

func TestWebhookPublishedVector(t *testing.T) {
	// Twilio's documented example is a voice call, so it has no
	// MessageSid: a correct signature gets past the 403 to a 400.
	h := &twilio.Webhook{AuthToken: "12345", PublicBaseURL: "https://mycompany.com", Handler: &recorder{}}
	r := httptest.NewRequest(http.MethodPost, "/myapp.php?foo=1&bar=2", strings.NewReader(docsParams.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set(twilio.SignatureHeader, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Errorf("status: got %d, want 400 (signature accepted, no MessageSid)", w.Code)
	}
}

func TestWebhookReplayIsIgnored(t *testing.T) {
	f := newFixture()
	for range 3 {
		wantTwiML(t, f.post(t, smsPath, form("SM42", "pothole on Mill Lane"), ""), "")
	}
	if n := f.rec.count(); n != 1 {
		t.Errorf("handed on %d times, want 1", n)
	}
}

func TestWebhookHandlerFailureAllowsRetry(t *testing.T) {
	f := newFixture()
	f.rec.fail = errors.New("queue down")
	if w := f.post(t, smsPath, form("SM7", "hello"), ""); w.Code != http.StatusInternalServerError {
		t.Fatalf("status: got %d, want 500", w.Code)
	}
	f.rec.fail = nil
	wantTwiML(t, f.post(t, smsPath, form("SM7", "hello"), ""), "")
	if n := f.rec.count(); n != 1 {
		t.Errorf("handed on %d, want 1 after retry", n)
	}
}

func TestWebhookInvalidUTF8(t *testing.T) {
	f := newFixture()
	wantTwiML(t, f.post(t, smsPath, form("SM8", "bin\xff\x00day"), ""), "")
	if got, want := f.rec.got[0].Text, "bin\uFFFDday"; got != want {
		t.Errorf("text: got %q, want %q", got, want)
	}
}

func TestWebhookKeywords(t *testing.T) {
	f := newFixture()
	r := twilio.DefaultReplies("Thornbury Vale Council")
	id := channels.Identity{Channel: channels.SMS, Address: sender}
	optedOut := func() bool {
		out, _ := f.optOuts.OptedOut(context.Background(), id)
		return out
	}
	steps := []struct {
		body     string
		reply    string
		handed   int // cumulative
		optedOut bool
	}{
		{"yes", "", 1, false},                // ordinary answer
		{"HELP", r.Help, 1, false},           // answered, not handed on
		{" Stop. ", r.Stop, 1, true},         // opt out
		{"where is my bin?", "", 1, true},    // dropped: opted out
		{"please stop texting", "", 1, true}, // not a keyword; still dropped
		{"Yes", r.Start, 1, false},           // YES opts back in when opted out
		{"unsubscribe", r.Stop, 1, true},
		{"START", r.Start, 1, false},
		{"info", r.Help, 1, false},
		{"thanks", "", 2, false},
	}
	for i, s := range steps {
		w := f.post(t, smsPath, form("SMk"+string(rune('a'+i)), s.body), "")
		wantTwiML(t, w, s.reply)
		if n := f.rec.count(); n != s.handed {
			t.Errorf("after %q: handed on %d, want %d", s.body, n, s.handed)
		}
		if got := optedOut(); got != s.optedOut {
			t.Errorf("after %q: opted out %v, want %v", s.body, got, s.optedOut)
		}
	}
}

func TestWebhookManagedOptOut(t *testing.T) {
	f := newFixture()
	f.hook.ManagedOptOut = true
	wantTwiML(t, f.post(t, smsPath, form("SM1", "STOP"), ""), "")
	out, _ := f.optOuts.OptedOut(context.Background(), channels.Identity{Channel: channels.SMS, Address: sender})
	if !out {
		t.Error("STOP not recorded")
	}
}

func TestParseKeyword(t *testing.T) {
	for body, want := range map[string]twilio.Keyword{
		"STOP": twilio.Stop, "stopall": twilio.Stop, "Unsubscribe": twilio.Stop, "cancel": twilio.Stop,
		"END": twilio.Stop, "quit!": twilio.Stop, "start": twilio.Start, "UNSTOP": twilio.Start,
		"yes": twilio.Start, "help": twilio.Help, " INFO ": twilio.Help,
		"stop it": twilio.NoKeyword, "": twilio.NoKeyword, "helpful": twilio.NoKeyword,
	} {
		if got := twilio.ParseKeyword(body); got != want {
			t.Errorf("ParseKeyword(%q) = %v, want %v", body, got, want)
		}
	}
}

func TestWebhookBehindProxy(t *testing.T) {
	f := newFixture()
	// Twilio calls https://townhall.example.gov.uk/council/channels/twilio/sms;
	// the proxy strips /council.
	f.hook.PublicBaseURL = base + "/council/"
	v := form("SM9", "hi")
	sig := twilio.SignRequest(token, base+"/council"+smsPath, v)
	wantTwiML(t, f.post(t, smsPath, v, sig), "")

	// With no PublicBaseURL the URL comes from the request itself.
	f2 := newFixture()
	f2.hook.PublicBaseURL = ""
	sig = twilio.SignRequest(token, "http://example.com"+smsPath+"?x=1", v)
	wantTwiML(t, f2.post(t, smsPath+"?x=1", v, sig), "")
	if f2.rec.count() != 1 {
		t.Error("message not handed on")
	}
}

func TestWebhookWhatsAppLocationAndMedia(t *testing.T) {
	f := newFixture()
	v := form("SM10", "", "From", "whatsapp:+447700900123", "To", "whatsapp:+447700900999",
		"Latitude", "51.5072", "Longitude", "-0.1276", "Label", "Mill Lane", "Address", "1 Mill Lane")
	wantTwiML(t, f.post(t, smsPath, v, ""), "")
	wantTwiML(t, f.post(t, smsPath, form("SM11", "", "NumMedia", "1", "MediaUrl0", "https://api.twilio.com/x"), ""), "")
	if n := f.rec.count(); n != 2 {
		t.Fatalf("handed on %d, want 2", n)
	}
	loc := f.rec.got[0]
	if loc.From != (channels.Identity{Channel: channels.WhatsApp, Address: "+447700900123"}) || loc.Kind != channels.KindLocation {
		t.Errorf("got %+v, want a WhatsApp location", loc)
	}
	if diff := cmp.Diff(&channels.Location{Lat: 51.5072, Lon: -0.1276, Name: "Mill Lane", Address: "1 Mill Lane"}, loc.Location); diff != "" {
		t.Errorf("location (-want +got):\n%s", diff)
	}
	if m := f.rec.got[1]; m.Kind != channels.KindUnsupported || m.Unsupported != "media" {
		t.Errorf("got kind %q (%q), want unsupported media", m.Kind, m.Unsupported)
	}
}

func TestMessagingResponseEscapes(t *testing.T) {
	got := string(twilio.MessagingResponse(`Tom & Jerry <b>"hi"</b>`, "second"))
	want := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<Response><Message>Tom &amp; Jerry &lt;b&gt;&#34;hi&#34;&lt;/b&gt;</Message><Message>second</Message></Response>`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got, want := string(twilio.MessagingResponse()), `<?xml version="1.0" encoding="UTF-8"?>`+"\n<Response/>"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
