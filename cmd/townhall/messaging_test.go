package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/assistant"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/twilio"
	"github.com/townhall-civic/townhall/channels/whatsapp"
)

// Test credentials for the fake providers.
const (
	testTwilioToken  = "twilio-test-auth-token"
	testTwilioSID    = "AC0000000000000000000000000000test"
	testTwilioFrom   = "+447700900999"
	testWASecret     = "meta-test-app-secret"
	testWAPhoneID    = "106540352242922"
	testWAToken      = "meta-test-access-token"
	testPublicURL    = "https://townhall.example.gov.uk"
	testResidentSMS  = "+447700900123"
	testResidentWA   = "447700900456"
	testWAResidentID = "+" + testResidentWA
)

// fakeProviders plays Twilio's Messages API and Meta's Graph API,
// checking each request's wire shape and recording it.
type fakeProviders struct {
	t  *testing.T
	mu sync.Mutex
	sm []url.Values     // Twilio form posts
	wa []map[string]any // Graph message bodies
}

func (f *fakeProviders) twilio(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Method+" "+r.URL.Path, "POST /2010-04-01/Accounts/"+testTwilioSID+"/Messages.json"; got != want {
		f.t.Errorf("twilio request: got %s, want %s", got, want)
	}
	if u, p, ok := r.BasicAuth(); !ok || u != testTwilioSID || p != testTwilioToken {
		f.t.Errorf("twilio auth: got %q/%q", u, p)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		f.t.Errorf("twilio content type: %q", ct)
	}
	body, _ := io.ReadAll(r.Body)
	form, err := url.ParseQuery(string(body))
	if err != nil {
		f.t.Errorf("twilio form: %v", err)
	}
	f.mu.Lock()
	f.sm = append(f.sm, form)
	n := len(f.sm)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprintf(w, `{"sid":"SMout%d","status":"queued","to":%q}`, n, form.Get("To"))
}

