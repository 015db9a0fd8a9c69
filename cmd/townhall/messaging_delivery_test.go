package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/inbound"
	"github.com/townhall-civic/townhall/channels/twilio"
)

const testContentSID = "HXb5b62575e6e4ff6129ad7c8efe1f983e"

// postTwilio posts a form to a Twilio webhook path, signed for the
// public URL as Twilio would sign it, and returns the status.
func postTwilio(t *testing.T, s *Server, path string, form url.Values, token string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "http://"+s.Addr()+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(twilio.SignatureHeader, twilio.SignRequest(token, testPublicURL+path, form))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// statusForm is Twilio's status callback for one of our messages.
func statusForm(sent url.Values, sid, status, code string) url.Values {
	f := url.Values{
		"AccountSid": {testTwilioSID}, "ApiVersion": {"2010-04-01"},
		"From": {sent.Get("From")}, "To": {sent.Get("To")},
		"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
	}
	if strings.HasPrefix(sent.Get("To"), "whatsapp:") {
		f.Set("ChannelPrefix", "whatsapp")
		f.Set("ChannelInstallSid", "XE00000000000000000000000000000000")
		f.Set("StructuredMessage", "false")
	}
	if code != "" {
		f.Set("ErrorCode", code)
	}
	return f
}

func outboundJob(t *testing.T, s *Server, id int64) (inbound.State, channels.DeliveryState) {
	t.Helper()
	jobs, err := s.web.messaging.db.FindJobs(context.Background(), inbound.KindOutbound)
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.ID == id {
			return j.State, j.Delivery
		}
	}
	t.Fatalf("no outbound job %d", id)
	return "", ""
}

// TestSMSDeliveryReports follows an SMS answer through Twilio's status
// callbacks: sent with a StatusCallback URL, reported undelivered with a
// handset switched off (30003) and sent again, then delivered; a forged
// report is refused and changes nothing.
func TestSMSDeliveryReports(t *testing.T) { testSMSDeliveryReports(t, nil) }

// TestSMSDeliveryReportsPostgres is TestSMSDeliveryReports with the
// queue in PostgreSQL.
func TestSMSDeliveryReportsPostgres(t *testing.T) { testSMSDeliveryReports(t, pgTestVars(t)) }

func testSMSDeliveryReports(t *testing.T, extra map[string]string) {
	s, fake := startMessagingServerEnv(t, extra)
	if status, _ := postSMS(t, s, "SMdlr0000000000000000000000000001", "when is my bin collected?", goodTwilioSig); status != http.StatusOK {
		t.Fatalf("webhook: %d", status)
	}
	waitUntil(t, "the answer", func() bool { return len(fake.smsSent()) == 1 })
	first := fake.smsSent()[0]
	if got, want := first.Get("StatusCallback"), testPublicURL+"/channels/twilio/status"; got != want {
		t.Errorf("StatusCallback: got %q, want %q", got, want)
	}
	waitUntil(t, "the send recorded", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateDone })

	forged := statusForm(first, "SMout1", "undelivered", "30003")
	if got := postTwilio(t, s, "/channels/twilio/status", forged, "not-the-token"); got != http.StatusForbidden {
		t.Errorf("forged report: got %d, want 403", got)
	}
	if st, d := outboundJob(t, s, 1); st != inbound.StateDone || d != channels.DeliveryAccepted {
		t.Errorf("after a forged report: %s/%s, want done/accepted", st, d)
	}

	for _, st := range []string{"sent", "undelivered"} {
		if got := postTwilio(t, s, "/channels/twilio/status", statusForm(first, "SMout1", st, map[string]string{"undelivered": "30003"}[st]), testTwilioToken); got != http.StatusNoContent {
			t.Fatalf("report %s: got %d, want 204", st, got)
		}
	}
	waitUntil(t, "the answer sent again", func() bool { return len(fake.smsSent()) == 2 })
	if a, b := first.Get("Body"), fake.smsSent()[1].Get("Body"); a != b {
		t.Errorf("resent %q, want the same answer %q", b, a)
	}
	waitUntil(t, "the second send recorded", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateDone })
	if got := postTwilio(t, s, "/channels/twilio/status", statusForm(first, "SMout2", "delivered", ""), testTwilioToken); got != http.StatusNoContent {
		t.Fatalf("report delivered: got %d", got)
	}
	if st, d := outboundJob(t, s, 1); st != inbound.StateDone || d != channels.DeliveryDelivered {
		t.Errorf("after delivery: %s/%s, want done/delivered", st, d)
	}
	// Twilio's late report on the first send changes nothing.
	postTwilio(t, s, "/channels/twilio/status", statusForm(first, "SMout1", "undelivered", "30003"), testTwilioToken)
	time.Sleep(200 * time.Millisecond)
	if n := len(fake.smsSent()); n != 2 {
		t.Errorf("after a repeated report: %d sends, want 2", n)
	}
}

