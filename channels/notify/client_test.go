package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/townhall-civic/townhall/channels"
	"github.com/townhall-civic/townhall/channels/notify"
)

// testKey is the key used in alphagov/notifications-python-client's tests.
const (
	testKey   = "key_name-c745a8d8-b48a-4b0d-96e5-dbea0165ebd1-8b3aa916-ec82-434e-b0c5-d5d9b371d6a3"
	serviceID = "c745a8d8-b48a-4b0d-96e5-dbea0165ebd1"
	secretKey = "8b3aa916-ec82-434e-b0c5-d5d9b371d6a3"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func TestParseKey(t *testing.T) {
	tests := []struct {
		in      string
		want    notify.Key
		wantErr bool
	}{
		{testKey, notify.Key{Name: "key_name", ServiceID: serviceID, Secret: secretKey}, false},
		{"my-live-key-" + serviceID + "-" + secretKey, notify.Key{Name: "my-live-key", ServiceID: serviceID, Secret: secretKey}, false},
		{serviceID + "-" + secretKey, notify.Key{ServiceID: serviceID, Secret: secretKey}, false},
		{"key_name-" + serviceID, notify.Key{}, true},
		{"key_name-" + serviceID + "_" + secretKey, notify.Key{}, true},
		{"key_name-c745a8d8-b48a-4b0d-96e5-dbea0165ebdZ-" + secretKey, notify.Key{}, true},
		{"", notify.Key{}, true},
	}
	for _, tt := range tests {
		got, err := notify.ParseKey(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseKey(%q): err %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if tt.wantErr && !errors.Is(err, channels.ErrInvalid) {
			t.Errorf("ParseKey(%q): got %v, want ErrInvalid", tt.in, err)
		}
		if got != tt.want {
			t.Errorf("ParseKey(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// fakeNotify plays Notify's API. It verifies each request's JWT with its
// own code, as Notify does: HS256 under the service's secret, iss the
// service id, iat within 30 seconds of its clock.
type fakeNotify struct {
	t      *testing.T
	now    time.Time
	path   string
	body   map[string]any
	status int
	reply  string
}

func (f *fakeNotify) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if msg := f.checkToken(r.Header.Get("Authorization")); msg != "" {
		w.WriteHeader(403)
		json.NewEncoder(w).Encode(map[string]any{"status_code": 403, "errors": []map[string]string{{"error": "AuthError", "message": msg}}})
		return
	}
	f.path = r.Method + " " + r.URL.Path
	b, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(b, &f.body); err != nil {
		f.t.Errorf("body is not JSON: %v", err)
	}
	w.WriteHeader(f.status)
	io.WriteString(w, f.reply)
}

func (f *fakeNotify) checkToken(auth string) string {
	tok, ok := strings.CutPrefix(auth, "Bearer ")
	if !ok {
		return "Unauthorized: authentication token must be provided"
	}
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "Invalid token: not a JWT"
	}
	var header struct{ Typ, Alg string }
	var claims struct {
		Iss string
		Iat int64
	}
	for i, v := range []any{&header, &claims} {
		raw, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil || json.Unmarshal(raw, v) != nil {
			return "Invalid token: undecodable"
		}
	}
	if header.Typ != "JWT" || header.Alg != "HS256" {
		return "Invalid token: header"
	}
	mac := hmac.New(sha256.New, []byte(secretKey))
	mac.Write([]byte(parts[0] + "." + parts[1]))
	sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return "Invalid token: signature, api token not found"
	}
	if claims.Iss != serviceID {
		return "Invalid token: service not found"
	}
	if d := f.now.Unix() - claims.Iat; d > 30 || d < -30 {
		return "Error: Your system clock must be accurate to within 30 seconds"
	}
	return ""
}

func newClient(t *testing.T, status int, reply string) (*notify.Client, *fakeNotify) {
	fake := &fakeNotify{t: t, now: now, status: status, reply: reply}
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	return &notify.Client{APIKey: testKey, BaseURL: srv.URL, HTTPClient: srv.Client(), Now: func() time.Time { return now.Add(-5 * time.Second) }}, fake
}

const smsReply = `{"id":"740e5834-3a29-46b4-9a6f-16142fde533a","reference":"PH-123",
  "content":{"body":"Thornbury Vale Council: we have logged your pothole report PH-123.","from_number":"TVBC"},
  "uri":"https://api.notifications.service.gov.uk/v2/notifications/740e5834-3a29-46b4-9a6f-16142fde533a",
  "template":{"id":"f33517ff-2a88-4f6e-b855-c550268ce08a","version":1,"uri":"https://api.notifications.service.gov.uk/v2/template/f33517ff-2a88-4f6e-b855-c550268ce08a"},
  "scheduled_for":null}`

func TestSendSMS(t *testing.T) {
	c, fake := newClient(t, 201, smsReply)
	n, err := c.SendSMS(context.Background(), notify.SMS{
		PhoneNumber:     "+447700900123",
		TemplateID:      "f33517ff-2a88-4f6e-b855-c550268ce08a",
		Personalisation: map[string]any{"ref": "PH-123", "service": "pothole"},
		Reference:       "PH-123",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fake.path, "POST /v2/notifications/sms"; got != want {
		t.Errorf("request: got %s, want %s", got, want)
	}
	wantBody := map[string]any{
		"phone_number":    "+447700900123",
		"template_id":     "f33517ff-2a88-4f6e-b855-c550268ce08a",
		"personalisation": map[string]any{"ref": "PH-123", "service": "pothole"},
		"reference":       "PH-123",
	}
	if diff := cmp.Diff(wantBody, fake.body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	want := &notify.Notification{
		ID:        "740e5834-3a29-46b4-9a6f-16142fde533a",
		Reference: "PH-123",
		URI:       "https://api.notifications.service.gov.uk/v2/notifications/740e5834-3a29-46b4-9a6f-16142fde533a",
		Content:   notify.Content{Body: "Thornbury Vale Council: we have logged your pothole report PH-123.", FromNumber: "TVBC"},
		Template: notify.TemplateRef{ID: "f33517ff-2a88-4f6e-b855-c550268ce08a", Version: 1,
			URI: "https://api.notifications.service.gov.uk/v2/template/f33517ff-2a88-4f6e-b855-c550268ce08a"},
	}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("notification (-want +got):\n%s", diff)
	}
}

func TestSendEmail(t *testing.T) {
	c, fake := newClient(t, 201, `{"id":"e1","reference":null,"content":{"subject":"FOI request received","body":"Dear Sam","from_email":"foi@example.gov.uk"},"uri":"u","template":{"id":"t1","version":3,"uri":"tu"}}`)
	n, err := c.SendEmail(context.Background(), notify.Email{
		EmailAddress: "sam@example.com", TemplateID: "t1",
		Personalisation: map[string]any{"due_date": "30 March 2026"}, EmailReplyToID: "r1",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fake.path, "POST /v2/notifications/email"; got != want {
		t.Errorf("request: got %s, want %s", got, want)
	}
	wantBody := map[string]any{"email_address": "sam@example.com", "template_id": "t1",
		"personalisation": map[string]any{"due_date": "30 March 2026"}, "email_reply_to_id": "r1"}
	if diff := cmp.Diff(wantBody, fake.body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	if n.Content.Subject != "FOI request received" || n.Template.Version != 3 {
		t.Errorf("got %+v", n)
	}
}

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	sms := notify.SMS{PhoneNumber: "+447700900123", TemplateID: "t1"}
	t.Run("bad request", func(t *testing.T) {
		c, _ := newClient(t, 400, `{"status_code":400,"errors":[{"error":"BadRequestError","message":"Can't send to this recipient using a team-only API key"}]}`)
		_, err := c.SendSMS(ctx, sms)
		if !errors.Is(err, channels.ErrInvalid) {
			t.Errorf("got %v, want ErrInvalid", err)
		}
		e, ok := errors.AsType[*notify.Error](err)
		want := &notify.Error{StatusCode: 400, Errors: []notify.APIError{{Error: "BadRequestError", Message: "Can't send to this recipient using a team-only API key"}}}
		if diff := cmp.Diff(want, e); !ok || diff != "" {
			t.Errorf("error (-want +got):\n%s", diff)
		}
	})
	t.Run("clock out by more than 30s", func(t *testing.T) {
		c, _ := newClient(t, 201, smsReply)
		c.Now = func() time.Time { return now.Add(-31 * time.Second) }
		_, err := c.SendSMS(ctx, sms)
		e, ok := errors.AsType[*notify.Error](err)
		if !ok || e.StatusCode != 403 || e.Errors[0].Error != "AuthError" {
			t.Errorf("got %v, want a 403 AuthError", err)
		}
	})
	t.Run("wrong secret", func(t *testing.T) {
		c, _ := newClient(t, 201, smsReply)
		c.APIKey = "key_name-" + serviceID + "-00000000-0000-0000-0000-000000000000"
		if _, err := c.SendSMS(ctx, sms); err == nil || !strings.Contains(err.Error(), "signature") {
			t.Errorf("got %v, want a signature failure", err)
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		c, _ := newClient(t, 429, `{"status_code":429,"errors":[{"error":"RateLimitError","message":"Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"}]}`)
		_, err := c.SendSMS(ctx, sms)
		if e, ok := errors.AsType[*notify.Error](err); !ok || !e.Temporary() {
			t.Errorf("got %v, want temporary error", err)
		}
	})
	t.Run("not json", func(t *testing.T) {
		c, _ := newClient(t, 502, `<html>Bad gateway</html>`)
		_, err := c.SendSMS(ctx, sms)
		if e, ok := errors.AsType[*notify.Error](err); !ok || e.StatusCode != 502 || !e.Temporary() {
			t.Errorf("got %v, want 502", err)
		}
	})
	t.Run("local validation", func(t *testing.T) {
		c, fake := newClient(t, 201, smsReply)
		for _, err := range []error{
			func() error { _, err := c.SendSMS(ctx, notify.SMS{TemplateID: "t"}); return err }(),
			func() error { _, err := c.SendEmail(ctx, notify.Email{EmailAddress: "a@b"}); return err }(),
			func() error {
				bad := *c
				bad.APIKey = "nonsense"
				_, err := bad.SendSMS(ctx, sms)
				return err
			}(),
		} {
			if !errors.Is(err, channels.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		}
		if fake.path != "" {
			t.Errorf("made a request: %s", fake.path)
		}
	})
}

func TestTokenShape(t *testing.T) {
	k, _ := notify.ParseKey(testKey)
	tok := k.Token(time.Unix(1772442000, 0))
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("got %q, want three parts", tok)
	}
	claims, _ := base64.RawURLEncoding.DecodeString(parts[1])
	if got, want := string(claims), `{"iss":"`+serviceID+`","iat":1772442000}`; got != want {
		t.Errorf("claims: got %s, want %s", got, want)
	}
}

func TestSMSSender(t *testing.T) {
	ctx := context.Background()
	c, fake := newClient(t, 201, smsReply)
	opt := channels.NewMemOptOuts()
	s := &notify.SMSSender{Client: c, TemplateID: "free-text", OptOuts: opt}
	to := channels.Identity{Channel: channels.SMS, Address: "+447700900123"}
	id, err := s.Send(ctx, channels.Outbound{To: to, Text: "Your pothole report PH-123 is fixed.", Links: []channels.Link{{URL: "https://example.gov.uk/r/PH-123"}}})
	if err != nil {
		t.Fatal(err)
	}
	if id != "740e5834-3a29-46b4-9a6f-16142fde533a" {
		t.Errorf("id: got %q", id)
	}
	want := map[string]any{"phone_number": "+447700900123", "template_id": "free-text",
		"personalisation": map[string]any{"message": "Your pothole report PH-123 is fixed.\n\nhttps://example.gov.uk/r/PH-123"}}
	if diff := cmp.Diff(want, fake.body); diff != "" {
		t.Errorf("request body (-want +got):\n%s", diff)
	}
	opt.SetOptedOut(ctx, to, true)
	if _, err := s.Send(ctx, channels.Outbound{To: to, Text: "again"}); !errors.Is(err, channels.ErrOptedOut) {
		t.Errorf("got %v, want ErrOptedOut", err)
	}
	if _, err := s.Send(ctx, channels.Outbound{To: channels.Identity{Channel: channels.WhatsApp, Address: "+447700900123"}, Text: "x"}); !errors.Is(err, channels.ErrInvalid) {
		t.Errorf("got %v, want ErrInvalid", err)
	}
}
