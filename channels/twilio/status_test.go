package twilio_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/twilio"
)

const statusPath = "/channels/twilio/status"

type deliveries struct {
	mu   sync.Mutex
	got  []channels.Delivery
	fail error
}

func (d *deliveries) HandleDelivery(_ context.Context, r channels.Delivery) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail != nil {
		return d.fail
	}
	d.got = append(d.got, r)
	return nil
}

// The forms below are the parameters Twilio posts to a StatusCallback
// URL, as its "Track the Message Status of Outbound Messages" guide shows
// them for SMS and for WhatsApp.
func smsStatus(sid, status, code string) url.Values {
	v := url.Values{
		"AccountSid": {"AC0000"}, "ApiVersion": {"2010-04-01"},
		"From": {"+447700900999"}, "To": {sender},
		"MessageSid": {sid}, "SmsSid": {sid},
		"MessageStatus": {status}, "SmsStatus": {status},
	}
	if code != "" {
		v.Set("ErrorCode", code)
	}
	if status == "delivered" || status == "undelivered" {
		v.Set("RawDlrDoneDate", "2603020930")
	}
	return v
}

func whatsAppStatus(sid, status, code string) url.Values {
	v := url.Values{
		"AccountSid": {"AC0000"}, "ApiVersion": {"2010-04-01"},
		"ChannelInstallSid": {"XE0000"}, "ChannelPrefix": {"whatsapp"}, "ChannelToAddress": {"+4477009004XX"},
		"From": {"whatsapp:+447700900999"}, "To": {"whatsapp:+447700900456"},
		"MessageSid": {sid}, "SmsSid": {sid}, "MessageStatus": {status}, "SmsStatus": {status},
		"StructuredMessage": {"false"},
	}
	if code != "" {
		v.Set("ErrorCode", code)
	}
	if status == "read" {
		v.Set("EventType", "READ")
	}
	return v
}

// postStatus posts a status callback form to h, as postSigned does.
func postStatus(h http.Handler, v url.Values, sig string) *httptest.ResponseRecorder {
	return postSigned(h, statusPath, v, sig)
}

func TestStatusWebhook(t *testing.T) {
	rec := &deliveries{}
	h := &twilio.StatusWebhook{AuthToken: token, PublicBaseURL: base, Handler: rec, Now: func() time.Time { return now }}
	sms := channels.Identity{Channel: channels.SMS, Address: sender}
	wa := channels.Identity{Channel: channels.WhatsApp, Address: "+447700900456"}
	tests := []struct {
		name string
		form url.Values
		want channels.Delivery
	}{
		{"sent", smsStatus("SM1", "sent", ""), channels.Delivery{ProviderID: "SM1", To: sms, State: channels.DeliverySent, At: now}},
		{"delivered", smsStatus("SM1", "delivered", ""), channels.Delivery{ProviderID: "SM1", To: sms, State: channels.DeliveryDelivered, At: now}},
		{"undelivered, handset off", smsStatus("SM2", "undelivered", "30003"), channels.Delivery{ProviderID: "SM2", To: sms,
			State: channels.DeliveryUndelivered, ErrorCode: "30003", At: now,
			Err: &twilio.DeliveryError{Status: channels.DeliveryUndelivered, Code: twilio.CodeUnreachable}}},
		{"whatsapp read", whatsAppStatus("SM3", "read", ""), channels.Delivery{ProviderID: "SM3", To: wa, State: channels.DeliveryRead, At: now}},
		{"whatsapp outside the window", whatsAppStatus("SM4", "failed", "63016"), channels.Delivery{ProviderID: "SM4", To: wa,
			State: channels.DeliveryFailed, ErrorCode: "63016", At: now,
			Err: &twilio.DeliveryError{Status: channels.DeliveryFailed, Code: twilio.CodeOutsideWindow}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec.got = nil
			w := postStatus(h, tt.form, "")
			if w.Code != http.StatusNoContent {
				t.Fatalf("status: got %d %s, want 204", w.Code, w.Body)
			}
			if len(rec.got) != 1 {
				t.Fatalf("got %d reports, want 1", len(rec.got))
			}
			if diff := cmp.Diff(tt.want, rec.got[0]); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}
}

func TestStatusWebhookRejects(t *testing.T) {
	rec := &deliveries{}
	h := &twilio.StatusWebhook{AuthToken: token, PublicBaseURL: base, Handler: rec}
	good := smsStatus("SM1", "delivered", "")
	tests := []struct {
		name string
		form url.Values
		sig  string
		want int
	}{
		{"wrong token", good, twilio.SignRequest("other", base+statusPath, good), http.StatusForbidden},
		{"signed for the inbound URL", good, twilio.SignRequest(token, base+smsPath, good), http.StatusForbidden},
		{"no signature", good, "x", http.StatusForbidden},
		{"no status", url.Values{"MessageSid": {"SM1"}}, "", http.StatusBadRequest},
		{"no sid", url.Values{"MessageStatus": {"sent"}}, "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if w := postStatus(h, tt.form, tt.sig); w.Code != tt.want {
				t.Errorf("got %d, want %d", w.Code, tt.want)
			}
		})
	}
	if len(rec.got) != 0 {
		t.Errorf("handed on %d reports from refused requests, want 0", len(rec.got))
	}
	rec.fail = errors.New("database locked")
	if w := postStatus(h, good, ""); w.Code != http.StatusInternalServerError {
		t.Errorf("handler failure: got %d, want 500", w.Code)
	}
}

func TestDeliveryErrorClassification(t *testing.T) {
	tests := []struct {
		code      int
		temporary bool
		is        error
	}{
		{twilio.CodeQueueOverflow, true, nil},
		{twilio.CodeUnreachable, true, nil},
		{twilio.CodeCongestion, true, nil},
		{twilio.CodeChannelRateLimit, true, nil},
		{twilio.CodeUnknownError, false, nil},
		{twilio.CodeMissingSegment, false, nil},
		{twilio.CodeUnknownHandset, false, channels.ErrInvalid},
		{twilio.CodeLandline, false, channels.ErrInvalid},
		{twilio.CodeOutsideWindow, false, channels.ErrOutsideWindow},
		{twilio.CodeUnsubscribed, false, channels.ErrOptedOut},
	}
	for _, tt := range tests {
		e := &twilio.DeliveryError{Status: channels.DeliveryUndelivered, Code: tt.code}
		if got := e.Temporary(); got != tt.temporary {
			t.Errorf("%d: Temporary got %v, want %v", tt.code, got, tt.temporary)
		}
		if tt.is != nil && !errors.Is(e, tt.is) {
			t.Errorf("%d: got %v, want it to wrap %v", tt.code, e, tt.is)
		}
	}
}