// TestWhatsAppThroughTwilioWindow runs WhatsApp through Twilio (no Meta
// settings): an answer Twilio reports outside the window (63016) goes as
// the Content template and is held; two more replies are held behind the
// same template; when the resident writes, all three go in order, then
// the answer to what they wrote.
func TestWhatsAppThroughTwilioWindow(t *testing.T) { testWhatsAppThroughTwilioWindow(t, nil) }

// TestWhatsAppThroughTwilioWindowPostgres is TestWhatsAppThroughTwilioWindow
// with the queue (held replies, windows) in PostgreSQL.
func TestWhatsAppThroughTwilioWindowPostgres(t *testing.T) {
	testWhatsAppThroughTwilioWindow(t, pgTestVars(t))
}

func testWhatsAppThroughTwilioWindow(t *testing.T, extra map[string]string) {
	fake := &fakeProviders{t: t}
	tw := httptest.NewServer(http.HandlerFunc(fake.twilio))
	t.Cleanup(tw.Close)
	vars := map[string]string{
		"TOWNHALL_PUBLIC_URL":                  testPublicURL,
		"TOWNHALL_TWILIO_AUTH_TOKEN":           testTwilioToken,
		"TOWNHALL_TWILIO_ACCOUNT_SID":          testTwilioSID,
		"TOWNHALL_TWILIO_FROM":                 testTwilioFrom,
		"TOWNHALL_TWILIO_API_URL":              tw.URL,
		"TOWNHALL_TWILIO_WHATSAPP_CONTENT_SID": testContentSID,
	}
	for k, v := range extra {
		vars[k] = v
	}
	s := startDemoServer(t, vars)
	resident := "whatsapp:" + testWAResidentID
	write := func(sid, body string) {
		t.Helper()
		form := url.Values{"MessageSid": {sid}, "SmsSid": {sid}, "AccountSid": {testTwilioSID}, "From": {resident},
			"To": {"whatsapp:" + testTwilioFrom}, "Body": {body}, "NumMedia": {"0"}, "ProfileName": {"Sam"}, "WaId": {testResidentWA}}
		if got := postTwilio(t, s, "/channels/twilio/sms", form, testTwilioToken); got != http.StatusOK {
			t.Fatalf("webhook: got %d", got)
		}
	}
	write("SMwa00000000000000000000000000001", "when is my bin collected?")
	waitUntil(t, "the answer", func() bool { return len(fake.smsSent()) == 1 })
	answer := fake.smsSent()[0]
	if answer.Get("To") != resident || answer.Get("From") != "whatsapp:"+testTwilioFrom || answer.Get("Body") == "" || answer.Has("ContentSid") {
		t.Fatalf("answer inside the window: %v; want free text to %s", answer, resident)
	}
	waitUntil(t, "the send recorded", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateDone })

	// Twilio: failed, 63016 (outside the allowed window).
	if got := postTwilio(t, s, "/channels/twilio/status", statusForm(answer, "SMout1", "failed", "63016"), testTwilioToken); got != http.StatusNoContent {
		t.Fatalf("report: got %d", got)
	}
	waitUntil(t, "the template", func() bool { return len(fake.smsSent()) == 2 })
	tpl := fake.smsSent()[1]
	if tpl.Get("ContentSid") != testContentSID || tpl.Has("Body") || tpl.Get("To") != resident {
		t.Errorf("template: %v; want ContentSid %s and no Body", tpl, testContentSID)
	}
	waitUntil(t, "the answer held", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateHeld })

	to := channels.Identity{Channel: channels.WhatsApp, Address: testWAResidentID}
	staff := []string{"Hello, this is Priya from the council.", "Your next collection is on Tuesday."}
	for _, text := range staff {
		if _, err := s.web.messaging.pool.Sender().Send(context.Background(), channels.Outbound{To: to, Text: text}); err != nil {
			t.Fatal(err)
		}
	}
	waitUntil(t, "all three held", func() bool {
		c, _ := s.web.messaging.db.Counts(context.Background())
		return c[inbound.KindOutbound][inbound.StateHeld] == 3
	})
	if n := len(fake.smsSent()); n != 2 {
		t.Fatalf("while held: %d sends, want 2 (the answer and one template)", n)
	}

	write("SMwa00000000000000000000000000002", "thanks")
	waitUntil(t, "the held messages and the answer", func() bool { return len(fake.smsSent()) == 6 })
	sent := fake.smsSent()
	got := []string{sent[2].Get("Body"), sent[3].Get("Body"), sent[4].Get("Body")}
	want := []string{answer.Get("Body"), staff[0], staff[1]}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("after the resident wrote, send %d: got %q, want %q", i+3, got[i], want[i])
		}
	}
	if sent[5].Get("Body") == "" || sent[5].Has("ContentSid") {
		t.Errorf("answer to the new message: %v", sent[5])
	}
}