func (f *fakeProviders) graph(w http.ResponseWriter, r *http.Request) {
	if got, want := r.Method+" "+r.URL.Path, "POST /"+whatsapp.DefaultAPIVersion+"/"+testWAPhoneID+"/messages"; got != want {
		f.t.Errorf("graph request: got %s, want %s", got, want)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testWAToken {
		f.t.Errorf("graph auth: got %q", got)
	}
	var m map[string]any
	if err := json.NewDecoder(r.Body).Decode(&m); err != nil {
		f.t.Errorf("graph body: %v", err)
	}
	f.mu.Lock()
	f.wa = append(f.wa, m)
	n := len(f.wa)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"messaging_product":"whatsapp","contacts":[{"input":%q,"wa_id":%q}],"messages":[{"id":"wamid.out%d"}]}`, m["to"], m["to"], n)
}

func (f *fakeProviders) smsSent() []url.Values {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]url.Values(nil), f.sm...)
}

func (f *fakeProviders) waSent() []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]any(nil), f.wa...)
}

// startMessagingServer serves the demo council with SMS and WhatsApp
// switched on against fake providers.
func startMessagingServer(t *testing.T) (*Server, *fakeProviders) {
	t.Helper()
	return startMessagingServerEnv(t, nil)
}

// startMessagingServerEnv is startMessagingServer with extra environment
// (the postgres store's, say).
func startMessagingServerEnv(t *testing.T, extra map[string]string) (*Server, *fakeProviders) {
	t.Helper()
	fake := &fakeProviders{t: t}
	tw := httptest.NewServer(http.HandlerFunc(fake.twilio))
	t.Cleanup(tw.Close)
	gr := httptest.NewServer(http.HandlerFunc(fake.graph))
	t.Cleanup(gr.Close)
	vars := map[string]string{
		"TOWNHALL_STAFF_CONSOLE":         "1",
		"TOWNHALL_PUBLIC_URL":            testPublicURL,
		"TOWNHALL_TWILIO_AUTH_TOKEN":     testTwilioToken,
		"TOWNHALL_TWILIO_ACCOUNT_SID":    testTwilioSID,
		"TOWNHALL_TWILIO_FROM":           testTwilioFrom,
		"TOWNHALL_TWILIO_API_URL":        tw.URL,
		"TOWNHALL_WHATSAPP_APP_SECRET":   testWASecret,
		"TOWNHALL_WHATSAPP_VERIFY_TOKEN": "verify-me",
		"TOWNHALL_WHATSAPP_TOKEN":        testWAToken,
		"TOWNHALL_WHATSAPP_PHONE_ID":     testWAPhoneID,
		"TOWNHALL_WHATSAPP_API_URL":      gr.URL,
		"TOWNHALL_WHATSAPP_TEMPLATE":     "reply_waiting",
	}
	for k, v := range extra {
		vars[k] = v
	}
	s := startDemoServerAt(t, vars, officeHours())
	if s.web == nil || s.web.messaging == nil {
		t.Fatal("messaging not mounted")
	}
	return s, fake
}

// postSMS posts a Twilio incoming-message webhook signed for the public
// URL (as Twilio, configured with that URL, would sign it) and returns
// the status and body.
func postSMS(t *testing.T, s *Server, sid, body string, sign func(url.Values) string) (int, string) {
	t.Helper()
	form := url.Values{
		"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {testTwilioSID},
		"From": {testResidentSMS}, "To": {testTwilioFrom}, "Body": {body}, "NumMedia": {"0"},
	}
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+"/channels/twilio/sms", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, sign(form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func goodTwilioSig(form url.Values) string {
	return twilio.SignRequest(testTwilioToken, testPublicURL+"/channels/twilio/sms", form)
}

// postWhatsApp posts a Cloud API notification carrying one message.
func postWhatsApp(t *testing.T, s *Server, message string, secret string) int {
	t.Helper()
	return postWhatsAppSigned(t, s, fmt.Sprintf(`"contacts":[{"profile":{"name":"Sam"},"wa_id":%q}],"messages":[%s]`, testResidentWA, message), secret)
}

func postWhatsAppSigned(t *testing.T, s *Server, fields, secret string) int {
	t.Helper()
	body := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"WABA1","changes":[{"field":"messages","value":{
		"messaging_product":"whatsapp","metadata":{"display_phone_number":"447700900998","phone_number_id":%q},%s}}]}]}`, testWAPhoneID, fields)
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+"/channels/whatsapp", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(whatsapp.SignatureHeader, whatsapp.Sign(secret, []byte(body)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func inboundJobs(t *testing.T, s *Server) int {
	t.Helper()
	jobs, err := s.web.messaging.db.FindJobs(context.Background(), inbound.KindInbound)
	if err != nil {
		t.Fatal(err)
	}
	return len(jobs)
}

// TestSMSEndToEnd sends a resident's text through the signed Twilio
// webhook and sees the assistant's answer reach Twilio's Messages API;
// a bad signature is refused with nothing stored, and a replay sends
// nothing twice.
func TestSMSEndToEnd(t *testing.T) {
	s, fake := startMessagingServer(t)

	// A forged request: right form, signature with the wrong token.
	status, _ := postSMS(t, s, "SMforged00000000000000000000000001", "When is my bin collected?", func(f url.Values) string {
		return twilio.SignRequest("not-the-token", testPublicURL+"/channels/twilio/sms", f)
	})
	if status != http.StatusForbidden {
		t.Errorf("bad signature: got %d, want 403", status)
	}
	// Signed for another URL (the request was replayed elsewhere).
	status, _ = postSMS(t, s, "SMforged00000000000000000000000002", "hi", func(f url.Values) string {
		return twilio.SignRequest(testTwilioToken, "https://evil.example/channels/twilio/sms", f)
	})
	if status != http.StatusForbidden {
		t.Errorf("signature for another URL: got %d, want 403", status)
	}
	if n := inboundJobs(t, s); n != 0 {
		t.Fatalf("after forged requests: %d jobs stored, want 0", n)
	}

	sid := "SM1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5"
	start := time.Now()
	status, body := postSMS(t, s, sid, "how long do you take to fill in potholes?", goodTwilioSig)
	ack := time.Since(start)
	if status != http.StatusOK {
		t.Fatalf("webhook: got %d %s, want 200", status, body)
	}
	if !strings.Contains(body, "<Response") || strings.Contains(body, "<Message") {
		t.Errorf("webhook reply: got %q, want empty TwiML (the answer goes by REST)", body)
	}
	waitUntil(t, "the SMS answer", func() bool { return len(fake.smsSent()) == 1 })
	t.Logf("webhook acknowledged in %v; answer sent %v after the post", ack, time.Since(start))
	got := fake.smsSent()[0]
	if got.Get("To") != testResidentSMS || got.Get("From") != testTwilioFrom {
		t.Errorf("answer addressed To=%q From=%q, want %s from %s", got.Get("To"), got.Get("From"), testResidentSMS, testTwilioFrom)
	}
	answer := got.Get("Body")
	if !strings.Contains(answer, "https://") {
		t.Errorf("SMS answer has no link to its source: %q", answer)
	}
	if _, parts := twilio.Segments(answer); len(parts) > assistant.SMSMaxSegments {
		t.Errorf("SMS answer uses %d segments, want at most %d: %q", len(parts), assistant.SMSMaxSegments, answer)
	}

	// Twilio retries the same webhook: accepted, nothing stored or sent.
	if status, _ := postSMS(t, s, sid, "how long do you take to fill in potholes?", goodTwilioSig); status != http.StatusOK {
		t.Errorf("replay: got %d, want 200", status)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.smsSent()); n != 1 {
		t.Errorf("after replay: %d messages sent, want 1", n)
	}
	if n := inboundJobs(t, s); n != 1 {
		t.Errorf("after replay: %d jobs stored, want 1", n)
	}

	// HELP is answered at once in TwiML and queues nothing.
	status, body = postSMS(t, s, "SMhelp0000000000000000000000000001", "help", goodTwilioSig)
	if status != http.StatusOK || !strings.Contains(body, "STOP") {
		t.Errorf("HELP: got %d %q, want the help text in TwiML", status, body)
	}
}

// TestWhatsAppLocationReport reports a pothole on WhatsApp and shares
// its location; the location feeds the report and the answers arrive at
// the Graph API in WhatsApp's wire shape.
func TestWhatsAppLocationReport(t *testing.T) {
	s, fake := startMessagingServer(t)
	// Meta's subscription handshake.
	resp, err := http.Get("http://" + s.Addr() + "/channels/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
	if err != nil {
		t.Fatal(err)
	}
	challenge, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(challenge) != "1158201444" {
		t.Errorf("handshake: got %d %q, want the challenge echoed", resp.StatusCode, challenge)
	}
	resp, err = http.Get("http://" + s.Addr() + "/channels/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("handshake with a wrong token: got %d, want 403", resp.StatusCode)
	}
	now := time.Now().Unix()
	text := fmt.Sprintf(`{"from":%q,"id":"wamid.HBgLNDQ3NzAwOTAwNDU2FQIAEhgUM0EwMQ==","timestamp":"%d","type":"text","text":{"body":"I want to report a pothole"}}`, testResidentWA, now)
	if got := postWhatsApp(t, s, text, "wrong-secret"); got != http.StatusForbidden {
		t.Errorf("bad signature: got %d, want 403", got)
	}
	if n := inboundJobs(t, s); n != 0 {
		t.Fatalf("after a forged notification: %d jobs stored, want 0", n)
	}
	if got := postWhatsApp(t, s, text, testWASecret); got != http.StatusOK {
		t.Fatalf("webhook: got %d, want 200", got)
	}
	waitUntil(t, "the first WhatsApp answer", func() bool { return len(fake.waSent()) == 1 })
	first := fake.waSent()[0]
	if first["messaging_product"] != "whatsapp" || first["to"] != testResidentWA {
		t.Errorf("message envelope: %v", first)
	}
	firstText := waText(first)
	if firstText == "" {
		t.Fatalf("first answer has no text: %v", first)
	}

	loc := fmt.Sprintf(`{"from":%q,"id":"wamid.HBgLNDQ3NzAwOTAwNDU2FQIAEhgUM0EwMg==","timestamp":"%d","type":"location",
		"location":{"latitude":51.4816,"longitude":-2.5236,"name":"Victoria Road","address":"Victoria Road, Aldermoor"}}`, testResidentWA, now+5)
	if got := postWhatsApp(t, s, loc, testWASecret); got != http.StatusOK {
		t.Fatalf("location webhook: got %d, want 200", got)
	}
	// Meta redelivers: nothing new.
	if got := postWhatsApp(t, s, loc, testWASecret); got != http.StatusOK {
		t.Fatalf("location replay: got %d, want 200", got)
	}
	waitUntil(t, "the answer to the location", func() bool { return len(fake.waSent()) == 2 })
	time.Sleep(300 * time.Millisecond)
	if n := len(fake.waSent()); n != 2 {
		t.Errorf("after replay: %d messages sent, want 2", n)
	}
	second := waText(fake.waSent()[1])
	t.Logf("WhatsApp answers:\n1: %s\n2: %s", firstText, second)

	// The report being collected now has the shared location.
	jobs, err := s.web.messaging.db.FindJobs(context.Background(), inbound.KindInbound)
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 2 || jobs[0].ConversationID != jobs[1].ConversationID {
		t.Fatalf("jobs: %+v; want two in one conversation", jobs)
	}
	conv, err := s.web.assistant.FindConversationByID(context.Background(), jobs[0].ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Channel != assistant.ChannelWhatsApp || conv.Resident != "whatsapp:"+testWAResidentID {
		t.Errorf("conversation on %s for %s", conv.Channel, conv.Resident)
	}
	if conv.Pending == nil || conv.Pending.Service != "pothole" {
		t.Fatalf("pending report: %+v, want a pothole report", conv.Pending)
	}
	if l := conv.Pending.Location; l.Lat != 51.4816 || l.Lon != -2.5236 || !strings.Contains(l.Address, "Victoria Road") {
		t.Errorf("report location: %+v, want the shared one", l)
	}
}

// waText returns a Graph message's text: text.body or an interactive
// message's body.text.
func waText(m map[string]any) string {
	switch m["type"] {
	case "text":
		if t, ok := m["text"].(map[string]any); ok {
			s, _ := t["body"].(string)
			return s
		}
	case "interactive":
		if i, ok := m["interactive"].(map[string]any); ok {
			if b, ok := i["body"].(map[string]any); ok {
				s, _ := b["text"].(string)
				return s
			}
		}
	}
	return ""
}

// TestStaffReplyBySMS hands an SMS conversation to staff, who claim it
// in the console and reply; the reply reaches Twilio.
func TestStaffReplyBySMS(t *testing.T) {
	s, fake := startMessagingServer(t)
	if status, _ := postSMS(t, s, "SMperson000000000000000000000000001", "I want to speak to a real person please", goodTwilioSig); status != http.StatusOK {
		t.Fatalf("webhook: %d", status)
	}
	waitUntil(t, "the hand-off answer", func() bool { return len(fake.smsSent()) == 1 })
	hs, err := s.web.assistant.ListHandoffs(context.Background(), assistant.HandoffFilter{Status: []assistant.HandoffStatus{assistant.HandoffWaiting}})
	if err != nil {
		t.Fatal(err)
	}
	if len(hs) != 1 || hs[0].Channel != assistant.ChannelSMS {
		t.Fatalf("hand-offs: %+v; want one waiting on SMS (answer was %q)", hs, fake.smsSent()[0].Get("Body"))
	}
	id := hs[0].ID
	staff := func(path string, form url.Values) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "th_staff", Value: "Priya"})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := staff(fmt.Sprintf("/staff/handoffs/%d/claim", id), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("claim: %d", resp.StatusCode)
	}
	reply := "Hello, this is Priya. I can help with that."
	if resp := staff(fmt.Sprintf("/staff/handoffs/%d/reply", id), url.Values{"text": {reply}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply: %d", resp.StatusCode)
	}
	// The "you are now talking to" notice, then the reply.
	waitUntil(t, "the staff reply", func() bool { return len(fake.smsSent()) == 3 })
	sent := fake.smsSent()
	if !strings.Contains(sent[1].Get("Body"), "Priya") || sent[2].Get("Body") != reply {
		t.Errorf("sent after claim: %q, %q; want the join notice then %q", sent[1].Get("Body"), sent[2].Get("Body"), reply)
	}
	for _, f := range sent[1:] {
		if f.Get("To") != testResidentSMS {
			t.Errorf("staff message to %q, want %s", f.Get("To"), testResidentSMS)
		}
	}
	// The resident's next text goes to staff, not the assistant.
	if status, _ := postSMS(t, s, "SMperson000000000000000000000000002", "thanks, it is about my council tax", goodTwilioSig); status != http.StatusOK {
		t.Fatalf("webhook: %d", status)
	}
	waitUntil(t, "the message processed", func() bool {
		c, _ := s.web.messaging.db.Counts(context.Background())
		return c[inbound.KindInbound][inbound.StateDone] == 2
	})
	if n := len(fake.smsSent()); n != 3 {
		t.Errorf("the assistant answered a conversation staff hold: %d messages sent, want 3", n)
	}
}

// TestMessagingEnv checks channels are off without their secrets and
// that a switched-on channel missing its send settings stops serve.
func TestMessagingEnv(t *testing.T) {
	env := func(vars map[string]string) messagingEnv {
		return messagingEnvConfig(func(k string) string { return vars[k] })
	}
	m, err := openMessaging(context.Background(), config{Web: webEnv{Messaging: env(nil)}}, "demo.yaml", t.TempDir(), "", nil)
	if err != nil || m != nil {
		t.Errorf("no secrets: got %v, %v; want messaging off", m, err)
	}
	tests := []struct {
		name    string
		vars    map[string]string
		missing []string
	}{
		{"twilio without sender", map[string]string{"TOWNHALL_TWILIO_AUTH_TOKEN": "x"},
			[]string{"TOWNHALL_TWILIO_ACCOUNT_SID", "TOWNHALL_TWILIO_FROM"}},
		{"twilio with messaging service", map[string]string{"TOWNHALL_TWILIO_AUTH_TOKEN": "x", "TOWNHALL_TWILIO_ACCOUNT_SID": "AC1",
			"TOWNHALL_TWILIO_MESSAGING_SERVICE_SID": "MG1"}, nil},
		{"whatsapp without token", map[string]string{"TOWNHALL_WHATSAPP_APP_SECRET": "x", "TOWNHALL_WHATSAPP_VERIFY_TOKEN": "v"},
			[]string{"TOWNHALL_WHATSAPP_PHONE_ID", "TOWNHALL_WHATSAPP_TOKEN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := env(tt.vars).check()
			if len(tt.missing) == 0 {
				if err != nil {
					t.Errorf("got %v, want no error", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("got no error, want %v named", tt.missing)
			}
			for _, k := range tt.missing {
				if !strings.Contains(err.Error(), k) {
					t.Errorf("error %q does not name %s", err, k)
				}
			}
		})
	}
}