// TestWhatsAppDeliveryReport follows an answer through Meta's delivery
// reports: "sent" is recorded; a failure for the 24-hour window (131047,
// which happens only if Townhall's record of the window was wrong) sends
// the approved template and holds the answer for when the resident
// writes again; a forged report changes nothing.
func TestWhatsAppDeliveryReport(t *testing.T) {
	s, fake := startMessagingServer(t)
	text := fmt.Sprintf(`{"from":%q,"id":"wamid.HBgLNDQ3NzAwOTAwNDU2FQIAEhgUM0EwMw==","timestamp":"%d","type":"text","text":{"body":"when is my bin collected?"}}`,
		testResidentWA, time.Now().Unix())
	if got := postWhatsApp(t, s, text, testWASecret); got != http.StatusOK {
		t.Fatalf("webhook: got %d", got)
	}
	waitUntil(t, "the answer", func() bool { return len(fake.waSent()) == 1 })
	waitUntil(t, "the send recorded", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateDone })
	status := func(st, errs, secret string) int {
		return postWhatsAppSigned(t, s, fmt.Sprintf(`"statuses":[{"id":"wamid.out1","status":%q,"timestamp":"%d","recipient_id":%q%s}]`,
			st, time.Now().Unix(), testResidentWA, errs), secret)
	}
	if got := status("sent", "", testWASecret); got != http.StatusOK {
		t.Fatalf("sent report: got %d", got)
	}
	if _, d := outboundJob(t, s, 1); d != channels.DeliverySent {
		t.Errorf("after the sent report: delivery %q, want sent", d)
	}
	window := `,"errors":[{"code":131047,"title":"Re-engagement message","message":"Re-engagement message",
		"error_data":{"details":"Message failed to send because more than 24 hours have passed since the customer last replied to this number."}}]`
	if got := status("failed", window, "not-the-secret"); got != http.StatusForbidden {
		t.Errorf("forged report: got %d, want 403", got)
	}
	if got := status("failed", window, testWASecret); got != http.StatusOK {
		t.Fatalf("failed report: got %d", got)
	}
	waitUntil(t, "the template", func() bool { return len(fake.waSent()) == 2 })
	if tpl := fake.waSent()[1]; tpl["type"] != "template" {
		t.Errorf("after 131047 sent %v, want the template", tpl)
	}
	waitUntil(t, "the answer held", func() bool { st, _ := outboundJob(t, s, 1); return st == inbound.StateHeld })
}
